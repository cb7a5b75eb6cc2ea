package relay

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/nport/nport/core/config"
	"github.com/nport/nport/core/status"
)

// Command is `nport relay`.
var Command = &cli.Command{
	Name:  "relay",
	Usage: "carry sealed messages between identities (the control plane)",
	Description: "Every daemon, client and rendezvous keeps one outbound connection to a relay. The relay\n" +
		"proves its key (HOME/keys/@relay.key, made on first start), checks each identity's, binds\n" +
		"names to keys under its claim policy (HOME/relay/relay.db), and routes sealed envelopes\n" +
		"it cannot read, keeping them on disk for identities that are offline. See docs/relay.md.",
	Flags:  append(append(config.CommonFlags(), flags()...), status.Flags()...),
	Action: run,
	Subcommands: []*cli.Command{
		{
			Name:  "directory",
			Usage: "list or remove the names bound to keys",
			Subcommands: []*cli.Command{
				{Name: OpList, Usage: "list the bindings, one \"@name nport-pub:KEY fp:…\" a line", Action: runDirectory(OpList), Flags: config.CommonFlags()},
				{Name: OpRemove, Usage: "release a name, so the next key to claim it gets it", ArgsUsage: "@name", Action: runDirectory(OpRemove), Flags: config.CommonFlags()},
			},
		},
		inviteCommand,
	},
}

func flags() []cli.Flag {
	d := Defaults()
	net, limits, claims := "network", "limits", "claims"
	return []cli.Flag{
		&cli.StringFlag{Name: "listen", Value: d.Listen, Usage: "address to listen on, HOST:PORT", EnvVars: config.Env("listen"), Category: net},
		&cli.StringFlag{Name: "tls-cert", Usage: "TLS certificate file (PEM); with --tls-key, clients connect over TLS", EnvVars: config.Env("tls-cert"), Category: net},
		&cli.StringFlag{Name: "tls-key", Usage: "TLS private key file (PEM)", EnvVars: config.Env("tls-key"), Category: net},
		&cli.StringFlag{Name: "cluster", Usage: "share routing, the directory and the offline queues with other relays through NATS with JetStream, `nats://HOST:4222[,…]` (default: this relay alone, on its own database)", EnvVars: config.Env("cluster"), Category: net},
		&cli.DurationFlag{Name: "keepalive", Value: d.Keepalive, Usage: "interval between keepalives; a link silent for 3 of them is closed", EnvVars: config.Env("keepalive"), Category: net},
		&cli.DurationFlag{Name: "handshake-timeout", Value: d.HandshakeTimeout, Usage: "a socket that has not finished the handshake by then is closed", EnvVars: config.Env("handshake-timeout"), Category: limits},
		&cli.IntFlag{Name: "max-connections", Value: d.MaxConnections, Usage: "open sockets at most; past it new ones are refused", EnvVars: config.Env("max-connections"), Category: limits},
		&cli.IntFlag{Name: "max-handshakes", Value: d.MaxHandshakes, Usage: "sockets in their handshake at most (and at most --max-connections); past it the least recently active is shed", EnvVars: config.Env("max-handshakes"), Category: limits},
		&cli.IntFlag{Name: "max-handshakes-per-source", Value: d.MaxHandshakesPerSource, Usage: "sockets in their handshake from one address (IPv4, IPv6 /64) at most; past it one idle for 2s is shed, or the newcomer refused", EnvVars: config.Env("max-handshakes-per-source"), Category: limits},
		&cli.IntFlag{Name: "queue-length", Value: d.QueueLength, Usage: "messages kept per offline identity; past it the oldest is dropped", EnvVars: config.Env("queue-length"), Category: limits},
		&cli.DurationFlag{Name: "queue-ttl", Value: d.QueueTTL, Usage: "how long a message for an offline identity is kept", EnvVars: config.Env("queue-ttl"), Category: limits},
		&cli.IntFlag{Name: "send-queue", Value: d.SendQueue, Usage: "frames waiting for one connection; past it senders are refused, fairly (one sender holds a quarter at most)", EnvVars: config.Env("send-queue"), Category: limits},
		&cli.IntFlag{Name: "send-queue-bytes", Value: d.SendQueueBytes, Usage: "bytes waiting for one connection, as --send-queue", EnvVars: config.Env("send-queue-bytes"), Category: limits},
		&cli.IntFlag{Name: "send-memory", Value: d.SendMemory, Usage: "bytes waiting for all connections together", EnvVars: config.Env("send-memory"), Category: limits},
		&cli.IntFlag{Name: "rate", Value: d.Rate, Usage: "messages per second per identity (0: no limit); past it they are dropped", EnvVars: config.Env("rate"), Category: limits},
		&cli.IntFlag{Name: "burst", Value: d.Burst, Usage: "messages an identity may send at once above its rate", EnvVars: config.Env("burst"), Category: limits},
		&cli.StringFlag{Name: "claim-policy", Value: d.ClaimPolicy, Usage: "who may claim a new name: open, allow (the --allow list) or invite (`nport relay invite`)", EnvVars: config.Env("claim-policy"), Category: claims},
		&cli.IntFlag{Name: "claim-rate", Value: d.ClaimRate, Usage: "open policy: new names a minute per source address (IPv4 /32, IPv6 /64; 0: no limit)", EnvVars: config.Env("claim-rate"), Category: claims},
		&cli.IntFlag{Name: "claim-burst", Value: d.ClaimBurst, Usage: "open policy: new names a source address may claim at once", EnvVars: config.Env("claim-burst"), Category: claims},
		&cli.IntFlag{Name: "max-names", Value: d.MaxNames, Usage: "open policy: names bound at most (0: no cap)", EnvVars: config.Env("max-names"), Category: claims},
		&cli.StringSliceFlag{Name: "allow", Usage: "allow policy: a @name its first key may claim, or a nport-pub:KEY that may claim a free name (repeatable)", EnvVars: config.Env("allow"), Category: claims},
		&cli.DurationFlag{Name: "name-ttl", Value: d.NameTTL, Usage: "release names not seen for this long (0: never)", EnvVars: config.Env("name-ttl"), Category: claims},
	}
}

// run is the action of `nport relay`.
func run(c *cli.Context) error {
	if c.NArg() > 0 {
		return cli.Exit(fmt.Sprintf("nport relay: unexpected argument %q (did you mean `nport relay directory %s`?)", c.Args().First(), c.Args().First()), 2)
	}
	cfg := Defaults()
	common, err := config.Resolve(c, "relay", &cfg)
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
