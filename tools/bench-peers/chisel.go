//go:build linux

package main

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
)

// chiselReady is the line chisel's client prints once it has a session.
var chiselReady = regexp.MustCompile(`client: Connected`)

// setupChisel starts chisel's server with reverse tunnels allowed, waits
// until it listens, then its client with one reverse remote to the target.
func setupChisel(ctx context.Context, t *tunnel, target int) error {
	chisel := t.b.peer("chisel")
	if chisel == "" {
		return t.b.missingPeer("chisel")
	}
	ports, err := freePorts(2)
	if err != nil {
		return err
	}
	server, offered := ports[0], ports[1]
	argv := []string{chisel, "server", "--host", "127.0.0.1", "-p", strconv.Itoa(server), "--reverse"}
	if _, err := t.start(spec{name: "server", argv: argv}); err != nil {
		return err
	}
	if err := t.waitListening(ctx, "chisel server", server); err != nil {
		return err
	}
	remote := fmt.Sprintf("R:127.0.0.1:%d:127.0.0.1:%d", offered, target)
	t.port = offered
	argv = []string{chisel, "client", fmt.Sprintf("127.0.0.1:%d", server), remote}
	return t.startReady(ctx, spec{name: "client", argv: argv}, chiselReady)
}
