package admission

import (
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/wire"
)

// TestAdmitTellsWhy runs the gate on real loopback sockets, each address
// of 127.0.0.0/8 a source of its own: the sockets shed or refused read a
// Refuse limit that names the limit, then the end of the stream.
func TestAdmitTellsWhy(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		from     []string      // the sources of the sockets admitted in turn
		advance  time.Duration // the clock moves by this before the last one
		victim   int           // the socket told why, by index; -1: the newcomer
		wantErr  error
		wantText string
	}{
		{"shed at the global limit", Config{Max: 2}, []string{"127.0.0.2", "127.0.0.3", "127.0.0.4"}, 0, 0, nil, "global limit"},
		{"refused at the per-address limit", Config{PerSource: 2}, []string{"127.0.0.5", "127.0.0.5", "127.0.0.5"}, time.Second, -1, ErrSourceFull, "per-address limit"},
		{"shed idle at the per-address limit", Config{PerSource: 2}, []string{"127.0.0.6", "127.0.0.6", "127.0.0.6"}, DefaultGrace, 0, nil, "per-address limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nettest.NoLeaks(t)
			l := newLoopback(t)
			g, clock := newTestGate(tt.cfg)
			var peers []net.Conn
			var tickets []*Ticket
			var err error
			for i, from := range tt.from {
				if i == len(tt.from)-1 {
					clock.now += tt.advance
				}
				dialed, accepted := l.pair(from)
				peers = append(peers, dialed)
				var tk *Ticket
				tk, err = g.Admit(accepted)
				tickets = append(tickets, tk)
			}
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("got Admit error %v, want %v", err, tt.wantErr)
			}
			victim := tt.victim
			if victim < 0 {
				victim = len(peers) - 1
			} else if !tickets[victim].Shed() {
				t.Errorf("got ticket %d not shed, want it shed", victim)
			}
			r, ok := told(t, peers[victim].(net.Conn))
			if !ok || r.Code != wire.RefuseLimit || !strings.Contains(r.Message, tt.wantText) {
				t.Errorf("got refusal %v (sent: %v), want code limit naming the %s", r, ok, tt.wantText)
			}
			for i, tk := range tickets {
				if i != victim && tk.Shed() {
					t.Errorf("got ticket %d shed too, want only %d", i, victim)
				}
			}
		})
	}
}

// TestShedTLSClosesUnderneath sheds a socket wrapped in TLS: it is closed
// without a word, since a bare frame cannot be read inside TLS and a TLS
// write could wait on the handshake.
func TestShedTLSClosesUnderneath(t *testing.T) {
	nettest.NoLeaks(t)
	l := newLoopback(t)
	g, _ := newTestGate(Config{Max: 1})
	dialed, accepted := l.pair("127.0.0.7")
	tk, err := g.Admit(tls.Server(accepted, &tls.Config{}))
	if err != nil {
		t.Fatal(err)
	}
	_, next := l.pair("127.0.0.8")
	start := time.Now()
	if _, err := g.Admit(next); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("Admit took %v to shed a TLS socket, want no wait", took)
	}
	if r, sent := told(t, dialed); sent {
		t.Errorf("got %v sent inside a TLS socket, want it closed without a word", r)
	}
	if !tk.Shed() {
		t.Error("got the TLS ticket not shed, want it shed")
	}
}
