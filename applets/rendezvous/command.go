package rendezvous

import (
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/nport/nport/applets/rendezvous/pairing"
	"github.com/nport/nport/core/config"
	"github.com/nport/nport/core/relayclient"
	"github.com/nport/nport/core/status"
)

// Flag names, equal to the toml keys of Config.
const (
	FlagAtsign         = "atsign"
	FlagListen         = "listen"
	FlagIP             = "ip"
	FlagManager        = "manager"
	FlagMaxSessions    = "max-sessions"
	FlagMaxPerIdentity = "max-sessions-per-identity"
	FlagIdleTimeout    = "idle-timeout"
	FlagHandshake      = "handshake-timeout"
	FlagMaxHandshakes  = "max-handshakes"
	FlagMaxPerSource   = "max-handshakes-per-source"
	FlagSessionTTL     = "session-ttl"
	FlagSnoop          = "snoop"
)

// section is the TOML table of the rendezvous's settings.
const section = "rendezvous"

// Command is `nport rendezvous`, also started as `srvd`.
var Command = &cli.Command{
	Name:  "rendezvous",
	Usage: "allocate sessions and join the two parties of each, on one port (srvd)",
	Description: "Answers session requests from its managers, sealed through the relay, with an address and one\n" +
		"single-use token per party; joins the two sockets that present them and copies their (encrypted)\n" +
		"bytes. Prints `nport rendezvous ready: …` once it serves. See docs/rendezvous.md.",
	Flags:  flags(),
	Action: action,
}

// flags are the rendezvous's own, then the relay's, then the common ones.
// Defaults live in Defaults, so that a file's value is not overridden by
// a flag's; DefaultText shows them in --help.
func flags() []cli.Flag {
	const cat = "rendezvous"
	own := []cli.Flag{
		&cli.StringFlag{Name: FlagAtsign, Aliases: []string{"a"}, Usage: "this rendezvous's identity, `@NAME` (its key is created in the home on first start)", EnvVars: config.Env(FlagAtsign), Category: cat},
		&cli.StringFlag{Name: FlagListen, Usage: "where the parties connect, `[HOST]:PORT`, one port for all sessions", DefaultText: DefaultListen, EnvVars: config.Env(FlagListen), Category: cat},
		&cli.StringFlag{Name: FlagIP, Aliases: []string{"i"}, Usage: "the `HOST` put in grants, that both parties dial (default: the --listen host, if it is one address)", EnvVars: config.Env(FlagIP), Category: cat},
		&cli.StringSliceFlag{Name: FlagManager, Aliases: []string{"m"}, Usage: "an identity allowed to ask for sessions, `@NAME`; repeat or separate with commas (default: anyone)", EnvVars: config.Env(FlagManager), Category: cat},
		&cli.IntFlag{Name: FlagMaxSessions, Usage: "most sessions held at once, live and pending", DefaultText: strconv.Itoa(pairing.DefaultMaxSessions), EnvVars: config.Env(FlagMaxSessions), Category: cat},
		&cli.IntFlag{Name: FlagMaxPerIdentity, Usage: "most sessions held at once for one requesting identity", DefaultText: strconv.Itoa(pairing.DefaultMaxSessionsPerIdentity), EnvVars: config.Env(FlagMaxPerIdentity), Category: cat},
		&cli.DurationFlag{Name: FlagIdleTimeout, Usage: "end a session after this long with no byte either way; 0 never", DefaultText: "0", EnvVars: config.Env(FlagIdleTimeout), Category: cat},
		&cli.DurationFlag{Name: FlagHandshake, Usage: "how long a socket has to present its session and token", DefaultText: "10s", EnvVars: config.Env(FlagHandshake), Category: cat},
		&cli.IntFlag{Name: FlagMaxHandshakes, Usage: "most sockets yet to send their hello; past it the one idle longest is shed", DefaultText: strconv.Itoa(pairing.DefaultMaxHandshakes), EnvVars: config.Env(FlagMaxHandshakes), Category: cat},
		&cli.IntFlag{Name: FlagMaxPerSource, Usage: "most sockets yet to send their hello from one address (IPv4, IPv6 /64); past it one idle for 2s is shed, or the newcomer refused", DefaultText: strconv.Itoa(pairing.DefaultMaxHandshakesPerSource), EnvVars: config.Env(FlagMaxPerSource), Category: cat},
		&cli.DurationFlag{Name: FlagSessionTTL, Usage: "how long a session waits for both parties", DefaultText: "30s", EnvVars: config.Env(FlagSessionTTL), Category: cat},
		&cli.BoolFlag{Name: FlagSnoop, Aliases: []string{"s"}, Usage: "debug: log the first bytes of each session in hex, and copy through memory instead of splice", EnvVars: config.Env(FlagSnoop), Category: cat},
	}
	own = append(append(own, status.Flags()...), relayclient.Flags()...)
	return append(own, config.CommonFlags()...)
}

// action resolves the settings and runs the rendezvous until a signal.
func action(c *cli.Context) error {
	cfg := Defaults()
	common, err := config.Resolve(c, section, &cfg)
	if err != nil {
		return err
	}
	log, err := common.NewLogger(c.App.ErrWriter)
	if err != nil {
		return err
	}
	cfg.Home, cfg.Logger, cfg.Out = common.Home, log, c.App.Writer
	return Run(c.Context, cfg)
}
