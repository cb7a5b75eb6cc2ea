package tunnel

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"
)

func TestIdleTimeout(t *testing.T) {
	const idle = 300 * time.Millisecond
	tests := []struct {
		name string
		hold time.Duration // how long a stream stays open first; 0: none is opened
	}{
		{"never used", 0},
		{"closes only after its last stream", 3 * idle},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cc, dc := tcpPair(t)
			tg := startTarget(t, echo)
			// The idle clock starts inside New: measure from before it.
			quietFrom := time.Now()
			p := newPair(t, cc, dc, Options{IdleTimeout: idle, Logger: testLogger(t)}, Options{})
			daemonErr := make(chan error, 1)
			go func() { daemonErr <- p.daemon.ServeTargets(context.Background(), tg.dial) }()

			if tt.hold > 0 {
				s, err := p.client.OpenStream()
				if err != nil {
					t.Fatalf("OpenStream: %v", err)
				}
				select {
				case <-p.client.Done():
					t.Fatalf("tunnel ended with a stream open: %v", p.client.Err())
				case <-time.After(tt.hold):
				}
				quietFrom = time.Now()
				s.Close()
			}
			waitDone(t, "client", p.client)
			if quiet := time.Since(quietFrom); quiet < idle {
				t.Errorf("tunnel ended %s after its last stream, want at least %s", quiet, idle)
			}
			if err := p.client.Err(); !errors.Is(err, ErrIdle) {
				t.Errorf("client Err: got %v, want ErrIdle", err)
			}
			if err := result(t, "ServeTargets", daemonErr); !errors.Is(err, ErrPeerClosed) {
				t.Errorf("ServeTargets: got %v, want ErrPeerClosed", err)
			}
		})
	}
}

func TestIdleTimeoutEndsServeListener(t *testing.T) {
	cc, dc := tcpPair(t)
	tg := startTarget(t, echo)
	r := newPair(t, cc, dc, Options{IdleTimeout: 100 * time.Millisecond}, Options{}).serve(t, tg.dial)
	if err := result(t, "ServeListener", r.clientErr); !errors.Is(err, ErrIdle) {
		t.Errorf("ServeListener: got %v, want ErrIdle", err)
	}
	if err := result(t, "ServeTargets", r.daemonErr); !errors.Is(err, ErrPeerClosed) {
		t.Errorf("ServeTargets: got %v, want ErrPeerClosed", err)
	}
}

func TestServeContextEnds(t *testing.T) {
	cc, dc := tcpPair(t)
	p := newPair(t, cc, dc, Options{}, Options{})
	ctx, cancel := context.WithCancelCause(context.Background())
	served := make(chan error, 1)
	stdin, feed := io.Pipe() // a stdin that never gives a byte, until the test ends
	t.Cleanup(func() { feed.Close() })
	go func() { served <- p.client.ServeStdio(ctx, stdin, io.Discard) }()
	stopped := errors.New("operator stopped the client")
	cancel(stopped)
	if err := result(t, "ServeStdio", served); !errors.Is(err, stopped) {
		t.Errorf("ServeStdio: got %v, want the context's cause", err)
	}
	if err := p.client.Err(); !errors.Is(err, stopped) {
		t.Errorf("client Err: got %v, want the context's cause", err)
	}
	waitDone(t, "daemon", p.daemon)
	if err := p.daemon.Err(); !errors.Is(err, ErrPeerClosed) {
		t.Errorf("daemon Err: got %v, want ErrPeerClosed", err)
	}
}
