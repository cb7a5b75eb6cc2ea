//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
)

// The identities of the nport set-up, created on first start in fresh homes.
const (
	nportUser   = "@bench_user"
	nportDevice = "@bench_device"
	nportRV     = "@bench_rv"
)

// The lines nport's roles print once they serve; the client's, with
// --forward, says where it serves the tunnel.
var (
	relayReady  = regexp.MustCompile(`^nport relay ready: listen=(\S+) key=(nport-pub:\S+)`)
	rvReady     = regexp.MustCompile(`^nport rendezvous ready: `)
	daemonReady = regexp.MustCompile(`^nport daemon ready: `)
	clientReady = regexp.MustCompile(`^nport client ready: listen=127\.0\.0\.1:(\d+) `)
)

// setupNport starts a relay (the control plane), a rendezvous, a daemon
// that permits the target, and a client serving the tunnel on a local port,
// each with a home of its own.
func setupNport(ctx context.Context, t *tunnel, target int) error {
	dir, err := os.MkdirTemp(t.b.work, "nport-")
	if err != nil {
		return err
	}
	env := func(role string) []string { return []string{"NPORT_HOME=" + filepath.Join(dir, role), "NPORT_RELAY="} }
	rel, err := t.startRelay(ctx, env("relay"))
	if err != nil {
		return err
	}
	nport := t.b.nport
	rv := append([]string{nport, "rendezvous", "-a", nportRV, "--listen", "127.0.0.1:0", "-m", nportUser}, rel...)
	if err := t.startReady(ctx, spec{name: "rendezvous", env: env("rendezvous"), argv: rv}, rvReady); err != nil {
		return err
	}
	daemon := append([]string{nport, "daemon", "-a", nportDevice, "-m", nportUser, "--permit-open", fmt.Sprintf("127.0.0.1:%d", target)}, rel...)
	if err := t.startReady(ctx, spec{name: "daemon", env: env("daemon"), argv: daemon}, daemonReady); err != nil {
		return err
	}
	return t.startClient(ctx, env("client"), rel, target)
}

// startRelay starts the relay and returns the flags that reach it, its key
// pinned up front.
func (t *tunnel) startRelay(ctx context.Context, env []string) ([]string, error) {
	relay, err := t.start(spec{name: "relay", env: env, argv: []string{t.b.nport, "relay", "--listen", "127.0.0.1:0"}})
	if err != nil {
		return nil, err
	}
	m, err := t.waitLine(ctx, relay, relayReady)
	if err != nil {
		return nil, err
	}
	return []string{"--relay", m[1], "--relay-key", m[2]}, nil
}

// startReady starts a process and waits for its readiness line.
func (t *tunnel) startReady(ctx context.Context, sp spec, ready *regexp.Regexp) error {
	p, err := t.start(sp)
	if err != nil {
		return err
	}
	_, err = t.waitLine(ctx, p, ready)
	return err
}

// startClient starts the client serving the tunnel on a local port
// (--forward) until it is stopped.
func (t *tunnel) startClient(ctx context.Context, env, rel []string, target int) error {
	argv := []string{t.b.nport, "client", "-f", nportUser, "-t", nportDevice, "-r", nportRV}
	argv = append(argv, rel...)
	argv = append(argv, "--remote-host", "127.0.0.1", "-p", strconv.Itoa(target), "--local-port", "0", "--forward")
	client, err := t.start(spec{name: "client", env: env, argv: argv})
	if err != nil {
		return err
	}
	m, err := t.waitLine(ctx, client, clientReady)
	if err != nil {
		return err
	}
	t.port, _ = strconv.Atoi(m[1])
	return nil
}
