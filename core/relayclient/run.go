package relayclient

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nport/nport/core/backoff"
	"github.com/nport/nport/core/dialer"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/metrics"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/wire"
)

// Run connects to the relay and keeps connected, reconnecting with backoff
// after every failure, until ctx ends (it returns ctx's error) or the
// relay cannot be used without a person's decision: its key changed, or it
// refused this identity (name taken, bad proof, version). Run may be
// called once; Messages is closed when it returns.
func (c *Client) Run(ctx context.Context) error {
	c.mu.Lock()
	started := c.started
	c.started = true
	c.mu.Unlock()
	if started {
		return errors.New("relayclient: Run called twice")
	}
	go c.answerBusy()
	committed := make(chan struct{})
	if c.commits != nil {
		go func() { c.commit(); close(committed) }()
	} else {
		close(committed)
	}
	err := c.run(ctx)
	c.mu.Lock()
	c.runErr = err
	c.mu.Unlock()
	close(c.done)
	if c.commits != nil {
		close(c.commits) // the reader is done: nothing sends on it now
		<-committed
		if cerr := c.state.Close(); cerr != nil {
			c.log.Warn("close the state file", "err", cerr)
		}
	}
	close(c.inbox)
	return err
}

// DialRetryMax bounds the wait between attempts while the relay cannot
// be reached at all (connection refused, no route, dial timeout): those
// attempts cost the relay nothing, and a relay that comes back after any
// cut is found within this much. A relay that answers and then refuses or
// fails the handshake is retried on the full backoff instead, so it is
// never hammered.
const DialRetryMax = 2 * time.Second

// run is the reconnect loop.
func (c *Client) run(ctx context.Context) error {
	b := backoff.New(c.cfg.Backoff)
	dials := backoff.New(backoff.Policy{Base: DialRetryMax / 2, Max: DialRetryMax})
	var hopelessSince time.Time
	for {
		conn, err := c.connect(ctx)
		if ctx.Err() != nil {
			if conn != nil {
				conn.Close()
			}
			return context.Cause(ctx)
		}
		if err != nil {
			if fatal(err) {
				c.log.Error("the relay cannot be used", "err", err)
				return err
			}
			c.setLastErr(err)
			delay := b.Next()
			if _, unreachable := errors.AsType[*dialError](err); unreachable {
				delay = min(delay, dials.Next())
			}
			if stop := c.giveUp(err, &hopelessSince, delay); stop != nil {
				return stop
			}
			level := slog.LevelWarn
			if !hopelessSince.IsZero() {
				level = slog.LevelDebug // the error Run gives up with says it, once
			}
			c.log.Log(ctx, level, "cannot connect to the relay", "err", err, "retry_in", delay.Round(time.Millisecond))
			c.cfg.Metrics.Inc(metrics.Reconnects)
			if err := sleep(ctx, delay); err != nil {
				return err
			}
			continue
		}
		dials.Reset()
		hopelessSince = time.Time{}
		up := time.Now()
		err = c.serve(ctx, conn)
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		if fatal(err) {
			c.log.Error("the relay refused this identity", "err", err)
			return c.explain(err)
		}
		c.setLastErr(err)
		c.next = (c.next + 1) % len(c.addrs) // the one that failed is tried last
		b.Ended(time.Since(up))
		delay := b.Next()
		c.log.Warn("lost the relay connection", "err", err, "up_for", time.Since(up).Round(time.Second), "retry_in", delay.Round(time.Millisecond))
		c.cfg.Metrics.Inc(metrics.Reconnects)
		if err := sleep(ctx, delay); err != nil {
			return err
		}
	}
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// setLastErr records the latest connection failure for WaitReady.
func (c *Client) setLastErr(err error) {
	c.mu.Lock()
	c.lastErr = err
	c.mu.Unlock()
}

// connect connects to one of the relays: the one that served last
// first (the next one after a connection that was lost), then each of the
// others in turn, each dial and handshake within the handshake timeout.
// It fails with a *dialError when none could be reached at all, and with
// the first error that retrying cannot cure.
func (c *Client) connect(ctx context.Context) (*relayconn.Conn, error) {
	var last error
	unreachable := true
	for i := range c.addrs {
		at := (c.next + i) % len(c.addrs)
		conn, err := c.connectTo(ctx, c.addrs[at])
		if err == nil {
			c.next = at
			return conn, nil
		}
		if ctx.Err() != nil || fatal(err) {
			return nil, err
		}
		_, dial := errors.AsType[*dialError](err)
		unreachable = unreachable && dial
		last = err
		if len(c.addrs) > 1 {
			c.log.Info("relay not available: trying the next", "addr", c.addrs[at], "next", c.addrs[(at+1)%len(c.addrs)], "err", err)
		}
	}
	if !unreachable {
		if _, dial := errors.AsType[*dialError](last); dial {
			return nil, errors.Unwrap(last)
		}
	}
	return nil, last
}

// connectTo dials one relay and runs the handshake, within the handshake
// timeout.
func (c *Client) connectTo(ctx context.Context, addr string) (*relayconn.Conn, error) {
	hctx, cancel := context.WithTimeout(ctx, c.cfg.HandshakeTimeout)
	defer cancel()
	nc, err := dialer.Dial(hctx, addr, c.dialOpts)
	if err != nil {
		return nil, &dialError{err}
	}
	subject := identity.RelaySubject(addr)
	conn, err := relayconn.Handshake(hctx, nc, relayconn.ClientConfig{
		Identity:      c.cfg.Identity,
		Flags:         c.cfg.Flags,
		ClaimToken:    c.claim,
		CheckRelayKey: func(key identity.PublicKey) error { return c.checkRelayKey(subject, key) },
		Timeout:       c.cfg.HandshakeTimeout,
	})
	if err != nil {
		return nil, c.explain(fmt.Errorf("relay %s: %w", addr, err))
	}
	return conn, nil
}

// dialError is a relay that could not be reached at all.
type dialError struct{ err error }

func (e *dialError) Error() string { return e.err.Error() }
func (e *dialError) Unwrap() error { return e.err }

// checkRelayKey accepts the relay's key if it is the one pinned for
// subject, the relay's HOST:PORT (up front with --relay-key, or in
// known_identities), and pins it if none is.
func (c *Client) checkRelayKey(subject string, key identity.PublicKey) error {
	err := c.known.Check(subject, key)
	if !errors.Is(err, identity.ErrUnknown) {
		return err
	}
	if err := c.known.Pin(subject, key); err != nil {
		return err
	}
	c.log.Info("pinned the relay's key on first use", "subject", subject, "key", key.Fingerprint(), "file", c.known.Path())
	return nil
}

// serve runs one connection: it sends what was held for it, then reads
// until it ends, and returns why it ended.
func (c *Client) serve(ctx context.Context, conn *relayconn.Conn) error {
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer conn.Close()
	// The held messages go out while this loop already reads, so that the
	// relay's statuses for a long backlog never pile up unread.
	l := &link{conn: conn, down: make(chan struct{})}
	installed := make(chan struct{})
	go func() {
		defer close(installed)
		c.install(l)
	}()
	defer func() {
		<-installed
		c.uninstall(l)
	}()
	for {
		v, err := conn.Next()
		if err != nil {
			return err
		}
		c.handle(v)
	}
}

// install makes conn the live connection and sends the held messages
// first, before any new one can pass them.
func (c *Client) install(l *link) {
	conn := l.conn
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	c.mu.Lock()
	c.link = l
	c.relayKey = conn.Peer()
	c.lastErr = nil
	close(c.live)
	select {
	case <-c.ready:
	default:
		close(c.ready)
	}
	c.mu.Unlock()
	c.log.Info("connected to the relay", "addr", c.addrs[c.next], "key", conn.Peer().Fingerprint(),
		"keepalive", conn.Welcome().Keepalive())
	c.flush(l)
}

// uninstall forgets l: senders hold their messages again, and the
// statuses of what was sent on it will never come.
func (c *Client) uninstall(l *link) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.link = nil
	c.live = make(chan struct{})
	close(l.down)
	clear(c.sends)
}

// handle dispatches one frame from the relay.
func (c *Client) handle(v any) {
	switch v := v.(type) {
	case wire.Recv:
		c.receive(v)
	case wire.LookupReply:
		c.mu.Lock()
		ch := c.looks[v.ReqID]
		delete(c.looks, v.ReqID)
		c.mu.Unlock()
		if ch != nil {
			ch <- v // buffered for this one reply
		}
	case wire.SendStatus:
		c.sendStatus(v)
	}
}
