package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nport/nport/core/dialer"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/logging"
	"github.com/nport/nport/core/record"
	"github.com/nport/nport/core/relayclient"
	"github.com/nport/nport/core/seal"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/core/tunnel"
	"github.com/nport/nport/wire"
)

// Step is one stage of a session's set-up and how long it took.
type Step struct {
	Name string
	Took time.Duration
}

// Session is an open tunnel to a device.
type Session struct {
	ID     session.ID
	Tunnel *tunnel.Tunnel
	// Steps are the set-up's stages, in order, for the demo and -v logs.
	Steps []Step

	relay  *relayclient.Client
	cancel context.CancelFunc
	done   chan struct{}
}

// Close ends the tunnel and the relay connection.
func (s *Session) Close() error {
	err := s.Tunnel.Close()
	s.cancel()
	<-s.done
	return err
}

// Total is the whole set-up time.
func (s *Session) Total() time.Duration {
	var t time.Duration
	for _, st := range s.Steps {
		t += st.Took
	}
	return t
}

// Connect opens a session to the device: relay connection, session from
// the rendezvous, the daemon's consent, pairing, and the encrypted tunnel.
// The relay connection lives as long as the session.
func Connect(ctx context.Context, cfg Config) (*Session, error) {
	c, err := newConnector(cfg)
	if err != nil {
		return nil, err
	}
	rctx, cancel := context.WithCancel(context.Background())
	s := &Session{ID: session.NewID(), relay: c.relay, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		c.relay.Run(rctx)
	}()
	if err := c.open(ctx, s); err != nil {
		cancel()
		<-s.done
		return nil, err
	}
	return s, nil
}

// connector holds what the set-up needs.
type connector struct {
	cfg  Config
	log  *slog.Logger
	from identity.Name
	to   identity.Name
	// srvds are the rendezvous to ask, in order; srvd is the one that
	// granted the session.
	srvds []identity.Name
	srvd  identity.Name
	relay *relayclient.Client
	// sshKey is the public key line -s sends, if any.
	sshKey string
}

func newConnector(cfg Config) (*connector, error) {
	c := &connector{cfg: cfg, log: cfg.Logger}
	if c.log == nil {
		c.log = logging.Discard()
	}
	var err error
	for _, n := range []struct {
		flag, value string
		dst         *identity.Name
	}{{"--from", cfg.From, &c.from}, {"--to", cfg.To, &c.to}} {
		if *n.dst, err = identity.ParseName(n.value); err != nil {
			return nil, fmt.Errorf("%s: %w", n.flag, err)
		}
	}
	if err := identity.CheckDevice(cfg.Device); err != nil {
		return nil, fmt.Errorf("--device: %w", err)
	}
	if c.srvds, err = parseNames(cfg.Srvd); err != nil {
		return nil, fmt.Errorf("--srvd: %w", err)
	}
	c.srvd = c.srvds[0]
	if c.sshKey, err = readSSHPublicKey(cfg.SendSSHPublicKey); err != nil {
		return nil, err
	}
	id, err := c.loadIdentity()
	if err != nil {
		return nil, err
	}
	c.relay, err = relayclient.New(relayclient.Config{Settings: cfg.Settings, Identity: id, Home: cfg.Home, Logger: c.log.With("identity", c.from), GiveUp: relayGiveUp,
		// Only the answers of the two peers of the session matter here.
		Accept: func(from identity.Name) bool { return from == c.to || slices.Contains(c.srvds, from) },
	})
	return c, err
}

// relayGiveUp is how long the client keeps trying a relay that is out of
// reach for a reason that will not mend by itself (refused, no such host,
// the proxy's credentials) before it says so: a person is waiting.
const relayGiveUp = time.Second

// loadIdentity loads --from, creating it on first use: the person then
// gives the printed line to the device's operator.
func (c *connector) loadIdentity() (identity.Identity, error) {
	id, created, err := c.cfg.Keys(c.cfg.Home).LoadOrCreate(c.from)
	if created && c.cfg.Stderr != nil {
		fmt.Fprintf(c.cfg.Stderr, "created identity %s; the device's daemon must name it with --manager %s:\n  %s\n", id.Name, id.Name, id.ShareLine())
	}
	return id, err
}

// open runs the set-up, recording each step.
func (c *connector) open(ctx context.Context, s *Session) error {
	step := func(name string, f func(context.Context) error) error {
		start := time.Now()
		sctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
		defer cancel()
		stop := c.waiting(c.waitingFor(name))
		err := f(sctx)
		stop()
		s.Steps = append(s.Steps, Step{name, time.Since(start)})
		c.log.Debug("set-up step", "step", name, "took", time.Since(start), "err", err)
		return err
	}
	var grant wire.SessionGrant
	var k keys
	var conn net.Conn
	err := step("relay connection", c.relay.WaitReady)
	var p *probe
	if err == nil {
		p = c.startProbe(ctx)
		defer p.stop()
		err = step("session from "+c.cfg.Srvd, func(ctx context.Context) error { return c.askRendezvous(ctx, s.ID, &grant) })
	}
	if err == nil {
		err = step("daemon "+string(c.to)+" joins", func(ctx context.Context) (err error) {
			k, err = c.askDaemon(ctx, s.ID, grant, p)
			return err
		})
	}
	if err == nil {
		err = step("paired at rendezvous", func(ctx context.Context) (err error) {
			conn, err = c.join(ctx, s.ID, grant)
			return err
		})
	}
	if err != nil {
		return err
	}
	return step("encrypted tunnel", func(context.Context) (err error) {
		opts := tunnel.Options{Logger: c.log, Cipher: k.cipher, Single: k.single, IdleTimeout: c.cfg.TunnelIdle}
		if c.cfg.OutputExecutionCommand {
			opts.IdleTimeout = c.cfg.IdleTimeout
		}
		s.Tunnel, err = tunnel.New(conn, record.Client, k.eph, k.peer, s.ID, opts)
		if err != nil {
			conn.Close()
		}
		return err
	})
}

// failoverWait is how long a rendezvous that is not the last one named
// has to answer before the next is asked; one the relay knows to be
// offline is given up on this long after the relay says so.
const failoverWait = time.Second

// askRendezvous asks each rendezvous in turn until one grants the
// session: the first that answers wins, and a dead one costs at most
// failoverWait. A refusal is final, as another rendezvous of the same
// operator would refuse alike.
func (c *connector) askRendezvous(ctx context.Context, sid session.ID, grant *wire.SessionGrant) error {
	var errs []error
	for i, rv := range c.srvds {
		last := i == len(c.srvds)-1
		actx, cancel := ctx, context.CancelFunc(func() {})
		if !last {
			actx, cancel = context.WithTimeout(ctx, failoverWait)
		}
		err := c.askOneRendezvous(actx, rv, sid, grant)
		cancel()
		var noAnswer *relayclient.NoAnswerError
		var unknown *relayclient.UnknownNameError
		if err == nil || ctx.Err() != nil || !(errors.As(err, &noAnswer) || errors.As(err, &unknown)) {
			c.srvd = rv
			return err
		}
		c.log.Info("rendezvous did not answer: asking the next", "rendezvous", rv, "err", err)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (c *connector) askOneRendezvous(ctx context.Context, rv identity.Name, sid session.ID, grant *wire.SessionGrant) error {
	m, err := seal.NewMessage(wire.MsgSessionRequest, sid, wire.SessionRequest{To: string(c.to), Device: c.cfg.Device})
	if err != nil {
		return err
	}
	in, err := c.relay.RequestOnline(ctx, rv, m, failoverWait)
	if err != nil {
		return fmt.Errorf("rendezvous %s: %w", rv, err)
	}
	if err := refused("rendezvous "+string(rv), in); err != nil {
		return err
	}
	if in.Msg.Type != wire.MsgSessionGrant {
		return fmt.Errorf("rendezvous %s answered %s, not a session grant", rv, in.Msg.Type)
	}
	return wire.DecodeBody(in.Msg, grant)
}

// parseNames reads a comma-separated list of identities, at least one.
func parseNames(list string) ([]identity.Name, error) {
	var names []identity.Name
	for _, part := range strings.Split(list, ",") {
		n, err := identity.ParseName(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names, nil
}

// keys is what the daemon's consent gives the tunnel.
type keys struct {
	eph    identity.PrivateKey // this end's ephemeral key
	peer   identity.PublicKey  // the daemon's
	cipher record.Cipher       // the one it chose among the offer
	single bool                // it carries the one connection as the record stream
}

func (c *connector) askDaemon(ctx context.Context, sid session.ID, grant wire.SessionGrant, p *probe) (keys, error) {
	var k keys
	if err := c.missing(p); err != nil {
		return k, err
	}
	var err error
	if k.eph, err = identity.GenerateEphemeral(); err != nil {
		return k, err
	}
	req := wire.TunnelRequest{
		Device:     c.cfg.Device,
		Protocol:   c.cfg.Protocol,
		Rendezvous: grant.Address,
		Token:      grant.DaemonToken,
		Target:     c.target(),
		Ephemeral:  wire.Encode32(k.eph.Public().Raw()),
		User:       c.cfg.RemoteUserName,
		Ciphers:    cipherNames(record.Offer()),
	}
	if c.oneConnection() {
		req.Streams = 1
	}
	req.SSHPublicKey = c.sshKey
	who := fmt.Sprintf("daemon %s (device %s)", c.to, c.cfg.Device)
	rctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go c.failIfMissing(rctx, p, cancel)
	in, err := c.request(rctx, c.to, sid, req)
	if noDevice, ok := errors.AsType[*NoDeviceError](context.Cause(rctx)); ok && err != nil {
		return k, noDevice
	}
	var noAnswer *relayclient.NoAnswerError
	if errors.As(err, &noAnswer) && noAnswer.Connected && !noAnswer.Offline {
		return k, fmt.Errorf("%s did not answer within %v (is it running with that device name, and is %s in its --manager list?)", who, noAnswer.After, c.from)
	}
	if err != nil {
		return k, fmt.Errorf("%s: %w", who, err)
	}
	if err := refused(who, in); err != nil {
		return k, err
	}
	var reply wire.TunnelReply
	if err := wire.DecodeBody(in.Msg, &reply); err != nil || in.Msg.Type != wire.MsgTunnelReply {
		return k, fmt.Errorf("%s sent a bad answer (%s): %v", who, in.Msg.Type, err)
	}
	raw, err := wire.Decode32(reply.Ephemeral)
	if err == nil {
		k.peer = identity.PublicKeyFromRaw(raw)
		err = k.peer.Validate()
	}
	if err != nil {
		return k, fmt.Errorf("%s sent a bad ephemeral key: %w", who, err)
	}
	if k.cipher, err = record.ParseCipher(reply.Cipher); err != nil || !slices.Contains(record.Offer(), k.cipher) {
		return k, fmt.Errorf("%s chose the record cipher %q, which this client did not offer (%v)", who, reply.Cipher, err)
	}
	k.single = req.Streams == 1 && reply.Streams == 1
	if req.Protocol != "" && reply.Protocol != req.Protocol {
		return k, fmt.Errorf("%s does not carry %s tunnels (it predates them: upgrade nport on the device)", who, req.Protocol)
	}
	return k, nil
}

// oneConnection reports whether this session carries exactly one
// connection: ssh run by the client makes one, and so does a
// ProxyCommand. The printed command (-x) may be run any number of times,
// and a forwarded port (--forward) used by any number of connections.
func (c *connector) oneConnection() bool { return !c.cfg.OutputExecutionCommand && !c.cfg.Forward }

// cipherNames returns the wire names of cs.
func cipherNames(cs []record.Cipher) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

// target is what the daemon connects the tunnel to; empty means its sshd.
func (c *connector) target() string {
	if c.cfg.RemotePort == 0 && (c.cfg.RemoteHost == "" || c.cfg.RemoteHost == "localhost") {
		return ""
	}
	host := c.cfg.RemoteHost
	if host == "" {
		host = "localhost"
	}
	port := c.cfg.RemotePort
	if port == 0 {
		port = 22
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}

func (c *connector) join(ctx context.Context, sid session.ID, grant wire.SessionGrant) (net.Conn, error) {
	tok, err := session.ParseToken(grant.ClientToken)
	if err != nil {
		return nil, fmt.Errorf("rendezvous %s sent a bad token: %w", c.srvd, err)
	}
	conn, err := tunnel.JoinAs(ctx, grant.Address, record.Client, sid, tok, dialer.Options{Proxy: c.cfg.Proxy})
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("daemon %s did not reach the rendezvous at %s within %v (can the device reach it?)", c.to, grant.Address, c.cfg.Timeout)
	}
	return conn, err
}

func (c *connector) request(ctx context.Context, to identity.Name, sid session.ID, body wire.Body) (relayclient.Incoming, error) {
	m, err := seal.NewMessage(body.MessageType(), sid, body)
	if err != nil {
		return relayclient.Incoming{}, err
	}
	return c.relay.Request(ctx, to, m)
}

// refused turns a MsgRefusal into an error that names who refused and why.
func refused(who string, in relayclient.Incoming) error {
	if in.Msg.Type != wire.MsgRefusal {
		return nil
	}
	var r wire.RefusalBody
	if err := wire.DecodeBody(in.Msg, &r); err != nil {
		return fmt.Errorf("%s refused, with an unreadable reason: %w", who, err)
	}
	return &RefusedError{Who: who, Code: r.Code, Message: r.Message}
}

// RefusedError is a refusal from the rendezvous or the daemon.
type RefusedError struct {
	Who, Code, Message string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s refused the session (%s): %s", e.Who, e.Code, e.Message)
}
