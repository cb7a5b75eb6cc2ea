package daemon

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/nport/nport/core/config"
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
		{"bad device", func(c *Config) { c.Device = "My Device!" }, `--device: bad device name "My Device!": want 1 to 36 of a-z, 0-9 and _, such as "my_device"`},
		{"bad permit", func(c *Config) { c.PermitOpen = []string{"nohost"} }, "permit-open"},
		{"bad session keeper", func(c *Config) { c.SessionKeeper = "always" }, "--session-keeper"},
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

// TestCommandSettings reads a config file with a policy rule and the
// NoPorts spellings of the flags, as `nport daemon` does at start and at
// each SIGHUP.
func TestCommandSettings(t *testing.T) {
	home := t.TempDir()
	file := filepath.Join(home, config.FileName)
	text := "[daemon]\natsign = \"@dev\"\n[[daemon.policy]]\nmanagers = [\"@alice\"]\npermit-open = [\"localhost:8080\"]\n"
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	var got Config
	app := &cli.App{Flags: Command.Flags, Action: func(c *cli.Context) (err error) {
		got, _, err = resolve(c)
		return err
	}}
	args := []string{"sshnpd", "--home", home, "--managers", "@carol,@dave", "-S", "restrict", "--dg", "garage",
		"--ephemeral-permissions", `PermitOpen="localhost:80"`, "--authorized-keys", "/dev/null"}
	if err := app.Run(args); err != nil {
		t.Fatal(err)
	}
	want := Defaults()
	want.Atsign, want.Managers, want.SSHPublicKeyPermissions, want.DeviceGroup = "@dev", []string{"@carol", "@dave"}, "restrict", "garage"
	want.EphemeralPermissions, want.AuthorizedKeys = `PermitOpen="localhost:80"`, "/dev/null"
	want.Policy = []PolicyRule{{Managers: []string{"@alice"}, PermitOpen: []string{"localhost:8080"}}}
	want.Home, want.ConfigFile = home, file
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v,\nwant %+v", got, want)
	}
}
