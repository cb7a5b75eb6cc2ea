package daemon

import (
	"time"

	"github.com/nport/nport/core/metrics"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/core/tunnel"
)

// newRegistry is the daemon's registry, nil when --metrics is off.
func newRegistry(cfg Config) *metrics.Registry {
	if cfg.Metrics == "" {
		return nil
	}
	reg := metrics.New(metrics.RoleDaemon)
	reg.SetInfo("identity", cfg.Atsign)
	reg.SetInfo("device", cfg.Device)
	if cfg.DeviceGroup != "" {
		reg.SetInfo("device group", cfg.DeviceGroup)
	}
	reg.SetInfo("relay", cfg.Relay)
	return reg
}

// startSession counts a tunnel that is up, until its End.
func (d *daemon) startSession(sid session.ID, req accepted, tun *tunnel.Tunnel) *metrics.Session {
	parties := metrics.Parties{Client: string(req.from), Daemon: d.cfg.Atsign, Device: d.cfg.Device, Target: req.target}
	return d.obs.Start(sid, parties, time.Since(req.asked), func() (int64, int64) {
		st := tun.Stats()
		return st.Received, st.Sent // the daemon receives what the client sends
	})
}
