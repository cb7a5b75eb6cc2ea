package client

import (
	"reflect"
	"strings"
	"testing"
)

func TestSSHArgs(t *testing.T) {
	cfg := Defaults()
	cfg.To, cfg.RemoteUserName = "@garage_pi", "pi"
	cfg.IdentityFile = "/k/id"
	cfg.LocalSSHOptions = []string{"ServerAliveInterval=5"}
	got := SSHArgs(cfg, 2222)
	want := []string{"ssh", "-p", "2222", "-i", "/k/id", "-o", "HostKeyAlias=nport.garage_pi.default", "-o", "ServerAliveInterval=5", "pi@localhost"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTarget(t *testing.T) {
	tests := []struct {
		host string
		port int
		want string
	}{
		{"localhost", 0, ""},
		{"", 0, ""},
		{"localhost", 8080, "localhost:8080"},
		{"10.0.0.5", 0, "10.0.0.5:22"},
		{"::1", 80, "[::1]:80"},
	}
	for _, tt := range tests {
		c := connector{cfg: Config{RemoteHost: tt.host, RemotePort: tt.port}}
		if got := c.target(); got != tt.want {
			t.Errorf("target(%q, %d): got %q, want %q", tt.host, tt.port, got, tt.want)
		}
	}
}

func TestParseReport(t *testing.T) {
	tests := []struct {
		line    string
		want    int
		wantErr string
	}{
		{"port 4022", 4022, ""},
		{"error daemon @x refused", 0, "daemon @x refused"},
		{"", 0, "ended before it was ready"},
		{"port x", 0, "ended before it was ready"},
	}
	for _, tt := range tests {
		got, err := parseReport(tt.line)
		if got != tt.want || (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("parseReport(%q): got %d, %v; want %d, %q", tt.line, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestShellQuote(t *testing.T) {
	tests := map[string]string{
		"plain":               "plain",
		"HostKeyAlias=a.b":    "HostKeyAlias=a.b",
		"two words":           "'two words'",
		"it's":                `'it'\''s'`,
		"":                    "''",
		"ProxyJump=$(reboot)": "'ProxyJump=$(reboot)'",
	}
	for in, want := range tests {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q): got %s, want %s", in, got, want)
		}
	}
}

func TestConfigRefusals(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"no from", func(c *Config) { c.To = "@d" }, "--from"},
		{"bad to", func(c *Config) { c.From, c.To = "@a", "d" }, "--to"},
		{"bad device", func(c *Config) { c.From, c.To, c.Device = "@a", "@d", "My Device!" }, `--device: bad device name "My Device!"`},
		{"bad srvd", func(c *Config) { c.From, c.To, c.Srvd = "@a", "@d", "" }, "--srvd"},
		{"no relay", func(c *Config) { c.From, c.To = "@a", "@d" }, "relay"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("NPORT_RELAY", "")
			cfg := Defaults()
			cfg.Home = t.TempDir()
			tt.edit(&cfg)
			_, err := newConnector(cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error naming %q", err, tt.want)
			}
		})
	}
}
