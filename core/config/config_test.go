package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"
)

type shared struct {
	Relay string `toml:"relay"`
}

type testConfig struct {
	shared
	Device   string        `toml:"device"`
	Port     int           `toml:"local-sshd-port"`
	Hide     bool          `toml:"hide"`
	Managers []string      `toml:"manager"`
	Idle     time.Duration `toml:"idle-timeout"`
}

func defaults() testConfig { return testConfig{Device: "default", Port: 22} }

func writeFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// resolve runs a throw-away cli app with the test flags and returns what
// Resolve made of defaults, file, env and args.
func resolve(t *testing.T, file string, env map[string]string, args ...string) (testConfig, error) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	var got testConfig
	var resolveErr error
	app := &cli.App{
		Flags: append(CommonFlags(),
			&cli.StringFlag{Name: "device", EnvVars: Env("device")},
			&cli.StringFlag{Name: "relay", EnvVars: Env("relay")},
			&cli.IntFlag{Name: "local-sshd-port", EnvVars: Env("local-sshd-port")},
			&cli.BoolFlag{Name: "hide"},
			&cli.StringSliceFlag{Name: "manager", Aliases: []string{"m"}},
			&cli.DurationFlag{Name: "idle-timeout"},
		),
		Action: func(c *cli.Context) error {
			got = defaults()
			_, resolveErr = Resolve(c, "daemon", &got)
			return nil
		},
	}
	argv := []string{"test", "--home", t.TempDir()}
	if file != "" {
		argv = append(argv, "--config", file)
	}
	if err := app.Run(append(argv, args...)); err != nil {
		t.Fatal(err)
	}
	return got, resolveErr
}

func TestResolveLayers(t *testing.T) {
	file := writeFile(t, "[daemon]\ndevice = \"from-file\"\nlocal-sshd-port = 2222\nmanager = [\"@ops\"]\nidle-timeout = \"90s\"\n[client]\nother = 1\n")
	tests := []struct {
		name string
		file string
		env  map[string]string
		args []string
		want testConfig
	}{
		{"defaults without a file", "", nil, nil, testConfig{Device: "default", Port: 22}},
		{"file over defaults", file, nil, nil, testConfig{Device: "from-file", Port: 2222, Managers: []string{"@ops"}, Idle: 90 * time.Second}},
		{"env over file", file, map[string]string{"NPORT_DEVICE": "from-env"}, nil, testConfig{Device: "from-env", Port: 2222, Managers: []string{"@ops"}, Idle: 90 * time.Second}},
		{"flag over env", file, map[string]string{"NPORT_DEVICE": "from-env"}, []string{"--device", "from-flag"}, testConfig{Device: "from-flag", Port: 2222, Managers: []string{"@ops"}, Idle: 90 * time.Second}},
		{"repeated and comma lists", "", nil, []string{"-m", "@a", "-m", "@b,@c", "--hide"}, testConfig{Device: "default", Port: 22, Hide: true, Managers: []string{"@a", "@b", "@c"}}},
		{"embedded from file", writeFile(t, "[daemon]\nrelay = \"r:1\"\n"), nil, nil, testConfig{shared: shared{Relay: "r:1"}, Device: "default", Port: 22}},
		{"embedded from env", "", map[string]string{"NPORT_RELAY": "r:2"}, nil, testConfig{shared: shared{Relay: "r:2"}, Device: "default", Port: 22}},
		{"NoPorts name of the section", writeFile(t, "[sshnpd]\ndevice = \"pi\"\nidle-timeout = \"0\"\n[sshnp]\ndevice = \"other\"\n"), nil, nil, testConfig{Device: "pi", Port: 22}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := resolve(t, tt.file, tt.env, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestResolveRefusals(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"unknown key", writeFile(t, "[daemon]\ndevcie = \"x\"\n"), "unknown keys devcie"},
		{"bad toml", writeFile(t, "[daemon\n"), "config "},
		{"wrong type", writeFile(t, "[daemon]\nlocal-sshd-port = \"x\"\n"), "section [daemon]"},
		{"named file missing", filepath.Join(t.TempDir(), "none.toml"), "read config"},
		{"duration as an integer", writeFile(t, "[daemon]\nidle-timeout = 5\n"), `section [daemon]: idle-timeout = 5 has no unit: write idle-timeout = "5s"`},
		{"duration as a float", writeFile(t, "[daemon]\nidle-timeout = 1.5\n"), `idle-timeout = "1.5s"`},
		{"duration without a unit", writeFile(t, "[daemon]\nidle-timeout = \"90\"\n"), `idle-timeout = "90" is not a duration: write it with a unit, as idle-timeout = "90s"`},
		{"duration of an alias", writeFile(t, "[sshnpd]\nidle-timeout = 5\n"), `section [sshnpd]: idle-timeout = 5 has no unit`},
		{"unknown section", writeFile(t, "[deamon]\ndevice = \"x\"\n"), "unknown section [deamon]: the sections are [client], [daemon], [keys], [relay], [rendezvous], [tunnel]; or the NoPorts names [sshnp] for [client], [sshnpd] for [daemon], [srvd] for [rendezvous], [npt] for [tunnel]"},
		{"unknown section of another applet's file", writeFile(t, "[daemon]\n[sshnp_config]\n"), "unknown section [sshnp_config]"},
		{"a section and its alias", writeFile(t, "[daemon]\ndevice = \"a\"\n[sshnpd]\ndevice = \"b\"\n"), "[daemon] and [sshnpd] are the same section, the daemon's: keep one"},
		{"a section of sub-tables only is read", writeFile(t, "[[daemon.rule]]\nx = 1\n"), "section [daemon]: unknown keys rule"},
		{"key outside any section", writeFile(t, "relay = \"r:1\"\n[daemon]\n"), "relay is outside any section: put it under the section of the applet it is for"},
		{"array of tables", writeFile(t, "[[daemon]]\ndevice = \"x\"\n"), "daemon is outside any section"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := resolve(t, tt.file, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestEnvName(t *testing.T) {
	if got, want := EnvName("local-sshd-port"), "NPORT_LOCAL_SSHD_PORT"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
