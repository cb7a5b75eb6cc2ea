//go:build linux

package attack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/wire"
)

// link is an attacker's relay connection, once the relay has welcomed
// it. Every use of core/relayconn is in this file.
type link struct{ conn *relayconn.Conn }

// handshake runs the client's side of the handshake as id on nc, and
// checks that the relay proves key. On error nc is closed, and the error
// holds the relay's wire.Refusal if it refused.
func handshake(ctx context.Context, nc net.Conn, id identity.Identity, key identity.PublicKey) (*link, error) {
	conn, err := relayconn.Handshake(ctx, nc, relayconn.ClientConfig{
		Identity: id,
		CheckRelayKey: func(got identity.PublicKey) error {
			if !got.Equal(key) {
				return fmt.Errorf("the relay proved key %s, want %s", got.Fingerprint(), key.Fingerprint())
			}
			return nil
		},
	})
	if err != nil {
		return nil, err
	}
	return &link{conn: conn}, nil
}

// send hands the relay an envelope for to, any of its connections, with
// no key to check it against; a sendID other than 0 asks for its status.
func (l *link) send(sendID uint32, to identity.Name, sealed []byte) error {
	return l.conn.Send(sendID, to, 0, identity.PublicKey{}, sealed)
}

// statuses reads the relay's frames until the link ends, and hands fn the
// result of each SendStatus.
func (l *link) statuses(fn func(wire.SendResult)) {
	for {
		f, err := l.conn.Next()
		if err != nil {
			return
		}
		if s, ok := f.(wire.SendStatus); ok {
			fn(s.Status)
		}
	}
}

// close ends the link.
func (l *link) close() { l.conn.Close() }

// countStatus counts what the relay made of a send.
func countStatus(r wire.SendResult, t *tally) {
	switch r {
	case wire.SendDelivered, wire.SendQueued:
		t.accepted()
	case wire.SendDropped, wire.SendOverRate:
		t.dropped()
	default:
		t.failed(fmt.Errorf("the relay answered a send with %s", r))
	}
}

// countEnd counts a failed handshake or a lost link: the relay's
// refusal by its code, a socket it ended without one, or an error of this
// side. Nothing is counted once ctx has ended.
func countEnd(ctx context.Context, err error, t *tally) {
	var r wire.Refusal
	switch {
	case over(ctx):
	case errors.As(err, &r):
		t.refused(r.Code)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		t.closed()
	default:
		t.failed(err)
	}
}
