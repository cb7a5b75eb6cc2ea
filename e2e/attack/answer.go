//go:build linux

package attack

import (
	"context"
	"errors"
	"net"
	"os"
	"time"

	"github.com/nport/nport/wire"
)

// outcome is how a server answered a socket.
type outcome int

const (
	stopped    outcome = iota // the attacker's context ended first
	refusedBy                 // a Refuse frame came
	closedBy                  // the socket ended without a Refuse
	unanswered                // neither, within the wait
)

// answerBufLen holds the largest frame a server sends a socket it has not
// admitted: a Refuse with the longest message.
const answerBufLen = 1 + wire.MaxRefuseMessage

// await reads what the server sends on nc until it refuses or ends the
// socket, wait passes (0: no limit) or ctx ends, and counts the answer in
// t. A frame other than Refuse (a relay's server-hello) counts as
// accepted and is read past.
func await(ctx context.Context, nc net.Conn, wait time.Duration, t *tally) outcome {
	if wait > 0 {
		nc.SetReadDeadline(time.Now().Add(wait))
	}
	stop := context.AfterFunc(ctx, func() { nc.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	buf := make([]byte, answerBufLen)
	for {
		typ, payload, err := wire.ReadFrame(nc, buf)
		switch {
		case err == nil && typ == wire.FrameRefuse:
			return refusal(payload, t)
		case err == nil:
			t.accepted()
		case over(ctx):
			return stopped
		case errors.Is(err, os.ErrDeadlineExceeded):
			t.unanswered()
			return unanswered
		default:
			t.closed()
			return closedBy
		}
	}
}

// refusal counts a Refuse frame by its code; one that does not parse is
// the server's error, counted as such.
func refusal(payload []byte, t *tally) outcome {
	r, err := wire.ParseRefuse(payload)
	if err != nil {
		t.failed(err)
		return closedBy
	}
	t.refused(r.Code)
	return refusedBy
}
