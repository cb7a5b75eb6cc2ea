// Package route carries envelopes to the live connections of an identity,
// and keeps them for a while when there are none: the relay's switchboard.
//
// Router is the interface the relay depends on; Memory holds the live
// connections in the process and hands the rest to a Queue. A cluster of
// relays would share one behind the same interface, so nothing here
// assumes a single process but Memory itself.
package route

import (
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// Endpoint is a live connection of an identity.
type Endpoint interface {
	// ID is the connection's id, which answers address with RouteTo.
	ID() wire.ConnID

	// Service reports whether the connection is a service's: a frame for
	// the name goes to one service connection, not to each.
	Service() bool

	// Deliver hands the connection a whole encoded frame, which it must
	// not change, without blocking. It returns false if the connection
	// cannot take it now (what waits for it from this sender is at its
	// bound, or it is closing); it must not call back into the Router.
	Deliver(frame []byte) bool
}

// Result says what Route did with a frame.
type Result int

// The results of Route.
const (
	// Delivered: handed to at least one live connection.
	Delivered Result = iota
	// Queued: no live connection took it; it waits for the next one.
	Queued
	// Dropped: the live connections had no room for it (they are busy),
	// or none is live and there is no room to keep it.
	Dropped
	// Gone: the connection RouteTo named is not live.
	Gone
)

// String names the result for logs.
func (r Result) String() string {
	switch r {
	case Delivered:
		return "delivered"
	case Queued:
		return "queued"
	case Dropped:
		return "dropped"
	case Gone:
		return "gone"
	}
	return "unknown"
}

// Router delivers frames to identities. Implementations are safe for
// concurrent use.
type Router interface {
	// Attach adds a live connection of name and hands it, oldest first,
	// what was queued for name, before any frame routed after Attach.
	Attach(name identity.Name, ep Endpoint)

	// Detach removes a connection added by Attach.
	Detach(name identity.Name, ep Endpoint)

	// Route delivers frame to name: to each of its live connections that
	// are not services and to one of those that are, or to the queue when
	// none is live.
	Route(name identity.Name, frame []byte) Result

	// RouteTo delivers frame to the live connection id of name only; it
	// never queues.
	RouteTo(name identity.Name, id wire.ConnID, frame []byte) Result
}
