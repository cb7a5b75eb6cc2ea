package tunnel

import "github.com/nport/nport/wire"

// refused turns the rendezvous's Refuse frame into an error that names
// the rendezvous and says what to do.
func refused(ref wire.Refusal) error {
	ref.Peer = "rendezvous"
	advice := refuseAdvice(ref.Code)
	switch {
	case advice == "", ref.Code == wire.RefuseLimit && ref.Message != "":
		// A limit's refusal names the limit and what to do itself.
	case ref.Message == "":
		ref.Message = advice
	default:
		ref.Message += " (" + advice + ")"
	}
	return ref
}

// refuseAdvice says what to do about a refusal of the hello.
func refuseAdvice(code wire.RefuseCode) string {
	switch code {
	case wire.RefuseBadToken:
		return "the session token is unknown, expired or used: ask for a new session"
	case wire.RefuseTimeout:
		return "the hello came too late, or the other party never came: ask for a new session, and check that the daemon can reach the rendezvous"
	case wire.RefuseLimit:
		return "the rendezvous has too many connections in progress: retry shortly"
	case wire.RefuseVersion:
		return "this nport and the rendezvous speak different protocol versions: upgrade the older one"
	case wire.RefuseMalformed:
		return "the rendezvous could not read the hello: check that both run nport"
	}
	return "ask for a new session; if it happens again, ask the rendezvous's operator"
}
