package pairing

import (
	"net"
	"sync"
	"testing"
	"time"

	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// BenchmarkConcurrentSetups pairs 1,000 sessions at once whose 2,000
// parties all dial from one address, as one host running 1,000 sshnp
// set-ups to its own devices does, against the default limits. Every
// party must pair; peak-pending is the most sockets that were in their
// handshake at once, to compare with --max-handshakes-per-source:
//
//	go test -run '^$' -bench ConcurrentSetups -benchtime 3x ./applets/rendezvous/pairing
func BenchmarkConcurrentSetups(b *testing.B) {
	const sessions = 1000
	f := startServer(b, Config{MaxSessions: sessions, MaxSessionsPerIdentity: sessions})
	for b.Loop() {
		eventually(b, "the sessions of the last round to end", func() bool { return f.srv.Len() == 0 })
		var wg sync.WaitGroup
		errs := make(chan error, 2*sessions)
		for range sessions {
			id, g := f.open("@alice")
			for _, tok := range []session.Token{g.Client, g.Daemon} {
				wg.Go(func() { errs <- joinAndPair(f.addr, id, tok) })
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				b.Fatalf("a party of %d sessions failed: %v", sessions, err)
			}
		}
	}
	st := f.srv.Handshakes()
	b.ReportMetric(float64(st.PeakPending), "peak-pending")
	if st.ShedGlobal+st.ShedPerSource+st.RefusedPerSource > 0 {
		b.Errorf("got %+v, want no socket shed or refused", st)
	}
}

// joinAndPair dials addr, presents id and tok, waits until it is paired,
// and closes.
func joinAndPair(addr string, id session.ID, tok session.Token) error {
	c, err := net.DialTimeout("tcp", addr, wait)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.Write(helloFrame(id, tok)); err != nil {
		return err
	}
	_ = c.SetReadDeadline(time.Now().Add(wait))
	buf := make([]byte, wire.MaxRefuseMessage+8)
	typ, payload, err := wire.ReadFrame(c, buf)
	if err != nil {
		return err
	}
	if typ != wire.FrameRendezvousPaired {
		r, _ := wire.ParseRefuse(payload)
		return r
	}
	return nil
}
