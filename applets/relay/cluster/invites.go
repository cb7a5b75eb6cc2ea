package cluster

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/nport/nport/applets/relay/store"
	"github.com/nport/nport/core/identity"
)

// An invitation is kept in the bucket nport-invites under the hex SHA-256
// of its token, never the token itself; its value is its expiry in Unix
// milliseconds, big-endian, then the name, as in a single relay's
// database.

// Invite records an invitation for name, valid until expires. It refuses
// a name that is bound already.
func (d *Directory) Invite(hash [32]byte, name identity.Name, expires time.Time) error {
	ctx, cancel := d.c.ctx()
	defer cancel()
	if b, ok, err := d.get(ctx, name); err != nil {
		return err
	} else if ok {
		return fmt.Errorf("%w: %s is bound to %s (release it first with `nport relay directory remove %s`, then invite again)", store.ErrNameBound, name, b.Key.Fingerprint(), name)
	}
	v := binary.BigEndian.AppendUint64(nil, uint64(expires.UnixMilli()))
	if _, err := d.invites.Put(ctx, hex.EncodeToString(hash[:]), append(v, name...)); err != nil {
		return fmt.Errorf("cluster: invite %s: %w", name, err)
	}
	return nil
}

// Redeem binds name to key with the invitation under hash, and deletes
// it. The delete is a compare-and-set on the invitation's revision, so
// one claimant only, on whichever relay, gets in with one token.
func (d *Directory) Redeem(hash [32]byte, name identity.Name, key identity.PublicKey) error {
	if err := d.c.Available(); err != nil {
		return err
	}
	ctx, cancel := d.c.ctx()
	defer cancel()
	k := hex.EncodeToString(hash[:])
	e, err := d.invites.Get(ctx, k)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return store.ErrNoInvitation
	}
	if err != nil {
		return fmt.Errorf("cluster: read the invitation: %w", err)
	}
	v := e.Value()
	if len(v) < 8 || !d.c.opt.Now().Before(time.UnixMilli(int64(binary.BigEndian.Uint64(v)))) {
		return store.ErrNoInvitation
	}
	if got := identity.Name(v[8:]); got != name {
		return fmt.Errorf("%w: it is for %s, not %s", store.ErrOtherName, got, name)
	}
	if _, ok, err := d.get(ctx, name); err != nil {
		return err
	} else if ok {
		return d.Claim(name, key) // bound: the answer for a bound name
	}
	if err := d.invites.Purge(ctx, k, jetstream.LastRevision(e.Revision())); err != nil {
		return store.ErrNoInvitation // another claimant used it first
	}
	return d.Claim(name, key)
}
