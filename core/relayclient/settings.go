package relayclient

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/nport/nport/core/config"
	"github.com/nport/nport/core/dialer"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// DefaultPort is the relay port assumed when --relay names a host only.
const DefaultPort = 7020

// Flag names of the relay settings, equal to their toml keys.
const (
	FlagRelay    = "relay"
	FlagRelayKey = "relay-key"
	FlagRelayTLS = "relay-tls"
	FlagRelayCA  = "relay-ca"
	FlagProxy    = "proxy"
	FlagClaim    = "claim-token"
	FlagKeyFile  = "key-file"
)

// Settings say how to reach the relay. Every applet that talks through a
// relay embeds them in its Config, so they are set the same way
// everywhere: flags, NPORT_* variables, or the applet's TOML section.
type Settings struct {
	// Relay is the relay's HOST:PORT (a host alone means port
	// DefaultPort), or several, comma separated: the relays of a cluster.
	Relay string `toml:"relay"`
	// RelayKey, if set, is the relay's key ("nport-pub:…"), pinned up
	// front: the relay must prove it, and it is not written to the pins
	// file. Without it the first key seen is pinned (trust on first use).
	RelayKey string `toml:"relay-key"`
	// RelayTLS wraps the connection in TLS.
	RelayTLS bool `toml:"relay-tls"`
	// RelayCA is a PEM file of the CAs to trust for the relay's TLS
	// certificate instead of the system's; it implies RelayTLS.
	RelayCA string `toml:"relay-ca"`
	// Proxy is an http:// proxy URL for HTTP CONNECT; empty means
	// HTTPS_PROXY from the environment, "none" means no proxy.
	Proxy string `toml:"proxy"`
	// ClaimToken is an invitation to claim the name on a relay that
	// admits invited identities only ("nport-claim:…", printed by
	// `nport relay invite`). It is used once; later connections need none.
	ClaimToken string `toml:"claim-token"`
	// KeyFile, if set, is this identity's key file instead of
	// HOME/keys/@NAME.key (NoPorts' -k).
	KeyFile string `toml:"key-file"`
}

// Keys is where this identity's key is kept: the home's key directory,
// or KeyFile.
func (s Settings) Keys(home string) identity.Store { return identity.Store{Dir: home, File: s.KeyFile} }

// Flags defines the relay settings' flags, with their NPORT_* variables,
// in the "relay" category.
func Flags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: FlagRelay, Usage: "the relay, `HOST:PORT` (port 7020 if left out), or several, comma separated: the first that answers, the next when it fails", EnvVars: config.Env(FlagRelay), Category: "relay"},
		&cli.StringFlag{Name: FlagRelayKey, Usage: "the relay's key, `nport-pub:…`, pinned up front (default: pin the first key seen)", EnvVars: config.Env(FlagRelayKey), Category: "relay"},
		&cli.BoolFlag{Name: FlagRelayTLS, Usage: "connect to the relay over TLS", EnvVars: config.Env(FlagRelayTLS), Category: "relay"},
		&cli.StringFlag{Name: FlagRelayCA, Usage: "PEM `FILE` of the CAs to trust for the relay's TLS certificate (implies --relay-tls; default: the system's)", EnvVars: config.Env(FlagRelayCA), Category: "relay"},
		&cli.StringFlag{Name: FlagProxy, Usage: "HTTP proxy for the relay connection, `URL` http://[user:pass@]host:port, or none (default: HTTPS_PROXY)", EnvVars: config.Env(FlagProxy), Category: "relay"},
		&cli.StringFlag{Name: FlagKeyFile, Aliases: []string{"k"}, Usage: "this identity's key `FILE` (default: HOME/keys/@NAME.key; created there on first use)", EnvVars: config.Env(FlagKeyFile), Category: "relay"},
		&cli.StringFlag{Name: FlagClaim, Usage: "invitation to claim this identity's name on the relay, `nport-claim:…` from `nport relay invite` (needed once, where the relay admits invited identities only)", EnvVars: config.Env(FlagClaim), Category: "relay"},
	}
}

// ClaimTokenBytes returns the raw claim token, nil if none is set.
func (s Settings) ClaimTokenBytes() ([]byte, error) {
	if s.ClaimToken == "" {
		return nil, nil
	}
	t, err := wire.ParseClaimToken(s.ClaimToken)
	if err != nil {
		return nil, fmt.Errorf("bad --claim-token: %w", err)
	}
	return t[:], nil
}

// ErrNoRelay means no relay address was given.
var ErrNoRelay = errors.New("no relay: set --relay HOST:PORT, NPORT_RELAY or relay in the config file")

// Addrs returns the relays' HOST:PORT, in the order given, with
// DefaultPort where none was given. Relay may name several, comma
// separated: the relays of one cluster, which the client connects to in
// turn (see Client).
func (s Settings) Addrs() ([]string, error) {
	if strings.TrimSpace(s.Relay) == "" {
		return nil, ErrNoRelay
	}
	var addrs []string
	for one := range strings.SplitSeq(s.Relay, ",") {
		addr, err := relayAddr(strings.TrimSpace(one))
		if err != nil {
			return nil, fmt.Errorf("bad --relay %q: %w", s.Relay, err)
		}
		if !slices.Contains(addrs, addr) {
			addrs = append(addrs, addr)
		}
	}
	return addrs, nil
}

// Addr returns the relays' HOST:PORT, comma separated, as Addrs.
func (s Settings) Addr() (string, error) {
	addrs, err := s.Addrs()
	return strings.Join(addrs, ","), err
}

// relayAddr is one relay's HOST:PORT, with DefaultPort if none is given.
func relayAddr(relay string) (string, error) {
	host, port, err := net.SplitHostPort(relay)
	if err != nil {
		// No port, or a bare IPv6 address: take it all as the host.
		host, port = strings.Trim(relay, "[]"), strconv.Itoa(DefaultPort)
	}
	if n, perr := strconv.ParseUint(port, 10, 16); host == "" || perr != nil || n == 0 {
		return "", fmt.Errorf("%q: want HOST:PORT", relay)
	}
	return net.JoinHostPort(host, port), nil
}

// PinnedKey returns the key of RelayKey, or the zero key if it is empty.
func (s Settings) PinnedKey() (identity.PublicKey, error) {
	if s.RelayKey == "" {
		return identity.PublicKey{}, nil
	}
	k, err := identity.ParsePublicKey(s.RelayKey)
	if err != nil {
		return identity.PublicKey{}, fmt.Errorf("bad --relay-key: %w", err)
	}
	return k, nil
}

// DialOptions returns how to dial the relay: TLS with the CA file if
// asked, and the proxy.
func (s Settings) DialOptions() (dialer.Options, error) {
	opts := dialer.Options{Proxy: s.Proxy}
	if !s.RelayTLS && s.RelayCA == "" {
		return opts, nil
	}
	opts.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	if s.RelayCA == "" {
		return opts, nil
	}
	pem, err := os.ReadFile(s.RelayCA)
	if err != nil {
		return opts, fmt.Errorf("read --relay-ca: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return opts, fmt.Errorf("--relay-ca %s holds no PEM certificate", s.RelayCA)
	}
	opts.TLS.RootCAs = pool
	return opts, nil
}
