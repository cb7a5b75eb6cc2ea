// Package claim is the relay's claim policy: which keys may bind which
// names. A name bound to a key stays that key's, and its reconnections
// are never limited; the policy decides only about names not bound yet.
//
//   - open: the first key to prove a name gets it, with at most Rate new
//     names a minute from one source address (a burst of Burst), and at
//     most MaxNames names on the relay;
//   - allow: only the names and keys on the allow list may claim;
//   - invite: only a key that presents an invitation's token may claim.
//
// An invitation (`nport relay invite @name`) works under every policy, and
// past the rate and the cap: the operator asked for it.
package claim

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nport/nport/applets/relay/directory"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/wire"
)

// Mode is a claim policy.
type Mode string

// The claim policies.
const (
	Open   Mode = "open"
	Allow  Mode = "allow"
	Invite Mode = "invite"
)

// Names is where the policy binds names: the relay's database.
type Names interface {
	directory.Directory
	// Redeem binds name to key with the invitation whose token hashes to
	// hash (SHA-256), and deletes the invitation.
	Redeem(hash [32]byte, name identity.Name, key identity.PublicKey) error
}

// Options configure a Policy.
type Options struct {
	Mode Mode
	// Rate is the new names a minute one source address may claim under
	// the open policy, Burst how many at once; a Rate of 0 is no limit.
	Rate, Burst int
	// MaxNames caps the names bound under the open policy; 0 is no cap.
	MaxNames int
	// Allow lists the names ("@name") and keys ("nport-pub:…") that may
	// claim under the allow policy.
	Allow []string
	// Logger receives refused claims, at most a few a second; nil
	// discards them.
	Logger *slog.Logger
	// Now is the clock of the rate; nil means time.Now.
	Now func() time.Time
	// Share, if set, returns how many relays share the rate of each
	// source (a cluster's): each grants its share, so that an address
	// that spreads its claims over every relay gets no more than from
	// one. Nil means one relay.
	Share func() int
}

// Check refuses an unknown mode, an allow list without the allow policy
// or with an entry it cannot read, and an allow policy without a list.
func (o Options) Check() error {
	switch o.Mode {
	case Open, Invite, "":
		if len(o.Allow) > 0 {
			return fmt.Errorf("claim: --allow lists who may claim under --claim-policy allow only, and the policy is %s: set both, or neither", o.Mode)
		}
	case Allow:
		if len(o.Allow) == 0 {
			return errors.New("claim: --claim-policy allow needs at least one --allow @name or --allow nport-pub:KEY")
		}
	default:
		return fmt.Errorf("claim: unknown --claim-policy %q: use open, allow or invite", o.Mode)
	}
	_, err := parseAllow(o.Allow)
	return err
}

// Policy decides the claims of one relay. It is safe for concurrent use.
type Policy struct {
	opt     Options
	names   Names
	allow   allowList
	sources *sources
	log     *refusalLog
}

// New returns the policy of opt, binding names in names. It refuses an
// unknown mode, and an allow list with an entry it cannot read.
func New(names Names, opt Options) (*Policy, error) {
	if opt.Mode == "" {
		opt.Mode = Open
	}
	if err := opt.Check(); err != nil {
		return nil, err
	}
	allow, _ := parseAllow(opt.Allow)
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Policy{opt: opt, names: names, allow: allow, sources: newSources(opt.Rate, opt.Burst), log: newRefusalLog(opt.Logger)}, nil
}

// Claim decides a client's claim of its name, binding it when the policy
// lets it. A refusal is a wire.Refusal that says what to do, or an error
// wrapping directory.ErrNameTaken; it is logged.
func (p *Policy) Claim(cl relayconn.Claim) error {
	err := p.decide(cl)
	if err != nil {
		p.log.refused(cl, err)
	}
	return err
}

func (p *Policy) decide(cl relayconn.Claim) error {
	bound, ok, err := p.names.Lookup(cl.Name)
	if err != nil {
		return p.failed(cl, err)
	}
	if ok {
		if bound.Equal(cl.Key) {
			return nil // a reconnection: never limited
		}
		return fmt.Errorf("%w: %s is bound to %s, not %s", directory.ErrNameTaken, cl.Name, bound.Fingerprint(), cl.Key.Fingerprint())
	}
	if len(cl.Token) > 0 {
		return p.redeem(cl)
	}
	switch p.opt.Mode {
	case Invite:
		return notAllowed("this relay admits invited identities only: ask its operator for `nport relay invite %s` and start with --claim-token", cl.Name)
	case Allow:
		if !p.allow.admits(cl.Name, cl.Key) {
			return notAllowed("%s (key %s) is not on this relay's allow list: ask its operator to add it (--allow %s), or for `nport relay invite %s`", cl.Name, cl.Key.Fingerprint(), cl.Name, cl.Name)
		}
	case Open:
		if err := p.limit(cl); err != nil {
			return err
		}
	}
	return p.bind(cl)
}

// limit applies the cap and the per-source rate of the open policy.
func (p *Policy) limit(cl relayconn.Claim) error {
	if max := p.opt.MaxNames; max > 0 && p.names.Count() >= max {
		return refusal(wire.RefuseLimit, "this relay holds its limit of %d names: ask its operator to raise --max-names, remove unused names, or invite you (`nport relay invite %s`)", max, cl.Name)
	}
	share := 1
	if p.opt.Share != nil {
		share = p.opt.Share()
	}
	if !p.sources.allow(cl.Remote, p.opt.Now(), share) {
		return refusal(wire.RefuseRate, "too many new names from your address (%d a minute at most): try again in a minute, or ask the relay's operator for `nport relay invite %s`", p.opt.Rate, cl.Name)
	}
	return nil
}

// bind binds the name, which another claim may have taken meanwhile.
func (p *Policy) bind(cl relayconn.Claim) error {
	err := p.names.Claim(cl.Name, cl.Key)
	if err != nil && !errors.Is(err, directory.ErrNameTaken) {
		return p.failed(cl, err)
	}
	return err
}

// failed reports a storage failure to the log and a refusal to the
// client, which tries again later.
func (p *Policy) failed(cl relayconn.Claim, err error) error {
	p.log.failed(cl, err)
	return refusal(wire.RefuseUnknown, "the relay could not record the claim of %s; try again later", cl.Name)
}
