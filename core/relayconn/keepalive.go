package relayconn

import (
	"encoding/binary"
	"sync"
	"time"

	"github.com/nport/nport/wire"
)

// keepalive sends a Ping every interval until the connection ends, so
// that the peer hears from this side even when it has nothing to say. It
// is a timer, not a goroutine: a relay holds many idle connections, and
// a small device should not pay a stack for each.
type keepalive struct {
	interval time.Duration

	mu      sync.Mutex
	timer   *time.Timer
	stopped bool
	n       uint64
	running sync.WaitGroup // a tick in progress
}

// startKeepalive arms the first tick.
func (c *Conn) startKeepalive(interval time.Duration) {
	k := &c.ka
	k.mu.Lock()
	defer k.mu.Unlock() // the first tick waits for timer to be set
	k.interval = interval
	k.timer = time.AfterFunc(interval, c.tick)
}

// tick sends one Ping and arms the next, unless the connection ended.
func (c *Conn) tick() {
	k := &c.ka
	k.mu.Lock()
	if k.stopped {
		k.mu.Unlock()
		return
	}
	k.running.Add(1)
	k.n++
	var data [wire.PingDataLen]byte
	binary.BigEndian.PutUint64(data[:], k.n)
	k.mu.Unlock()
	defer k.running.Done()

	if c.ping(data) != nil {
		return // the write error ended the connection
	}
	k.mu.Lock()
	if !k.stopped {
		k.timer.Reset(k.interval)
	}
	k.mu.Unlock()
}

// stopKeepalive stops the ticks and waits for one in progress, which the
// closed socket cuts short.
func (c *Conn) stopKeepalive() {
	k := &c.ka
	k.mu.Lock()
	k.stopped = true
	if k.timer != nil {
		k.timer.Stop()
	}
	k.mu.Unlock()
	k.running.Wait()
}

// ping writes a Ping.
func (c *Conn) ping(data [wire.PingDataLen]byte) error {
	p := wire.Ping{Data: data}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	b, err := p.AppendBinary(startFrame(c.wbuf[:0], wire.FramePing))
	return c.finishLocked(b, err)
}

// pong answers a Ping with its data.
func (c *Conn) pong(data [wire.PingDataLen]byte) error {
	p := wire.Pong{Data: data}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	b, err := p.AppendBinary(startFrame(c.wbuf[:0], wire.FramePong))
	return c.finishLocked(b, err)
}
