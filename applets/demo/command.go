package demo

import (
	"os"

	"github.com/urfave/cli/v2"

	"github.com/nport/nport/core/config"
	"github.com/nport/nport/core/logging"
)

// Command is `nport demo`.
var Command = &cli.Command{
	Name:  "demo",
	Usage: "run every role on this machine and one real session through them",
	Description: "Starts a relay, a rendezvous and a daemon in this process with throw-away identities, then\n" +
		"a client session to the local sshd (or to a built-in echo service when none answers), and\n" +
		"prints each step with its time.",
	Flags: append([]cli.Flag{
		&cli.BoolFlag{Name: "keep", Usage: "keep everything up, the tunnel on a local port, until Ctrl-C"},
		&cli.StringFlag{Name: "ssh-addr", Value: "127.0.0.1:22", Usage: "where to look for a local sshd"},
	}, config.CommonFlags()...),
	Action: func(c *cli.Context) error {
		log := logging.Discard()
		if c.Bool(config.FlagVerbose) || c.IsSet(config.FlagLogLevel) {
			var err error
			log, err = logging.New(c.App.ErrWriter, logging.Options{Format: c.String(config.FlagLogFormat), Level: c.String(config.FlagLogLevel), Verbose: c.Bool(config.FlagVerbose)})
			if err != nil {
				return err
			}
		}
		return Run(c.Context, Config{Keep: c.Bool("keep"), SSHAddr: c.String("ssh-addr"), Out: c.App.Writer, Logger: log})
	},
}

func userOr(fallback string) string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return fallback
}
