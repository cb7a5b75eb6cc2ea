package status

import (
	"context"
	"log/slog"
	"sync"

	"github.com/nport/nport/core/metrics"
)

// Start serves reg as s says, in the background, and returns the function
// that stops it and waits for it. With no address set it serves nothing
// and stop does nothing. It logs where the page is, at INFO:
//
//	status page and metrics listen=127.0.0.1:9720 url=http://127.0.0.1:9720/
func Start(ctx context.Context, s Endpoint, reg *metrics.Registry, log *slog.Logger) (stop func(), err error) {
	if s.Metrics == "" {
		return func() {}, nil
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ln, err := Listen(ctx, s.Metrics, s.MetricsPublic)
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	reg.SetInfo("metrics", addr)
	log.Info("status page and metrics", "listen", addr, "url", "http://"+addr+"/")
	if s.MetricsPublic {
		log.Warn("--metrics-public: anyone who reaches " + addr + " sees the identities and sessions of this process; firewall it")
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { Serve(ctx, ln, reg, s.MetricsPublic, log) })
	return func() { cancel(); wg.Wait() }, nil
}
