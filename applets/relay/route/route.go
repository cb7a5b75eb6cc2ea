// Package route carries envelopes to the live connections of an identity,
// and keeps them for a while when there are none: the relay's switchboard.
//
// Router is the interface the relay depends on; Memory keeps everything in
// the process. A cluster of relays would share one behind the same
// interface, so nothing here assumes a single process but Memory itself.
package route

import "github.com/nport/nport/core/identity"

// Endpoint is a live connection of an identity.
type Endpoint interface {
	// Deliver hands the connection a whole encoded frame, which it must
	// not change, without blocking. It returns false if the connection
	// cannot take it (its send queue is full, or it is closing); the
	// connection then ends itself, and must not call back into the
	// Router from Deliver to do so.
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
	// Dropped: no live connection took it and there is no room to keep it.
	Dropped
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

	// Route delivers frame to every live connection of name, or queues it
	// when none takes it.
	Route(name identity.Name, frame []byte) Result
}
