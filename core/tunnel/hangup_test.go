package tunnel

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"
)

// brokenPipe is the stdout of a ProxyCommand whose ssh has exited.
type brokenPipe struct{}

func (brokenPipe) Write([]byte) (int, error) { return 0, syscall.EPIPE }

// talker is a target that speaks first (as sshd sends its banner), reads
// its input to the end, and then sends chunks of 64 KiB, until its peer
// is gone if chunks is negative.
func talker(chunks int) func(c net.Conn, in io.Reader) {
	return func(c net.Conn, in io.Reader) {
		c.Write([]byte("SSH-2.0-test\r\n"))
		io.Copy(io.Discard, in)
		chunk := make([]byte, 64<<10)
		for i := 0; chunks < 0 || i < chunks; i++ {
			if _, err := c.Write(chunk); err != nil {
				return
			}
		}
	}
}

// TestServeStdioReaderGone is ssh done with its ProxyCommand: it closes
// both pipes and sends SIGHUP. Whether the client hears of it by a failed
// write to stdout or by Hangup, what ssh wrote last reaches the target,
// and both ends see a clean close, never a cut.
func TestServeStdioReaderGone(t *testing.T) {
	defer func(d time.Duration) { hangupGrace = d }(hangupGrace)
	hangupGrace = time.Second
	brokenStdout := func(*Tunnel) io.Writer { return brokenPipe{} }
	hangup := func(c *Tunnel) io.Writer { c.Hangup(); return io.Discard }
	for _, mode := range modes {
		opts := Options{Single: mode.single}
		t.Run(mode.name+"/stdout fails", func(t *testing.T) { testReaderGone(t, opts, brokenStdout, true, 64) })
		t.Run(mode.name+"/hangup", func(t *testing.T) { testReaderGone(t, opts, hangup, true, 64) })
		t.Run(mode.name+"/hangup, stdin never ends", func(t *testing.T) { testReaderGone(t, opts, hangup, false, 0) })
	}
	// The device goes on talking after the client's end: the client gives
	// up after hangupGrace, and the daemon, whose peer had ended its
	// direction, sees it close, not a cut. (A multiplexed daemon reads on,
	// and may find the socket reset before the close: a cut, rightly.)
	t.Run("single/hangup, the device talks on", func(t *testing.T) { testReaderGone(t, Options{Single: true}, hangup, true, -1) })
}

// testReaderGone serves stdin through the tunnel to a talker of chunks,
// with the output gone returns, and checks how both ends end. stdinEnds
// closes stdin after its data, as ssh's closed pipe does.
func testReaderGone(t *testing.T, opts Options, gone func(client *Tunnel) io.Writer, stdinEnds bool, chunks int) {
	cc, dc := tcpPair(t)
	tg := startTarget(t, talker(chunks))
	copts, dopts := opts, opts
	copts.Logger, dopts.Logger = testLogger(t), testLogger(t)
	p := newPair(t, cc, dc, copts, dopts)
	daemonErr := make(chan error, 1)
	go func() { daemonErr <- p.daemon.ServeTargets(context.Background(), tg.dial) }()

	last := randomBytes(t, 256<<10) // ssh's last words
	stdin, feed := io.Pipe()
	defer feed.Close()
	go func() {
		feed.Write(last)
		if stdinEnds {
			feed.Close()
		}
	}()
	served := make(chan error, 1)
	go func() { served <- p.client.ServeStdio(context.Background(), stdin, gone(p.client)) }()
	if err := result(t, "ServeStdio", served); err != nil {
		t.Errorf("ServeStdio: got %v, want nil: ssh is done", err)
	}
	if err := result(t, "ServeTargets", daemonErr); !errors.Is(err, ErrPeerClosed) {
		t.Errorf("ServeTargets: got %v, want ErrPeerClosed, a clean close", err)
	}
	tg.ln.Close()
	tg.wg.Wait()
	if in := tg.inputs(); len(in) != 1 || !bytes.Equal(in[0], last) {
		t.Errorf("the target got %d connections, want 1 with the %d bytes written before ssh went", len(in), len(last))
	}
}
