package npt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/nport/nport/applets/client"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/relayclient"
	"github.com/nport/nport/wire"
)

// parse runs Command's flags over args, with the config file text in a
// fresh home, and returns the Config it resolves.
func parse(t *testing.T, file string, args ...string) Config {
	t.Helper()
	home := t.TempDir()
	if file != "" {
		if err := os.WriteFile(filepath.Join(home, "config.toml"), []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var got Config
	cmd := *Command
	cmd.Action = func(c *cli.Context) error {
		var err error
		got, err = resolve(c)
		return err
	}
	app := &cli.App{Commands: []*cli.Command{&cmd}, Writer: new(strings.Builder), ErrWriter: new(strings.Builder)}
	if err := app.Run(append([]string{"nport", name, "--home", home}, args...)); err != nil {
		t.Fatalf("parse %q: %v", args, err)
	}
	return got
}

func TestFlags(t *testing.T) {
	got := parse(t, "", "-f", "@me", "-t", "@dev", "-h", "10.0.0.5", "-p", "8080", "-l", "2222", "-K", "-T", "5m", "--udp")
	if got.RemoteHost != "10.0.0.5" || got.RemotePort != 8080 || got.LocalPort != 2222 {
		t.Errorf("got target %s:%d on local port %d, want 10.0.0.5:8080 on 2222", got.RemoteHost, got.RemotePort, got.LocalPort)
	}
	if !got.KeepAlive || !got.UDP || got.Timeout != 5*time.Minute || !got.TimeoutSet {
		t.Errorf("got keep-alive %v, udp %v, timeout %v (set %v); want true, true, 5m (set)", got.KeepAlive, got.UDP, got.Timeout, got.TimeoutSet)
	}
	if got.LocalHost != "localhost" || got.LocalHostFromFlag {
		t.Errorf("got local host %q (from flag %v), want the default localhost", got.LocalHost, got.LocalHostFromFlag)
	}
	if got := parse(t, "", "--lh", "0.0.0.0", "-p", "1"); got.LocalHost != "0.0.0.0" || !got.LocalHostFromFlag {
		t.Errorf("--lh 0.0.0.0: got %q, from flag %v", got.LocalHost, got.LocalHostFromFlag)
	}
	if got := parse(t, "[tunnel]\nlocal-host = \"0.0.0.0\"\nremote-port = 80\n"); got.LocalHost != "0.0.0.0" || got.LocalHostFromFlag || got.RemotePort != 80 {
		t.Errorf("from the file: got %q, from flag %v, port %d", got.LocalHost, got.LocalHostFromFlag, got.RemotePort)
	}
}

func TestListenHost(t *testing.T) {
	tests := []struct {
		host     string
		fromFlag bool
		want     string
		external bool
		err      string
	}{
		{"localhost", false, "127.0.0.1", false, ""},
		{"127.0.0.2", false, "127.0.0.2", false, ""},
		{"::1", false, "::1", false, ""},
		{"0.0.0.0", false, "", true, "on the command line, with --local-host"},
		{"", false, "", true, "not a loopback address"},
		{"0.0.0.0", true, "0.0.0.0", true, ""},
		{"", true, "", true, ""},
	}
	for _, tt := range tests {
		cfg := Defaults()
		cfg.LocalHost, cfg.LocalHostFromFlag = tt.host, tt.fromFlag
		got, external, err := cfg.listenHost(context.Background())
		if got != tt.want || external != tt.external || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("listenHost(%q, from flag %v): got %q, %v, %v; want %q, %v, %q", tt.host, tt.fromFlag, got, external, err, tt.want, tt.external, tt.err)
		}
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"no remote port", func(c *Config) { c.RemotePort = 0 }, "--remote-port"},
		{"remote port too big", func(c *Config) { c.RemotePort = 70000 }, "--remote-port"},
		{"bad local port", func(c *Config) { c.LocalPort = -1 }, "--local-port"},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, "--timeout"},
	}
	for _, tt := range tests {
		cfg := Defaults()
		cfg.RemotePort = 80
		tt.edit(&cfg)
		if err := cfg.check(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error naming %s", tt.name, err, tt.want)
		}
	}
}

func TestClientConfig(t *testing.T) {
	cfg := Defaults()
	cfg.From, cfg.To, cfg.RemoteHost, cfg.RemotePort, cfg.UDP = "@me", "@dev", "db", 5432, true
	got := cfg.client()
	if !got.Forward || got.OutputExecutionCommand || got.Stdio {
		t.Errorf("got forward %v, -x %v, stdio %v: want a multiplexed session only", got.Forward, got.OutputExecutionCommand, got.Stdio)
	}
	if got.Protocol != wire.ProtocolUDP || got.RemoteHost != "db" || got.RemotePort != 5432 || got.TunnelIdle != 0 {
		t.Errorf("got %s %s:%d idle %v, want udp db:5432 idle 0", got.Protocol, got.RemoteHost, got.RemotePort, got.TunnelIdle)
	}
	cfg.ExitWhenConnected = true
	if got := cfg.client().TunnelIdle; got != DefaultBackgroundTimeout {
		t.Errorf("with -x: got idle %v, want %v", got, DefaultBackgroundTimeout)
	}
	cfg.TimeoutSet = true
	if got := cfg.client().TunnelIdle; got != 0 {
		t.Errorf("with -x -T 0: got idle %v, want 0 (never)", got)
	}
}

func TestRetry(t *testing.T) {
	refusal := func(code string) error {
		return fmt.Errorf("set-up: %w", &client.RefusedError{Who: "daemon @dev", Code: code, Message: "no"})
	}
	tests := []struct {
		name                 string
		err                  error
		transient, retriable bool
	}{
		{"no answer", &relayclient.NoAnswerError{To: "@rv"}, true, true},
		{"timeout", fmt.Errorf("relay: %w", context.DeadlineExceeded), true, true},
		{"busy", refusal(wire.RefusalBusy), true, true},
		{"target unreachable", refusal(wire.RefusalTargetUnreachable), true, true},
		{"target refused", refusal(wire.RefusalTargetRefused), false, false},
		{"unauthorized", refusal(wire.RefusalUnauthorized), false, false},
		{"bad setting", errors.New("--from: bad name"), false, true},
		{"changed key", &identity.KeyChangedError{}, false, false},
	}
	for _, tt := range tests {
		if got := transient(tt.err); got != tt.transient {
			t.Errorf("%s: transient %v, want %v", tt.name, got, tt.transient)
		}
		if got := retriable(tt.err); got != tt.retriable {
			t.Errorf("%s: retriable %v, want %v", tt.name, got, tt.retriable)
		}
	}
}

func TestHelpKeepsHForTheRemoteHost(t *testing.T) {
	out := new(strings.Builder)
	app := &cli.App{Name: "nport", Commands: []*cli.Command{Command}, Writer: out, ErrWriter: out}
	if err := app.Run([]string{"nport", name, "--help"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), Command.Usage) || !strings.Contains(out.String(), "--remote-host value, -h value") {
		t.Errorf("help is %q, want the usage and -h as the remote host", out)
	}
}
