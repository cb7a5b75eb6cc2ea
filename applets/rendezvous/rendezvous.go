// Package rendezvous is the `nport rendezvous` applet (symlink `srvd`): it
// answers its managers' session requests, which come sealed through the
// relay, with a session's address and two single-use tokens, and joins
// on one listening port the two sockets that present them.
//
// The control plane (requests and grants) is here; the data plane
// (sockets, tokens, bridging) is the pairing package.
package rendezvous

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"sync"

	"github.com/nport/nport/applets/rendezvous/pairing"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/relayclient"
	"github.com/nport/nport/core/status"
	"github.com/nport/nport/wire"
)

// StateFile is where a rendezvous keeps the dates of the latest requests
// it accepted, so that none is acted on twice across a restart. Several
// rendezvous processes of one name need a home each.
func StateFile(home string, name identity.Name) string {
	return filepath.Join(home, "state", string(name)+".replay.db")
}

// Run serves as a rendezvous until ctx ends, then closes every socket and
// session and returns nil once everything it started has stopped. It
// returns an error at once for settings that cannot work, and later if
// the relay cannot be used (its key changed, it refused the identity).
func Run(ctx context.Context, cfg Config) error {
	name, managers, err := cfg.check()
	if err != nil {
		return err
	}
	host, err := advertisedHost(cfg.Listen, cfg.IP)
	if err != nil {
		return err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	id, created, err := cfg.Keys(cfg.Home).LoadOrCreate(name)
	if err != nil {
		return err
	}
	if created {
		log.Info("created identity; clients pin it on first use", "line", id.ShareLine())
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another rendezvous running? pick another port with --listen)", cfg.Listen, err)
	}
	reg := newRegistry(cfg, name, ln.Addr().String())
	stopStatus, err := status.Start(ctx, cfg.Endpoint, reg, log)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopStatus()
	// Made once nothing else can fail: only its Run closes its state file.
	rc, err := relayclient.New(relayclient.Config{
		Metrics:   reg,
		Settings:  cfg.Settings,
		Identity:  id,
		Home:      cfg.Home,
		Logger:    log.With("identity", name),
		Flags:     wire.HelloService,
		StateFile: StateFile(cfg.Home, name),
	})
	if err != nil {
		ln.Close()
		return err
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ready := Ready{Listen: ln.Addr().String(), Address: net.JoinHostPort(host, port), Identity: name, Key: id.Public()}
	announceStart(log, cfg, ready, managers)
	srv := pairing.New(pairing.Config{
		MaxSessions:            cfg.MaxSessions,
		MaxSessionsPerIdentity: cfg.MaxSessionsPerIdentity,
		HandshakeTimeout:       cfg.HandshakeTimeout,
		MaxHandshakes:          cfg.MaxHandshakes,
		MaxHandshakesPerSource: cfg.MaxHandshakesPerSource,
		SessionTTL:             cfg.SessionTTL,
		IdleTimeout:            cfg.IdleTimeout,
		Snoop:                  cfg.Snoop,
		Logger:                 log,
		Metrics:                reg,
	})
	reg.Gate(srv.Handshakes)
	reg.Gauge("nport_sessions_pending", func() float64 { return float64(srv.Len() - srv.Live()) })
	ctl := &control{rc: rc, srv: srv, address: ready.Address, name: name, managers: managers, log: log, obs: reg,
		maxSessions: cfg.MaxSessions, perIdentity: cfg.MaxSessionsPerIdentity}
	return serve(ctx, cfg, rc, srv, ln, ctl, ready)
}

// serve runs the data plane, the relay connection and the control loop
// together; the first to fail stops the others.
func serve(ctx context.Context, cfg Config, rc *relayclient.Client, srv *pairing.Server, ln net.Listener, ctl *control, ready Ready) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	fail := func(err error) {
		once.Do(func() { first = err })
		cancel(err)
	}
	wg.Go(func() {
		if err := srv.Serve(ctx, ln); err != nil {
			fail(err)
		}
	})
	wg.Go(func() {
		err := rc.Run(ctx)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			err = relayclient.ErrStopped
		}
		fail(fmt.Errorf("relay connection: %w", err))
	})
	wg.Go(func() { ctl.run(ctx) })
	wg.Go(func() {
		if rc.WaitReady(ctx) == nil && ctx.Err() == nil {
			announceReady(cfg, ready)
		}
	})
	wg.Wait()
	return first
}

// announceStart logs the settings, loudly for the risky ones.
func announceStart(log *slog.Logger, cfg Config, r Ready, managers []identity.Name) {
	log.Info("rendezvous starting", "identity", r.Identity, "key", r.Key.Fingerprint(), "listen", r.Listen,
		"address", r.Address, "managers", managers, "max_sessions", cfg.MaxSessions,
		"max_sessions_per_identity", cfg.MaxSessionsPerIdentity, "idle_timeout", cfg.IdleTimeout,
		"handshake_timeout", cfg.HandshakeTimeout, "session_ttl", cfg.SessionTTL)
	if len(managers) == 0 {
		log.Warn("no --manager given: ANY identity on the relay may open sessions here (restrict with -m @name)")
	}
	if cfg.Snoop {
		log.Warn("SNOOP IS ON: the first bytes of every session are logged, and sessions are copied through memory " +
			"instead of spliced in the kernel; the bytes are ciphertext, but turn --snoop off when done debugging")
	}
}

// announceReady prints the readiness line and calls cfg.Ready.
func announceReady(cfg Config, r Ready) {
	if cfg.Out != nil {
		fmt.Fprintf(cfg.Out, "nport rendezvous ready: listen=%s address=%s identity=%s key=%s\n", r.Listen, r.Address, r.Identity, r.Key)
	}
	if cfg.Ready != nil {
		cfg.Ready(r)
	}
}
