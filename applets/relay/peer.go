package relay

import (
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/nport/nport/applets/relay/fair"
	"github.com/nport/nport/applets/relay/route"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/ratelimit"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/wire"
)

// peer is one live connection of an identity: a reader that handles its
// frames, and a writer that drains its send queue, so that the router
// hands it frames without ever waiting on its socket.
//
// A peer is attached to the router as soon as the identity has proved its
// key, before the relay sends Welcome, so that a message sent to it once
// its client is welcomed is delivered, not queued; the connection itself
// is set when the handshake is done.
type peer struct {
	s       *server
	name    identity.Name
	key     identity.PublicKey
	id      wire.ConnID
	service bool
	log     *slog.Logger
	bucket  *ratelimit.Bucket
	queue   *fair.Queue // encoded frames for the writer, fair between senders

	conn     atomic.Pointer[relayconn.Conn] // nil until the handshake is done
	released sync.Once
}

// Bounds of one write of the writer: the frames it hands the socket at
// once, and about how many bytes.
const (
	maxBatch      = 64
	maxBatchBytes = 256 << 10
)

func newPeer(s *server, cl relayconn.Claim) *peer {
	return &peer{
		s:       s,
		name:    cl.Name,
		key:     cl.Key,
		id:      cl.ConnID,
		service: cl.Flags&wire.HelloService != 0,
		log:     s.log.With("identity", string(cl.Name), "fp", cl.Key.Fingerprint(), "conn", uint64(cl.ConnID), "remote", cl.Remote.String()),
		bucket:  s.buckets.acquire(cl.Name),
		queue:   fair.New(fair.Limits{Frames: s.cfg.SendQueue, Bytes: int64(s.cfg.SendQueueBytes)}, s.budget),
	}
}

// ID returns the connection's id.
func (p *peer) ID() wire.ConnID { return p.id }

// Service reports whether the client said it is a service.
func (p *peer) Service() bool { return p.service }

// Deliver queues a frame for the writer, in the lane of its sender. A
// client that reads slower than it is sent to is never disconnected for
// it: what its queue has no room for is refused to the senders.
func (p *peer) Deliver(frame []byte) bool {
	return p.queue.Push(route.SenderOf(frame), frame)
}

// release undoes newPeer and the router's Attach, once.
func (p *peer) release() {
	p.released.Do(func() {
		p.s.router.Detach(p.name, p)
		p.s.buckets.release(p.name)
	})
}

// requeue routes again what the router handed a peer whose handshake
// then failed, so that the identity's queue is not lost with it.
func (p *peer) requeue() {
	for _, f := range p.queue.Close() {
		p.s.router.Route(p.name, f)
	}
}

// run serves the connection until it ends.
func (p *peer) run(c *relayconn.Conn) {
	p.conn.Store(c)
	p.log.Info("identity connected", "service", p.service)
	writerDone := make(chan struct{})
	go p.writeLoop(c, writerDone)
	err := p.readLoop(c)
	p.release()
	c.Close()
	<-writerDone
	p.queue.Close()
	p.log.Info("identity disconnected", "reason", err)
}

// readLoop handles the client's frames until the connection ends.
func (p *peer) readLoop(c *relayconn.Conn) error {
	for {
		v, err := c.Next()
		if err != nil {
			return err
		}
		switch f := v.(type) {
		case wire.Send:
			err = p.send(c, f)
		case wire.Lookup:
			err = p.lookup(c, f)
		}
		if err != nil {
			return err
		}
	}
}

// writeLoop writes what the router queued, several frames per write
// when they pile up, one sender's after another's.
func (p *peer) writeLoop(c *relayconn.Conn, done chan<- struct{}) {
	defer close(done)
	batch := make([][]byte, 0, maxBatch)
	for {
		select {
		case <-p.queue.Ready():
			batch = p.queue.Take(batch[:0], maxBatch, maxBatchBytes)
			if len(batch) == 0 {
				continue
			}
			err := c.WriteEncoded(batch...)
			clear(batch)
			if err != nil {
				return // the write ended the connection; the reader sees it
			}
		case <-c.Done():
			return
		}
	}
}
