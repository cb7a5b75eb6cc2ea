package relay

import (
	"log/slog"
	"sync"
	"sync/atomic"

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
	s      *server
	name   identity.Name
	key    identity.PublicKey
	log    *slog.Logger
	bucket *ratelimit.Bucket
	queue  chan []byte // encoded frames for the writer

	conn     atomic.Pointer[relayconn.Conn] // nil until the handshake is done
	overflow atomic.Bool                    // the queue was full: close the connection
	warned   sync.Once
	released sync.Once
}

// maxBatch bounds the frames the writer hands the socket in one write.
const maxBatch = 64

func newPeer(s *server, name identity.Name, key identity.PublicKey, remote string) *peer {
	return &peer{
		s:      s,
		name:   name,
		key:    key,
		log:    s.log.With("identity", string(name), "fp", key.Fingerprint(), "remote", remote),
		bucket: s.buckets.acquire(name),
		queue:  make(chan []byte, s.cfg.SendQueue),
	}
}

// Deliver queues a frame for the writer. A full queue means the client
// does not read what it is sent: it is disconnected, not waited for.
func (p *peer) Deliver(frame []byte) bool {
	select {
	case p.queue <- frame:
		return true
	default:
	}
	// Set the flag before looking for the connection, and start the other
	// way round: one of the two sides sees the other.
	p.overflow.Store(true)
	if c := p.conn.Load(); c != nil {
		p.warned.Do(func() {
			p.log.Warn("send queue full: closing the connection of a client that does not read", "queue", cap(p.queue))
		})
		c.Abort()
	}
	return false
}

// release undoes newPeer and the router's Attach, once.
func (p *peer) release() {
	p.released.Do(func() {
		p.s.router.Detach(p.name, p)
		p.s.buckets.release(p.name)
	})
}

// requeue routes again what the router flushed to a peer whose handshake
// then failed, so that the identity's queue is not lost with it.
func (p *peer) requeue() {
	for {
		select {
		case f := <-p.queue:
			p.s.router.Route(p.name, f)
		default:
			return
		}
	}
}

// run serves the connection until it ends.
func (p *peer) run(c *relayconn.Conn) {
	p.conn.Store(c)
	if p.overflow.Load() {
		c.Abort()
	}
	p.log.Info("identity connected")
	writerDone := make(chan struct{})
	go p.writeLoop(c, writerDone)
	err := p.readLoop(c)
	p.release()
	c.Close()
	<-writerDone
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
// when they pile up.
func (p *peer) writeLoop(c *relayconn.Conn, done chan<- struct{}) {
	defer close(done)
	batch := make([][]byte, 0, maxBatch)
	for {
		select {
		case f := <-p.queue:
			batch = append(batch[:0], f)
		more:
			for len(batch) < maxBatch {
				select {
				case f := <-p.queue:
					batch = append(batch, f)
				default:
					break more
				}
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

// send routes a Send, and answers with its fate if asked.
func (p *peer) send(c *relayconn.Conn, f wire.Send) error {
	result := p.route(f)
	if f.SendID == 0 {
		return nil
	}
	return c.SendStatus(f.SendID, result)
}

func (p *peer) route(f wire.Send) wire.SendResult {
	if !p.bucket.Allow(p.s.now()) {
		p.log.Debug("over its rate: message dropped", "to", f.To)
		return wire.SendDropped
	}
	to, err := identity.ParseName(f.To)
	if err != nil {
		return wire.SendUnknownRecipient
	}
	if _, ok, err := p.s.dir.Lookup(to); err != nil || !ok {
		return wire.SendUnknownRecipient
	}
	frame, err := relayconn.EncodeRecv(p.name, p.key, f.Sealed)
	if err != nil {
		// Cannot happen: wire checked the envelope's size on the way in.
		p.log.Error("encode recv frame", "err", err)
		return wire.SendDropped
	}
	switch p.s.router.Route(to, frame) {
	case route.Delivered:
		return wire.SendDelivered
	case route.Queued:
		return wire.SendQueued
	}
	return wire.SendDropped
}

// lookup answers a Lookup from the directory.
func (p *peer) lookup(c *relayconn.Conn, f wire.Lookup) error {
	var key identity.PublicKey
	if name, err := identity.ParseName(f.Name); err == nil {
		if k, ok, err := p.s.dir.Lookup(name); err == nil && ok {
			key = k
		}
	}
	return c.LookupReply(f.ReqID, f.Name, key)
}
