package relay

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/nport/nport/applets/relay/claim"
	"github.com/nport/nport/applets/relay/route"
	"github.com/nport/nport/core/admission"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/core/status"
	"github.com/nport/nport/wire"
)

// Config is one relay. The toml tags are the flag names, and the keys of
// the [relay] section of the config file.
type Config struct {
	status.Endpoint

	Listen           string        `toml:"listen"`
	TLSCert          string        `toml:"tls-cert"`
	TLSKey           string        `toml:"tls-key"`
	MaxConnections   int           `toml:"max-connections"`
	QueueLength      int           `toml:"queue-length"`
	QueueTTL         time.Duration `toml:"queue-ttl"`
	SendQueue        int           `toml:"send-queue"`
	SendQueueBytes   int           `toml:"send-queue-bytes"`
	SendMemory       int           `toml:"send-memory"`
	Rate             int           `toml:"rate"`
	Burst            int           `toml:"burst"`
	HandshakeTimeout time.Duration `toml:"handshake-timeout"`
	Keepalive        time.Duration `toml:"keepalive"`

	// Cluster lists the NATS servers of a relay cluster,
	// "nats://HOST:4222,…"; empty runs one relay on its own database.
	// See docs/cluster.md.
	Cluster string `toml:"cluster"`

	// The claim policy (see applets/relay/claim and docs/relay.md).
	ClaimPolicy string        `toml:"claim-policy"`
	ClaimRate   int           `toml:"claim-rate"`
	ClaimBurst  int           `toml:"claim-burst"`
	MaxNames    int           `toml:"max-names"`
	Allow       []string      `toml:"allow"`
	NameTTL     time.Duration `toml:"name-ttl"`

	// MaxHandshakes bounds the sockets in their handshake, from all
	// sources (and at most MaxConnections); MaxHandshakesPerSource those
	// from one address. See core/admission.
	MaxHandshakes          int `toml:"max-handshakes"`
	MaxHandshakesPerSource int `toml:"max-handshakes-per-source"`

	// Home is the nport home: the relay key (@relay) and its database.
	Home string `toml:"-"`
	// Logger receives the relay's logs; nil discards them.
	Logger *slog.Logger `toml:"-"`
	// Out receives the readiness line; nil discards it.
	Out io.Writer `toml:"-"`
	// Ready, if set, is called once the relay listens, with the address it
	// listens on and its key, for tests and programs that run it
	// in-process.
	Ready func(addr net.Addr, key identity.PublicKey) `toml:"-"`
	// Now is the clock of queues and rate limits; nil means time.Now.
	Now func() time.Time `toml:"-"`
	// HandshakeGrace is how long a socket in its handshake may be idle
	// before a newcomer from its full source address takes its place;
	// 0 means admission.DefaultGrace.
	HandshakeGrace time.Duration `toml:"-"`
}

// Defaults returns the settings of a relay run without a file or flags.
func Defaults() Config {
	return Config{
		Listen:           ":7020",
		MaxConnections:   10000,
		QueueLength:      64,
		QueueTTL:         60 * time.Second,
		SendQueue:        4096,
		SendQueueBytes:   8 << 20,
		SendMemory:       512 << 20,
		Rate:             1000,
		Burst:            4000,
		HandshakeTimeout: relayconn.DefaultHandshakeTimeout,
		Keepalive:        relayconn.DefaultKeepalive,
		ClaimPolicy:      string(claim.Open),
		ClaimRate:        10,
		ClaimBurst:       20,
		MaxNames:         100_000,

		MaxHandshakes:          admission.DefaultMax,
		MaxHandshakesPerSource: admission.DefaultPerSource,
	}
}

// now is the relay's clock.
func (c Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// claimOptions are the claim policy's settings; share, if set, says how
// many relays share the rate of new names.
func (c Config) claimOptions(share func() int) claim.Options {
	return claim.Options{
		Mode:     claim.Mode(c.ClaimPolicy),
		Rate:     c.ClaimRate,
		Burst:    c.ClaimBurst,
		MaxNames: c.MaxNames,
		Allow:    c.Allow,
		Logger:   c.Logger,
		Now:      c.Now,
		Share:    share,
	}
}

// queueOptions bound the offline queues.
func (c Config) queueOptions() route.QueueOptions {
	return route.QueueOptions{Len: c.QueueLength, TTL: c.QueueTTL}
}

// RelayName is the identity the relay's key is kept under in its home.
const RelayName identity.Name = "@relay"

// check refuses settings the relay cannot run with, saying which.
func (c Config) check() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Home == "" {
		bad("no home: set --home or NPORT_HOME")
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		bad("--tls-cert and --tls-key go together: give both for TLS, or neither")
	}
	if c.MaxConnections < 1 {
		bad("--max-connections is %d, want at least 1", c.MaxConnections)
	}
	if c.MaxHandshakes < 1 || c.MaxHandshakesPerSource < 1 {
		bad("--max-handshakes is %d and --max-handshakes-per-source %d: want at least 1 each", c.MaxHandshakes, c.MaxHandshakesPerSource)
	}
	if c.QueueLength < 0 || c.QueueTTL < 0 {
		bad("--queue-length and --queue-ttl may not be negative (0 turns queueing off)")
	}
	if c.SendQueue < 4*max(c.QueueLength, 1) {
		bad("--send-queue is %d, want at least 4 × --queue-length (%d) so a reconnecting identity takes its whole queue (one sender holds a quarter at most)", c.SendQueue, c.QueueLength)
	}
	if c.SendQueueBytes < 4*wire.MaxFrameSize || c.SendMemory < c.SendQueueBytes {
		bad("--send-queue-bytes is %d and --send-memory %d: want at least %d (four of the largest frames) and --send-memory at least --send-queue-bytes", c.SendQueueBytes, c.SendMemory, 4*wire.MaxFrameSize)
	}
	if c.Rate < 0 || c.Rate > 0 && c.Burst < 1 {
		bad("--rate is %d and --burst %d: want a rate of 0 (no limit) or more, and a burst of 1 or more", c.Rate, c.Burst)
	}
	if c.HandshakeTimeout <= 0 {
		bad("--handshake-timeout is %v, want more than 0", c.HandshakeTimeout)
	}
	if c.Keepalive < relayconn.MinKeepalive || c.Keepalive > relayconn.MaxKeepalive {
		bad("--keepalive is %v, want %v to %v", c.Keepalive, relayconn.MinKeepalive, relayconn.MaxKeepalive)
	}
	if c.Cluster != "" && c.NameTTL > 0 {
		bad("--name-ttl is not supported with --cluster: the cluster's directory keeps no last-seen times; leave it 0")
	}
	if c.Cluster != "" && len(clusterURLs(c.Cluster)) == 0 {
		bad("--cluster %q names no NATS server: want nats://HOST:4222[,nats://HOST:4222…]", c.Cluster)
	}
	if err := c.claimOptions(nil).Check(); err != nil {
		errs = append(errs, err)
	}
	if c.ClaimRate < 0 || c.ClaimRate > 0 && c.ClaimBurst < 1 || c.MaxNames < 0 || c.NameTTL < 0 {
		bad("--claim-rate is %d, --claim-burst %d, --max-names %d and --name-ttl %v: want 0 or more (0: no limit), and a burst of 1 or more", c.ClaimRate, c.ClaimBurst, c.MaxNames, c.NameTTL)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("relay: %w", err)
	}
	return nil
}
