package relayclient

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nport/nport/applets/relay"
	"github.com/nport/nport/core/dialer/dialertest"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/core/seal"
	"github.com/nport/nport/wire"
)

// realRelay is the nport relay applet, run in-process on 127.0.0.1.
type realRelay struct {
	logs   *logBuffer
	addr   string
	key    identity.PublicKey
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
}

// startRelay runs a relay with home on listen ("127.0.0.1:0" for any
// port) until stop or the end of the test. mod adjusts its config.
func startRelay(t testing.TB, home, listen string, mod func(*relay.Config)) *realRelay {
	t.Helper()
	logs := &logBuffer{}
	type readyInfo struct {
		addr net.Addr
		key  identity.PublicKey
	}
	var r *realRelay
	// A port just freed by a stopped relay is normally free at once, but
	// give the kernel a few tries.
	for attempt := 0; ; attempt++ {
		cfg := relay.Defaults()
		cfg.Home, cfg.Listen = home, listen
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		ready := make(chan readyInfo, 1)
		cfg.Ready = func(a net.Addr, k identity.PublicKey) { ready <- readyInfo{a, k} }
		if mod != nil {
			mod(&cfg)
		}
		ctx, cancel := context.WithCancel(context.Background())
		r = &realRelay{logs: logs, cancel: cancel, done: make(chan error, 1)}
		go func() { r.done <- relay.Run(ctx, cfg) }()
		select {
		case info := <-ready:
			r.addr, r.key = info.addr.String(), info.key
		case err := <-r.done:
			cancel()
			if attempt < 50 && strings.Contains(err.Error(), "address already in use") {
				time.Sleep(20 * time.Millisecond)
				continue
			}
			t.Fatalf("relay did not start: %v", err)
		case <-time.After(testTimeout):
			t.Fatal("relay did not start")
		}
		break
	}
	t.Cleanup(func() {
		r.stop(t)
		if t.Failed() {
			t.Logf("relay log:\n%s", logs)
		}
	})
	return r
}

// stop cancels the relay and waits for Run to return.
func (r *realRelay) stop(t testing.TB) {
	r.once.Do(func() {
		r.cancel()
		if err := <-r.done; err != nil {
			t.Errorf("relay Run: %v", err)
		}
	})
}

// disconnected waits until p has noticed it lost its connection.
func (p *peer) disconnected(t testing.TB) {
	t.Helper()
	waitFor(t, string(p.id.Name)+" to notice the relay is gone", func() bool { return p.current() == nil })
}

// connected waits until p has a connection again.
func (p *peer) connected(t testing.TB) {
	t.Helper()
	select {
	case <-p.Live():
	case <-time.After(testTimeout):
		t.Fatalf("%s did not reconnect", p.id.Name)
	}
}

// exchange checks that a message goes from each peer to the other.
func exchange(t testing.TB, a, b *peer, text string) {
	t.Helper()
	for _, pair := range [][2]*peer{{a, b}, {b, a}} {
		from, to := pair[0], pair[1]
		m := message(t, text)
		from.send(t, to.id.Name, m)
		if in := to.next(t); in.From != from.id.Name || in.Msg.ID != m.ID {
			t.Fatalf("%s got %q from %s, want %q from %s", to.id.Name, body(t, in.Msg), in.From, text, from.id.Name)
		}
	}
}

func TestRelayExchangeAndRequest(t *testing.T) {
	r := startRelay(t, t.TempDir(), "127.0.0.1:0", nil)
	alice := startPeer(t, testConfig(t, r.addr, newID(t, "@alice")))
	bob := startPeer(t, testConfig(t, r.addr, newID(t, "@bob")))
	alice.ready(t)
	bob.ready(t)
	if got := alice.RelayKey(); !got.Equal(r.key) {
		t.Fatalf("got relay key %v, want %v", got, r.key)
	}
	exchange(t, alice, bob, "hello")

	go answer(bob)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	m := message(t, "question")
	in, err := alice.Request(ctx, "@bob", m)
	if err != nil || in.From != "@bob" || in.Msg.Session != m.Session || in.Msg.Type != wire.MsgPong {
		t.Fatalf("got %s from %s, %v, want a pong from @bob in the request's session", in.Msg.Type, in.From, err)
	}
	_, err = alice.Request(ctx, "@nobody", message(t, "x"))
	if !errors.Is(err, ErrUnknownName) || !strings.Contains(err.Error(), "@nobody has never connected to relay "+r.addr) {
		t.Errorf("got %v, want ErrUnknownName", err)
	}
}

// TestRelayOffline checks that a message to an identity that is offline
// waits at the relay and arrives when it connects again.
func TestRelayOffline(t *testing.T) {
	r := startRelay(t, t.TempDir(), "127.0.0.1:0", nil)
	alice := startPeer(t, testConfig(t, r.addr, newID(t, "@alice")))
	bobCfg := testConfig(t, r.addr, newID(t, "@bob"))
	bob := startPeer(t, bobCfg)
	alice.ready(t)
	bob.ready(t) // bob claims his name
	bob.cancel()
	<-bob.Done()
	// Until the relay notices, it would write to bob's dead connection:
	// the in-flight loss that requests' timeouts cover.
	waitFor(t, "the relay to see bob leave", func() bool {
		return strings.Contains(r.logs.String(), `msg="identity disconnected" identity=@bob`)
	})

	m := message(t, "while you were away")
	alice.send(t, "@bob", m)
	waitFor(t, "the relay's queued status", func() bool { return strings.Contains(alice.log.String(), "recipient offline") })

	// A request to an offline identity says so when it gives up.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := alice.Request(ctx, "@bob", message(t, "are you there?"))
	var noAnswer *NoAnswerError
	if !errors.As(err, &noAnswer) || !noAnswer.Offline || !strings.Contains(err.Error(), "@bob is offline") {
		t.Errorf("got %v, want a NoAnswerError saying @bob is offline", err)
	}

	bob = startPeer(t, bobCfg)
	if in := bob.next(t); in.From != "@alice" || in.Msg.ID != m.ID {
		t.Fatalf("got %q from %s, want alice's message", body(t, in.Msg), in.From)
	}
}

func TestRelayKeyChangedReal(t *testing.T) {
	r := startRelay(t, t.TempDir(), "127.0.0.1:0", nil)
	alice := startPeer(t, testConfig(t, r.addr, newID(t, "@alice")))
	alice.ready(t)
	r.stop(t)
	startRelay(t, t.TempDir(), r.addr, nil) // another home: another key
	err := alice.runErr(t)
	var changed *identity.KeyChangedError
	if !errors.As(err, &changed) || changed.Subject != identity.RelaySubject(r.addr) || !changed.Pinned.Equal(r.key) {
		t.Fatalf("got %v, want a *identity.KeyChangedError for the relay", err)
	}
}

// TestRelayReplay checks that an envelope sent twice through the relay
// is delivered once.
func TestRelayReplay(t *testing.T) {
	r := startRelay(t, t.TempDir(), "127.0.0.1:0", nil)
	aliceID := newID(t, "@alice")
	bob := startPeer(t, testConfig(t, r.addr, newID(t, "@bob")))
	bob.ready(t)

	// A raw connection as alice, which sends the same bytes twice.
	nc, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	raw, err := relayconn.Handshake(ctx, nc, relayconn.ClientConfig{Identity: aliceID, CheckRelayKey: func(identity.PublicKey) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	first, second := message(t, "once"), message(t, "after")
	envelope := seal.Seal(aliceID.Key, bob.id.Public(), first)
	for _, sealed := range [][]byte{envelope, envelope, seal.Seal(aliceID.Key, bob.id.Public(), second)} {
		if err := raw.Send(0, "@bob", 0, identity.PublicKey{}, sealed); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []wire.Message{first, second} {
		if in := bob.next(t); in.Msg.ID != want.ID {
			t.Fatalf("got %q, want %q: the replay was delivered", body(t, in.Msg), body(t, want))
		}
	}
	if !strings.Contains(bob.log.String(), "seen before") {
		t.Errorf("got no log of the replay dropped; log:\n%s", bob.log)
	}
}

// TestRelayRestart stops the relay and starts it again on the same port
// and home: the clients reconnect by themselves, what was sent meanwhile
// arrives, and the directory still knows everyone.
func TestRelayRestart(t *testing.T) {
	home := t.TempDir()
	r := startRelay(t, home, "127.0.0.1:0", nil)
	alice := startPeer(t, testConfig(t, r.addr, newID(t, "@alice")))
	bob := startPeer(t, testConfig(t, r.addr, newID(t, "@bob")))
	alice.ready(t)
	bob.ready(t)
	exchange(t, alice, bob, "before")

	r.stop(t)
	alice.disconnected(t)
	bob.disconnected(t)
	held := message(t, "sent while the relay was down")
	alice.send(t, "@bob", held)

	r2 := startRelay(t, home, r.addr, nil)
	if !r2.key.Equal(r.key) {
		t.Fatalf("got relay key %v after the restart, want %v", r2.key, r.key)
	}
	alice.connected(t)
	bob.connected(t)
	if in := bob.next(t); in.Msg.ID != held.ID {
		t.Fatalf("got %q, want the message held during the restart", body(t, in.Msg))
	}
	exchange(t, alice, bob, "after")

	// A newcomer finds bob's key: the directory survived the restart.
	carol := startPeer(t, testConfig(t, r.addr, newID(t, "@carol")))
	carol.ready(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if key, err := carol.Lookup(ctx, "@bob"); err != nil || !key.Equal(bob.id.Public()) {
		t.Errorf("got %v, %v looking up @bob, want bob's key", key, err)
	}
}

// TestRelayThroughProxy runs the relay connection through an HTTP
// CONNECT proxy, in plain TCP and in TLS.
func TestRelayThroughProxy(t *testing.T) {
	cert := dialertest.SelfSigned(t)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	for file, data := range map[string][]byte{certFile: cert.CertPEM, keyFile: cert.KeyPEM} {
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		tls  bool
	}{
		{"plain", false},
		{"tls", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := startRelay(t, t.TempDir(), "127.0.0.1:0", func(c *relay.Config) {
				if tt.tls {
					c.TLSCert, c.TLSKey = certFile, keyFile
				}
			})
			proxy := dialertest.StartProxy(t, dialertest.ProxyOptions{User: "nport", Pass: "s3cret"})
			_, port, _ := net.SplitHostPort(r.addr)
			addr := "localhost:" + port // the certificate's name
			aliceCfg := testConfig(t, addr, newID(t, "@alice"))
			aliceCfg.Proxy = proxy.URL
			bobCfg := testConfig(t, addr, newID(t, "@bob"))
			if tt.tls {
				aliceCfg.RelayCA, bobCfg.RelayCA = certFile, certFile
			}
			alice, bob := startPeer(t, aliceCfg), startPeer(t, bobCfg)
			alice.ready(t)
			bob.ready(t)
			exchange(t, alice, bob, "through the proxy")
			if got := proxy.Targets(); len(got) != 1 || got[0] != addr {
				t.Errorf("got CONNECT targets %v, want [%s]", got, addr)
			}
		})
	}
}
