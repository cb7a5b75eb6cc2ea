package relay

import (
	"context"
	"log/slog"
	"time"

	"github.com/nport/nport/applets/relay/store"
)

// sweepEvery is how often the relay writes last-seen times and removes
// what has expired from its database.
const sweepEvery = time.Minute

// housekeep sweeps the store every sweepEvery until ctx is done.
func housekeep(ctx context.Context, cfg Config, st *store.Store) {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			sweep(cfg.Logger, st, cfg.now(), cfg.NameTTL)
		case <-ctx.Done():
			return
		}
	}
}

// sweep sweeps once and logs what it removed.
func sweep(log *slog.Logger, st *store.Store, now time.Time, nameTTL time.Duration) {
	swept, err := st.Sweep(now, nameTTL)
	if err != nil {
		log.Error("database sweep failed; it is tried again in a minute", "err", err)
	}
	if n := len(swept.Names); n > 0 {
		log.Info("names released: not seen for --name-ttl", "count", n, "names", head(swept.Names, 20), "name_ttl", nameTTL)
	}
	if swept.Frames > 0 || swept.Invites > 0 {
		log.Debug("expired messages and invitations removed", "messages", swept.Frames, "invitations", swept.Invites)
	}
}

// head is the first n of s, for a log line.
func head[T any](s []T, n int) []T { return s[:min(len(s), n)] }
