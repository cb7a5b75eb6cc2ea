package npt

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/nport/nport/core/tunnel"
)

// acceptRetry is the pause after a failed Accept that did not close the
// listener (too many open files, say), so the loop does not spin.
const acceptRetry = 100 * time.Millisecond

// tcpPort is a local TCP port whose connections are carried by whichever
// tunnel is up. The listener outlives the tunnels: while none is up, it
// keeps accepting, and the connections wait for the next one.
type tcpPort struct {
	ln  net.Listener
	log *slog.Logger
	// conns hands accepted connections to the tunnel that is up.
	conns chan net.Conn
	// held is the connection that woke wait, for the next tunnel.
	held chan net.Conn
	done chan struct{}
	// accepted is closed when the accept loop has stopped.
	accepted chan struct{}
}

func listenTCP(addr string, log *slog.Logger) (*tcpPort, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	p := &tcpPort{ln: ln, log: log, conns: make(chan net.Conn), held: make(chan net.Conn, 1), done: make(chan struct{}), accepted: make(chan struct{})}
	go p.accept()
	return p, nil
}

// Addr is where the port listens.
func (p *tcpPort) Addr() net.Addr { return p.ln.Addr() }

// accept takes connections until the port is closed.
func (p *tcpPort) accept() {
	defer close(p.accepted)
	for {
		c, err := p.ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			p.log.Warn("accept a local connection", "listen", p.ln.Addr().String(), "err", err)
			select {
			case <-time.After(acceptRetry):
				continue
			case <-p.done:
				return
			}
		}
		select {
		case p.conns <- c:
		case <-p.done:
			c.Close()
			return
		}
	}
}

// serve carries each connection through its own stream of t.
func (p *tcpPort) serve(ctx context.Context, t *tunnel.Tunnel, attached func()) error {
	// Connections accepted before t serves wait in p.conns for it.
	attached()
	err := t.ServeListener(ctx, &tunnelListener{p: p, closed: make(chan struct{})})
	if ctx.Err() != nil {
		return nil
	}
	if err == nil {
		return t.Err()
	}
	return err
}

// wait returns once a connection arrives, and keeps it for the next
// tunnel.
func (p *tcpPort) wait(ctx context.Context) error {
	select {
	case c := <-p.conns:
		p.held <- c
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops listening and closes a connection still waiting.
func (p *tcpPort) Close() error {
	close(p.done)
	err := p.ln.Close()
	<-p.accepted
	select {
	case c := <-p.held:
		c.Close()
	default:
	}
	return err
}

// tunnelListener is the port as one tunnel's ServeListener sees it: its
// Close, when the tunnel ends, ends that tunnel's use of the port only.
type tunnelListener struct {
	p      *tcpPort
	closed chan struct{}
	once   sync.Once
}

// Accept hands out the next connection for this tunnel.
func (l *tunnelListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.p.held:
		return c, nil
	case c := <-l.p.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

// Close ends Accept; the port stays open.
func (l *tunnelListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

// Addr is the port's address.
func (l *tunnelListener) Addr() net.Addr { return l.p.ln.Addr() }
