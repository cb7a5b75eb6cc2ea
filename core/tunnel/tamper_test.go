package tunnel

import (
	"bytes"
	"errors"
	"net"
	"sync"
	"testing"

	"github.com/nport/nport/core/record"
)

// mitm relays between a client socket and a daemon socket, as the
// rendezvous does, and changes one byte of one direction at offset at by
// XORing it with mask. When either side ends it closes both.
func mitm(t testing.TB, toDaemon bool, at int64, mask byte) (clientSide, daemonSide net.Conn) {
	cc, pc := tcpPair(t) // client ↔ proxy
	pd, dc := tcpPair(t) // proxy ↔ daemon
	var once sync.Once
	closeAll := func() { once.Do(func() { pc.Close(); pd.Close() }) }
	relay := func(dst, src net.Conn, flip bool) {
		defer closeAll()
		buf := make([]byte, 32<<10)
		var off int64
		for {
			n, err := src.Read(buf)
			if flip && off <= at && at < off+int64(n) {
				buf[at-off] ^= mask
			}
			off += int64(n)
			if _, werr := dst.Write(buf[:n]); werr != nil || err != nil {
				return
			}
		}
	}
	go relay(pd, pc, toDaemon)
	go relay(pc, pd, !toDaemon)
	return cc, dc
}

func TestTamper(t *testing.T) {
	tests := []struct {
		name     string
		toDaemon bool
		at       int64
		mask     byte
	}{
		// 0xff in the first length byte makes an impossible length.
		{"client to daemon, first record's length", true, 0, 0xff},
		{"client to daemon, mid-stream", true, 1 << 20, 0x01},
		{"daemon to client, mid-stream", false, 1 << 20, 0x01},
		{"daemon to client, early", false, 100, 0x80},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cc, dc := mitm(t, tt.toDaemon, tt.at, tt.mask)
			tg := startTarget(t, echo)
			r := newPair(t, cc, dc, Options{Logger: testLogger(t)}, Options{}).serve(t, tg.dial)

			const conns, size = 4, 2 << 20
			sent := make([][]byte, conns)
			var wg sync.WaitGroup
			for i := range conns {
				sent[i] = randomBytes(t, size)
				wg.Go(func() {
					c, err := net.Dial("tcp", r.addr)
					if err != nil {
						return // the tunnel died and closed its listener already
					}
					defer c.Close()
					// exchange returns only once the local connection has
					// been ended by the tunnel: a hang fails the test.
					got, _ := exchange(c, sent[i])
					if !bytes.HasPrefix(sent[i], got) {
						t.Errorf("conn %d: got %d bytes back that are not a prefix of those sent: altered data was delivered", i, len(got))
					}
				})
			}
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			waitOrFail(t, "local connections to be closed", done)

			receiver, sender := r.daemon, r.client
			if !tt.toDaemon {
				receiver, sender = r.client, r.daemon
			}
			waitDone(t, "receiver", receiver)
			waitDone(t, "sender", sender)
			if err := receiver.Err(); !errors.Is(err, record.ErrTampered) {
				t.Errorf("receiver Err: got %v, want record.ErrTampered", err)
			}
			if err := sender.Err(); err == nil || errors.Is(err, ErrClosed) || errors.Is(err, ErrPeerClosed) {
				t.Errorf("sender Err: got %v, want an error that is not a clean end", err)
			}
			if err := result(t, "ServeListener", r.clientErr); err == nil {
				t.Errorf("ServeListener: got nil, want the tunnel's error")
			}
			if err := result(t, "ServeTargets", r.daemonErr); err == nil {
				t.Errorf("ServeTargets: got nil, want the tunnel's error")
			}
			tg.ln.Close()
			tg.wg.Wait()
			for i, in := range tg.inputs() {
				if !isPrefix(in, sent) {
					t.Errorf("target connection %d: got %d bytes that are not a prefix of any sent: altered data was delivered", i, len(in))
				}
			}
		})
	}
}
