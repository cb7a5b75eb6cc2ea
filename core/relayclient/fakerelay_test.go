package relayclient

import (
	"bytes"
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/wire"
)

// fakeRelay is a minimal relay built on relayconn.Accept, for the unit
// tests that need a relay to misbehave on purpose (another key, a status
// of the test's choosing). The real relay is tested in relay_test.go.
type fakeRelay struct {
	t    testing.TB
	key  identity.PrivateKey
	ln   net.Listener
	addr string

	// status, if set, answers every Send instead of routing it.
	status wire.SendResult
	force  bool

	mu     sync.Mutex
	dir    map[identity.Name]identity.PublicKey
	conns  map[*relayconn.Conn]struct{}
	byID   map[identity.Name][]*relayconn.Conn
	sent   [][]byte // every envelope received, copied
	closed bool
	wg     sync.WaitGroup
}

// startFakeRelay listens on addr ("127.0.0.1:0" for any port) with key.
func startFakeRelay(t testing.TB, key identity.PrivateKey, addr string) *fakeRelay {
	t.Helper()
	var ln net.Listener
	var err error
	// A port just freed may take a moment to be free again.
	for range 100 {
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	r := &fakeRelay{t: t, key: key, ln: ln, addr: ln.Addr().String(),
		dir: make(map[identity.Name]identity.PublicKey), conns: make(map[*relayconn.Conn]struct{}), byID: make(map[identity.Name][]*relayconn.Conn)}
	r.wg.Add(1)
	go r.accept()
	t.Cleanup(r.Close)
	return r
}

// Close stops the relay and cuts every connection.
func (r *fakeRelay) Close() {
	r.ln.Close()
	r.mu.Lock()
	r.closed = true
	for c := range r.conns {
		c.Close()
	}
	r.mu.Unlock()
	r.wg.Wait()
}

func (r *fakeRelay) accept() {
	defer r.wg.Done()
	for {
		nc, err := r.ln.Accept()
		if err != nil {
			return
		}
		r.wg.Add(1)
		go r.serve(nc)
	}
}

func (r *fakeRelay) claim(c relayconn.Claim) error {
	name, key := c.Name, c.Key
	r.mu.Lock()
	defer r.mu.Unlock()
	if k, ok := r.dir[name]; ok && !k.Equal(key) {
		return wire.Refusal{Code: wire.RefuseNameTaken, Message: string(name) + " is bound to another key"}
	}
	r.dir[name] = key
	return nil
}

func (r *fakeRelay) serve(nc net.Conn) {
	defer r.wg.Done()
	c, err := relayconn.Accept(context.Background(), nc, relayconn.ServerConfig{
		Key: r.key, Claim: r.claim,
		Welcome: wire.Welcome{KeepaliveMillis: 1000, MaxFrame: wire.MaxFrameSize, ConnID: 1},
	})
	if err != nil {
		return
	}
	defer c.Close()
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.conns[c] = struct{}{}
	r.byID[c.Name()] = append(r.byID[c.Name()], c)
	r.mu.Unlock()
	defer r.forget(c)
	for {
		v, err := c.Next()
		if err != nil {
			return
		}
		switch v := v.(type) {
		case wire.Send:
			r.route(c, v)
		case wire.Lookup:
			r.mu.Lock()
			key := r.dir[identity.Name(v.Name)]
			r.mu.Unlock()
			c.LookupReply(v.ReqID, v.Name, key)
		}
	}
}

func (r *fakeRelay) forget(c *relayconn.Conn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.conns, c)
	list := r.byID[c.Name()]
	for i, o := range list {
		if o == c {
			r.byID[c.Name()] = append(list[:i:i], list[i+1:]...)
			break
		}
	}
}

// route delivers a Send to every live connection of its recipient, or to
// the one it names; the fake keeps no queue.
func (r *fakeRelay) route(from *relayconn.Conn, s wire.Send) {
	r.mu.Lock()
	r.sent = append(r.sent, bytes.Clone(s.Sealed))
	status, force := r.status, r.force
	key, known := r.dir[identity.Name(s.To)]
	var targets []*relayconn.Conn
	for _, t := range r.byID[identity.Name(s.To)] {
		if s.ToConn == 0 || t.ID() == s.ToConn {
			targets = append(targets, t)
		}
	}
	r.mu.Unlock()
	switch {
	case force:
	case !known:
		status = wire.SendUnknownRecipient
	case s.ToPub != ([32]byte{}) && s.ToPub != key.Raw():
		status = wire.SendKeyMismatch
	case len(targets) == 0 && s.ToConn != 0:
		status = wire.SendGone
	case len(targets) == 0:
		status = wire.SendQueued
	default:
		for _, t := range targets {
			t.Recv(from.ID(), from.Name(), from.Peer(), s.Sealed)
		}
		status = wire.SendDelivered
	}
	if s.SendID != 0 {
		from.SendStatus(s.SendID, status)
	}
}

// envelopes returns copies of the envelopes received so far.
func (r *fakeRelay) envelopes() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.sent...)
}
