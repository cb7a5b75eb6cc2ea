package daemon

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/nport/nport/core/config"
	"github.com/nport/nport/core/relayclient"
)

// Command is `nport daemon`, also started as `sshnpd`.
var Command = &cli.Command{
	Name:  "daemon",
	Usage: "run on the device: answer managers' session requests, opening no port",
	Description: "The daemon keeps one outbound connection to its relay. When a manager asks, it checks the\n" +
		"target against --permit-open, dials it and the rendezvous, and carries the encrypted tunnel.",
	Flags:  append(append(daemonFlags(), relayclient.Flags()...), config.CommonFlags()...),
	Action: runCommand,
}

func daemonFlags() []cli.Flag {
	d := Defaults()
	return []cli.Flag{
		&cli.StringFlag{Name: "atsign", Aliases: []string{"a"}, Usage: "the daemon's identity, @name", EnvVars: config.Env("atsign")},
		&cli.StringSliceFlag{Name: "manager", Aliases: []string{"m"}, Usage: "identity allowed to open sessions (repeat, or a comma list)", EnvVars: config.Env("manager")},
		&cli.StringFlag{Name: "device", Aliases: []string{"d"}, Value: d.Device, Usage: "this device's name under the identity", EnvVars: config.Env("device")},
		&cli.IntFlag{Name: "local-sshd-port", Value: d.LocalSSHDPort, Usage: "port of the device's sshd", EnvVars: config.Env("local-sshd-port")},
		&cli.StringSliceFlag{Name: "permit-open", Usage: "host:port targets managers may reach, * for any (default localhost:LOCAL-SSHD-PORT)", EnvVars: config.Env("permit-open")},
		&cli.BoolFlag{Name: "sshpublickey", Aliases: []string{"s"}, Usage: "let managers install their ssh public key in authorized_keys (restricted)", EnvVars: config.Env("sshpublickey")},
		&cli.StringFlag{Name: "authorized-keys", Usage: "the authorized_keys file for --sshpublickey (default ~/.ssh/authorized_keys)", EnvVars: config.Env("authorized-keys")},
		&cli.BoolFlag{Name: "hide", Usage: "do not answer pings, so device listings do not show this device", EnvVars: config.Env("hide")},
		&cli.BoolFlag{Name: "un-hide", Aliases: []string{"u"}, Usage: "accepted for compatibility: not hiding is the default", Hidden: true},
		&cli.IntFlag{Name: "buffer-size", Usage: "copy buffer per stream direction in bytes (4096 suits small devices)", EnvVars: config.Env("buffer-size")},
	}
}

func runCommand(c *cli.Context) error {
	cfg := Defaults()
	common, err := config.Resolve(c, "daemon", &cfg)
	if err != nil {
		return err
	}
	cfg.Home = common.Home
	if cfg.AuthorizedKeys == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return fmt.Errorf("find ~/.ssh/authorized_keys: %w (set --authorized-keys)", err)
		}
		cfg.AuthorizedKeys = filepath.Join(home, ".ssh", "authorized_keys")
	}
	cfg.Logger, err = common.NewLogger(c.App.ErrWriter)
	if err != nil {
		return err
	}
	out := c.App.Writer
	cfg.Ready = func() {
		fmt.Fprintf(out, "nport daemon ready: identity=%s device=%s\n", cfg.Atsign, cfg.Device)
	}
	return Run(c.Context, cfg)
}
