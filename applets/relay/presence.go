package relay

import (
	"github.com/nport/nport/applets/relay/route"
	"github.com/nport/nport/core/identity"
)

// seer is told when the connections of a name come and go: the store,
// for the names' last-seen times and so that a live name never expires.
type seer interface {
	Connected(identity.Name)
	Disconnected(identity.Name)
}

// presence is the router the server uses: the router, with the seer told
// of every connection it attaches and detaches.
type presence struct {
	route.Router
	seen seer
}

// Attach tells the seer, then attaches.
func (p presence) Attach(name identity.Name, ep route.Endpoint) {
	p.seen.Connected(name)
	p.Router.Attach(name, ep)
}

// Detach detaches, then tells the seer.
func (p presence) Detach(name identity.Name, ep route.Endpoint) {
	p.Router.Detach(name, ep)
	p.seen.Disconnected(name)
}
