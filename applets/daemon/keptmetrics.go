package daemon

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nport/nport/applets/daemon/keeper"
	"github.com/nport/nport/core/metrics"
	"github.com/nport/nport/core/session"
)

// bytesRefresh is how old the kept sessions' byte counts may be when
// metrics are read: they are asked of the keepers at most this often,
// and only when something reads them.
const bytesRefresh = time.Second

// keptMetric is a kept session counted in the daemon's metrics.
type keptMetric struct {
	live *metrics.Session
	// ended holds the totals the keeper reported at the end, which
	// replace the counts asked of it since.
	ended          atomic.Bool
	received, sent atomic.Int64 // client to daemon, daemon to client
}

// keptBytes are the byte counts of the live kept sessions, as the keepers
// last reported them.
type keptBytes struct {
	mu     sync.Mutex
	at     time.Time
	counts map[session.ID][2]int64 // received, sent
}

// countUp counts a kept session whose tunnel is up, as the daemon counts
// one it serves itself.
func (k *keepers) countUp(up *keeper.Up) {
	if k.obs == nil {
		return
	}
	m := &keptMetric{}
	parties := k.parties
	parties.Client, parties.Target = string(up.Manager), up.Target
	id := up.Session
	m.live = k.obs.Start(id, parties, up.Setup, func() (int64, int64) { return k.bytesOf(id, m) })
	k.mu.Lock()
	k.counted[id] = m
	k.mu.Unlock()
}

// countEnd counts the end of a kept session, with its totals.
func (k *keepers) countEnd(e *keeper.Ended) {
	k.mu.Lock()
	m := k.counted[e.Session]
	delete(k.counted, e.Session)
	k.mu.Unlock()
	if m == nil {
		return // up before this daemon attached, or no metrics
	}
	m.received.Store(e.Received)
	m.sent.Store(e.Sent)
	m.ended.Store(true)
	m.live.End(e.Reason)
}

// bytesOf is what session id has moved: its totals once it ended, else
// what its keeper said within bytesRefresh.
func (k *keepers) bytesOf(id session.ID, m *keptMetric) (received, sent int64) {
	if !m.ended.Load() {
		if c, ok := k.liveBytes(id); ok {
			return c[0], c[1]
		}
	}
	return m.received.Load(), m.sent.Load()
}

// liveBytes returns the counts of a live kept session, asking every
// keeper for its list when the last answer is older than bytesRefresh.
func (k *keepers) liveBytes(id session.ID) ([2]int64, bool) {
	k.bytes.mu.Lock()
	defer k.bytes.mu.Unlock()
	if time.Since(k.bytes.at) > bytesRefresh {
		ctx, cancel := context.WithTimeout(context.Background(), bytesRefresh)
		counts := map[session.ID][2]int64{}
		for _, in := range k.sessions(ctx) {
			counts[in.Session] = [2]int64{in.Received, in.Sent}
		}
		cancel()
		k.bytes.counts, k.bytes.at = counts, time.Now()
	}
	c, ok := k.bytes.counts[id]
	return c, ok
}
