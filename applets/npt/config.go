package npt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/nport/nport/applets/client"
	"github.com/nport/nport/core/relayclient"
	"github.com/nport/nport/wire"
)

// Config is one tunnel: the settings of `nport tunnel`, each with the flag
// of the same name and a key of that name in the [tunnel] section.
type Config struct {
	relayclient.Settings
	client.Peers
	// RemoteHost and RemotePort name the target as the device sees it.
	RemoteHost string `toml:"remote-host"`
	RemotePort int    `toml:"remote-port"`
	// LocalHost and LocalPort are where the tunnel is offered; port 0
	// picks a free one. A non-loopback LocalHost must come from the
	// command line (LocalHostFromFlag).
	LocalHost string `toml:"local-host"`
	LocalPort int    `toml:"local-port"`
	// KeepAlive sets the tunnel up again whenever it ends, while the
	// local port stays open.
	KeepAlive bool `toml:"keep-alive"`
	// ExitWhenConnected serves the tunnel from a background copy of this
	// program once it is up, and returns.
	ExitWhenConnected bool `toml:"exit-when-connected"`
	// Timeout ends the tunnel once no connection has used it for this
	// long; 0 never. DefaultBackgroundTimeout applies with -x unless set.
	Timeout time.Duration `toml:"timeout"`
	// UDP carries datagrams instead of connections.
	UDP bool `toml:"udp"`

	// LocalHostFromFlag says LocalHost was typed on the command line, the
	// only way to listen on an address other than loopback.
	LocalHostFromFlag bool `toml:"-"`
	// TimeoutSet says Timeout was given, by file, env or flag.
	TimeoutSet bool `toml:"-"`
	// Home is the nport home (keys, pins, logs).
	Home string `toml:"-"`
	// Logger receives the tunnel's logs; nil discards them.
	Logger *slog.Logger `toml:"-"`
	// Stdout gets the ready line; Stderr what a person should read.
	Stdout, Stderr io.Writer `toml:"-"`
}

// DefaultBackgroundTimeout ends a background tunnel (-x) nobody has used
// for this long, as NoPorts' npt does; a foreground one runs until Ctrl-C.
const DefaultBackgroundTimeout = 30 * time.Second

// Defaults returns the settings used when neither file, env nor flags say
// otherwise.
func Defaults() Config {
	return Config{Peers: client.DefaultPeers(), RemoteHost: "localhost", LocalHost: "localhost"}
}

// protocol is the wire name of what the tunnel carries.
func (c Config) protocol() string {
	if c.UDP {
		return wire.ProtocolUDP
	}
	return wire.ProtocolTCP
}

// target is the daemon's target, host:port.
func (c Config) target() string {
	return net.JoinHostPort(c.RemoteHost, strconv.Itoa(c.RemotePort))
}

// idle is the tunnel's idle timeout.
func (c Config) idle() time.Duration {
	if c.ExitWhenConnected && !c.TimeoutSet {
		return DefaultBackgroundTimeout
	}
	return c.Timeout
}

// client is the client's configuration for one session of this tunnel:
// multiplexed, so that any number of connections or flows share it.
func (c Config) client() client.Config {
	cc := client.Defaults()
	cc.Settings = c.Settings
	cc.Peers = c.Peers
	cc.RemoteHost, cc.RemotePort = c.RemoteHost, c.RemotePort
	cc.Forward = true
	cc.TunnelIdle = c.idle()
	if c.UDP {
		cc.Protocol = wire.ProtocolUDP
	}
	cc.Home, cc.Logger, cc.Stderr = c.Home, c.Logger, c.Stderr
	return cc
}

// check refuses settings no tunnel can be made of.
func (c Config) check() error {
	if c.RemotePort <= 0 || c.RemotePort > 65535 {
		return errors.New("-p/--remote-port: name the port to reach on the device, 1-65535 (npt … -p 8080)")
	}
	if c.LocalPort < 0 || c.LocalPort > 65535 {
		return fmt.Errorf("-l/--local-port %d: want 0 (any free port) to 65535", c.LocalPort)
	}
	if c.Timeout < 0 {
		return fmt.Errorf("-T/--timeout %v: want 0 (never) or more", c.Timeout)
	}
	return nil
}

// listenHost resolves --local-host to the address to listen on. Loopback
// is the default; any other address, all interfaces included, is a
// deliberate choice that must be typed on the command line, as programs
// on other machines could then use the tunnel.
func (c Config) listenHost(ctx context.Context) (host string, external bool, err error) {
	host = c.LocalHost
	if host == "localhost" {
		return "127.0.0.1", false, nil
	}
	external = !loopback(ctx, host)
	if external && !c.LocalHostFromFlag {
		return "", true, fmt.Errorf("local-host %q is not a loopback address: listening where other machines can reach the tunnel must be asked for on the command line, with --local-host", host)
	}
	return host, external, nil
}

// loopback reports whether every address host stands for is a loopback
// one; "" (every interface) and names that do not resolve are not.
func loopback(ctx context.Context, host string) bool {
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if host == "" || err != nil || len(addrs) == 0 {
		return false
	}
	for _, a := range addrs {
		if !a.IsLoopback() {
			return false
		}
	}
	return true
}
