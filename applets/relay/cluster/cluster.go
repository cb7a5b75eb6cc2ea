// Package cluster shares a relay's routing, directory and offline queues
// with other relays through NATS, so that several relays on several hosts
// serve one fleet (`nport relay --cluster nats://HOST:4222,…`):
//
//   - live delivery on NATS subjects: an envelope for a name is a request
//     on the name's subject, which every relay with a device connection of
//     it subscribes to, and each service connection in a queue group (one
//     of them gets it); "no responders" means nobody is live, and the
//     envelope is queued;
//   - the directory in a JetStream key-value bucket, where the first claim
//     of a name wins by compare-and-set;
//   - the offline queues in a JetStream stream, bounded per recipient and
//     sender and in all, with the queue's time to live as its age limit.
//
// Router, Queue and Directory implement the interfaces of the route,
// directory and claim packages, so the relay's server does not know which
// backend it runs on. See docs/cluster.md for the design.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/nport/nport/applets/relay/route"
	"github.com/nport/nport/core/logging"
)

// Options configure the connection to a NATS cluster.
type Options struct {
	// URLs are the NATS servers, nats://HOST:PORT; any one is enough, the
	// client learns the others.
	URLs []string
	// Node names this relay to the others, in NATS and in logs.
	Node string
	// Queue bounds the offline queues, as on one relay.
	Queue route.QueueOptions
	// Replicas is how many NATS servers keep each copy of the directory
	// and the queues; 0 means 3, or 1 where the NATS servers are not a
	// cluster.
	Replicas int
	// Timeout bounds each request to NATS; 0 means DefaultTimeout.
	Timeout time.Duration
	// Lost, if set, is called once NATS has been unreachable for
	// LostAfter: the relay closes its connections then, so that their
	// clients move to a relay that can route.
	Lost func()
	// LostAfter is how long NATS may be unreachable before Lost; 0 means
	// DefaultLostAfter.
	LostAfter time.Duration
	// Logger receives the cluster's events; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Defaults of Options.
const (
	DefaultTimeout   = 2 * time.Second
	DefaultLostAfter = 10 * time.Second
	// heartbeat is how often a relay says it is alive; one not heard for
	// three is gone.
	heartbeat = time.Second
)

// ErrUnavailable means the relay cannot reach NATS now: what it cannot
// route or record is refused, not pretended.
var ErrUnavailable = errors.New("cluster: NATS is unreachable")

// Cluster is a relay's connection to NATS and JetStream.
type Cluster struct {
	opt Options
	log *slog.Logger
	nc  *nats.Conn
	js  jetstream.JetStream

	up       atomic.Bool
	lostMu   sync.Mutex
	lostTime *time.Timer

	relaysMu sync.Mutex
	relays   map[string]time.Time // other relays, when last heard
	stopBeat func()
}

// Open connects to NATS, creates the stream and the buckets where they do
// not exist, and starts the heartbeat. It fails when no server answers
// within the timeout.
func Open(ctx context.Context, opt Options) (*Cluster, error) {
	if len(opt.URLs) == 0 {
		return nil, errors.New("cluster: no NATS server: give --cluster nats://HOST:4222")
	}
	if opt.Logger == nil {
		opt.Logger = logging.Discard()
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.LostAfter <= 0 {
		opt.LostAfter = DefaultLostAfter
	}
	if opt.Node == "" {
		host, _ := os.Hostname()
		opt.Node = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	c := &Cluster{opt: opt, log: opt.Logger.With("nats", strings.Join(opt.URLs, ",")), relays: make(map[string]time.Time)}
	nc, err := nats.Connect(strings.Join(opt.URLs, ","),
		nats.Name("nport relay "+opt.Node),
		nats.Timeout(opt.Timeout),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250*time.Millisecond),
		nats.ReconnectJitter(250*time.Millisecond, time.Second),
		nats.ReconnectBufSize(-1), // nothing is buffered while away: it is refused
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) { c.disconnected(err) }),
		nats.ReconnectHandler(func(nc *nats.Conn) { c.reconnected(nc) }),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			c.log.Warn("NATS error", "subject", subjectOf(sub), "err", err)
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("cluster: connect to NATS %s: %w (is nats-server running with JetStream, nats-server -js?)", strings.Join(opt.URLs, ","), err)
	}
	c.nc = nc
	c.up.Store(true)
	if c.js, err = jetstream.New(nc); err != nil {
		nc.Close()
		return nil, fmt.Errorf("cluster: %w", err)
	}
	if err := c.heartbeat(); err != nil {
		nc.Close()
		return nil, err
	}
	c.log.Info("connected to NATS", "server", nc.ConnectedUrlRedacted(), "node", opt.Node)
	return c, nil
}

// subjectOf is a subscription's subject for a log line.
func subjectOf(sub *nats.Subscription) string {
	if sub == nil {
		return ""
	}
	return sub.Subject
}

// Close stops the heartbeat and closes the connection; the subscriptions
// of every live connection end with it.
func (c *Cluster) Close() {
	c.stopBeat()
	c.lostMu.Lock()
	if c.lostTime != nil {
		c.lostTime.Stop()
	}
	c.lostMu.Unlock()
	c.nc.Close()
}

// Available returns nil while NATS is reachable, and an error that says
// what is wrong otherwise.
func (c *Cluster) Available() error {
	if c.up.Load() && c.nc.IsConnected() {
		return nil
	}
	return ErrUnavailable
}

// disconnected is the client's news that NATS is gone. Lost is called
// if it does not come back within LostAfter.
func (c *Cluster) disconnected(err error) {
	if c.nc == nil || c.nc.IsClosed() {
		return
	}
	c.up.Store(false)
	c.log.Warn("lost NATS: messages this relay cannot route are refused; reconnecting", "err", err, "connections_closed_in", c.opt.LostAfter)
	c.lostMu.Lock()
	defer c.lostMu.Unlock()
	if c.lostTime == nil {
		c.lostTime = time.AfterFunc(c.opt.LostAfter, func() {
			if c.Available() != nil && c.opt.Lost != nil {
				c.log.Warn("NATS still unreachable: closing every connection, so that clients move to a relay that can route", "after", c.opt.LostAfter)
				c.opt.Lost()
			}
		})
	} else {
		c.lostTime.Reset(c.opt.LostAfter)
	}
}

// reconnected is the client's news that NATS is back; it has subscribed
// again to everything.
func (c *Cluster) reconnected(nc *nats.Conn) {
	c.up.Store(true)
	c.lostMu.Lock()
	if c.lostTime != nil {
		c.lostTime.Stop()
	}
	c.lostMu.Unlock()
	c.log.Info("NATS reachable again", "server", nc.ConnectedUrlRedacted())
}

// heartbeat subscribes to the other relays' heartbeats and starts this
// relay's.
func (c *Cluster) heartbeat() error {
	sub, err := c.nc.Subscribe(subjectRelays, func(m *nats.Msg) {
		if node := string(m.Data); node != c.opt.Node {
			c.relaysMu.Lock()
			c.relays[node] = c.opt.Now()
			c.relaysMu.Unlock()
		}
	})
	if err != nil {
		return fmt.Errorf("cluster: subscribe to %s: %w", subjectRelays, err)
	}
	t := time.NewTicker(heartbeat)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c.nc.Publish(subjectRelays, []byte(c.opt.Node))
			select {
			case <-t.C:
			case <-done:
				return
			}
		}
	})
	c.stopBeat = func() { t.Stop(); close(done); wg.Wait(); sub.Unsubscribe() }
	return nil
}

// Relays returns how many relays share the cluster now, this one
// included: those heard within three heartbeats. Limits that hold for
// the whole cluster are divided by it, so that an identity or an address
// spread over every relay gets what it would get from one.
func (c *Cluster) Relays() int {
	c.relaysMu.Lock()
	defer c.relaysMu.Unlock()
	n, now := 1, c.opt.Now()
	for node, t := range c.relays {
		if now.Sub(t) > 3*heartbeat {
			delete(c.relays, node)
			continue
		}
		n++
	}
	return n
}

// ctx is a context bounded by the request timeout.
func (c *Cluster) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), c.opt.Timeout)
}
