package tunnel

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/hashicorp/yamux"

	"github.com/nport/nport/core/record"
)

// Options tune a tunnel. The zero value is ready to use.
type Options struct {
	// IdleTimeout closes the tunnel after no stream has been open and no
	// byte moved for this long; 0 keeps an unused tunnel open.
	IdleTimeout time.Duration

	// BufferSize is the size of each stream's copy buffers; 0 means
	// bridge.DefaultBufferSize. 4096 suits a device with little memory.
	BufferSize int

	// Logger receives the tunnel's logs; nil discards them.
	Logger *slog.Logger

	// Cipher is the record cipher both ends agreed on in the tunnel
	// request and reply; empty means record.ChaCha20Poly1305.
	Cipher record.Cipher

	// Single makes a tunnel for exactly one connection, as both ends
	// agreed in the tunnel request: the record stream is that connection,
	// without a multiplexer. There are no multiplexer keepalives then;
	// the socket's TCP keepalives find a dead path.
	Single bool
}

// Multiplexer settings. They trade a little memory for throughput: a
// stream may have streamWindow bytes in flight before its reader has
// taken them, so the window bounds what one slow reader can make the other
// end buffer, and what one stream can move per round trip.
const (
	// streamWindow is yamux's per-stream receive window. On loopback, on
	// two cores, one stream moved 645 MB/s with 1 MiB against 555 MB/s with
	// 256 KiB (BenchmarkTunnelThroughput); across a real link the gain
	// grows with the round trip. 4 MiB moved 910 MB/s, but would let each
	// stream with a slow reader hold 4 MiB: too much on a small device.
	streamWindow = 1 << 20

	// openTimeout is how long a new stream waits for the peer to accept
	// it before the tunnel is taken for dead.
	openTimeout = 30 * time.Second

	// endTimeout bounds how long closing waits to send the end-of-stream
	// record to a peer that has stopped reading.
	endTimeout = 5 * time.Second

	// halfCloseTimeout bounds how long a stream stays half-closed, for a
	// peer that never ends its own direction; then it is reset.
	halfCloseTimeout = 5 * time.Minute
)

// The keepalive settings are variables so that tests can shorten them.
var (
	// keepaliveInterval is how often an idle tunnel pings its peer, so
	// that a dead path is noticed and NATs keep the socket mapped.
	keepaliveInterval = 15 * time.Second

	// writeTimeout is how long a frame may wait to be written, and how
	// long a keepalive may wait for its answer. A slow uplink must not
	// trip it with a full window queued, so it is longer than yamux's 10 s.
	writeTimeout = 30 * time.Second
)

// muxConfig returns the yamux settings of a tunnel, logging to log.
func muxConfig(log *slog.Logger) *yamux.Config {
	c := yamux.DefaultConfig()
	c.EnableKeepAlive = true
	c.KeepAliveInterval = keepaliveInterval
	c.ConnectionWriteTimeout = writeTimeout
	c.MaxStreamWindowSize = streamWindow
	c.StreamOpenTimeout = openTimeout
	c.StreamCloseTimeout = halfCloseTimeout
	c.LogOutput = nil
	c.Logger = muxLogger{log}
	return c
}

// muxLogger passes yamux's messages to slog at debug level: the tunnel
// reports what matters itself, through Err and its own logs.
type muxLogger struct{ log *slog.Logger }

// Print logs v as fmt.Sprint does.
func (l muxLogger) Print(v ...any) { l.emit(fmt.Sprint(v...)) }

// Printf logs a formatted message.
func (l muxLogger) Printf(format string, v ...any) { l.emit(fmt.Sprintf(format, v...)) }

// Println logs v as fmt.Sprintln does.
func (l muxLogger) Println(v ...any) { l.emit(fmt.Sprintln(v...)) }

func (l muxLogger) emit(msg string) {
	l.log.LogAttrs(context.Background(), slog.LevelDebug, "multiplexer", slog.String("detail", strings.TrimSpace(msg)))
}

// discardLogger is the logger of a tunnel whose Options name none.
var discardLogger = slog.New(slog.DiscardHandler)
