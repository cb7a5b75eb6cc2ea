package relay

import (
	"strings"
	"testing"
)

func TestCheckHandshakeLimits(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string // a word of the error; "" wants none
	}{
		{"defaults", func(*Config) {}, ""},
		{"above the connections", func(c *Config) { c.MaxHandshakes = c.MaxConnections + 1 }, ""},
		{"no handshakes", func(c *Config) { c.MaxHandshakes = 0 }, "--max-handshakes"},
		{"none per source", func(c *Config) { c.MaxHandshakesPerSource = -1 }, "--max-handshakes-per-source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Defaults()
			c.Home = t.TempDir()
			tt.edit(&c)
			err := c.check()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("got %v, want an error naming %q", err, tt.want)
			}
		})
	}
}
