package relayclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nport/nport/core/dialer"
	"github.com/nport/nport/core/dialer/dialertest"
)

// closedAddr is a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// unresolvable is a name that resolves nowhere (.invalid, RFC 2606); the
// test skips where the resolver does not say so.
func unresolvable(t *testing.T) string {
	const name = "relay.nport.invalid"
	_, err := net.DefaultResolver.LookupHost(context.Background(), name)
	var dns *net.DNSError
	if !errors.As(err, &dns) || !dns.IsNotFound {
		t.Skipf("this machine's resolver does not answer %s with no such host (%v)", name, err)
	}
	return name + ":7020"
}

// TestGiveUp runs a client that gives up, as the person's does, against a
// relay out of reach for good: Run returns with what to check.
func TestGiveUp(t *testing.T) {
	tests := []struct {
		name     string
		settings func(t *testing.T) Settings
		want     []string
		is       error
	}{
		{"connection refused", func(t *testing.T) Settings { return Settings{Relay: closedAddr(t), Proxy: "none"} },
			[]string{"connection refused", "is the relay running?", "--relay, NPORT_RELAY"}, syscall.ECONNREFUSED},
		{"no such host", func(t *testing.T) Settings { return Settings{Relay: unresolvable(t), Proxy: "none"} },
			[]string{"no such host", "check the relay's address in --relay, NPORT_RELAY"}, nil},
		{"proxy wants other credentials", func(t *testing.T) Settings {
			p := dialertest.StartProxy(t, dialertest.ProxyOptions{User: "u", Pass: "right"})
			return Settings{Relay: closedAddr(t), Proxy: "http://u:wrong@" + p.Addr}
		}, []string{"did not accept the credentials", "check the user and password in --proxy"}, dialer.ErrProxyAuth},
		{"proxy not running", func(t *testing.T) Settings {
			return Settings{Relay: "relay.example.net:7020", Proxy: "http://" + closedAddr(t)}
		},
			[]string{"dial proxy", "connection refused", "(check --proxy)"}, dialer.ErrProxy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t, "", newID(t, "@alice"))
			cfg.Settings, cfg.GiveUp = tt.settings(t), time.Second
			p := startPeer(t, cfg)
			err := p.runErr(t)
			for _, want := range tt.want {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("Run: got %v, want an error containing %q", err, want)
				}
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Run: got %v, want it to be %v", err, tt.is)
			}
			if strings.Contains(p.log.String(), "level=WARN") {
				t.Errorf("logged a warning before the error, which says it all:\n%s", p.log)
			}
		})
	}
}

// TestNoGiveUpForDaemons is the same relay out of reach for a client with
// no GiveUp, as daemons run: it keeps trying, and connects once the
// relay is there.
func TestNoGiveUpForDaemons(t *testing.T) {
	addr := closedAddr(t)
	dev := startPeer(t, testConfig(t, addr, newID(t, "@dev")))
	waitFor(t, "three failed attempts", func() bool { return strings.Count(dev.log.String(), "cannot connect to the relay") >= 3 })
	select {
	case err := <-dev.err:
		t.Fatalf("Run returned %v, want it to keep trying", err)
	default:
	}
	startRelay(t, t.TempDir(), addr, nil)
	dev.ready(t)
}

func TestHopeless(t *testing.T) {
	timeout := &net.OpError{Op: "dial", Err: fmt.Errorf("i/o timeout: %w", context.DeadlineExceeded)}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"refused", &dialError{fmt.Errorf("dial r:1: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED})}, true},
		{"no such host", &dialError{&net.DNSError{Err: "no such host", Name: "r.invalid", IsNotFound: true}}, true},
		{"resolver down", &dialError{&net.DNSError{Err: "server misbehaving", Name: "r", IsTemporary: true}}, false},
		{"timeout", &dialError{timeout}, false},
		{"no route", &dialError{&net.OpError{Op: "dial", Err: syscall.EHOSTUNREACH}}, false},
		{"proxy credentials", fmt.Errorf("x: %w", dialer.ErrProxyAuth), true},
	}
	for _, tt := range tests {
		if _, got := hopeless(tt.err); got != tt.want {
			t.Errorf("%s: hopeless(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}
