package rendezvous

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/nport/nport/applets/rendezvous/pairing"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/relayclient"
	"github.com/nport/nport/core/status"
)

// DefaultListen is where the rendezvous accepts the parties' sockets.
const DefaultListen = ":7021"

// Config is one rendezvous. The toml keys are the flag names; the fields
// without one are for programs that run the rendezvous in-process.
type Config struct {
	relayclient.Settings
	status.Endpoint

	// Atsign is the rendezvous's identity; its key is created in the home
	// on first start.
	Atsign string `toml:"atsign"`
	// Listen is the address the parties dial, one port for all sessions.
	Listen string `toml:"listen"`
	// IP is the host put in every grant: the address the parties dial.
	// Empty means Listen's host, which must then be a specific address.
	IP string `toml:"ip"`
	// Managers are the identities allowed to ask for sessions; none means
	// everyone.
	Managers []string `toml:"manager"`
	// MaxSessions bounds the sessions held, live and pending.
	MaxSessions int `toml:"max-sessions"`
	// MaxSessionsPerIdentity bounds the sessions one requester holds.
	MaxSessionsPerIdentity int `toml:"max-sessions-per-identity"`
	// IdleTimeout ends a session quiet both ways for this long; 0 never.
	IdleTimeout time.Duration `toml:"idle-timeout"`
	// HandshakeTimeout is how long a socket has to send its hello.
	HandshakeTimeout time.Duration `toml:"handshake-timeout"`
	// MaxHandshakes bounds the sockets yet to send their hello, from all
	// addresses; past it the one idle longest is shed for a newcomer.
	MaxHandshakes int `toml:"max-handshakes"`
	// MaxHandshakesPerSource bounds those from one address (IPv4, IPv6
	// /64); past it one idle for 2 s is shed, or the newcomer refused.
	MaxHandshakesPerSource int `toml:"max-handshakes-per-source"`
	// SessionTTL is how long a session waits for both parties.
	SessionTTL time.Duration `toml:"session-ttl"`
	// Snoop logs the first bytes of each session, each way, in hex.
	Snoop bool `toml:"snoop"`

	// Home is the nport home: the key and the pins.
	Home string `toml:"-"`
	// Logger receives the events; nil discards them.
	Logger *slog.Logger `toml:"-"`
	// Out receives the readiness line; nil prints nothing.
	Out io.Writer `toml:"-"`
	// Ready, if set, is called once the rendezvous serves, with where.
	Ready func(Ready) `toml:"-"`
}

// Ready says where a running rendezvous can be reached.
type Ready struct {
	// Listen is the address the listener is bound to.
	Listen string
	// Address is the HOST:PORT given to the parties in grants.
	Address string
	// Identity is the rendezvous's identity, to send requests to.
	Identity identity.Name
	// Key is its public key, to pin up front.
	Key identity.PublicKey
}

// Defaults returns the settings used where neither file nor flag says.
func Defaults() Config {
	return Config{
		Listen:                 DefaultListen,
		MaxSessions:            pairing.DefaultMaxSessions,
		MaxSessionsPerIdentity: pairing.DefaultMaxSessionsPerIdentity,
		HandshakeTimeout:       pairing.DefaultHandshakeTimeout,
		SessionTTL:             pairing.DefaultSessionTTL,
		MaxHandshakes:          pairing.DefaultMaxHandshakes,
		MaxHandshakesPerSource: pairing.DefaultMaxHandshakesPerSource,
	}
}

// ErrNoIP means the address for the parties cannot be told from --listen.
var ErrNoIP = errors.New("the address to give the parties is unknown: set -i/--ip to the public address or name of this host")

// check refuses settings that cannot work and returns the identity name
// and the managers, parsed.
func (c Config) check() (identity.Name, []identity.Name, error) {
	if c.Home == "" {
		return "", nil, errors.New("no home: set --home or NPORT_HOME")
	}
	if c.Atsign == "" {
		return "", nil, errors.New("no identity: set -a/--atsign @name for this rendezvous")
	}
	name, err := identity.ParseName(c.Atsign)
	if err != nil {
		return "", nil, fmt.Errorf("bad -a/--atsign: %w", err)
	}
	var managers []identity.Name
	for _, m := range c.Managers {
		mn, err := identity.ParseName(strings.TrimSpace(m))
		if err != nil {
			return "", nil, fmt.Errorf("bad -m/--manager: %w", err)
		}
		managers = append(managers, mn)
	}
	switch {
	case c.MaxSessions < 1:
		return "", nil, fmt.Errorf("bad --max-sessions %d: want 1 or more", c.MaxSessions)
	case c.MaxSessionsPerIdentity < 1:
		return "", nil, fmt.Errorf("bad --max-sessions-per-identity %d: want 1 or more", c.MaxSessionsPerIdentity)
	case c.IdleTimeout < 0:
		return "", nil, fmt.Errorf("bad --idle-timeout %v: want 0 (never) or more", c.IdleTimeout)
	case c.HandshakeTimeout <= 0:
		return "", nil, fmt.Errorf("bad --handshake-timeout %v: want more than 0, such as 10s", c.HandshakeTimeout)
	case c.SessionTTL <= 0:
		return "", nil, fmt.Errorf("bad --session-ttl %v: want more than 0, such as 30s", c.SessionTTL)
	case c.MaxHandshakes < 1:
		return "", nil, fmt.Errorf("bad --max-handshakes %d: want 1 or more, such as %d", c.MaxHandshakes, pairing.DefaultMaxHandshakes)
	case c.MaxHandshakesPerSource < 1:
		return "", nil, fmt.Errorf("bad --max-handshakes-per-source %d: want 1 or more, such as %d", c.MaxHandshakesPerSource, pairing.DefaultMaxHandshakesPerSource)
	}
	return name, managers, nil
}

// advertisedHost is the host put in grants: --ip, or else the host of
// --listen when it names one address rather than every interface.
func advertisedHost(listen, ip string) (string, error) {
	if ip != "" {
		if _, _, err := net.SplitHostPort(ip); err == nil {
			return "", fmt.Errorf("bad -i/--ip %q: want a host without a port (the port is --listen's)", ip)
		}
		return strings.Trim(ip, "[]"), nil
	}
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("bad --listen %q: want [HOST]:PORT: %w", listen, err)
	}
	if host == "" {
		return "", fmt.Errorf("--listen %s accepts on every interface: %w", listen, ErrNoIP)
	}
	if a := net.ParseIP(host); a != nil && a.IsUnspecified() {
		return "", fmt.Errorf("--listen %s accepts on every interface: %w", listen, ErrNoIP)
	}
	return host, nil
}
