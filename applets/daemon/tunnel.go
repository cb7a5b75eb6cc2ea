package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/nport/nport/applets/daemon/keeper"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/metrics"
	"github.com/nport/nport/core/record"
	"github.com/nport/nport/core/relayclient"
	"github.com/nport/nport/core/seal"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/core/tunnel"
	"github.com/nport/nport/wire"
)

// Time limits of a session's set-up on the daemon's side.
const (
	// targetDialTimeout bounds each connection to the target.
	targetDialTimeout = 5 * time.Second
)

// refusal is a request the daemon answers with a MsgRefusal.
type refusal struct{ code, message string }

func (r *refusal) Error() string { return r.code + ": " + r.message }

func refuse(code, format string, args ...any) *refusal {
	return &refusal{code, fmt.Sprintf(format, args...)}
}

// accepted is a checked tunnel request.
type accepted struct {
	target  string
	peerEph identity.PublicKey
	token   session.Token
	rvAddr  string
	sshKey  string
	cipher  record.Cipher // chosen among the client's offer
	single  bool          // one connection, carried as the record stream
	udp     bool          // datagrams, each stream a flow (udp.go)
	from    identity.Name // the manager who asked
	asked   time.Time     // when the request came, for the set-up time
}

// errOtherDevice is a request meant for a daemon of the same identity with
// another device name: that daemon answers it, this one stays silent.
var errOtherDevice = errors.New("request for another device")

// tunnel serves one tunnel request from a manager, from the checks to the
// end of the session.
func (d *daemon) tunnel(ctx context.Context, in relayclient.Incoming) {
	sid := session.ID(in.Msg.Session)
	log := d.log.With("session", sid.Short(), "from", in.From)
	req, err := d.check(ctx, in)
	var r *refusal
	switch {
	case errors.As(err, &r):
		log.Info("refused a tunnel request", "code", r.code, "reason", r.message)
		d.obs.Refuse(r.code, "", string(in.From), r.message)
		d.answer(ctx, in, wire.MsgRefusal, wire.RefusalBody{Code: r.code, Message: r.message})
		return
	case err != nil:
		log.Debug("ignored a tunnel request", "reason", err)
		return
	}
	d.installKey(in.From, req.sshKey, log)
	d.join(ctx, in, sid, req, log)
}

// check validates a request: a *refusal to answer, or errOtherDevice.
func (d *daemon) check(ctx context.Context, in relayclient.Incoming) (accepted, error) {
	var body wire.TunnelRequest
	if err := wire.DecodeBody(in.Msg, &body); err != nil {
		return accepted{}, refuse(wire.RefusalBadRequest, "unreadable tunnel request: %v", err)
	}
	if body.Device != d.cfg.Device {
		return accepted{}, errOtherDevice
	}
	req := accepted{target: body.Target, rvAddr: body.Rendezvous, sshKey: body.SSHPublicKey, cipher: record.Choose(body.Ciphers), single: body.Streams == 1,
		from: in.From, asked: time.Now()}
	var err error
	if req.udp, err = parseProtocol(body.Protocol); err != nil {
		return req, err
	}
	if req.target, err = d.policy.Load().permit(in.From, req.target, req.udp); err != nil {
		return req, err
	}
	raw, err := wire.Decode32(body.Ephemeral)
	if err == nil {
		req.peerEph = identity.PublicKeyFromRaw(raw)
		err = req.peerEph.Validate()
	}
	if err != nil {
		return req, refuse(wire.RefusalBadRequest, "bad ephemeral key: %v", err)
	}
	if req.token, err = session.ParseToken(body.Token); err != nil || body.Rendezvous == "" {
		return req, refuse(wire.RefusalBadRequest, "the request names no rendezvous or token")
	}
	probe, err := d.dial(ctx, req)
	if err != nil {
		return req, refuse(wire.RefusalTargetUnreachable, "daemon could not connect to %s: %v", req.target, err)
	}
	probe.Close()
	return req, nil
}

func (d *daemon) dialTarget(ctx context.Context, target string) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, targetDialTimeout)
	defer cancel()
	var dialer net.Dialer
	return dialer.DialContext(ctx, "tcp", target)
}

// join hands the accepted session to the session keeper, which makes
// its ephemeral key and serves it from then on, and answers the client
// with that key: the session no longer depends on this process. Without a
// keeper the daemon serves the session itself, to its end.
func (d *daemon) join(ctx context.Context, in relayclient.Incoming, sid session.ID, req accepted, log *slog.Logger) {
	h := d.handoff(in.From, sid, req)
	if pub, ok := d.keepers.handoff(ctx, h); ok {
		d.reply(ctx, in, req, pub)
		log.Debug("session handed to the session keeper", "target", req.target)
		return
	}
	s, err := keeper.NewSession(*h)
	if err != nil {
		d.answer(ctx, in, wire.MsgRefusal, wire.RefusalBody{Code: wire.RefusalInternal, Message: "daemon could not make a key"})
		return
	}
	// Answer first: the client then dials the rendezvous while this side does.
	d.reply(ctx, in, req, s.Ephemeral())
	var live *metrics.Session
	err = d.keepers.serveLocal(ctx, s, d.log, func(tun *tunnel.Tunnel) { live = d.startSession(sid, req, tun) })
	live.End(tunnel.Reason(err))
	logEnded(log, keeper.NewEnded(s, err), ctx.Err() != nil)
}

// handoff is what the session keeper needs of an accepted request.
func (d *daemon) handoff(from identity.Name, sid session.ID, req accepted) *keeper.Handoff {
	protocol := wire.ProtocolTCP
	if req.udp {
		protocol = wire.ProtocolUDP
	}
	return &keeper.Handoff{Session: sid, Manager: from, Rendezvous: req.rvAddr, Token: req.token, Peer: req.peerEph,
		Cipher: req.cipher, Single: req.single, Protocol: protocol, Target: req.target,
		BufferSize: d.cfg.BufferSize, Proxy: d.cfg.Proxy, Asked: req.asked}
}

// reply answers an accepted request with the session's ephemeral key.
func (d *daemon) reply(ctx context.Context, in relayclient.Incoming, req accepted, eph identity.PublicKey) {
	reply := wire.TunnelReply{Ephemeral: wire.Encode32(eph.Raw()), Cipher: string(req.cipher)}
	if req.single {
		reply.Streams = 1
	}
	if req.udp {
		reply.Protocol = wire.ProtocolUDP
	}
	d.answer(ctx, in, wire.MsgTunnelReply, reply)
}

func (d *daemon) answer(ctx context.Context, in relayclient.Incoming, t wire.MessageType, body any) {
	m, err := seal.NewMessage(t, in.Msg.Session, body)
	if err == nil {
		err = d.relay.Reply(ctx, in, m)
	}
	if err != nil {
		d.log.Warn("answer not sent", "to", in.From, "type", t, "err", err)
	}
}
