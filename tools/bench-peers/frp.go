//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
)

// frpToken is the shared secret frpc presents to frps (auth.token).
const frpToken = "bench-peers"

// frpReady is the line frpc prints once frps accepted the proxy.
var frpReady = regexp.MustCompile(`start proxy success`)

// frpsConfig and frpcConfig are the usual set-up: a tcp proxy over frp's
// default client-server hop, TLS with a multiplexer.
const (
	frpsConfig = `bindAddr = "127.0.0.1"
bindPort = %d
auth.token = %q
log.disablePrintColor = true
`
	frpcConfig = `serverAddr = "127.0.0.1"
serverPort = %d
auth.token = %q
log.disablePrintColor = true

[[proxies]]
name = "bench"
type = "tcp"
localIP = "127.0.0.1"
localPort = %d
remotePort = %d
`
)

// setupFrp starts frps, waits until it listens, then frpc with one tcp
// proxy from a port on frps to the target.
func setupFrp(ctx context.Context, t *tunnel, target int) error {
	frps, frpc := t.b.peer("frps"), t.b.peer("frpc")
	if frps == "" || frpc == "" {
		return t.b.missingPeer("frps", "frpc")
	}
	ports, err := freePorts(2)
	if err != nil {
		return err
	}
	bind, offered := ports[0], ports[1]
	dir, err := os.MkdirTemp(t.b.work, "frp-")
	if err != nil {
		return err
	}
	sconf, err := t.b.writeConfig(filepath.Join(dir, "frps.toml"), fmt.Sprintf(frpsConfig, bind, frpToken))
	if err != nil {
		return err
	}
	cconf, err := t.b.writeConfig(filepath.Join(dir, "frpc.toml"), fmt.Sprintf(frpcConfig, bind, frpToken, target, offered))
	if err != nil {
		return err
	}
	if _, err := t.start(spec{name: "frps", argv: []string{frps, "-c", sconf}}); err != nil {
		return err
	}
	if err := t.waitListening(ctx, "frps", bind); err != nil {
		return err
	}
	t.port = offered
	return t.startReady(ctx, spec{name: "frpc", argv: []string{frpc, "-c", cconf}}, frpReady)
}
