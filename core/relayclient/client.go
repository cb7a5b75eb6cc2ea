// Package relayclient keeps an identity connected to its relay and carries
// its sealed messages: the daemon, the client and the rendezvous all talk
// through it.
//
// A Client dials the relay (TCP, TLS, through an HTTP CONNECT proxy),
// checks the relay's key against its pin, proves its own, and reconnects
// forever with jittered backoff until its context ends or the relay
// refuses it for good. Outgoing messages are sealed to the recipient's
// pinned key, looked up through the relay and pinned on first use;
// incoming ones are checked against the sender's pin, opened and passed
// through a replay guard before anyone sees them.
package relayclient

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/nport/nport/core/backoff"
	"github.com/nport/nport/core/dialer"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/metrics"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/core/replaystate"
	"github.com/nport/nport/core/seal"
	"github.com/nport/nport/wire"
)

// Defaults of the Config fields left zero.
const (
	// DefaultQueueLimit bounds the messages held while disconnected.
	DefaultQueueLimit = 256
	// DefaultQueueTTL is how long a message may wait for the connection:
	// with the relay's own queue (60 s) it stays inside the receivers'
	// freshness window (seal.DefaultWindow, 2 min).
	DefaultQueueTTL = time.Minute
	// DefaultInbox is the buffer of the Messages channel.
	DefaultInbox = 256
)

// Config is one client of a relay.
type Config struct {
	Settings

	// Identity is who the client is; its key never leaves the process.
	Identity identity.Identity
	// Home is the nport home; pins are kept in its known_identities.
	Home string
	// Logger receives the connection's events; nil discards them. The
	// client adds the relay's address to each line; the caller's logger
	// says whose connection it is ("identity"), as the applet's other
	// lines do.
	Logger *slog.Logger

	// QueueLimit bounds the messages held while disconnected
	// (DefaultQueueLimit if 0).
	QueueLimit int
	// QueueTTL drops held messages older than this instead of sending
	// them (DefaultQueueTTL if 0).
	QueueTTL time.Duration
	// Inbox is the buffer of Messages (DefaultInbox if 0). When it is
	// full, a request that arrives is answered wire.RefusalBusy, with a
	// time to ask again, rather than stall the connection; anything else
	// is dropped with a warning.
	Inbox int
	// Flags tell the relay what this connection is: wire.HelloService for
	// a service such as a rendezvous, none for a device or a person.
	Flags wire.HelloFlags
	// Accept, if set, is asked about the sender of each message before
	// anything is done with it: a message from a sender it refuses is
	// dropped unopened and unpinned, so strangers cost next to nothing.
	Accept func(from identity.Name) bool
	// StateFile, if set, is where the latest date accepted from each
	// sender is kept across restarts (core/replaystate): a message is
	// delivered only once its date is in the file, and after a restart
	// anything a previous process may have acted on is refused.
	StateFile string
	// ReplayWindow is the freshness window of received messages
	// (seal.DefaultWindow if 0).
	ReplayWindow time.Duration
	// Metrics counts the reconnections; nil counts nothing.
	Metrics *metrics.Registry
	// Backoff spaces reconnections (backoff's defaults if zero).
	Backoff backoff.Policy
	// HandshakeTimeout bounds each dial and handshake
	// (relayconn.DefaultHandshakeTimeout if 0).
	HandshakeTimeout time.Duration
	// GiveUp, if set, makes Run return, before its first connection, once
	// the relay has been out of reach for about this long for a reason
	// that will not mend by itself
	// within seconds: nothing listens at its address, its name does not
	// resolve, the proxy wants other credentials. The error says what to
	// check. A person waiting at a terminal wants that; daemons and the
	// rendezvous leave it zero and retry forever, so that a relay that
	// comes back, or a network that comes up, finds them.
	GiveUp time.Duration
}

// Incoming is a message received, authenticated and fresh.
type Incoming struct {
	// From is the sender, as the relay authenticated it and as its
	// pinned key confirms.
	From identity.Name
	// Conn is the sender's connection at the relay: Reply answers there.
	Conn wire.ConnID
	// Msg is the opened message.
	Msg wire.Message
}

// Client is one identity's connection to its relay. Run drives it; the
// other methods are safe from any goroutine, before and during Run.
type Client struct {
	cfg   Config
	log   *slog.Logger
	addr  string   // the relays' HOST:PORT, comma separated, for messages
	addrs []string // each relay's HOST:PORT, tried in turn
	next  int      // the index in addrs of the relay to try first; Run's only

	dialOpts dialer.Options
	known    *identity.KnownIdentities
	guard    *seal.ReplayGuard
	state    *replaystate.State // nil without Config.StateFile
	commits  chan Incoming      // accepted, waiting for their date in the state file
	inbox    chan Incoming
	claim    []byte        // the claim token, raw
	busy     chan Incoming // requests to answer busy

	sendMu  sync.Mutex // orders writes: the held queue goes before new sends
	mu      sync.Mutex
	link    *link         // the live connection, nil while disconnected
	live    chan struct{} // closed when a connection is up, replaced when it goes
	nextID  uint32
	held    []held
	keys    map[identity.Name]identity.PublicKey
	sealers map[identity.PublicKey]seal.Sealer
	looks   map[uint32]chan wire.LookupReply
	sends   map[uint32]pendingSend
	waits   map[waitKey]chan Incoming
	gathers map[waitKey]*gathering

	started  bool
	ready    chan struct{} // closed after the first handshake
	done     chan struct{} // closed when Run returns
	runErr   error         // why Run returned, set before done closes
	lastErr  error         // the last connection error, for WaitReady
	relayKey identity.PublicKey
}

// New checks cfg and returns a Client; Run connects it. With a
// StateFile, New opens it and Run closes it: call Run.
func New(cfg Config) (*Client, error) {
	if cfg.Identity.Name == "" || cfg.Identity.Key.IsZero() {
		return nil, errors.New("relayclient: no identity: load one with identity.Store before connecting")
	}
	addrs, err := cfg.Addrs()
	if err != nil {
		return nil, err
	}
	dialOpts, err := cfg.DialOptions()
	if err != nil {
		return nil, err
	}
	known, err := identity.OpenKnown(identity.KnownFile(cfg.Home))
	if err != nil {
		return nil, err
	}
	if pinned, err := cfg.PinnedKey(); err != nil {
		return nil, err
	} else if !pinned.IsZero() {
		for _, addr := range addrs {
			if err := known.AddTrusted(identity.RelaySubject(addr), pinned); err != nil {
				return nil, fmt.Errorf("bad --relay-key: %w", err)
			}
		}
	}
	addr := strings.Join(addrs, ",")
	claim, err := cfg.ClaimTokenBytes()
	if err != nil {
		return nil, err
	}
	cfg = withDefaults(cfg)
	c := &Client{
		cfg:      cfg,
		log:      cfg.Logger.With("relay", addr),
		addr:     addr,
		addrs:    addrs,
		dialOpts: dialOpts,
		known:    known,
		guard:    seal.NewReplayGuard(cfg.ReplayWindow),
		inbox:    make(chan Incoming, cfg.Inbox),
		claim:    claim,
		busy:     make(chan Incoming, 4*cfg.Inbox),
		live:     make(chan struct{}),
		keys:     make(map[identity.Name]identity.PublicKey),
		sealers:  make(map[identity.PublicKey]seal.Sealer),
		looks:    make(map[uint32]chan wire.LookupReply),
		sends:    make(map[uint32]pendingSend),
		waits:    make(map[waitKey]chan Incoming),
		gathers:  make(map[waitKey]*gathering),
		ready:    make(chan struct{}),
		done:     make(chan struct{}),
	}
	if cfg.StateFile != "" {
		if c.state, err = replaystate.Open(cfg.StateFile, c.guard.Window()); err != nil {
			return nil, err
		}
		c.guard.Restore(c.state.Latest())
		c.commits = make(chan Incoming, cfg.Inbox)
	}
	return c, nil
}

// withDefaults fills in the zero fields of cfg.
func withDefaults(cfg Config) Config {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.QueueLimit <= 0 {
		cfg.QueueLimit = DefaultQueueLimit
	}
	if cfg.QueueTTL <= 0 {
		cfg.QueueTTL = DefaultQueueTTL
	}
	if cfg.Inbox <= 0 {
		cfg.Inbox = DefaultInbox
	}
	if cfg.HandshakeTimeout <= 0 {
		cfg.HandshakeTimeout = relayconn.DefaultHandshakeTimeout
	}
	return cfg
}

// Addr returns the relay's HOST:PORT; several, comma separated, when
// the client was given several.
func (c *Client) Addr() string { return c.addr }

// Messages returns the channel of received messages, except the answers
// that Request waits for. It is closed when Run returns.
func (c *Client) Messages() <-chan Incoming { return c.inbox }

// Done is closed when Run has returned.
func (c *Client) Done() <-chan struct{} { return c.done }

// WaitReady returns once the first connection to the relay is up, with
// Run's error if Run gave up first, or with ctx's error (and the last
// connection error, which says why) if ctx ends first.
func (c *Client) WaitReady(ctx context.Context) error {
	select {
	case <-c.ready:
		return nil
	case <-c.done:
		return c.runErr
	case <-ctx.Done():
	}
	c.mu.Lock()
	last := c.lastErr
	c.mu.Unlock()
	if last != nil {
		return fmt.Errorf("not connected to relay %s yet: %w (last attempt: %v)", c.addr, context.Cause(ctx), last)
	}
	return fmt.Errorf("not connected to relay %s yet: %w", c.addr, context.Cause(ctx))
}

// RelayKey returns the relay's key, once connected; zero before.
func (c *Client) RelayKey() identity.PublicKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.relayKey
}

// allocID returns a request id for a Send or Lookup, never 0 (which asks
// for no SendStatus). c.mu must be held.
func (c *Client) allocID() uint32 {
	c.nextID++
	if c.nextID == 0 {
		c.nextID = 1
	}
	return c.nextID
}

// Live returns a channel that is closed while a connection is up: at
// once if one is up now, else when the next one comes up.
func (c *Client) Live() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.live
}
