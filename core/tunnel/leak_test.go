package tunnel

import (
	"net"
	"sync"
	"testing"

	"github.com/nport/nport/core/nettest"
)

// TestNoGoroutineLeak runs a tunnel with live connections, closes it, and
// checks that every goroutine it started has gone.
func TestNoGoroutineLeak(t *testing.T) {
	tests := []struct {
		name  string
		close func(r running)
	}{
		{"client closes", func(r running) { r.client.Close() }},
		{"daemon closes", func(r running) { r.daemon.Close() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks := nettest.CheckGoroutines(t, waitLimit)
			func() {
				cc, dc := tcpPair(t)
				tg := startTarget(t, echo)
				r := newPair(t, cc, dc, Options{}, Options{}).serve(t, tg.dial)
				// Connections left open mid-stream, as a user would leave them.
				var conns []net.Conn
				var wg sync.WaitGroup
				for range 4 {
					c, err := net.Dial("tcp", r.addr)
					if err != nil {
						t.Fatalf("dial: %v", err)
					}
					conns = append(conns, c)
					roundTrip(t, "open connection", c, []byte("ping"))
					wg.Go(func() { c.Write(randomBytes(t, 1<<20)) }) // blocked by the window
				}
				tt.close(r)
				result(t, "ServeListener", r.clientErr)
				result(t, "ServeTargets", r.daemonErr)
				for _, c := range conns {
					c.Close()
				}
				wg.Wait()
				cc.Close()
				dc.Close()
				tg.ln.Close()
				tg.wg.Wait()
			}()
			checkLeaks()
		})
	}
}
