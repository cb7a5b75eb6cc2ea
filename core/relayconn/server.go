package relayconn

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"os"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// ServerConfig is the relay side of a handshake.
type ServerConfig struct {
	// Key is the relay's long-term key, which it proves to every client.
	Key identity.PrivateKey

	// Claim is called once the client has proved its key, before Welcome:
	// the directory binds the name to the key, or refuses. An error that
	// is a wire.Refusal is sent as it is; any other is sent as
	// RefuseNameTaken. nil accepts every client.
	Claim func(Claim) error

	// Welcome is sent to every client admitted; Accept sets its clock
	// and a fresh connection id.
	// Its MaxFrame is also the largest payload read from the client.
	Welcome wire.Welcome

	// Timeout bounds the whole handshake; 0 means
	// DefaultHandshakeTimeout. A deadline on the context also applies.
	Timeout time.Duration

	// Rand is the source of the challenge; nil means crypto/rand. Tests
	// set it to replay a recorded handshake.
	Rand io.Reader

	// Progress, if set, is called once the ClientHello has been read, so
	// that the relay can tell a handshake under way from an idle socket.
	Progress func()
}

// handshakeBufLen holds the largest handshake frame a client sends: an
// unauthenticated client gets no more memory than this.
const handshakeBufLen = 256

// Accept runs the relay side of the handshake on nc and returns the
// connection of the client it admitted; Conn.Name and Conn.Peer say who.
// A client that breaks the protocol, fails its proof, claims a name bound
// to another key or is too slow gets a Refuse saying why; on any error nc
// is closed.
func Accept(ctx context.Context, nc net.Conn, cfg ServerConfig) (*Conn, error) {
	c, err := serverHandshake(ctx, nc, cfg)
	if err != nil {
		nc.Close()
		return nil, err
	}
	return c, nil
}

// refusal is a handshake failure the client is told about.
type refusal struct {
	wire.Refusal
	err error // what the relay logs
}

func (r *refusal) Error() string { return r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

// refuse builds a refusal that sends r and returns err.
func refuse(code wire.RefuseCode, msg string, err error) error {
	return &refusal{Refusal: wire.Refusal{Code: code, Message: msg}, err: err}
}

func serverHandshake(ctx context.Context, nc net.Conn, cfg ServerConfig) (*Conn, error) {
	if cfg.Key.IsZero() {
		return nil, errors.New("relayconn: the server config has no relay key")
	}
	disarm := armDeadline(ctx, nc, cfg.Timeout)
	defer disarm()
	var buf [handshakeBufLen]byte
	w := cfg.Welcome
	w.ConnID = newConnID()
	who, token, err := checkClient(ctx, nc, buf[:], cfg)
	if err == nil {
		err = claim(cfg.Claim, Claim{Name: who.name, Key: who.key, Flags: who.flags, Token: token, ConnID: w.ConnID, Remote: nc.RemoteAddr()})
	}
	w.RelayTimeMillis = time.Now().UnixMilli()
	if err == nil {
		err = writePayload(nc, w)
		if err != nil {
			err = handshakeError(ctx, "send welcome", err)
		}
	}
	if r, ok := errors.AsType[*refusal](err); ok && ctx.Err() == nil {
		writeRefusal(nc, r.Refusal)
	}
	if err != nil {
		return nil, err
	}
	if !disarm() {
		return nil, handshakeError(ctx, "handshake", context.Cause(ctx))
	}
	nc.SetDeadline(time.Time{})
	return newConn(nc, wire.NewReader(nc, int(w.MaxFrame)), false, who, w), nil
}

// newConnID returns a fresh connection id: random, so that ids are unique
// among the live connections of a relay, and of relays that share names,
// without any coordination. They are not secrets.
func newConnID() wire.ConnID {
	for {
		if id := wire.ConnID(mrand.Uint64()); id != 0 {
			return id
		}
	}
}

// checkClient reads the ClientHello, proves the relay's key, and checks
// the client's proof. It returns who the client proved to be and the
// claim token of its proof (a copy, nil if none).
func checkClient(ctx context.Context, nc net.Conn, buf []byte, cfg ServerConfig) (peerInfo, []byte, error) {
	hello, err := readHello(ctx, nc, buf)
	if err != nil {
		return peerInfo{}, nil, err
	}
	if cfg.Progress != nil {
		cfg.Progress()
	}
	name, err := identity.ParseName(hello.Name)
	if err != nil {
		return peerInfo{}, nil, refuse(wire.RefuseMalformed, err.Error(), fmt.Errorf("relayconn: %w: %w", wire.ErrMalformed, err))
	}
	clientKey, err := peerKey(hello.Pub)
	if err != nil {
		return peerInfo{}, nil, refuse(wire.RefuseBadAuth, "the client key is weak or not in canonical form", keyError(string(name), err))
	}
	mine, err := challenge(cfg.Rand)
	if err != nil {
		return peerInfo{}, nil, err
	}
	box := cfg.Key.Shared(clientKey) // one X25519 for both proofs
	plain := wire.ServerProofPlaintext(hello.Challenge)
	proof := box.Seal(make([]byte, 0, identity.Overhead+len(plain)), plain)
	sh := wire.ServerHello{RelayPub: cfg.Key.Public().Raw(), Challenge: mine, Proof: proof}
	if err := writePayload(nc, sh); err != nil {
		return peerInfo{}, nil, handshakeError(ctx, "send server-hello", err)
	}
	token, err := readAuth(ctx, nc, buf, box, clientKey, mine, name)
	if err != nil {
		return peerInfo{}, nil, err
	}
	return peerInfo{name: name, key: clientKey, flags: hello.Flags}, token, nil
}

// readHello reads the first frame, which must be a ClientHello of this
// protocol version.
func readHello(ctx context.Context, nc net.Conn, buf []byte) (wire.ClientHello, error) {
	t, payload, err := readHandshakeFrame(ctx, nc, buf, "read client-hello")
	if err != nil {
		return wire.ClientHello{}, err
	}
	if t != wire.FrameClientHello {
		err := fmt.Errorf("relayconn: %w: first frame is %s, want client-hello (not an nport client?)", wire.ErrMalformed, t)
		return wire.ClientHello{}, refuse(wire.RefuseMalformed, "want a client-hello frame first", err)
	}
	hello, err := wire.ParseClientHello(payload)
	switch {
	case errors.Is(err, wire.ErrVersion):
		msg := fmt.Sprintf("this relay speaks nport protocol %d: upgrade the older side", wire.ProtocolVersion)
		return wire.ClientHello{}, refuse(wire.RefuseVersion, msg, fmt.Errorf("relayconn: %w", err))
	case err != nil:
		return wire.ClientHello{}, refuse(wire.RefuseMalformed, err.Error(), fmt.Errorf("relayconn: %w", err))
	}
	return hello, nil
}

// readAuth reads the ClientAuth and checks its proof over the relay's
// challenge and the name of the hello. It returns the proof's claim
// token, copied, or nil.
func readAuth(ctx context.Context, nc net.Conn, buf []byte, box identity.SharedKey, clientKey identity.PublicKey, mine [wire.ChallengeLen]byte, name identity.Name) ([]byte, error) {
	t, payload, err := readHandshakeFrame(ctx, nc, buf, "read client-auth")
	switch {
	case err != nil:
		return nil, err
	case t == wire.FrameRefuse:
		return nil, refused(payload, string(name))
	case t != wire.FrameClientAuth:
		err := fmt.Errorf("relayconn: %w: got a %s frame from %s, want client-auth", wire.ErrMalformed, t, name)
		return nil, refuse(wire.RefuseMalformed, "want a client-auth frame", err)
	}
	auth, err := wire.ParseClientAuth(payload)
	if err != nil {
		return nil, refuse(wire.RefuseMalformed, err.Error(), fmt.Errorf("relayconn: %w", err))
	}
	plain, err := box.Open(nil, auth.Proof)
	token, ok := wire.CheckClientProof(plain, mine, string(name))
	if err != nil || !ok {
		err := fmt.Errorf("%w: %s did not prove key %s", ErrBadProof, name, clientKey.Fingerprint())
		return nil, refuse(wire.RefuseBadAuth, "the proof of the client key did not check", err)
	}
	return bytes.Clone(token), nil
}

// readHandshakeFrame reads one frame into buf straight from the socket:
// the client sends nothing past its handshake frames before Welcome, so
// nothing is read ahead, and a frame larger than buf is refused unread.
func readHandshakeFrame(ctx context.Context, nc net.Conn, buf []byte, what string) (wire.FrameType, []byte, error) {
	t, payload, err := wire.ReadFrame(nc, buf)
	switch {
	case err == nil:
		return t, payload, nil
	case errors.Is(err, wire.ErrFrameTooLarge):
		return t, nil, refuse(wire.RefuseMalformed, "handshake frame too large", fmt.Errorf("relayconn: %s: %w", what, err))
	case ctx.Err() == nil && errors.Is(err, os.ErrDeadlineExceeded):
		msg := "the handshake did not finish in time"
		return t, nil, refuse(wire.RefuseTimeout, msg, handshakeError(ctx, what, err))
	}
	return t, nil, handshakeError(ctx, what, err)
}

// Claim is a client's request for its name, made once it has proved its
// key.
type Claim struct {
	// Name and Key are what the client proved.
	Name identity.Name
	Key  identity.PublicKey
	// Flags are those of the client's hello.
	Flags wire.HelloFlags
	// Token is the claim token the client presented inside its proof,
	// nil if it gave none.
	Token []byte
	// ConnID is the id the connection gets in Welcome, if the claim
	// succeeds.
	ConnID wire.ConnID
	// Remote is the address the socket comes from.
	Remote net.Addr
}

// claim asks the directory for the name, turning its refusal into the
// one the client sees.
func claim(fn func(Claim) error, c Claim) error {
	if fn == nil {
		return nil
	}
	name, key := c.Name, c.Key
	err := fn(c)
	if err == nil {
		return nil
	}
	if r, ok := errors.AsType[wire.Refusal](err); ok {
		return &refusal{Refusal: r, err: fmt.Errorf("relayconn: claim %s: %w", name, err)}
	}
	msg := fmt.Sprintf("%s is bound to another key on this relay (its operator can release it with `nport relay directory remove %s`)", name, name)
	return refuse(wire.RefuseNameTaken, msg, fmt.Errorf("relayconn: claim %s with key %s: %w", name, key.Fingerprint(), err))
}
