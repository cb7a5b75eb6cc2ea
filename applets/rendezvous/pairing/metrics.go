package pairing

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/nport/nport/core/bridge"
	"github.com/nport/nport/core/metrics"
)

// The data plane's metrics beside those of core/metrics.
var (
	handshakeOK     = metrics.Name("nport_handshakes_total", "result", "ok")
	unpairedExpired = metrics.Name("nport_sessions_unpaired_total", "reason", "expired")
	unpairedFailed  = metrics.Name("nport_sessions_unpaired_total", "reason", "failed")
)

// run bridges a paired session, counted live while it runs.
func (s *Server) run(ctx context.Context, e *entry, br *bridge.Bridge) (bridge.Stats, error) {
	e.live = s.cfg.Metrics.Start(e.id, metrics.Parties{Client: string(e.owner)}, time.Since(e.opened), func() (int64, int64) {
		st := br.Stats()
		return st.AToB, st.BToA
	})
	return br.Run(ctx)
}

// endReason is why a bridged session ended, as the metrics say it.
func endReason(ctx context.Context, err error) string {
	var ne net.Error
	switch {
	case ctx.Err() != nil:
		return "shutdown"
	case errors.Is(err, bridge.ErrIdle):
		return "idle"
	case err == nil:
		return "closed"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return "error"
}
