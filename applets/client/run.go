// Package client is `nport client` (sshnp): it opens a session to a device
// and offers the tunnel to ssh, on 127.0.0.1 or on stdin/stdout.
package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/nport/nport/core/tunnel"
)

// Run opens a session and uses it as cfg asks: ssh run here (the default),
// the ssh command printed with the tunnel served in the background (-x), or
// the tunnel on stdin/stdout (--stdio). With --list-devices it lists the
// devices instead.
//
// With -x, Run starts this program again, as it was started, to serve the
// tunnel after the command has been printed; see background.go.
func Run(ctx context.Context, cfg Config) error {
	if cfg.ListDevices {
		return runDevices(ctx, cfg)
	}
	if len(cfg.Command) > 0 && (cfg.Stdio || cfg.Forward || cfg.OutputExecutionCommand) {
		return fmt.Errorf("a command (%s) runs on the device only when the client runs ssh itself: drop --stdio, --forward or -x, or pass the command to your own ssh", strings.Join(cfg.Command, " "))
	}
	cfg.IdentityFile = identityFileFor(cfg)
	switch {
	case cfg.Stdio:
		return runStdio(ctx, cfg)
	case cfg.Forward:
		return runForward(ctx, cfg)
	case os.Getenv(backgroundEnv) != "":
		return serveBackground(ctx, cfg)
	case cfg.OutputExecutionCommand:
		return startBackground(ctx, cfg)
	}
	return runSSH(ctx, cfg)
}

func runStdio(ctx context.Context, cfg Config) error {
	s, err := Connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	stop := onHangup(s.Tunnel.Hangup)
	defer stop()
	return s.Tunnel.ServeStdio(ctx, cfg.Stdin, cfg.Stdout)
}

// runForward serves the tunnel on the local port until ctx ends (Ctrl-C)
// or the tunnel does, after one line on stdout that says where:
//
//	nport client ready: listen=127.0.0.1:PORT session=ID
func runForward(ctx context.Context, cfg Config) error {
	ln, s, err := listenAndConnect(ctx, cfg)
	if err != nil {
		return err
	}
	defer ln.Close()
	defer s.Close()
	fmt.Fprintf(cfg.Stdout, "nport client ready: listen=%s session=%s\n", ln.Addr(), s.ID.Short())
	err = s.Tunnel.ServeListener(ctx, ln)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// listen opens the local port, on the loopback address only.
func listen(cfg Config) (net.Listener, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", fmt.Sprint(cfg.LocalPort)))
	if err != nil {
		return nil, fmt.Errorf("local port: %w (choose another with --local-port, or 0 for any)", err)
	}
	return ln, nil
}

// runSSH serves the tunnel on a local port and runs ssh through it,
// returning ssh's exit status as the error's exit code.
func runSSH(ctx context.Context, cfg Config) error {
	ln, s, err := listenAndConnect(ctx, cfg)
	if err != nil {
		return err
	}
	defer ln.Close()
	defer s.Close()
	serveCtx, stop := context.WithCancel(ctx)
	defer stop()
	go s.Tunnel.ServeListener(serveCtx, ln)

	args := SSHArgs(cfg, ln.Addr().(*net.TCPAddr).Port)
	cmd := exec.CommandContext(ctx, cfg.SSH, args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = cfg.Stdin, cfg.Stdout, cfg.Stderr
	err = cmd.Run()
	if err != nil {
		reportTunnel(cfg, s)
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return &ExitError{Code: exit.ExitCode()}
	}
	if err != nil {
		return fmt.Errorf("run %s: %w", cfg.SSH, err)
	}
	return nil
}

// ExitError carries ssh's exit status out of Run, for the process's own.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return "" }

// ExitCode makes the CLI exit with ssh's status.
func (e *ExitError) ExitCode() int { return e.Code }

// reportTunnel says why the tunnel failed, when it did: ssh only saw its
// connection close. A tunnel that failed under ssh ends within moments of
// ssh noticing, so the wait is short.
func reportTunnel(cfg Config, s *Session) {
	select {
	case <-s.Tunnel.Done():
	case <-time.After(500 * time.Millisecond):
		return
	}
	if err := s.Tunnel.Err(); !tunnel.Clean(err) {
		fmt.Fprintf(cfg.Stderr, "nport: the tunnel failed: %v\n", err)
	}
}
