package admission

import (
	"errors"
	"net"
	"time"
)

// ErrSourceFull is wrapped by Admit's error for a newcomer refused because
// its source address has as many sockets in their handshake as it may.
var ErrSourceFull = errors.New("too many connections in progress from this address")

// Ticket is one pending socket's seat at the gate.
type Ticket struct {
	g      *Gate
	conn   net.Conn
	src    *source
	last   time.Duration // the gate's clock at the last progress
	links  [sideCount]link
	state  state
	reason limit // why it was shed, when state is shed
}

// state is where a ticket stands.
type state uint8

const (
	seated state = iota // pending: counted against the bounds
	done                // the handshake ended; the seat is free
	shed                // shed to seat another socket; its conn is closed
)

// Touch records that the socket made progress (a handshake frame came),
// which moves it to the back of the queues that pick what to shed.
func (t *Ticket) Touch() {
	g := t.g
	g.mu.Lock()
	defer g.mu.Unlock()
	if t.state != seated {
		return
	}
	t.last = g.now()
	g.all.moveToBack(t)
	t.src.pending.moveToBack(t)
}

// Done frees the seat, when the handshake has finished or failed. Calling
// it again, or after the ticket was shed, does nothing.
func (t *Ticket) Done() {
	g := t.g
	g.mu.Lock()
	defer g.mu.Unlock()
	if t.state != seated {
		return
	}
	g.removeLocked(t)
	t.state = done
}

// Shed reports whether the gate shed this socket to seat another: its
// connection was told so and closed, so its handshake's error says nothing
// more and it needs no other refusal.
func (t *Ticket) Shed() bool {
	t.g.mu.Lock()
	defer t.g.mu.Unlock()
	return t.state == shed
}
