package relayconn

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/nport/nport/wire"
)

// armDeadline bounds the handshake on nc by the earlier of timeout from
// now and ctx's deadline, and cuts it short when ctx is cancelled. disarm
// reports false if ctx fired meanwhile.
func armDeadline(ctx context.Context, nc net.Conn, timeout time.Duration) (disarm func() bool) {
	if timeout <= 0 {
		timeout = DefaultHandshakeTimeout
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	nc.SetDeadline(deadline)
	return context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
}

// handshakeError words an I/O error of the handshake step what: the
// context's error when it ended the wait, ErrHandshakeTimeout when the
// deadline did.
func handshakeError(ctx context.Context, what string, err error) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("relayconn: %s: %w", what, context.Cause(ctx))
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("%w: %s: the peer did not answer in time", ErrHandshakeTimeout, what)
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("relayconn: %s: the peer closed the connection: %w", what, err)
	}
	return fmt.Errorf("relayconn: %s: %w", what, err)
}

// writePayload writes one handshake frame in one write.
func writePayload(nc net.Conn, p wire.Payload) error {
	b, err := wire.AppendPayload(make([]byte, 0, 256), p)
	if err != nil {
		return err
	}
	_, err = nc.Write(b)
	return err
}

// writeRefusal sends r best-effort, with a short deadline of its own since
// the handshake's may have passed already.
func writeRefusal(nc net.Conn, r wire.Refusal) {
	nc.SetWriteDeadline(time.Now().Add(refuseWriteTimeout))
	writePayload(nc, r)
}

// challenge returns fresh random bytes from rnd, or crypto/rand if nil.
func challenge(rnd io.Reader) ([wire.ChallengeLen]byte, error) {
	var c [wire.ChallengeLen]byte
	if rnd == nil {
		rnd = rand.Reader
	}
	if _, err := io.ReadFull(rnd, c[:]); err != nil {
		return c, fmt.Errorf("relayconn: no randomness for a challenge: %w", err)
	}
	return c, nil
}

// refused turns a Refuse frame received during the handshake into the
// error the caller sees; a Refuse that does not parse is malformed.
func refused(payload []byte, peer string) error {
	r, err := wire.ParseRefuse(payload)
	if err != nil {
		return fmt.Errorf("relayconn: %w", err)
	}
	r.Peer = peer
	return fmt.Errorf("relayconn: %w", r)
}
