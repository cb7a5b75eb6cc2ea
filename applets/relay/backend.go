package relay

import (
	"context"
	"strings"
	"sync/atomic"

	"github.com/nport/nport/applets/relay/admin"
	"github.com/nport/nport/applets/relay/claim"
	"github.com/nport/nport/applets/relay/route"
)

// database is where a relay binds names and keeps invitations: its own
// file, or a cluster's buckets.
type database interface {
	claim.Names
	admin.Database
}

// backend is what a relay routes and binds names with: the embedded
// database on one node, or a NATS cluster shared with other relays.
type backend struct {
	names  database
	router route.Router
	// available returns an error while the backend cannot route, and
	// share how many relays share the per-identity and per-source rates;
	// nil for one relay on its own.
	available func() error
	share     func() int
	// housekeep, if set, runs in the background until its context ends.
	housekeep func(context.Context)
	// onLost is set by the server: what to do when the backend has been
	// unavailable for a while.
	onLost atomic.Pointer[func()]
	close  func()
	// logAttrs describe the backend in the readiness log.
	logAttrs []any
}

// openBackend opens the cluster of cfg.Cluster, or the database in the
// relay's home.
func openBackend(ctx context.Context, cfg Config) (*backend, error) {
	if cfg.Cluster != "" {
		return openClusterBackend(ctx, cfg)
	}
	st, err := openStore(cfg)
	if err != nil {
		return nil, err
	}
	return &backend{
		names:     st,
		router:    presence{Router: route.NewMemory(route.Options{Queue: st, Now: cfg.Now}), seen: st},
		housekeep: func(ctx context.Context) { housekeep(ctx, cfg, st) },
		close:     func() { st.Close() },
		logAttrs:  []any{"database", st.Path(), "names", st.Count()},
	}, nil
}

// clusterURLs splits the --cluster list.
func clusterURLs(list string) []string {
	var urls []string
	for u := range strings.SplitSeq(list, ",") {
		if u = strings.TrimSpace(u); u != "" {
			urls = append(urls, u)
		}
	}
	return urls
}

// lost is called when the cluster has been unreachable for a while.
func (b *backend) lost() {
	if f := b.onLost.Load(); f != nil {
		(*f)()
	}
}
