//go:build linux

// Package attack is hostile traffic against a running relay and
// rendezvous: idle sockets, a claim flood, a send flood, garbage and
// slowloris hellos. Each attacker is bounded in time and in count, stops
// when its context ends, closes every socket it opened, and returns
// Counters that say what the servers made of it, so that a test can assert
// the refusals and a benchmark can measure honest traffic beside it.
//
// Attackers dial from several loopback addresses (Sources): all of
// 127.0.0.0/8 is loopback on Linux, so each address is a distinct source
// to a server that keeps limits per source, with no set-up at all.
//
// The relay protocol is spoken through core/relayconn in relay.go only,
// and the frames are built in frames.go only, so that a change of the wire
// protocol is met in those two files.
package attack
