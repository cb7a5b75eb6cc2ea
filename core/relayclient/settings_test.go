package relayclient

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/nport/nport/core/config"
	"github.com/nport/nport/core/dialer/dialertest"
)

func TestSettingsAddr(t *testing.T) {
	tests := []struct {
		relay, want, err string
	}{
		{"relay.example.com:443", "relay.example.com:443", ""},
		{"relay.example.com", "relay.example.com:7020", ""},
		{"[::1]:7020", "[::1]:7020", ""},
		{"::1", "[::1]:7020", ""},
		{"[::1]", "[::1]:7020", ""},
		{"", "", "no relay"},
		{"relay:http", "", "want HOST:PORT"},
		{"relay:0", "", "want HOST:PORT"},
		{":7020", "", "want HOST:PORT"},
		{"a:7020,b", "a:7020,b:7020", ""},
		{"a, b:7021, a:7020", "a:7020,b:7021", ""},
		{"a,", "", "want HOST:PORT"},
	}
	for _, tt := range tests {
		t.Run(tt.relay, func(t *testing.T) {
			got, err := Settings{Relay: tt.relay}.Addr()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %q, %v, want an error with %q", got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v, want %q", got, err, tt.want)
			}
		})
	}
	if _, err := (Settings{}).Addr(); !errors.Is(err, ErrNoRelay) {
		t.Errorf("got %v, want ErrNoRelay", err)
	}
}

func TestSettingsDialOptions(t *testing.T) {
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, dialertest.SelfSigned(t).CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(dir, "junk.pem")
	if err := os.WriteFile(junk, []byte("not pem"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		s        Settings
		wantTLS  bool
		wantPool bool
		err      string
	}{
		{"plain", Settings{Proxy: "none"}, false, false, ""},
		{"tls with system roots", Settings{RelayTLS: true}, true, false, ""},
		{"ca implies tls", Settings{RelayCA: ca}, true, true, ""},
		{"missing ca", Settings{RelayCA: filepath.Join(dir, "none.pem")}, false, false, "read --relay-ca"},
		{"ca without certificates", Settings{RelayCA: junk}, false, false, "holds no PEM certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := tt.s.DialOptions()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %v, want an error with %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := o.TLS != nil; got != tt.wantTLS {
				t.Fatalf("got TLS %v, want %v", got, tt.wantTLS)
			}
			if got := o.TLS != nil && o.TLS.RootCAs != nil; got != tt.wantPool {
				t.Errorf("got a CA pool %v, want %v", got, tt.wantPool)
			}
			if o.Proxy != tt.s.Proxy {
				t.Errorf("got proxy %q, want %q", o.Proxy, tt.s.Proxy)
			}
		})
	}
}

// TestFlags checks that the flags fill an embedded Settings through
// config.Resolve, from the command line and from NPORT_* variables.
func TestFlags(t *testing.T) {
	type appletConfig struct {
		Settings
		Device string `toml:"device"`
	}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want Settings
	}{
		{"flags", nil, []string{"--relay", "r:1", "--relay-key", "nport-pub:k", "--relay-tls", "--relay-ca", "ca.pem", "--proxy", "none"},
			Settings{Relay: "r:1", RelayKey: "nport-pub:k", RelayTLS: true, RelayCA: "ca.pem", Proxy: "none"}},
		{"environment", map[string]string{"NPORT_RELAY": "r:2", "NPORT_RELAY_TLS": "true", "NPORT_PROXY": "http://p:3128"}, nil,
			Settings{Relay: "r:2", RelayTLS: true, Proxy: "http://p:3128"}},
		{"flag over environment", map[string]string{"NPORT_RELAY": "r:2"}, []string{"--relay", "r:3"}, Settings{Relay: "r:3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, f := range Flags() {
				for _, env := range f.(interface{ GetEnvVars() []string }).GetEnvVars() {
					t.Setenv(env, tt.env[env])
				}
			}
			var got appletConfig
			app := &cli.App{
				Flags: append(config.CommonFlags(), Flags()...),
				Action: func(c *cli.Context) error {
					_, err := config.Resolve(c, "daemon", &got)
					return err
				},
			}
			if err := app.Run(append([]string{"test", "--home", t.TempDir()}, tt.args...)); err != nil {
				t.Fatal(err)
			}
			if got.Settings != tt.want {
				t.Errorf("got %+v, want %+v", got.Settings, tt.want)
			}
		})
	}
	for _, f := range Flags() {
		if cat := f.(interface{ GetCategory() string }).GetCategory(); cat != "relay" {
			t.Errorf("flag %v: got category %q, want relay", f.Names(), cat)
		}
	}
}
