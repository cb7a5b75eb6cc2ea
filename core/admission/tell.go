package admission

import (
	"fmt"
	"net"
	"time"

	"github.com/nport/nport/wire"
)

// limit names the bound behind a shed or a refusal.
type limit uint8

const (
	limitGlobal        limit = iota // shed: all sources at Max
	limitSource                     // shed: idle past the grace, its source at PerSource
	limitSourceRefused              // refused: its source at PerSource, none idle
	limitCount
)

// tellTimeout bounds the write of a Refuse frame to a socket being shed or
// refused: the frame fits an empty socket buffer, so only a peer that reads
// nothing could make the write wait, and it is not waited for.
const tellTimeout = 10 * time.Millisecond

// refusalFrames encodes once the Refuse frame of each limit.
func refusalFrames(cfg Config) [limitCount][]byte {
	msgs := [limitCount]string{
		limitGlobal: fmt.Sprintf("shed: this server has too many connections in progress (%d, its global limit) "+
			"and this one had made no progress for the longest: reconnect", cfg.Max),
		limitSource: fmt.Sprintf("shed: your address has too many connections in progress (%d, the per-address limit) "+
			"and this one was idle for %s or more: reconnect and send the handshake at once", cfg.PerSource, cfg.Grace),
		limitSourceRefused: fmt.Sprintf("refused: your address has too many connections in progress (%d, the per-address limit): "+
			"retry shortly", cfg.PerSource),
	}
	var frames [limitCount][]byte
	for i, msg := range msgs {
		b, err := wire.AppendPayload(nil, wire.Refusal{Code: wire.RefuseLimit, Message: msg})
		if err != nil {
			panic(err) // the messages are constant and short: unreachable
		}
		frames[i] = b
	}
	return frames
}

// netConner is a connection layered over another, as *tls.Conn is.
type netConner interface{ NetConn() net.Conn }

// tell writes frame to nc and closes it at once, without draining what the
// peer may still send. A layered connection (TLS) is closed underneath
// without a word: its own write could wait on a handshake that the socket's
// goroutine is running, and the bare frame would not parse inside TLS.
func tell(nc net.Conn, frame []byte) {
	if l, ok := nc.(netConner); ok {
		_ = l.NetConn().Close()
		return
	}
	_ = nc.SetWriteDeadline(time.Now().Add(tellTimeout))
	_, _ = nc.Write(frame)
	_ = nc.Close()
}
