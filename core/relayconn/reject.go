package relayconn

import (
	"context"
	"net"
	"time"

	"github.com/nport/nport/wire"
)

// Reject turns a client away before any handshake, for a relay at its
// connection limit: it waits up to wait for the client's first frame,
// then sends r and closes nc. Reading the hello first matters: a socket
// closed with unread bytes is reset, and the client would see the reset
// instead of the reason.
func Reject(ctx context.Context, nc net.Conn, r wire.Refusal, wait time.Duration) {
	defer nc.Close()
	disarm := armDeadline(ctx, nc, wait)
	defer disarm()
	var buf [handshakeBufLen]byte
	if _, _, err := wire.ReadFrame(nc, buf[:]); err != nil && ctx.Err() != nil {
		return
	}
	writeRefusal(nc, r)
}
