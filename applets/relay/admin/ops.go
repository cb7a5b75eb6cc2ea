package admin

import (
	"fmt"
	"time"

	"github.com/nport/nport/applets/relay/claim"
	"github.com/nport/nport/applets/relay/directory"
	"github.com/nport/nport/core/identity"
)

// Database is what the operator's operations change: a relay's database
// (store.Store), or a cluster's directory.
type Database interface {
	directory.Directory
	// Invite records an invitation for name under the hash of its token.
	Invite(hash [32]byte, name identity.Name, expires time.Time) error
}

// Ops runs the operator's operations on a relay's database: in the relay
// for its socket, or in the command itself when no relay runs.
type Ops struct {
	Store Database
	// Now is the clock of invitations; nil means time.Now.
	Now func() time.Time
}

// Do runs one request.
func (o Ops) Do(req Request) Response {
	var r Response
	var err error
	switch req.Op {
	case OpList:
		r.Bindings, err = o.list()
	case OpRemove:
		r.Removed, err = o.remove(req.Name)
	case OpInvite:
		r.Token, r.Expires, err = o.invite(req.Name, req.TTL)
	default:
		err = fmt.Errorf("unknown operation %q: use %s, %s or %s", req.Op, OpList, OpRemove, OpInvite)
	}
	if err != nil {
		return Response{Error: err.Error()}
	}
	return r
}

func (o Ops) list() ([]Binding, error) {
	list, err := o.Store.List()
	if err != nil {
		return nil, err
	}
	out := make([]Binding, len(list))
	for i, b := range list {
		out[i] = Binding{Name: string(b.Name), Key: b.Key.String(), Claimed: b.Claimed, LastSeen: b.LastSeen}
	}
	return out, nil
}

func (o Ops) remove(text string) (*Binding, error) {
	name, err := identity.ParseName(text)
	if err != nil {
		return nil, err
	}
	key, _, err := o.Store.Lookup(name)
	if err != nil {
		return nil, err
	}
	if err := o.Store.Remove(name); err != nil {
		return nil, err
	}
	return &Binding{Name: string(name), Key: key.String()}, nil
}

func (o Ops) invite(text, ttlText string) (string, time.Time, error) {
	name, err := identity.ParseName(text)
	if err != nil {
		return "", time.Time{}, err
	}
	ttl := DefaultInviteTTL
	if ttlText != "" {
		if ttl, err = time.ParseDuration(ttlText); err != nil || ttl <= 0 {
			return "", time.Time{}, fmt.Errorf("invitation time to live %q: want a duration above 0, as 24h or 30m", ttlText)
		}
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	token, hash := claim.NewToken()
	expires := now().Add(ttl)
	if err := o.Store.Invite(hash, name, expires); err != nil {
		return "", time.Time{}, err
	}
	return token, expires, nil
}
