// Package relay is the `nport relay` applet: the control plane. Every
// identity keeps one outbound connection to it; it proves its own key,
// checks each identity's, binds names to keys under its claim policy,
// and carries sealed envelopes it cannot read to their recipient's live
// connections (each of a device's, one of a service's, the one an answer
// names), fairly between their senders, or keeps them on disk a while
// for a recipient that is offline.
//
// The wire protocol is in wire/ and core/relayconn; the state lives in
// the store package's database, behind the interfaces of the directory
// and route packages; the claim policy is the claim package, and the
// operator's commands reach a running relay through the admin package.
package relay

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/nport/nport/applets/relay/admin"
	"github.com/nport/nport/applets/relay/claim"
	"github.com/nport/nport/applets/relay/store"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/logging"
	"github.com/nport/nport/core/status"
)

// Run runs a relay until ctx is cancelled, then closes the listener and
// every connection and returns once all of its goroutines have ended and
// its database is closed. When it listens it prints one line to cfg.Out:
//
//	nport relay ready: listen=ADDR key=nport-pub:… fingerprint=fp:…
func Run(ctx context.Context, cfg Config) error {
	if err := cfg.check(); err != nil {
		return err
	}
	if cfg.Logger == nil {
		cfg.Logger = logging.Discard()
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	id, created, err := identity.Store{Dir: cfg.Home}.LoadOrCreate(RelayName)
	if err != nil {
		return fmt.Errorf("relay: key: %w", err)
	}
	if created {
		cfg.Logger.Info("created the relay's key; clients pin it on first use, or up front with --relay-key", "key", id.Public().String())
	}
	b, err := openBackend(ctx, cfg)
	if err != nil {
		return fmt.Errorf("relay: %w", err)
	}
	defer b.close()
	policy, err := claim.New(b.names, cfg.claimOptions(b.share))
	if err != nil {
		return fmt.Errorf("relay: %w", err)
	}
	ln, err := listen(cfg)
	if err != nil {
		return err
	}
	if sock, err := admin.Listen(admin.SocketName(cfg.Home), admin.Ops{Store: b.names, Now: cfg.Now}, cfg.Logger); err != nil {
		cfg.Logger.Warn("no admin socket: `nport relay directory` and `nport relay invite` cannot reach this relay while it runs", "err", err)
	} else {
		defer sock.Close()
	}
	reg := newRegistry(cfg, ln.Addr().String())
	if reg != nil {
		b.router = observed{Router: b.router, obs: reg}
	}
	s := newServer(cfg, id, b, policy)
	s.obs = reg
	gauges(reg, b.names, s.budget, s.gate)
	stopStatus, err := status.Start(ctx, cfg.Endpoint, reg, cfg.Logger)
	if err != nil {
		ln.Close()
		return fmt.Errorf("relay: %w", err)
	}
	defer stopStatus()
	lost := s.closeAll
	b.onLost.Store(&lost)
	if b.housekeep != nil {
		stop := background(ctx, b.housekeep)
		defer stop()
	}
	addr, key := ln.Addr(), id.Public()
	fmt.Fprintf(cfg.Out, "nport relay ready: listen=%s key=%s fingerprint=%s\n", addr, key, key.Fingerprint())
	attrs := append([]any{"listen", addr.String(), "key", key, "tls", cfg.TLSCert != "", "claim_policy", cfg.ClaimPolicy}, b.logAttrs...)
	cfg.Logger.Info("relay listening", attrs...)
	if cfg.Ready != nil {
		cfg.Ready(addr, key)
	}
	return s.serve(ctx, ln)
}

// openStore opens the relay's database, imports the directory file of
// an older relay into it, and sweeps what expired while it was down.
func openStore(cfg Config) (*store.Store, error) {
	start := time.Now()
	st, err := store.Open(store.FileName(cfg.Home), store.Options{Queue: cfg.queueOptions(), Now: cfg.Now})
	if err != nil {
		return nil, err
	}
	if err := importDirectory(cfg.Logger, cfg.Home, st); err != nil {
		st.Close()
		return nil, err
	}
	sweep(cfg.Logger, st, cfg.now(), cfg.NameTTL)
	frames, size := st.Queued()
	cfg.Logger.Info("database open", "path", st.Path(), "names", st.Count(), "queued", frames, "queued_bytes", size, "took", time.Since(start).Round(time.Millisecond))
	return st, nil
}

// background runs fn until ctx is done or stop is called; stop returns
// once fn has.
func background(ctx context.Context, fn func(context.Context)) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { fn(ctx) })
	return func() { cancel(); wg.Wait() }
}

// listen opens the listener, wrapped in TLS when a certificate is given.
func listen(cfg Config) (net.Listener, error) {
	var tlsConfig *tls.Config
	if cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("relay: TLS certificate: %w", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("relay: listen on %s: %w (is another relay running there?)", cfg.Listen, err)
	}
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
	}
	return ln, nil
}
