package relay

import (
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/wire"
)

// cutOff reports whether the relay closes nc within limit, reading (and
// dropping) whatever it says first.
func cutOff(nc net.Conn, limit time.Duration) bool {
	nc.SetReadDeadline(time.Now().Add(limit))
	_, err := io.Copy(io.Discard, nc)
	// EOF (nil from Copy) or a reset: the relay closed it.
	return !errors.Is(err, os.ErrDeadlineExceeded)
}

// exchange checks that alice and bob still get each other's messages.
func exchange(t *testing.T, a, b *client, tag byte) {
	t.Helper()
	a.c.Send(0, "@bob", 0, identity.PublicKey{}, sealed(tag, 120))
	if got := b.recv(t); got.Sealed[0] != tag {
		t.Errorf("bob got %d, want %d", got.Sealed[0], tag)
	}
	b.c.Send(0, "@alice", 0, identity.PublicKey{}, sealed(tag, 120))
	if got := a.recv(t); got.Sealed[0] != tag {
		t.Errorf("alice got %d, want %d", got.Sealed[0], tag)
	}
}

func TestBadClientsCutOffOthersServed(t *testing.T) {
	handshake := 300 * time.Millisecond
	r := startRelay(t, func(c *Config) { c.HandshakeTimeout = handshake })
	a, b := r.connect(t, newID(t, "@alice")), r.connect(t, newID(t, "@bob"))
	tests := []struct {
		name  string
		abuse func(t *testing.T) net.Conn // returns the socket to watch
	}{
		{"garbage", func(t *testing.T) net.Conn {
			nc := dialTCP(t, r.addr)
			nc.Write([]byte("\x16\x03\x01\x02\x00garbage that is no nport hello"))
			return nc
		}},
		{"oversized frame header", func(t *testing.T) net.Conn {
			nc := dialTCP(t, r.addr)
			nc.Write([]byte{byte(wire.FrameClientHello), 0x7f, 0xff, 0xff, 0xff})
			return nc
		}},
		{"oversized frame after the handshake", func(t *testing.T) net.Conn {
			nc := dialTCP(t, r.addr)
			if _, err := relayconnHandshake(nc, newID(t, "@mallory"), func(identity.PublicKey) error { return nil }); err != nil {
				t.Fatal(err)
			}
			nc.Write([]byte{byte(wire.FrameSend), 0x00, 0x01, 0x00, 0x01})
			return nc
		}},
		{"silent socket", func(t *testing.T) net.Conn { return dialTCP(t, r.addr) }},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			if nc := tt.abuse(t); !cutOff(nc, 10*time.Second) {
				t.Fatalf("still open after %v", time.Since(start))
			}
			if tt.name == "silent socket" && time.Since(start) < handshake-50*time.Millisecond {
				t.Errorf("cut off after %v, before the %v handshake deadline", time.Since(start), handshake)
			}
			exchange(t, a, b, byte(i))
		})
	}
}

func TestNoGoroutineLeftBehind(t *testing.T) {
	checkLeaks := nettest.CheckGoroutines(t, 5*time.Second)
	func() {
		r := startRelay(t, func(c *Config) { c.HandshakeTimeout = 5 * time.Second })
		a, b := r.connect(t, newID(t, "@alice")), r.connect(t, newID(t, "@bob"))
		exchange(t, a, b, 1)
		silent := dialTCP(t, r.addr) // in its handshake when the relay stops
		silent.Write([]byte{byte(wire.FrameClientHello)})
		r.shutdown(t)
		for _, c := range []*client{a, b} {
			select {
			case <-c.err:
			case <-time.After(5 * time.Second):
				t.Errorf("%s: still connected after the relay stopped", c.c.Name())
			}
			c.close()
		}
		silent.Close()
	}()
	checkLeaks()
}
