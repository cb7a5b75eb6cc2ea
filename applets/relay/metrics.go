package relay

import (
	"errors"

	"github.com/nport/nport/applets/relay/fair"
	"github.com/nport/nport/applets/relay/route"
	"github.com/nport/nport/core/admission"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/metrics"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/wire"
)

// The relay's metrics beside those of core/metrics.
var (
	connAccepted    = metrics.Name("nport_connections_total", "result", "accepted")
	connRefused     = metrics.Name("nport_connections_total", "result", "refused")
	handshakeOK     = metrics.Name("nport_handshakes_total", "result", "ok")
	handshakeFailed = metrics.Name("nport_handshakes_total", "result", "failed")
	handshakeShed   = metrics.Name("nport_handshakes_total", "result", "shed")
	claimOK         = metrics.Name("nport_claims_total", "result", "ok")
	claimRefused    = metrics.Name("nport_claims_total", "result", "refused")
)

// messageResults are the counters of a Send's fate, by wire.SendResult:
// delivered, queued, over-rate (rate-limited), dropped (a full send
// queue), …; named once, as every message is counted.
var messageResults [256]string

func init() {
	for r := range messageResults {
		messageResults[r] = metrics.Name("nport_messages_total", "result", wire.SendResult(r).String())
	}
}

// messageResult is the counter of a Send's fate.
func messageResult(r wire.SendResult) string { return messageResults[r] }

// newRegistry is the relay's registry, nil when --metrics is off.
func newRegistry(cfg Config, listen string) *metrics.Registry {
	if cfg.Metrics == "" {
		return nil
	}
	reg := metrics.New(metrics.RoleRelay)
	reg.SetInfo("listen", listen)
	reg.SetInfo("claim policy", cfg.ClaimPolicy)
	return reg
}

// gauges registers what the relay holds: its names, its offline queues
// (those of its own database; a cluster's are NATS's), the bytes waiting
// for connections, the sockets in their handshake.
func gauges(reg *metrics.Registry, names database, budget *fair.Budget, gate *admission.Gate) {
	if reg == nil {
		return
	}
	if q, ok := names.(interface{ Queued() (int, int64) }); ok {
		reg.Gauge("nport_queued_frames", func() float64 { n, _ := q.Queued(); return float64(n) })
		reg.Gauge("nport_queued_bytes", func() float64 { _, n := q.Queued(); return float64(n) })
	}
	reg.Gauge("nport_send_queue_bytes", func() float64 { return float64(budget.Used()) })
	reg.Gauge("nport_names", func() float64 { return float64(names.Count()) })
	reg.Gate(gate.Stats)
}

// observed is the router the server uses when --metrics is on: the
// backend's, with the registry told of every connection it attaches and
// detaches, for the connected identities.
type observed struct {
	route.Router
	obs *metrics.Registry
}

// Attach counts, then attaches.
func (o observed) Attach(name identity.Name, ep route.Endpoint) {
	o.obs.Connected(string(name), ep.Service())
	o.Router.Attach(name, ep)
}

// Detach detaches, then counts.
func (o observed) Detach(name identity.Name, ep route.Endpoint) {
	o.Router.Detach(name, ep)
	o.obs.Disconnected(string(name))
}

// handshakeResult is the counter of a handshake that failed.
func handshakeResult(shed bool) string {
	if shed {
		return handshakeShed
	}
	return handshakeFailed
}

// refusedClaim counts a claim the policy refused, with its reason.
func (s *server) refusedClaim(cl relayconn.Claim, err error) {
	s.obs.Inc(claimRefused)
	reason, limit := "claim", ""
	if r, ok := errors.AsType[wire.Refusal](err); ok {
		reason = r.Code.String()
		limit = map[wire.RefuseCode]string{wire.RefuseLimit: "max-names", wire.RefuseRate: "claim-rate"}[r.Code]
	}
	s.obs.Refuse(reason, limit, string(cl.Name), err.Error())
}
