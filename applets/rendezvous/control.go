package rendezvous

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/nport/nport/applets/rendezvous/pairing"
	"github.com/nport/nport/core/buildinfo"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/metrics"
	"github.com/nport/nport/core/relayclient"
	"github.com/nport/nport/core/seal"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// Bounds of the control loop.
const (
	// maxInFlight bounds the requests answered at once, so a burst cannot
	// start goroutines without end.
	maxInFlight = 256
	// answerTimeout bounds the sending of one answer, which may need a
	// key look-up through the relay.
	answerTimeout = 10 * time.Second
)

// control answers the messages that come through the relay.
type control struct {
	rc       *relayclient.Client
	srv      *pairing.Server
	address  string          // HOST:PORT put in grants
	name     identity.Name   // this rendezvous
	managers []identity.Name // nil: everyone may ask
	// maxSessions and perIdentity are the limits, for refusals.
	maxSessions, perIdentity int
	log                      *slog.Logger
	obs                      *metrics.Registry // nil when --metrics is off
}

// run answers messages until the relay client stops, then waits for the
// answers under way.
func (c *control) run(ctx context.Context) {
	slots := make(chan struct{}, maxInFlight)
	var wg sync.WaitGroup
	defer wg.Wait()
	for in := range c.rc.Messages() {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		wg.Go(func() {
			defer func() { <-slots }()
			c.handle(ctx, in)
		})
	}
}

// handle answers one message: a grant or refusal for a session request,
// a pong for a ping; anything else is not for a rendezvous.
func (c *control) handle(ctx context.Context, in relayclient.Incoming) {
	var answer wire.Message
	var err error
	switch in.Msg.Type {
	case wire.MsgSessionRequest:
		answer, err = c.sessionAnswer(in)
	case wire.MsgPing:
		answer, err = c.pingAnswer(in)
	default:
		c.log.Debug("ignored a message not meant for a rendezvous", "from", in.From, "type", in.Msg.Type)
		return
	}
	if err != nil {
		c.log.Error("cannot build an answer", "to", in.From, "type", in.Msg.Type, "err", err)
		return
	}
	sctx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	if err := c.rc.Reply(sctx, in, answer); err != nil {
		c.log.Warn("cannot send an answer", "to", in.From, "type", answer.Type, "err", err)
	}
}

// allowed reports whether from may use this rendezvous.
func (c *control) allowed(from identity.Name) bool {
	return len(c.managers) == 0 || slices.Contains(c.managers, from)
}

// sessionAnswer opens the session asked for, or says why not.
func (c *control) sessionAnswer(in relayclient.Incoming) (wire.Message, error) {
	sid := session.ID(in.Msg.Session)
	refuse := func(code, limit, msg string) (wire.Message, error) {
		c.obs.Refuse(code, limit, string(in.From), msg)
		c.log.Info("session refused", "session", sid.Short(), "requester", in.From, "code", code, "why", msg)
		return seal.NewMessage(wire.MsgRefusal, sid, wire.RefusalBody{Code: code, Message: msg})
	}
	if !c.allowed(in.From) {
		return refuse(wire.RefusalUnauthorized, "", fmt.Sprintf("%s is not a manager of rendezvous %s: ask its operator to add it with --manager", in.From, c.name))
	}
	var req wire.SessionRequest
	if err := wire.DecodeBody(in.Msg, &req); err != nil {
		return refuse(wire.RefusalBadRequest, "", err.Error())
	}
	if _, err := identity.ParseName(req.To); err != nil {
		return refuse(wire.RefusalBadRequest, "", fmt.Sprintf("session request: to: %v", err))
	}
	g, err := c.srv.Open(sid, in.From)
	switch {
	case errors.Is(err, pairing.ErrZeroID):
		return refuse(wire.RefusalBadRequest, "", "session request without a session id: set a fresh random one")
	case errors.Is(err, pairing.ErrInUse):
		return refuse(wire.RefusalBadRequest, "", fmt.Sprintf("session %s is in use: use a fresh id for each session", sid.Short()))
	case errors.Is(err, pairing.ErrIdentityFull):
		return refuse(wire.RefusalLimit, FlagMaxPerIdentity, fmt.Sprintf("%s holds %d sessions here, the most allowed: end one, or try again later", in.From, c.perIdentity))
	case errors.Is(err, pairing.ErrLimit):
		return refuse(wire.RefusalLimit, FlagMaxSessions, fmt.Sprintf("rendezvous %s holds %d sessions, the most allowed: try again later", c.name, c.maxSessions))
	case err != nil:
		return refuse(wire.RefusalInternal, "", err.Error())
	}
	c.log.Info("session granted", "session", sid.Short(), "requester", in.From, "to", req.To, "device", req.Device)
	c.obs.Expect(sid, metrics.Parties{Client: string(in.From), Daemon: req.To, Device: req.Device})
	return seal.NewMessage(wire.MsgSessionGrant, sid, wire.SessionGrant{
		Address:       c.address,
		ClientToken:   wire.Encode32(g.Client.Raw()),
		DaemonToken:   wire.Encode32(g.Daemon.Raw()),
		ExpiresMillis: g.TTL.Milliseconds(),
	})
}

// pingAnswer says the rendezvous is there, to those who may use it.
func (c *control) pingAnswer(in relayclient.Incoming) (wire.Message, error) {
	if !c.allowed(in.From) {
		return seal.NewMessage(wire.MsgRefusal, in.Msg.Session, wire.RefusalBody{Code: wire.RefusalUnauthorized,
			Message: fmt.Sprintf("%s is not a manager of rendezvous %s", in.From, c.name)})
	}
	return seal.NewMessage(wire.MsgPong, in.Msg.Session, wire.PongBody{Version: buildinfo.Version})
}
