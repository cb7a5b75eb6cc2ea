// Package npt is `nport tunnel` (npt): it offers a port of the device, or
// of a host the device can reach, on a local port, for TCP connections or
// UDP datagrams, as NoPorts' npt does.
package npt

import (
	"github.com/urfave/cli/v2"

	"github.com/nport/nport/applets/client"
	"github.com/nport/nport/core/config"
	"github.com/nport/nport/core/relayclient"
)

// Command is `nport tunnel`, also started as `npt`. Its -h names the
// remote host, as in NoPorts, so help is --help only.
var Command = &cli.Command{
	Name:      name,
	Usage:     "offer a TCP or UDP port of the device, or of a host it reaches, on a local port",
	UsageText: "npt -f @me -t @device [-d NAME] [-r @rv] -p PORT [-h HOST] [-l LOCAL_PORT] [--udp] [-K] [-x]",
	Description: "The tunnel runs in the foreground, logging at info level, until Ctrl-C; it prints one line\n" +
		"saying what it forwards once it is up. With -K it is set up again whenever it drops, while the\n" +
		"local port stays open; with -x it goes to the background once up, printing the local port.",
	Flags:  append(append(tunnelFlags(), relayclient.Flags()...), config.CommonFlags()...),
	Action: runCommand,
}

// name is the applet's name, and its config file section.
const name = "tunnel"

func tunnelFlags() []cli.Flag {
	d := Defaults()
	env := config.Env
	return append(client.PeerFlags(), []cli.Flag{
		&cli.IntFlag{Name: "remote-port", Aliases: []string{"p", "rp"}, Usage: "the port to reach, as the device sees it", DefaultText: "none, required", EnvVars: env("remote-port")},
		&cli.StringFlag{Name: "remote-host", Aliases: []string{"h", "rh"}, Value: d.RemoteHost, Usage: "the host to reach, as the device sees it", EnvVars: env("remote-host")},
		&cli.IntFlag{Name: "local-port", Aliases: []string{"l", "lp"}, Usage: "local port for the tunnel; 0 picks one", EnvVars: env("local-port")},
		// No environment variable: an address other than loopback must
		// be typed, so it is never picked up unawares.
		&cli.StringFlag{Name: "local-host", Aliases: []string{"lh"}, Value: d.LocalHost, Usage: "local address to listen on; one that is not loopback lets other machines use the tunnel, and must be given here, not in the config file"},
		&cli.BoolFlag{Name: "keep-alive", Aliases: []string{"K"}, Usage: "set the tunnel up again when it ends, keeping the local port open meanwhile", EnvVars: env("keep-alive")},
		&cli.BoolFlag{Name: "exit-when-connected", Aliases: []string{"x"}, Usage: "once up, serve from the background (log in HOME/logs) and print the local port", EnvVars: env("exit-when-connected")},
		&cli.DurationFlag{Name: "timeout", Aliases: []string{"T"}, Usage: "end the tunnel after no connection used it this long; 0 never", DefaultText: "never; 30s with -x", EnvVars: env("timeout")},
		&cli.BoolFlag{Name: "udp", Usage: "carry UDP datagrams: each local source address is one flow", EnvVars: env("udp")},
	}...)
}

func runCommand(c *cli.Context) error {
	cfg, err := resolve(c)
	if err != nil {
		return err
	}
	return Run(c.Context, cfg)
}

// resolve makes the Config of a command line, with the config file and
// the environment under it. Logs go to stderr at info level unless asked
// otherwise: a tunnel in the foreground is watched.
func resolve(c *cli.Context) (Config, error) {
	cfg := Defaults()
	common, err := config.Resolve(c, name, &cfg)
	if err != nil {
		return cfg, err
	}
	cfg.Home = common.Home
	cfg.LocalHostFromFlag = c.IsSet("local-host")
	cfg.TimeoutSet = c.IsSet("timeout") || cfg.Timeout != 0
	cfg.Stdout, cfg.Stderr = c.App.Writer, c.App.ErrWriter
	cfg.Logger, err = common.NewLogger(c.App.ErrWriter)
	return cfg, err
}
