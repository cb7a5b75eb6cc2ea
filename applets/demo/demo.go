// Package demo is `nport demo`: every role of nport in one process, with
// throw-away identities in a temporary home, and one real session through
// them to a target on this machine.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/nport/nport/applets/client"
	"github.com/nport/nport/applets/daemon"
	"github.com/nport/nport/applets/relay"
	"github.com/nport/nport/applets/rendezvous"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/logging"
)

// The demo's throw-away identities.
const (
	userName   = "@demo_user"
	deviceName = "@demo_device"
	rvName     = "@demo_rv"
)

// Config is one demo run.
type Config struct {
	// Keep leaves everything up, the tunnel offered on a local port, until
	// ctx ends (Ctrl-C).
	Keep bool
	// SSHAddr is where a local sshd is looked for ("" = 127.0.0.1:22).
	SSHAddr string
	// Out receives the demo's report; Logger the roles' logs (nil: none).
	Out    io.Writer
	Logger *slog.Logger
}

// demo is a running demo.
type demo struct {
	cfg    Config
	home   string
	log    *slog.Logger
	start  time.Time
	wg     sync.WaitGroup
	failed chan error // a role that stopped early
}

// Run starts the roles, proves a round trip through a session and reports
// each step with its time.
func Run(ctx context.Context, cfg Config) error {
	if cfg.SSHAddr == "" {
		cfg.SSHAddr = "127.0.0.1:22"
	}
	if cfg.Logger == nil {
		cfg.Logger = logging.Discard()
	}
	home, err := os.MkdirTemp("", "nport-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(home)
	ctx, cancel := context.WithCancel(ctx)
	d := &demo{cfg: cfg, home: home, log: cfg.Logger, start: time.Now(), failed: make(chan error, 4)}
	err = d.run(ctx)
	cancel()
	d.wg.Wait()
	return err
}

func (d *demo) say(format string, args ...any) {
	fmt.Fprintf(d.cfg.Out, "%7.1f ms  %s\n", float64(time.Since(d.start).Microseconds())/1000, fmt.Sprintf(format, args...))
}

func (d *demo) dir(role string) string { return filepath.Join(d.home, role) }

// background runs a role until ctx ends; a role that ends sooner is an error.
func (d *demo) background(ctx context.Context, role string, run func(context.Context) error) {
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		err := run(ctx)
		if ctx.Err() == nil {
			d.failed <- fmt.Errorf("%s stopped: %v", role, err)
		}
	}()
}

// await waits for a role's ready signal.
func (d *demo) await(ctx context.Context, role string, ready <-chan struct{}) error {
	select {
	case <-ready:
		return nil
	case err := <-d.failed:
		return err
	case <-time.After(10 * time.Second):
		return fmt.Errorf("%s was not ready within 10 s", role)
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (d *demo) run(ctx context.Context) error {
	relayAddr, err := d.startRelay(ctx)
	if err != nil {
		return err
	}
	tgt, err := d.target(ctx)
	if err != nil {
		return err
	}
	if err := d.startRendezvous(ctx, relayAddr); err != nil {
		return err
	}
	if err := d.startDaemon(ctx, relayAddr, tgt); err != nil {
		return err
	}
	return d.session(ctx, relayAddr, tgt)
}

func (d *demo) startRelay(ctx context.Context) (string, error) {
	ready := make(chan struct{})
	var addr string
	cfg := relay.Defaults()
	cfg.Listen, cfg.Home, cfg.Logger = "127.0.0.1:0", d.dir("relay"), d.log.With("role", "relay")
	cfg.Ready = func(a net.Addr, _ identity.PublicKey) { addr = a.String(); close(ready) }
	d.background(ctx, "relay", func(ctx context.Context) error { return relay.Run(ctx, cfg) })
	if err := d.await(ctx, "relay", ready); err != nil {
		return "", err
	}
	d.say("relay listening on %s", addr)
	return addr, nil
}

func (d *demo) startRendezvous(ctx context.Context, relayAddr string) error {
	ready := make(chan struct{})
	cfg := rendezvous.Defaults()
	cfg.Atsign, cfg.Listen, cfg.Relay = rvName, "127.0.0.1:0", relayAddr
	cfg.Managers = []string{userName}
	cfg.Home, cfg.Logger = d.dir("rendezvous"), d.log.With("role", "rendezvous")
	var addr string
	cfg.Ready = func(r rendezvous.Ready) { addr = r.Address; close(ready) }
	d.background(ctx, "rendezvous", func(ctx context.Context) error { return rendezvous.Run(ctx, cfg) })
	if err := d.await(ctx, "rendezvous", ready); err != nil {
		return err
	}
	d.say("rendezvous %s listening on %s, connected to the relay", rvName, addr)
	return nil
}

func (d *demo) startDaemon(ctx context.Context, relayAddr string, tgt target) error {
	ready := make(chan struct{})
	cfg := daemon.Defaults()
	cfg.Atsign, cfg.Managers, cfg.Relay = deviceName, []string{userName}, relayAddr
	// The demo's sessions end with the demo: no keeper process to outlive it.
	cfg.SessionKeeper = daemon.KeeperOff
	if !tgt.ssh {
		cfg.PermitOpen = []string{tgt.addr}
	} else {
		_, port, _ := net.SplitHostPort(tgt.addr)
		cfg.LocalSSHDPort, _ = strconv.Atoi(port)
	}
	cfg.Home, cfg.Logger = d.dir("daemon"), d.log.With("role", "daemon")
	cfg.Ready = func() { close(ready) }
	d.background(ctx, "daemon", func(ctx context.Context) error { return daemon.Run(ctx, cfg) })
	if err := d.await(ctx, "daemon", ready); err != nil {
		return err
	}
	d.say("daemon %s connected to the relay (no listening socket)", deviceName)
	return nil
}

func (d *demo) clientConfig(relayAddr string, tgt target) client.Config {
	cfg := client.Defaults()
	cfg.From, cfg.To, cfg.Srvd, cfg.Relay = userName, deviceName, rvName, relayAddr
	if !tgt.ssh {
		// The daemon's sshd is its default target; anything else is named.
		host, port, _ := net.SplitHostPort(tgt.addr)
		cfg.RemoteHost = host
		cfg.RemotePort, _ = strconv.Atoi(port)
	}
	cfg.Home, cfg.Logger = d.dir("client"), d.log.With("role", "client")
	// --keep serves the tunnel on a local port for any number of
	// connections; otherwise the one round trip is the session's one.
	cfg.Forward = d.cfg.Keep
	return cfg
}

var errRoundTrip = errors.New("round trip through the tunnel failed")
