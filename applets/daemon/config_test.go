package daemon

import (
	"strings"
	"testing"
)

func TestNewDaemonRefusals(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"bad atsign", func(c *Config) { c.Atsign = "dev" }, "--atsign"},
		{"no manager", func(c *Config) { c.Managers = nil }, "--manager"},
		{"bad manager", func(c *Config) { c.Managers = []string{"alice"} }, "--manager"},
		{"bad permit", func(c *Config) { c.PermitOpen = []string{"nohost"} }, "permit-open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Defaults()
			cfg.Atsign, cfg.Managers, cfg.Relay, cfg.Home = "@dev", []string{"@alice"}, "127.0.0.1:1", t.TempDir()
			tt.edit(&cfg)
			_, err := newDaemon(cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error naming %q", err, tt.want)
			}
		})
	}
}

func TestDefaultPermitFollowsSSHDPort(t *testing.T) {
	cfg := Defaults()
	cfg.LocalSSHDPort = 2222
	p, err := cfg.permits()
	if err != nil {
		t.Fatal(err)
	}
	if !p.Allows("localhost:2222") || p.Allows("localhost:22") {
		t.Errorf("got permits %s, want only localhost:2222", p)
	}
}
