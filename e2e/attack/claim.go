//go:build linux

package attack

import (
	"context"

	"github.com/nport/nport/core/identity"
)

// Defaults of a ClaimFlood.
const (
	DefaultClaimWorkers = 4
	DefaultClaimCount   = 2000
)

// ClaimFlood claims fresh names with fresh keys on the relay, through
// the real handshake, as fast as its workers can, and leaves as soon as
// each claim is welcomed: a flood of registrations.
type ClaimFlood struct {
	Relay    string
	RelayKey identity.PublicKey
	Workers  int // claims at once, DefaultClaimWorkers if 0
	Sources  Sources
	// Bounds: Count is claims in all, DefaultClaimCount if 0.
	Bounds Bounds
	readiness
}

// Run claims until its bounds end it. Accepted counts the claims
// welcomed; Refused the relay's refusals by code (rate, limit,
// not-allowed, …).
func (f *ClaimFlood) Run(ctx context.Context) Counters {
	defer f.markReady()
	ctx, cancel, bud := f.Bounds.withDefaults(DefaultClaimCount).start(ctx)
	defer cancel()
	var t tally
	spread(ctx, orDefault(f.Workers, DefaultClaimWorkers), bud, func(i int) {
		f.claim(ctx, i, &t)
		f.markReady()
	})
	return t.snapshot()
}

// claim makes one claim from socket i.
func (f *ClaimFlood) claim(ctx context.Context, i int, t *tally) {
	t.attempt()
	id, err := freshIdentity("@claim")
	if err != nil {
		t.failed(err)
		return
	}
	nc, err := f.Sources.dial(ctx, i, f.Relay)
	if err != nil {
		countEnd(ctx, err, t)
		return
	}
	l, err := handshake(ctx, nc, id, f.RelayKey)
	if err != nil {
		countEnd(ctx, err, t)
		return
	}
	t.accepted()
	l.close()
}
