package client

import (
	"os"

	"github.com/urfave/cli/v2"

	"github.com/nport/nport/core/config"
	"github.com/nport/nport/core/relayclient"
)

// Command is `nport client`, also started as `sshnp`.
var Command = &cli.Command{
	Name:      "client",
	Usage:     "reach a device: ssh to it, or offer its port on 127.0.0.1 or stdin/stdout",
	UsageText: "sshnp -f @me -t @device [-d NAME] [-r @rv[,@rv2]] [options] [--] [COMMAND [ARG...]]",
	Description: "By default the client runs ssh through the tunnel and exits with its status; a COMMAND after\n" +
		"the options runs on the device instead of a login shell, as with ssh. With -x it prints the ssh\n" +
		"command and serves the tunnel in the background until it is idle; with --stdio it is an ssh\n" +
		"ProxyCommand; with --forward it serves a local port for any program.",
	Flags:  append(append(clientFlags(), relayclient.Flags()...), config.CommonFlags()...),
	Action: runCommand,
}

// PeerFlags are the flags of Peers, shared by every applet that opens a
// session; srvdAliases are more names for --srvd (sshnp's -h, which npt
// gives the remote host).
func PeerFlags(srvdAliases ...string) []cli.Flag {
	d := DefaultPeers()
	env := config.Env
	return []cli.Flag{
		&cli.StringFlag{Name: "from", Aliases: []string{"f"}, Usage: "your identity, @name", EnvVars: env("from")},
		&cli.StringFlag{Name: "to", Aliases: []string{"t"}, Usage: "the device's identity, @name", EnvVars: env("to")},
		&cli.StringFlag{Name: "device", Aliases: []string{"d"}, Value: d.Device, Usage: "the device's name under that identity", EnvVars: env("device")},
		&cli.StringFlag{Name: "srvd", Aliases: append([]string{"r"}, srvdAliases...), Value: d.Srvd, Usage: "the rendezvous's identity; several, comma-separated, are tried in order", EnvVars: env("srvd")},
	}
}

func clientFlags() []cli.Flag {
	d := Defaults()
	env := config.Env
	// -h names the rendezvous, as in NoPorts; help is --help.
	return append(PeerFlags("h", "host"), []cli.Flag{
		&cli.IntFlag{Name: "local-port", Aliases: []string{"l"}, Usage: "port on 127.0.0.1 for the tunnel; 0 picks one", EnvVars: env("local-port")},
		&cli.StringFlag{Name: "remote-user-name", Aliases: []string{"u"}, Usage: "user on the device (default: $USER)", EnvVars: env("remote-user-name")},
		&cli.StringFlag{Name: "identity-file", Aliases: []string{"i"}, Usage: "ssh private key, passed to ssh -i", EnvVars: env("identity-file")},
		&cli.StringFlag{Name: "send-ssh-public-key", Aliases: []string{"s"}, Usage: "ssh public key file for the daemon to authorize (it needs --sshpublickey)", EnvVars: env("send-ssh-public-key")},
		&cli.StringSliceFlag{Name: "local-ssh-options", Aliases: []string{"o"}, Usage: "more ssh options, each passed as -o", EnvVars: env("local-ssh-options")},
		&cli.StringFlag{Name: "remote-host", Value: d.RemoteHost, Usage: "target host, as the device sees it", EnvVars: env("remote-host")},
		&cli.IntFlag{Name: "remote-port", Aliases: []string{"p"}, Usage: "target port on the device (default: its sshd, usually 22)", EnvVars: env("remote-port")},
		&cli.DurationFlag{Name: "idle-timeout", Value: d.IdleTimeout, Usage: "with -x, end the tunnel after it has been unused this long", EnvVars: env("idle-timeout")},
		&cli.BoolFlag{Name: "output-execution-command", Aliases: []string{"x"}, Usage: "print the ssh command and serve the tunnel in the background", EnvVars: env("output-execution-command")},
		&cli.BoolFlag{Name: "stdio", Usage: "the tunnel on stdin/stdout, for ssh -o ProxyCommand", EnvVars: env("stdio")},
		&cli.BoolFlag{Name: "forward", Aliases: []string{"F"}, Usage: "serve the tunnel on --local-port for any program, any number of connections, until Ctrl-C; no ssh", EnvVars: env("forward")},
		&cli.DurationFlag{Name: "timeout", Value: d.Timeout, Usage: "how long to wait for each answer", EnvVars: env("timeout")},
		&cli.StringFlag{Name: "ssh", Value: d.SSH, Usage: "the ssh program to run", EnvVars: env("ssh")},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "log nothing but errors", EnvVars: env("quiet")},
		&cli.BoolFlag{Name: "list-devices", Aliases: []string{"ls"}, Usage: "list the devices of --to that answer you, and exit", EnvVars: env("list-devices")},
		&cli.BoolFlag{Name: "json", Usage: "print the device list as a JSON array, for scripts", EnvVars: env("json")},
	}...)
}

func runCommand(c *cli.Context) error {
	cfg := Defaults()
	common, err := config.Resolve(c, "client", &cfg)
	if err != nil {
		return err
	}
	cfg.Home = common.Home
	cfg.Command = c.Args().Slice()
	if cfg.Quiet {
		common.LogLevel = "error"
	} else if os.Getenv(backgroundEnv) != "" && !c.IsSet(config.FlagLogLevel) {
		// The background copy of -x logs to its file: the set-up and
		// the end of the tunnel belong there.
		common.LogLevel = "info"
	} else if !c.IsSet(config.FlagLogLevel) && !common.Verbose {
		// A person at a terminal wants ssh's output, not ours: only
		// warnings and errors unless asked.
		common.LogLevel = "warn"
	}
	cfg.Logger, err = common.NewLogger(c.App.ErrWriter)
	if err != nil {
		return err
	}
	cfg.Stdin, cfg.Stdout, cfg.Stderr = c.App.Reader, c.App.Writer, c.App.ErrWriter
	return Run(c.Context, cfg)
}
