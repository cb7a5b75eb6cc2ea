// Package keeper is the daemon's session keeper: one long-lived process
// per daemon identity and device that carries the tunnels the daemon has
// accepted, so that a restart of the daemon (SIGTERM, kill -9, an upgraded
// binary) leaves every live session running to its natural end.
//
// The daemon keeps the control part: the relay link, the checks of a
// request, the answer. Once a request is accepted it hands the session to
// its keeper over a unix socket in HOME/run (Link.Handoff); the keeper
// makes the session's ephemeral key, answers with its public half, joins
// the rendezvous and serves the tunnel with core/tunnel, exactly as the
// daemon did in-process. Sessions end as before: when the other side
// closes the tunnel, or its idle timeout (kept by the client) ends it.
//
// A keeper lives while it has a session or a daemon attached (Link.Watch),
// and takes new sessions only from a daemon of its own build; a daemon of
// another build tells it to drain (Link.Drain), and it then exits with its
// last session. It removes its socket when it exits. docs/sessions.md
// explains the design and the protocol.
package keeper
