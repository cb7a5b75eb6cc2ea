// Package tunnel is the data path of an nport session, the same on the
// client and on the daemon once each holds its rendezvous socket.
//
// Join dials the rendezvous and waits to be paired with the other party.
// New then speaks the encrypted record layer (core/record) over that
// socket and runs a stream multiplexer (yamux) inside it, so that one
// tunnel carries any number of TCP connections:
//
//	local app ── TCP ── client ═ stream ═ record ═ rendezvous ═ record ═ daemon ── TCP ── target
//
// The client opens streams (ServeListener, ServeStdio, OpenStream); the
// daemon accepts them and dials its target for each (ServeTargets). Each
// stream is copied by core/bridge with half-close in both directions.
//
// A tunnel ends for one reason, which Err reports: Close, the peer closing,
// the idle timeout, the context of a Serve method, a record that failed its
// integrity check (record.ErrTampered), a cut connection
// (record.ErrTruncated), or keepalives that went unanswered. When it ends,
// every stream ends with it and every local connection is closed; a stream
// never reports a clean end because its tunnel died.
package tunnel
