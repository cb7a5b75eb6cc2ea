package daemon

import (
	"context"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/nport/nport/applets/daemon/keeper"
	"github.com/nport/nport/core/config"
	"github.com/nport/nport/core/logging"
)

// The hidden flags that make `nport daemon` the session keeper process
// (applets/daemon/keeper). The daemon starts it with them; they are not
// for people to use.
const (
	flagKeeperSocket  = "keeper-socket"
	flagKeeperReadyFD = "keeper-ready-fd"
)

// keeperName is the keeper's process name (comm).
const keeperName = "nport-keeper"

func keeperFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flagKeeperSocket, Usage: "serve as the session keeper on this unix socket", Hidden: true},
		&cli.IntFlag{Name: flagKeeperReadyFD, Usage: "the descriptor the session keeper reports readiness on", Hidden: true},
	}
}

// keeperArgs is the command line of a keeper on socket, logging in JSON
// at level.
func keeperArgs(socket string, level slog.Level) []string {
	return []string{"daemon", "--" + flagKeeperSocket, socket, "--" + flagKeeperReadyFD, strconv.Itoa(keeper.ReadyFD),
		"--" + config.FlagLogFormat, logging.FormatJSON, "--" + config.FlagLogLevel, level.String()}
}

// runKeeper is the session keeper process: it serves the sessions the
// daemon hands it until it has none left and no daemon is attached.
func runKeeper(c *cli.Context) error {
	// A reload of the daemon (SIGHUP) sent to every process of its unit
	// must not end the sessions: the keeper has nothing to read again.
	signal.Ignore(syscall.SIGHUP)
	// Started from /proc/self/exe, it would be named "exe" in ps -e and
	// top; the name says what it is (Linux; elsewhere it stays).
	_ = os.WriteFile("/proc/self/comm", []byte(keeperName), 0)
	log, err := logging.New(c.App.ErrWriter, logging.Options{Format: c.String(config.FlagLogFormat), Level: c.String(config.FlagLogLevel), Verbose: c.Bool(config.FlagVerbose)})
	if err != nil {
		return err
	}
	fd := c.Int(flagKeeperReadyFD)
	return keeper.Serve(c.Context, keeper.Config{
		Socket: c.String(flagKeeperSocket),
		Dial:   dialStream,
		Logger: log,
		Ready: func() {
			if fd > 2 {
				keeper.Ready(fd)
			}
		},
	})
}

// dialStream connects one stream of a session to its target, in the
// keeper as in the daemon: the daemon's own dial, a TCP connection or a
// UDP flow (udp.go).
func dialStream(ctx context.Context, h *keeper.Handoff, log *slog.Logger) (net.Conn, error) {
	d := &daemon{log: log}
	return d.dial(ctx, accepted{target: h.Target, udp: h.UDP()})
}
