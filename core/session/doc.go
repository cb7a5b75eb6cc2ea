// Package session holds the identifiers and secrets of nport sessions: the
// random 16-byte ID that names a session (and, in the same shape, every
// sealed message), the single-use Token each party of a session presents
// to the rendezvous, and Tokens, the registry that redeems them.
package session
