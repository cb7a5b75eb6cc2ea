package rendezvous

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/nport/nport/core/config"
)

func TestAdvertisedHost(t *testing.T) {
	tests := []struct {
		listen, ip string
		want       string // "" wants an error
		wantErr    error
	}{
		{":7021", "rv.example.com", "rv.example.com", nil},
		{":7021", "", "", ErrNoIP},
		{"0.0.0.0:7021", "", "", ErrNoIP},
		{"[::]:7021", "", "", ErrNoIP},
		{"203.0.113.7:7021", "", "203.0.113.7", nil},
		{"[2001:db8::1]:7021", "", "2001:db8::1", nil},
		{"rv.example.com:443", "", "rv.example.com", nil},
		{":7021", "2001:db8::2", "2001:db8::2", nil},
		{":7021", "[2001:db8::2]", "2001:db8::2", nil},
		{":7021", "rv.example.com:7021", "", nil},
		{"7021", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.listen+" "+tt.ip, func(t *testing.T) {
			got, err := advertisedHost(tt.listen, tt.ip)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("got %q, want an error", got)
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("got %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v, want %q", got, err, tt.want)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string // a word of the error; "" wants none
	}{
		{"defaults", func(*Config) {}, ""},
		{"no home", func(c *Config) { c.Home = "" }, "--home"},
		{"no identity", func(c *Config) { c.Atsign = "" }, "--atsign"},
		{"bad identity", func(c *Config) { c.Atsign = "rv" }, "--atsign"},
		{"bad manager", func(c *Config) { c.Managers = []string{"@alice", "Bob"} }, "--manager"},
		{"no sessions", func(c *Config) { c.MaxSessions = 0 }, "--max-sessions"},
		{"none per identity", func(c *Config) { c.MaxSessionsPerIdentity = 0 }, "--max-sessions-per-identity"},
		{"negative idle", func(c *Config) { c.IdleTimeout = -time.Second }, "--idle-timeout"},
		{"zero handshake", func(c *Config) { c.HandshakeTimeout = 0 }, "--handshake-timeout"},
		{"zero ttl", func(c *Config) { c.SessionTTL = 0 }, "--session-ttl"},
		{"no handshakes", func(c *Config) { c.MaxHandshakes = 0 }, "--max-handshakes"},
		{"none per source", func(c *Config) { c.MaxHandshakesPerSource = -1 }, "--max-handshakes-per-source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Defaults()
			c.Atsign, c.Home = "@rv", t.TempDir()
			tt.edit(&c)
			_, _, err := c.check()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("got %v, want an error naming %q", err, tt.want)
			}
		})
	}
}

// TestFlagsAreKeys checks that every flag sets a Config field whose toml
// key is the flag's name, so that flags, files and NPORT_* agree.
func TestFlagsAreKeys(t *testing.T) {
	keys := tomlKeys(reflect.TypeFor[Config]())
	for _, f := range flags() {
		name := f.Names()[0]
		if slices.Contains([]string{config.FlagHome, config.FlagConfig, config.FlagLogFormat, config.FlagLogLevel, config.FlagVerbose}, name) {
			continue
		}
		if !slices.Contains(keys, name) {
			t.Errorf("flag --%s has no Config field with that toml key", name)
		}
	}
}

// tomlKeys lists the toml keys of a struct, embedded structs included.
func tomlKeys(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			out = append(out, tomlKeys(f.Type)...)
			continue
		}
		if k, _, _ := strings.Cut(f.Tag.Get("toml"), ","); k != "" && k != "-" {
			out = append(out, k)
		}
	}
	return out
}

// TestResolve layers defaults, the file and flags, as the command does.
func TestResolve(t *testing.T) {
	home := t.TempDir()
	file := `[rendezvous]
atsign = "@rv"
listen = "127.0.0.1:9000"
manager = ["@alice", "@bob"]
session-ttl = "45s"
idle-timeout = "2h"
relay = "relay.example.com"
`
	if err := os.WriteFile(filepath.Join(home, config.FileName), []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	var got Config
	app := &cli.App{Flags: flags(), Action: func(c *cli.Context) error {
		got = Defaults()
		_, err := config.Resolve(c, section, &got)
		return err
	}}
	args := []string{"srvd", "--home", home, "-m", "@carol,@dave", "--max-sessions", "5", "-i", "rv.example.com", "-s",
		"--max-handshakes-per-source", "64"}
	if err := app.Run(args); err != nil {
		t.Fatal(err)
	}
	want := Defaults()
	want.Atsign, want.Listen, want.IP = "@rv", "127.0.0.1:9000", "rv.example.com"
	want.Managers = []string{"@carol", "@dave"}
	want.MaxSessions, want.SessionTTL, want.IdleTimeout, want.Snoop = 5, 45*time.Second, 2*time.Hour, true
	want.Relay, want.MaxHandshakesPerSource = "relay.example.com", 64
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v,\nwant %+v", got, want)
	}
}
