package daemon

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/nport/nport/core/config"
	"github.com/nport/nport/core/relayclient"
	"github.com/nport/nport/core/status"
)

// Command is `nport daemon`, also started as `sshnpd`.
var Command = &cli.Command{
	Name:  "daemon",
	Usage: "run on the device: answer managers' session requests, opening no port",
	Description: "The daemon keeps one outbound connection to its relay. When a manager asks, it checks the\n" +
		"target against its policy (--permit-open, or the [[daemon.policy]] rules of the config file),\n" +
		"dials it and the rendezvous, and carries the encrypted tunnel. SIGHUP reads the config again.",
	Flags:  append(append(append(append(daemonFlags(), keeperFlags()...), status.Flags()...), relayclient.Flags()...), config.CommonFlags()...),
	Action: runCommand,
}

func daemonFlags() []cli.Flag {
	d := Defaults()
	return []cli.Flag{
		&cli.StringFlag{Name: "atsign", Aliases: []string{"a"}, Usage: "the daemon's identity, @name", EnvVars: config.Env("atsign")},
		&cli.StringSliceFlag{Name: "manager", Aliases: []string{"m", "managers"}, Usage: "identity allowed to open sessions (repeat, or a comma list)", EnvVars: config.Env("manager")},
		&cli.StringFlag{Name: "device", Aliases: []string{"d"}, Value: d.Device, Usage: "this device's name under the identity", EnvVars: config.Env("device")},
		&cli.IntFlag{Name: "local-sshd-port", Value: d.LocalSSHDPort, Usage: "port of the device's sshd", EnvVars: config.Env("local-sshd-port")},
		&cli.StringSliceFlag{Name: "permit-open", Usage: "host:port targets managers may reach, * for any (default localhost:LOCAL-SSHD-PORT)", EnvVars: config.Env("permit-open")},
		&cli.BoolFlag{Name: "sshpublickey", Aliases: []string{"s"}, Usage: "let managers install their ssh public key in authorized_keys (restricted)", EnvVars: config.Env("sshpublickey")},
		&cli.StringFlag{Name: "sshpublickey-permissions", Aliases: []string{"S"}, Value: d.SSHPublicKeyPermissions, Usage: "authorized_keys options of the keys installed with --sshpublickey, one line (\"\" for none)", EnvVars: config.Env("sshpublickey-permissions")},
		&cli.StringFlag{Name: "ephemeral-permissions", Usage: "accepted for NoPorts compatibility: nport installs no throw-away ssh keys", Hidden: true},
		&cli.StringFlag{Name: "authorized-keys", Usage: "the authorized_keys file for --sshpublickey (default ~/.ssh/authorized_keys)", EnvVars: config.Env("authorized-keys")},
		&cli.StringFlag{Name: "device-group", Aliases: []string{"dg"}, Usage: "the group of devices this one belongs to, for device listings", EnvVars: config.Env("device-group")},
		&cli.BoolFlag{Name: "hide", Usage: "do not answer pings, so device listings do not show this device", EnvVars: config.Env("hide")},
		&cli.BoolFlag{Name: "un-hide", Aliases: []string{"u"}, Usage: "accepted for compatibility: not hiding is the default", Hidden: true},
		&cli.IntFlag{Name: "buffer-size", Usage: "copy buffer per stream direction in bytes (4096 suits small devices)", EnvVars: config.Env("buffer-size")},
		&cli.StringFlag{Name: "session-keeper", Value: d.SessionKeeper, Usage: "auto: live sessions outlive a restart of the daemon, in a session keeper process; off: they end with it", EnvVars: config.Env("session-keeper")},
	}
}

func runCommand(c *cli.Context) error {
	if c.IsSet(flagKeeperSocket) {
		return runKeeper(c)
	}
	cfg, common, err := resolve(c)
	if err != nil {
		return err
	}
	cfg.Logger, err = common.NewLogger(c.App.ErrWriter)
	if err != nil {
		return err
	}
	out := c.App.Writer
	cfg.Ready = func() {
		fmt.Fprintf(out, "nport daemon ready: identity=%s device=%s\n", cfg.Atsign, cfg.Device)
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	cfg.ReloadOn = hup
	cfg.Reload = func() (Config, error) {
		cfg, _, err := resolve(c)
		return cfg, err
	}
	return Run(c.Context, cfg)
}

// resolve reads the settings from the defaults, the config file, the
// environment and the flags: at start, and again at each SIGHUP.
func resolve(c *cli.Context) (Config, config.Common, error) {
	cfg := Defaults()
	common, err := config.Resolve(c, "daemon", &cfg)
	if err != nil {
		return cfg, common, err
	}
	cfg.Home, cfg.ConfigFile = common.Home, common.ConfigFile
	if cfg.AuthorizedKeys == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return cfg, common, fmt.Errorf("find ~/.ssh/authorized_keys: %w (set --authorized-keys)", err)
		}
		cfg.AuthorizedKeys = filepath.Join(home, ".ssh", "authorized_keys")
	}
	return cfg, common, nil
}
