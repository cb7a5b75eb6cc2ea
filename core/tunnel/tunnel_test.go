package tunnel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/nport/nport/core/record"
)

func TestEndToEnd(t *testing.T) {
	tests := []struct {
		name   string
		conns  int
		size   int
		buffer int
	}{
		{"default buffers", 4, 3 << 20, 0},
		{"small device buffers", 4, 3 << 20, 4096},
		{"many small connections", 32, 64 << 10, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cc, dc := tcpPair(t)
			opts := Options{BufferSize: tt.buffer, Logger: testLogger(t)}
			tg := startTarget(t, echo)
			r := newPair(t, cc, dc, opts, opts).serve(t, tg.dial)

			var wg sync.WaitGroup
			for i := range tt.conns {
				wg.Go(func() {
					c, err := net.Dial("tcp", r.addr)
					if err != nil {
						t.Errorf("conn %d: dial: %v", i, err)
						return
					}
					defer c.Close()
					data := randomBytes(t, tt.size)
					got, err := exchange(c, data)
					if err != nil {
						t.Errorf("conn %d: %v", i, err)
					}
					if !bytes.Equal(got, data) {
						t.Errorf("conn %d: got %d bytes back, want the %d sent", i, len(got), len(data))
					}
				})
			}
			wg.Wait()

			st := r.client.Stats()
			want := int64(tt.conns * tt.size)
			if st.Sent != want || st.Received != want || st.Streams != int64(tt.conns) {
				t.Errorf("client stats: got %+v, want %d bytes each way over %d streams", st, want, tt.conns)
			}
			r.client.Close()
			if err := result(t, "ServeListener", r.clientErr); err != nil {
				t.Errorf("ServeListener: got %v, want nil after Close", err)
			}
			if err := result(t, "ServeTargets", r.daemonErr); !errors.Is(err, ErrPeerClosed) {
				t.Errorf("ServeTargets: got %v, want ErrPeerClosed", err)
			}
		})
	}
}

func TestHalfClose(t *testing.T) {
	request, answer := []byte("the whole request"), []byte("the answer, after the request ended")
	tests := []struct {
		name   string
		target func(c net.Conn, in io.Reader)
		client func(c *net.TCPConn) ([]byte, error)
	}{
		{
			// The client ends its direction and still reads the answer.
			name: "client ends first",
			target: func(c net.Conn, in io.Reader) {
				io.ReadAll(in) // up to the client's EOF
				c.Write(answer)
			},
			client: func(c *net.TCPConn) ([]byte, error) {
				if _, err := c.Write(request); err != nil {
					return nil, err
				}
				if err := c.CloseWrite(); err != nil {
					return nil, err
				}
				return io.ReadAll(c)
			},
		},
		{
			// The target ends its direction and still reads the request.
			name: "target ends first",
			target: func(c net.Conn, in io.Reader) {
				c.Write(answer)
				c.(*net.TCPConn).CloseWrite()
				io.ReadAll(in)
			},
			client: func(c *net.TCPConn) ([]byte, error) {
				got, err := io.ReadAll(c) // up to the target's EOF
				if err != nil {
					return got, err
				}
				if _, err := c.Write(request); err != nil {
					return got, err
				}
				return got, c.CloseWrite()
			},
		},
	}
	for _, mode := range modes {
		for _, tt := range tests {
			t.Run(mode.name+"/"+tt.name, func(t *testing.T) {
				cc, dc := tcpPair(t)
				tg := startTarget(t, tt.target)
				r := newPair(t, cc, dc, Options{Logger: testLogger(t), Single: mode.single}, Options{Single: mode.single}).serve(t, tg.dial)
				c, err := net.Dial("tcp", r.addr)
				if err != nil {
					t.Fatalf("dial: %v", err)
				}
				defer c.Close()
				got, err := tt.client(c.(*net.TCPConn))
				if err != nil {
					t.Fatalf("client: %v", err)
				}
				if !bytes.Equal(got, answer) {
					t.Errorf("client got %q, want %q", got, answer)
				}
				// The target's handler ends once it has read the request's end.
				tg.ln.Close()
				tg.wg.Wait()
				if in := tg.inputs(); len(in) != 1 || !bytes.Equal(in[0], request) {
					t.Errorf("target got %q, want [%q]", in, request)
				}
			})
		}
	}
}

// modes are the two kinds of tunnel: any number of connections through
// the multiplexer, or one carried as the record stream itself.
var modes = []struct {
	name   string
	single bool
}{{"multiplexed", false}, {"single", true}}

func TestServeStdio(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) { testServeStdio(t, Options{Single: mode.single}) })
	}
}

func testServeStdio(t *testing.T, opts Options) {
	cc, dc := tcpPair(t)
	tg := startTarget(t, echo)
	copts := opts
	copts.Logger = testLogger(t)
	p := newPair(t, cc, dc, copts, opts)
	daemonErr := make(chan error, 1)
	go func() { daemonErr <- p.daemon.ServeTargets(context.Background(), tg.dial) }()

	data := randomBytes(t, 2<<20)
	stdin, feed := io.Pipe()
	go func() {
		feed.Write(data)
		feed.Close()
	}()
	var stdout bytes.Buffer
	if err := p.client.ServeStdio(context.Background(), stdin, &stdout); err != nil {
		t.Fatalf("ServeStdio: got %v, want nil after EOF both ways", err)
	}
	if !bytes.Equal(stdout.Bytes(), data) {
		t.Errorf("stdout: got %d bytes, want the %d sent", stdout.Len(), len(data))
	}
	if err := p.client.Err(); !errors.Is(err, ErrClosed) {
		t.Errorf("client Err: got %v, want ErrClosed", err)
	}
	if err := result(t, "ServeTargets", daemonErr); !errors.Is(err, ErrPeerClosed) {
		t.Errorf("ServeTargets: got %v, want ErrPeerClosed", err)
	}
}

func TestServeStdioTunnelDies(t *testing.T) {
	// A multiplexer ends a session cleanly around a stream cut short; a
	// tunnel of one connection has only the record stream, and the cut
	// is what the client sees.
	t.Run("multiplexed", func(t *testing.T) { testServeStdioTunnelDies(t, Options{}, ErrPeerClosed) })
	t.Run("single", func(t *testing.T) { testServeStdioTunnelDies(t, Options{Single: true}, record.ErrTruncated) })
}

func testServeStdioTunnelDies(t *testing.T, opts Options, want error) {
	cc, dc := tcpPair(t)
	copts := opts
	copts.Logger = testLogger(t)
	p := newPair(t, cc, dc, copts, opts)
	accepted := make(chan struct{})
	go p.daemon.ServeTargets(context.Background(), func(ctx context.Context) (net.Conn, error) {
		close(accepted)
		<-ctx.Done() // the target never answers; the daemon goes away meanwhile
		return nil, ctx.Err()
	})
	stdin, feed := io.Pipe() // stdin that never ends
	defer feed.Close()
	served := make(chan error, 1)
	go func() { served <- p.client.ServeStdio(context.Background(), stdin, io.Discard) }()
	<-accepted
	p.daemon.Close()
	if err := result(t, "ServeStdio", served); !errors.Is(err, want) {
		t.Errorf("ServeStdio: got %v, want %v", err, want)
	}
}

func TestOpenStreamAfterEnd(t *testing.T) {
	cc, dc := tcpPair(t)
	p := newPair(t, cc, dc, Options{}, Options{})
	p.daemon.Close()
	waitDone(t, "client", p.client)
	_, err := p.client.OpenStream()
	if !errors.Is(err, ErrPeerClosed) {
		t.Errorf("OpenStream on an ended tunnel: got %v, want ErrPeerClosed", err)
	}
	if got, want := fmt.Sprint(p.client.Err()), ErrPeerClosed.Error(); got != want {
		t.Errorf("client Err: got %q, want %q", got, want)
	}
}
