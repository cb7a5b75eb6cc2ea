// Package wire is the nport protocol, version 1, written as code: every
// byte that crosses a socket between two nport programs is laid out here,
// and a compatible peer can be written from this package alone.
//
// Three layers share it:
//
//   - The relay connection (relay.go): a long-lived TCP stream from each
//     identity to its relay, made of frames (frame.go). A handshake of four
//     frames proves both long-term keys, then sealed envelopes travel in
//     Send and Recv frames.
//   - Sealed messages (envelope.go, message.go, body.go): a NaCl box from
//     the sender's key to the recipient's, holding a Message whose body is
//     a JSON object. The relay routes them by name and never opens them.
//   - The rendezvous socket (rendezvous.go, record.go): each party of a
//     session sends one hello frame, waits for the paired frame, and from
//     then on the socket carries the tunnel's encrypted record stream.
//
// Conventions, everywhere:
//
//   - Every integer is big-endian.
//   - A name is one length byte (1..MaxNameLen) then that many bytes.
//     wire checks only the length; the "@name" syntax is checked above it.
//   - A field marked [rest] runs to the end of the payload.
//   - Layouts are exact: a payload with bytes left over, or too few, is
//     malformed (ErrMalformed). Changes come with a new ProtocolVersion or a
//     new frame type, which older peers skip.
//   - The first frame of a connection carries Magic and ProtocolVersion. A
//     receiver checks the version before anything after it, so a future
//     version may change the rest of the layout and still be refused
//     cleanly (ErrVersion, answered with a Refuse frame).
//
// Decoders never panic on any input, and whatever they accept re-encodes to
// the same bytes: the fuzz tests hold them to both.
package wire
