package tunnel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"

	"github.com/hashicorp/yamux"
	"github.com/nport/nport/core/bridge"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/record"
	"github.com/nport/nport/core/session"
)

// Tunnel is one end of an nport tunnel: the record layer over the paired
// rendezvous socket, and a stream multiplexer inside it. Create it with
// New, serve it with one of the Serve methods, end it with Close.
type Tunnel struct {
	mux  carrier
	pool *bridge.Pool // nil: the bridge's shared default pool
	log  *slog.Logger
	idle *idleWatch

	// ctx ends, with the tunnel's error as cause, when the tunnel ends;
	// the bridges and target dials of its streams run under it.
	ctx    context.Context
	cancel context.CancelCauseFunc

	// hangup is closed by Hangup: the reader of ServeStdio's output is gone.
	hangup     chan struct{}
	hangupOnce sync.Once

	mu    sync.Mutex
	err   error // the first reason the tunnel ended; later ones are its consequences
	ended bool  // no handler may start any more
	done  chan struct{}

	// handlers counts the goroutines serving streams, so that Close
	// returns only once the last of them has stopped.
	handlers sync.WaitGroup

	stats counters
}

// New starts a tunnel over conn, the socket Join returned. local is this
// end's ephemeral key and peer the other end's, exchanged inside the
// sealed tunnel request and reply; id is the session id. The client role
// opens streams and the daemon role accepts them. The tunnel owns conn
// from now on, and closes it even when New fails.
func New(conn net.Conn, role record.Role, local identity.PrivateKey, peer identity.PublicKey, id session.ID, opts Options) (*Tunnel, error) {
	pool, err := poolFor(opts.BufferSize)
	if err != nil {
		conn.Close()
		return nil, err
	}
	cipher := opts.Cipher
	if cipher == "" {
		cipher = record.ChaCha20Poly1305
	}
	rec, err := record.New(conn, cipher, role, local, peer, id)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("tunnel: %w", err)
	}
	log := opts.Logger
	if log == nil {
		log = discardLogger
	}
	t := &Tunnel{
		pool: pool,
		log:  log.With(slog.String("session", id.Short()), slog.String("role", role.String())),
		done: make(chan struct{}),

		hangup: make(chan struct{}),
	}
	t.ctx, t.cancel = context.WithCancelCause(context.Background())
	watched := &watchedConn{Conn: rec, t: t, single: opts.Single}
	if opts.Single {
		t.mux = newSingleCarrier(watched)
	} else if t.mux, err = startMux(watched, role, t.log); err != nil {
		rec.Close()
		return nil, err
	}
	t.idle = newIdleWatch(t, opts.IdleTimeout)
	go t.monitor()
	if role == record.Client && !opts.Single {
		go t.refuseStreams()
	}
	return t, nil
}

// startMux starts the multiplexer over the record stream; record.New
// accepted the role, so it is Client or Daemon.
func startMux(conn *watchedConn, role record.Role, log *slog.Logger) (carrier, error) {
	start := yamux.Server
	if role == record.Client {
		start = yamux.Client
	}
	s, err := start(conn, muxConfig(log))
	if err != nil {
		return nil, fmt.Errorf("tunnel: start the multiplexer: %w", err)
	}
	return muxCarrier{s}, nil
}

// refuseStreams ends a client's tunnel if the daemon opens a stream: a
// daemon never does, and streams nobody accepts would each hold a full
// window of the client's memory.
func (t *Tunnel) refuseStreams() {
	s, err := t.mux.accept()
	if err != nil {
		return // the tunnel ended
	}
	_ = s.Close()
	t.closeWith(errors.New("tunnel: the daemon opened a stream, which a daemon never does: the tunnel is closed"))
}

// poolFor returns the copy-buffer pool for a BufferSize option.
func poolFor(size int) (*bridge.Pool, error) {
	if size == 0 {
		return nil, nil
	}
	p, err := bridge.NewPool(size)
	if err != nil {
		return nil, fmt.Errorf("tunnel: %w", err)
	}
	return p, nil
}
