package pairing

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/nport/nport/wire"
)

// helloLen is the payload length of a RendezvousHello. The frame reader is
// given exactly this much room, so a longer first frame is refused before
// any of it is read: an unadmitted socket gets no more memory than this.
const helloLen = len(wire.Magic) + 1 + wire.SessionIDLen + wire.TokenLen

// Bounds on the goodbye to a refused socket.
const (
	// refuseWriteTimeout bounds the write of a Refuse frame, which fits
	// an empty socket buffer: only a peer that reads nothing delays it.
	refuseWriteTimeout = time.Second
	// lingerTimeout and lingerMax bound the read that drains a refused
	// socket after its Refuse. Closing with unread bytes would make the
	// kernel send a reset, which may destroy the Refuse before the peer
	// reads it.
	lingerTimeout = time.Second
	lingerMax     = 64 << 10
)

// refusal is why a socket is turned away, and what it is told.
type refusal struct {
	code   wire.RefuseCode
	msg    string // for the peer
	silent bool   // the peer left: nothing to tell
}

// badToken is the one answer to every hello whose token does not redeem,
// so that a guesser learns nothing about which part was wrong.
var badToken = &refusal{code: wire.RefuseBadToken,
	msg: "no session waits for this session id and token (unknown, expired, or the token was used already): ask for a new session"}

// readHello reads the first frame of r, which must be a valid
// RendezvousHello; r's deadline bounds the wait. The refusal says what to
// answer otherwise.
func readHello(r io.Reader, timeout time.Duration) (wire.RendezvousHello, *refusal) {
	var buf [helloLen]byte
	t, payload, err := wire.ReadFrame(r, buf[:])
	switch {
	case err == io.EOF:
		return wire.RendezvousHello{}, &refusal{silent: true, msg: "closed before sending a hello"}
	case errors.Is(err, os.ErrDeadlineExceeded):
		return wire.RendezvousHello{}, &refusal{code: wire.RefuseTimeout, msg: fmt.Sprintf("no rendezvous hello within %s", timeout)}
	case errors.Is(err, wire.ErrFrameTooLarge):
		return wire.RendezvousHello{}, &refusal{code: wire.RefuseMalformed, msg: "the first frame is too long for a rendezvous hello (is this the relay's address?)"}
	case err != nil:
		return wire.RendezvousHello{}, &refusal{code: wire.RefuseMalformed, msg: "the connection ended inside the first frame"}
	case t != wire.FrameRendezvousHello:
		return wire.RendezvousHello{}, &refusal{code: wire.RefuseMalformed, msg: fmt.Sprintf("the first frame is %s, want %s", t, wire.FrameRendezvousHello)}
	}
	h, err := wire.ParseRendezvousHello(payload)
	switch {
	case errors.Is(err, wire.ErrVersion):
		return h, &refusal{code: wire.RefuseVersion, msg: fmt.Sprintf("this rendezvous speaks protocol %d: upgrade the older side", wire.ProtocolVersion)}
	case err != nil:
		return h, &refusal{code: wire.RefuseMalformed, msg: err.Error()}
	}
	return h, nil
}

// refuse tells c why it is turned away, unless it left, and closes it.
func refuse(c net.Conn, r *refusal) {
	if !r.silent {
		frame, _ := wire.AppendPayload(nil, wire.Refusal{Code: r.code, Message: r.msg})
		_ = c.SetWriteDeadline(time.Now().Add(refuseWriteTimeout))
		_, _ = c.Write(frame)
	}
	lingerClose(c)
}

// closeWriter is a connection whose write side can be shut alone.
type closeWriter interface{ CloseWrite() error }

// lingerClose sends EOF, drains what the peer still sends for a moment,
// then closes, so that what was written last reaches the peer.
func lingerClose(c net.Conn) {
	if cw, ok := c.(closeWriter); ok && cw.CloseWrite() == nil {
		_ = c.SetReadDeadline(time.Now().Add(lingerTimeout))
		_, _ = io.CopyN(io.Discard, c, lingerMax)
	}
	_ = c.Close()
}

// isTimeout reports whether err is a deadline that passed.
func isTimeout(err error) bool { return errors.Is(err, os.ErrDeadlineExceeded) }
