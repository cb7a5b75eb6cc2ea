package rendezvous

import (
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/metrics"
)

// newRegistry is the rendezvous's registry, nil when --metrics is off.
func newRegistry(cfg Config, name identity.Name, listen string) *metrics.Registry {
	if cfg.Metrics == "" {
		return nil
	}
	reg := metrics.New(metrics.RoleRendezvous)
	reg.SetInfo("identity", string(name))
	reg.SetInfo("listen", listen)
	reg.SetInfo("relay", cfg.Relay)
	return reg
}
