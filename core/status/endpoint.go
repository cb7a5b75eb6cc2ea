package status

import (
	"github.com/urfave/cli/v2"

	"github.com/nport/nport/core/config"
)

// Flag names, equal to the toml keys of Endpoint.
const (
	FlagMetrics       = "metrics"
	FlagMetricsPublic = "metrics-public"
)

// Endpoint says where a process serves its metrics and status page. The
// relay, the rendezvous and the daemon embed them in their Config.
type Endpoint struct {
	// Metrics is the HOST:PORT (or PORT, on 127.0.0.1) of the metrics and
	// status listener; empty serves none.
	Metrics string `toml:"metrics"`
	// MetricsPublic lets Metrics be an address other than loopback.
	MetricsPublic bool `toml:"metrics-public"`
}

// Flags are the flags of Endpoint.
func Flags() []cli.Flag {
	const cat = "metrics"
	return []cli.Flag{
		&cli.StringFlag{Name: FlagMetrics, Usage: "serve Prometheus metrics (/metrics) and a status page (/, /status.json) on `ADDR`, HOST:PORT or a PORT on 127.0.0.1 (off by default)", EnvVars: config.Env(FlagMetrics), Category: cat},
		&cli.BoolFlag{Name: FlagMetricsPublic, Usage: "let --metrics listen on an address other than loopback: anyone who reaches it sees the identities and sessions", EnvVars: config.Env(FlagMetricsPublic), Category: cat},
	}
}
