package keys

import (
	"github.com/urfave/cli/v2"

	"github.com/nport/nport/core/config"
)

// Command is `nport keys`.
var Command = &cli.Command{
	Name:  "keys",
	Usage: "create, show and list identities (@name and key pair)",
	Description: "Keys live in HOME/keys/@name.key, readable only by their owner. `new` and `show` print\n" +
		"the line to share: give it to the peers that should pin this identity.",
	Flags: config.CommonFlags(),
	Subcommands: []*cli.Command{
		{Name: OpNew, Usage: "create an identity and print its public key", ArgsUsage: "@name", Action: runOp(OpNew), Flags: config.CommonFlags()},
		{Name: OpShow, Usage: "print an identity's public key, to share", ArgsUsage: "@name", Action: runOp(OpShow), Flags: config.CommonFlags()},
		{Name: OpList, Usage: "list the identities in the home", Action: runOp(OpList), Flags: config.CommonFlags()},
	},
}

func runOp(op string) cli.ActionFunc {
	return func(c *cli.Context) error {
		if op != OpList && c.NArg() != 1 {
			return cli.Exit("usage: nport keys "+op+" @name", 2)
		}
		var none struct{}
		common, err := config.Resolve(c, "keys", &none)
		if err != nil {
			return err
		}
		return Run(c.Context, Config{Home: common.Home, Op: op, Name: c.Args().First(), Out: c.App.Writer})
	}
}
