// Package status is `nport status`: the status pages of one or more
// relays, rendezvous and daemons (their --metrics listeners) as tables in
// a terminal, or as JSON.
package status

import (
	"time"

	"github.com/urfave/cli/v2"
)

// Default addresses of the --metrics listeners, which `nport status` reads
// when given none: those docs/usage.md suggests for each role.
var DefaultAddrs = []string{"127.0.0.1:9720", "127.0.0.1:9721", "127.0.0.1:9722"}

// Command is `nport status`.
var Command = &cli.Command{
	Name:      "status",
	Usage:     "show what relays, rendezvous and daemons are doing, from their --metrics listeners",
	UsageText: "nport status [--json] [ADDR …]",
	Description: "Reads /status.json from each ADDR (HOST:PORT, or a PORT on 127.0.0.1) and prints its identities,\n" +
		"live sessions and latest refusals. Without ADDR it reads 127.0.0.1:9720, :9721 and :9722 (relay,\n" +
		"rendezvous, daemon) and shows those that answer.",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "json", Usage: "print a JSON array of the status of each address, for scripts"},
		&cli.DurationFlag{Name: "timeout", Value: 3 * time.Second, Usage: "how long to wait for each address"},
	},
	Action: run,
}

func run(c *cli.Context) error {
	addrs, explicit := c.Args().Slice(), true
	if len(addrs) == 0 {
		addrs, explicit = DefaultAddrs, false
	}
	return Run(c.Context, Config{Addrs: addrs, Explicit: explicit, JSON: c.Bool("json"), Timeout: c.Duration("timeout"), Out: c.App.Writer, Err: c.App.ErrWriter})
}
