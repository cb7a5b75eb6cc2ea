package claim

import (
	"errors"

	"github.com/nport/nport/applets/relay/directory"
	"github.com/nport/nport/applets/relay/store"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/wire"
)

// redeem binds the name with the invitation of the client's token.
func (p *Policy) redeem(cl relayconn.Claim) error {
	if len(cl.Token) != wire.ClaimTokenLen {
		return notAllowed("the claim token is %d bytes, want %d: give the whole token `nport relay invite %s` printed", len(cl.Token), wire.ClaimTokenLen, cl.Name)
	}
	err := p.names.Redeem(hashToken(cl.Token), cl.Name, cl.Key)
	switch {
	case err == nil, errors.Is(err, directory.ErrNameTaken):
		return err
	case errors.Is(err, store.ErrOtherName):
		return notAllowed("this claim token is for another name: start with the name it was issued for, or ask the relay's operator for `nport relay invite %s`", cl.Name)
	case errors.Is(err, store.ErrNoInvitation):
		return notAllowed("the claim token is unknown, expired or used already: ask the relay's operator for a new one (`nport relay invite %s`)", cl.Name)
	}
	return p.failed(cl, err)
}
