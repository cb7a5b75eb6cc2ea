package relayconn

import (
	"net"
	"sync"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// Conn is one relay connection after a successful handshake. The client
// side writes Send and Lookup and reads Recv, LookupReply and SendStatus;
// the relay side the reverse. Either side's Next returns only the frames
// meant for it.
type Conn struct {
	nc      net.Conn
	r       *wire.Reader
	client  bool     // this side is the client
	who     peerInfo // the client, authenticated, and the other side's key
	welcome wire.Welcome
	silence time.Duration // no frame for this long ends the connection
	sendMax int           // largest payload the peer accepts

	wmu  sync.Mutex // serialises writes and guards what follows
	wbuf []byte     // reused to encode frames
	bufs net.Buffers
	werr error // the first write error; every later write returns it

	done      chan struct{} // closed by shutdown
	closeOnce sync.Once
	ka        keepalive
}

// peerInfo is who a handshake found: the client's name and hello flags,
// and the key of the other side (the relay's on the client, the client's
// on the relay).
type peerInfo struct {
	name  identity.Name
	key   identity.PublicKey
	flags wire.HelloFlags
}

// newConn wraps a connection whose handshake succeeded and starts its
// keepalive.
func newConn(nc net.Conn, r *wire.Reader, client bool, who peerInfo, w wire.Welcome) *Conn {
	c := &Conn{
		nc:      nc,
		r:       r,
		client:  client,
		who:     who,
		welcome: w,
		silence: SilenceIntervals * keepaliveOf(w),
		sendMax: wire.MaxFrameSize,
		done:    make(chan struct{}),
	}
	if client {
		c.sendMax = int(w.MaxFrame)
	}
	c.startKeepalive(keepaliveOf(w))
	return c
}

// Bounds on the keepalive interval a relay may announce: a relay cannot
// make a client ping in a busy loop, nor wait days to notice a dead link.
const (
	MinKeepalive = 50 * time.Millisecond
	MaxKeepalive = 10 * time.Minute
)

// keepaliveOf returns the interval of w within the bounds.
func keepaliveOf(w wire.Welcome) time.Duration {
	return min(max(w.Keepalive(), MinKeepalive), MaxKeepalive)
}

// Name returns the client's identity: this side's on the client, the one
// the client proved on the relay.
func (c *Conn) Name() identity.Name { return c.who.name }

// Peer returns the other side's long-term key: the relay's on the
// client, the client's on the relay.
func (c *Conn) Peer() identity.PublicKey { return c.who.key }

// Flags returns the flags of the client's hello.
func (c *Conn) Flags() wire.HelloFlags { return c.who.flags }

// ID returns the connection's id at the relay, from Welcome.
func (c *Conn) ID() wire.ConnID { return c.welcome.ConnID }

// Welcome returns the Welcome frame of the handshake: the keepalive
// interval, the largest frame the relay accepts, the relay's clock.
func (c *Conn) Welcome() wire.Welcome { return c.welcome }

// RemoteAddr returns the address of the other side.
func (c *Conn) RemoteAddr() net.Addr { return c.nc.RemoteAddr() }

// Done is closed when the connection ends, by Close or by an error.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Close ends the connection and waits for a keepalive being sent, if
// any. It is safe to call more than once and from any goroutine.
func (c *Conn) Close() error {
	err := c.shutdown()
	c.stopKeepalive()
	return err
}

// Abort ends the connection at once, without waiting for anything, for
// callers that must not block: a router that finds the connection's send
// queue full, say. Close must still be called to stop the keepalive.
func (c *Conn) Abort() { c.shutdown() }

// shutdown closes the socket once, which also wakes a blocked Next or
// write. It does not wait, so a keepalive tick may call it.
func (c *Conn) shutdown() error {
	var err error
	c.closeOnce.Do(func() {
		close(c.done)
		err = c.nc.Close()
	})
	return err
}

// closed reports whether shutdown has run.
func (c *Conn) closed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}
