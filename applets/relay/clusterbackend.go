//go:build !nport_nocluster

package relay

import (
	"context"

	"github.com/nport/nport/applets/relay/cluster"
)

// openClusterBackend connects to the NATS cluster of cfg.Cluster and
// opens its queue stream and directory buckets.
func openClusterBackend(ctx context.Context, cfg Config) (*backend, error) {
	b := &backend{}
	c, err := cluster.Open(ctx, cluster.Options{
		URLs:   clusterURLs(cfg.Cluster),
		Queue:  cfg.queueOptions(),
		Lost:   func() { b.lost() },
		Logger: cfg.Logger,
		Now:    cfg.Now,
	})
	if err != nil {
		return nil, err
	}
	q, err := c.OpenQueue()
	if err != nil {
		c.Close()
		return nil, err
	}
	dir, err := c.OpenDirectory(q)
	if err != nil {
		c.Close()
		return nil, err
	}
	b.names, b.router = dir, c.NewRouter(q)
	b.available, b.share = c.Available, c.Relays
	b.close = func() { dir.Close(); c.Close() }
	b.logAttrs = []any{"cluster", cfg.Cluster, "names", dir.Count()}
	return b, nil
}
