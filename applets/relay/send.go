package relay

import (
	"github.com/nport/nport/applets/relay/route"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/wire"
)

// send routes a Send, and answers with its fate if asked.
func (p *peer) send(c *relayconn.Conn, f wire.Send) error {
	result := p.route(f)
	p.s.obs.Inc(messageResult(result))
	if f.SendID == 0 {
		return nil
	}
	return c.SendStatus(f.SendID, result)
}

// route checks a Send against the sender's rate and the directory, then
// hands it to the router: to the name, or to the one connection named.
func (p *peer) route(f wire.Send) wire.SendResult {
	if !p.bucket.Allow(p.s.now()) {
		p.log.Debug("over its rate: message dropped", "to", f.To)
		return wire.SendOverRate
	}
	to, err := identity.ParseName(f.To)
	if err != nil {
		return wire.SendUnknownRecipient
	}
	key, ok, err := p.s.dir.Lookup(to)
	switch {
	case err != nil || !ok:
		return wire.SendUnknownRecipient
	case f.ToPub != ([32]byte{}) && key.Raw() != f.ToPub:
		return wire.SendKeyMismatch
	}
	if p.s.routable() != nil {
		return wire.SendUnavailable
	}
	frame, err := relayconn.EncodeRecv(p.id, p.name, p.key, f.Sealed)
	if err != nil {
		// Cannot happen: wire checked the envelope's size on the way in.
		p.log.Error("encode recv frame", "err", err)
		return wire.SendDropped
	}
	if f.ToConn != 0 {
		return sendResult(p.s.router.RouteTo(to, f.ToConn, frame))
	}
	return sendResult(p.s.router.Route(to, frame))
}

// sendResult is the SendStatus of a route.Result.
func sendResult(r route.Result) wire.SendResult {
	switch r {
	case route.Delivered:
		return wire.SendDelivered
	case route.Queued:
		return wire.SendQueued
	case route.Gone:
		return wire.SendGone
	}
	return wire.SendDropped
}

// lookup answers a Lookup from the directory.
func (p *peer) lookup(c *relayconn.Conn, f wire.Lookup) error {
	var key identity.PublicKey
	if name, err := identity.ParseName(f.Name); err == nil {
		if k, ok, err := p.s.dir.Lookup(name); err == nil && ok {
			key = k
		}
	}
	return c.LookupReply(f.ReqID, f.Name, key)
}
