package relayconn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// ClientConfig is the client side of a handshake.
type ClientConfig struct {
	// Identity is who the client proves to be.
	Identity identity.Identity

	// Flags tell the relay how to treat the connection: wire.HelloService
	// for a service (a rendezvous), none for a device or a person.
	Flags wire.HelloFlags

	// ClaimToken, if set, is the wire.ClaimTokenLen bytes of an invitation
	// to claim the name, sent inside the proof so only the relay reads it.
	// A relay that needs none ignores it.
	ClaimToken []byte

	// CheckRelayKey is called with the relay's key once the relay has
	// proved it holds it, before the client proves anything. An error
	// aborts the handshake and is returned wrapped (errors.As finds an
	// *identity.KeyChangedError in it). It is required: a client that
	// checks nothing would talk to whoever answers.
	CheckRelayKey func(identity.PublicKey) error

	// Timeout bounds the whole handshake; 0 means
	// DefaultHandshakeTimeout. A deadline on the context also applies.
	Timeout time.Duration

	// Rand is the source of the challenge; nil means crypto/rand. Tests
	// set it to replay a recorded handshake.
	Rand io.Reader
}

// Handshake runs the client side of the handshake on nc and returns the
// connection once the relay has welcomed it. On error nc is closed.
//
// A Refuse from the relay comes back as an error holding a wire.Refusal
// (errors.As); a relay that fails its proof as ErrBadProof.
func Handshake(ctx context.Context, nc net.Conn, cfg ClientConfig) (*Conn, error) {
	c, err := clientHandshake(ctx, nc, cfg)
	if err != nil {
		nc.Close()
		return nil, err
	}
	return c, nil
}

func clientHandshake(ctx context.Context, nc net.Conn, cfg ClientConfig) (*Conn, error) {
	if cfg.CheckRelayKey == nil {
		return nil, errors.New("relayconn: no CheckRelayKey in the client config: pin the relay's key")
	}
	if cfg.Identity.Key.IsZero() {
		return nil, errors.New("relayconn: the client config has no identity key")
	}
	if n := len(cfg.ClaimToken); n != 0 && n != wire.ClaimTokenLen {
		return nil, fmt.Errorf("relayconn: a claim token is %d bytes, want %d", n, wire.ClaimTokenLen)
	}
	disarm := armDeadline(ctx, nc, cfg.Timeout)
	defer disarm()
	r := wire.NewReader(nc, wire.MaxFrameSize)

	relayKey, box, relayChallenge, err := sayHello(ctx, nc, r, cfg)
	if err != nil {
		return nil, err
	}
	if err := cfg.CheckRelayKey(relayKey); err != nil {
		writeRefusal(nc, wire.Refusal{Code: wire.RefuseBadAuth, Message: "the relay's key is not the one this client pinned"})
		return nil, fmt.Errorf("relayconn: relay %s key %s refused: %w", nc.RemoteAddr(), relayKey.Fingerprint(), err)
	}
	plain := wire.ClientProofPlaintext(relayChallenge, string(cfg.Identity.Name), cfg.ClaimToken)
	proof := box.Seal(make([]byte, 0, identity.Overhead+len(plain)), plain)
	if err := writePayload(nc, wire.ClientAuth{Proof: proof}); err != nil {
		return nil, handshakeError(ctx, "send client-auth", err)
	}
	w, err := readWelcome(ctx, r)
	if err != nil {
		return nil, err
	}
	if !disarm() {
		return nil, handshakeError(ctx, "handshake", context.Cause(ctx))
	}
	nc.SetDeadline(time.Time{})
	return newConn(nc, r, true, peerInfo{name: cfg.Identity.Name, key: relayKey, flags: cfg.Flags}, w), nil
}

// sayHello sends the ClientHello and checks the relay's answer: its key
// and its proof over the client's challenge. It returns the relay's key,
// the box key between the two (for the client's own proof: one X25519
// for both) and the relay's challenge.
func sayHello(ctx context.Context, nc net.Conn, r *wire.Reader, cfg ClientConfig) (identity.PublicKey, identity.SharedKey, [wire.ChallengeLen]byte, error) {
	var none [wire.ChallengeLen]byte
	var nobox identity.SharedKey
	mine, err := challenge(cfg.Rand)
	if err != nil {
		return identity.PublicKey{}, nobox, none, err
	}
	hello := wire.ClientHello{Flags: cfg.Flags, Pub: cfg.Identity.Public().Raw(), Challenge: mine, Name: string(cfg.Identity.Name)}
	if err := writePayload(nc, hello); err != nil {
		return identity.PublicKey{}, nobox, none, handshakeError(ctx, "send client-hello", err)
	}
	t, payload, err := r.ReadFrame()
	switch {
	case err != nil:
		return identity.PublicKey{}, nobox, none, handshakeError(ctx, "read server-hello", err)
	case t == wire.FrameRefuse:
		return identity.PublicKey{}, nobox, none, refused(payload, "")
	case t != wire.FrameServerHello:
		return identity.PublicKey{}, nobox, none, fmt.Errorf("relayconn: %w: got a %s frame, want server-hello (is this an nport relay?)", wire.ErrMalformed, t)
	}
	sh, err := wire.ParseServerHello(payload)
	if err != nil {
		return identity.PublicKey{}, nobox, none, fmt.Errorf("relayconn: %w", err)
	}
	relayKey, err := peerKey(sh.RelayPub)
	if err != nil {
		return identity.PublicKey{}, nobox, none, keyError("relay "+nc.RemoteAddr().String(), err)
	}
	box := cfg.Identity.Key.Shared(relayKey)
	plain, err := box.Open(nil, sh.Proof)
	if err != nil || !wire.CheckServerProof(plain, mine) {
		return identity.PublicKey{}, nobox, none, fmt.Errorf("%w: relay %s did not prove key %s (not the relay it claims to be, or the bytes were changed on the way)",
			ErrBadProof, nc.RemoteAddr(), relayKey.Fingerprint())
	}
	return relayKey, box, sh.Challenge, nil
}

// readWelcome reads the relay's verdict on the client's proof.
func readWelcome(ctx context.Context, r *wire.Reader) (wire.Welcome, error) {
	t, payload, err := r.ReadFrame()
	switch {
	case err != nil:
		return wire.Welcome{}, handshakeError(ctx, "read welcome", err)
	case t == wire.FrameRefuse:
		return wire.Welcome{}, refused(payload, "")
	case t != wire.FrameWelcome:
		return wire.Welcome{}, fmt.Errorf("relayconn: %w: got a %s frame, want welcome or refuse", wire.ErrMalformed, t)
	}
	w, err := wire.ParseWelcome(payload)
	if err != nil {
		return wire.Welcome{}, fmt.Errorf("relayconn: %w", err)
	}
	return w, nil
}
