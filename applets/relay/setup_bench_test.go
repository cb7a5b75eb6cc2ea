package relay

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"

	"github.com/nport/nport/applets/relay/claim"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/logging"
	"github.com/nport/nport/core/relayconn"
)

// BenchmarkConcurrentConnects starts 1,000 clients at once from one
// address, as one host running 1,000 sshnp set-ups does, against a relay
// with the default limits. Every handshake must succeed; peak-pending is
// the most sockets that were in their handshake at once, to compare with
// --max-handshakes-per-source:
//
//	go test -run '^$' -bench ConcurrentConnects -benchtime 3x ./applets/relay
func BenchmarkConcurrentConnects(b *testing.B) {
	const clients = 1000
	cfg := Defaults()
	cfg.Home, cfg.Logger = b.TempDir(), logging.Discard()
	srv, addr, key := serveInProcess(b, cfg)
	// One person's identity on all of them: its name is claimed by the
	// first, and new names from one address are rate-limited anyway.
	id := newID(b, "@alice")
	for b.Loop() {
		var wg sync.WaitGroup
		errs := make(chan error, clients)
		for range clients {
			wg.Go(func() {
				nc, err := net.Dial("tcp", addr)
				if err != nil {
					errs <- err
					return
				}
				c, err := relayconn.Handshake(context.Background(), nc, relayconn.ClientConfig{Identity: id, CheckRelayKey: pin(key)})
				if err != nil {
					errs <- err
					return
				}
				c.Close()
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatalf("a client of %d failed: %v", clients, err)
		}
	}
	st := srv.gate.Stats()
	b.ReportMetric(float64(st.PeakPending), "peak-pending")
	if st.ShedGlobal+st.ShedPerSource+st.RefusedPerSource > 0 {
		b.Errorf("got %+v, want no socket shed or refused", st)
	}
}

// pin accepts the relay's key only.
func pin(key identity.PublicKey) func(identity.PublicKey) error {
	return func(k identity.PublicKey) error {
		if !k.Equal(key) {
			return errors.New("not the relay's key")
		}
		return nil
	}
}

// serveInProcess runs the relay's server as Run does, but hands it to the
// caller, whose counters it can then read. It stops when tb ends.
func serveInProcess(tb testing.TB, cfg Config) (*server, string, identity.PublicKey) {
	tb.Helper()
	id, _, err := identity.Store{Dir: cfg.Home}.LoadOrCreate(RelayName)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := openBackend(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(b.close)
	policy, err := claim.New(b.names, cfg.claimOptions(b.share))
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := newServer(cfg, id, b, policy)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.serve(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		<-done
	})
	return s, ln.Addr().String(), id.Public()
}
