package relay

import (
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/nport/nport/applets/relay/admin"
	"github.com/nport/nport/core/config"
	"github.com/nport/nport/core/identity"
)

// inviteCommand is `nport relay invite @name`.
var inviteCommand = &cli.Command{
	Name:      "invite",
	Usage:     "print a single-use token that lets a new identity claim @name, under any claim policy",
	ArgsUsage: "@name",
	Flags: append(config.CommonFlags(),
		&cli.DurationFlag{Name: "ttl", Value: admin.DefaultInviteTTL, Usage: "how long the token is valid"}),
	Action: runInvite,
}

// InviteConfig is one `nport relay invite`.
type InviteConfig struct {
	Home string        // the relay's nport home
	Name identity.Name // the name to invite
	TTL  time.Duration // how long the token is valid; 0 is admin.DefaultInviteTTL
	// Out gets the token alone on a line; Info what to do with it.
	Out, Info io.Writer
}

func runInvite(c *cli.Context) error {
	arg, err := nameThenFlags(c)
	if err != nil {
		return cli.Exit("nport relay invite: "+err.Error()+"; usage: nport relay invite @name [--ttl 24h]", 2)
	}
	name, err := identity.ParseName(arg)
	if err != nil {
		return err
	}
	home, err := relayHome(c)
	if err != nil {
		return err
	}
	return RunInvite(InviteConfig{Home: home, Name: name, TTL: c.Duration("ttl"), Out: c.App.Writer, Info: c.App.ErrWriter})
}

// RunInvite issues an invitation for cfg.Name on the relay of cfg.Home,
// and prints its token.
func RunInvite(cfg InviteConfig) error {
	req := admin.Request{Op: admin.OpInvite, Name: string(cfg.Name)}
	if cfg.TTL > 0 {
		req.TTL = cfg.TTL.String()
	}
	resp, err := operate(cfg.Home, req)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(cfg.Out, resp.Token); err != nil {
		return err
	}
	if cfg.Info != nil {
		fmt.Fprintf(cfg.Info, "nport relay invite: the token above lets one new identity claim %s, once, until %s; it presents it with --claim-token\n",
			cfg.Name, resp.Expires.Local().Format(time.RFC3339))
	}
	return nil
}
