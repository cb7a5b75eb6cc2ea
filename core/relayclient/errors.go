package relayclient

import (
	"errors"
	"fmt"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// Sentinel errors, checked with errors.Is.
var (
	// ErrStopped means Run has returned: nothing more is sent or received.
	ErrStopped = errors.New("relayclient: the relay connection was shut down")
	// ErrUnknownName means no identity has ever claimed the name on the
	// relay; the error is an *UnknownNameError.
	ErrUnknownName = errors.New("relayclient: name unknown to the relay")
	// ErrQueueFull means the connection is down and the queue of messages
	// waiting for it is full.
	ErrQueueFull = errors.New("relayclient: outbound queue full")
	// ErrDropped means the relay dropped a message: the recipient's queue
	// was full, or this identity sent too fast.
	ErrDropped = errors.New("relayclient: the relay dropped the message")
)

// UnknownNameError says that a name was never claimed on the relay.
type UnknownNameError struct {
	Name  identity.Name
	Relay string
}

// Error says what it means and what to check.
func (e *UnknownNameError) Error() string {
	return fmt.Sprintf("%s has never connected to relay %s (check the name; an identity claims it when it first connects)", e.Name, e.Relay)
}

// Is makes errors.Is(err, ErrUnknownName) true.
func (e *UnknownNameError) Is(target error) bool { return target == ErrUnknownName }

// NoAnswerError is a Request whose context ran out before the answer
// came. It unwraps to the context's error.
type NoAnswerError struct {
	To        identity.Name
	After     time.Duration
	Relay     string
	Connected bool // whether the relay connection was up at the end
	Offline   bool // the relay held the message: To was not connected to it
	Cause     error
}

// Error says what may be wrong, which depends on whether the relay
// connection itself was up.
func (e *NoAnswerError) Error() string {
	if !e.Connected {
		return fmt.Sprintf("%s did not answer within %v: not connected to relay %s (still retrying; check --relay and the network)",
			e.To, e.After, e.Relay)
	}
	if e.Offline {
		return fmt.Sprintf("%s is offline: it is not connected to relay %s (is it running, and can it reach the relay?)", e.To, e.Relay)
	}
	return fmt.Sprintf("%s did not answer within %v (is it running and connected to the relay, and are you allowed to use it?)", e.To, e.After)
}

// Unwrap returns the context's error.
func (e *NoAnswerError) Unwrap() error { return e.Cause }

// fatal reports whether a connection error will not go away by retrying:
// the relay's key changed, or the relay refused this identity for good.
func fatal(err error) bool {
	var changed *identity.KeyChangedError
	if errors.As(err, &changed) || errors.Is(err, wire.ErrVersion) {
		return true
	}
	var r wire.Refusal
	if errors.As(err, &r) {
		switch r.Code {
		case wire.RefuseBadAuth, wire.RefuseNameTaken, wire.RefuseVersion, wire.RefuseNotAllowed:
			return true
		}
	}
	return false
}

// explain adds what to do to a fatal error.
func (c *Client) explain(err error) error {
	var r wire.Refusal
	if !errors.As(err, &r) {
		return err
	}
	name := c.cfg.Identity.Name
	switch r.Code {
	case wire.RefuseNameTaken:
		return fmt.Errorf("%w (another key claimed %s on this relay first: use another name, or ask the relay's operator to remove the binding with `nport relay directory remove %s`)", err, name, name)
	case wire.RefuseBadAuth:
		return fmt.Errorf("%w (the relay did not accept the proof of %s's key: check the key file)", err, name)
	case wire.RefuseVersion:
		return fmt.Errorf("%w (this nport speaks protocol %d: upgrade the older of the two)", err, wire.ProtocolVersion)
	case wire.RefuseNotAllowed:
		return fmt.Errorf("%w (ask the relay's operator to allow %s, or for an invitation, `nport relay invite %s`, and start once with --claim-token)", err, name, name)
	}
	return err
}
