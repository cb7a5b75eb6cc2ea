// Package relayconn is the protocol engine of one relay connection, on
// both sides: the four-frame handshake that proves both long-term keys
// (Handshake for the client, Accept for the relay), then a Conn that reads
// and writes the frames of wire/relay.go and keeps the link alive.
//
// A Conn answers Pings by itself, sends its own every keepalive interval,
// skips frame types it does not know, and gives up on a peer it has heard
// nothing from for SilenceIntervals keepalive intervals. Everything above
// it, reconnecting, routing and sealing, belongs to its callers.
//
// Writes are safe from any goroutine; Next must be called from one
// goroutine at a time. Any error from Next or from a write ends the
// connection: the caller's only move left is Close.
package relayconn
