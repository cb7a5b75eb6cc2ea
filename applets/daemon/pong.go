package daemon

import (
	"context"
	"runtime"
	"time"

	"github.com/nport/nport/core/buildinfo"
	"github.com/nport/nport/core/relayclient"
	"github.com/nport/nport/core/seal"
	"github.com/nport/nport/wire"
)

// pong answers a manager's ping with what a device listing shows: the
// device name, version, platform, uptime and the targets the manager may
// open. A hidden daemon answers only a ping that names its device.
func (d *daemon) pong(ctx context.Context, in relayclient.Incoming) {
	var ping wire.PingBody
	if wire.DecodeBody(in.Msg, &ping) != nil || !d.answers(ping) {
		return
	}
	m, err := seal.NewMessage(wire.MsgPong, in.Msg.Session, wire.PongBody{
		Device:       d.cfg.Device,
		Version:      buildinfo.Version,
		OS:           runtime.GOOS,
		Arch:         runtime.GOARCH,
		UptimeMillis: time.Since(d.started).Milliseconds(),
		Targets:      d.targetsFor(in.From),
		Group:        d.deviceGroup(),
		Sessions:     d.liveSessions(ctx),
	})
	if err == nil {
		err = d.relay.Reply(ctx, in, m)
	}
	if err != nil {
		d.log.Debug("pong not sent", "to", in.From, "err", err)
	}
}

// answers reports whether this daemon answers ping: a ping for another
// device is not for it, and --hide keeps it out of listings, though not
// from a manager who names it.
func (d *daemon) answers(ping wire.PingBody) bool {
	if ping.Device != "" && ping.Device != d.cfg.Device {
		return false
	}
	return !d.cfg.Hide || ping.Device == d.cfg.Device || ping.Want == d.cfg.Device
}

// liveSessions counts the sessions live here and in the session keepers,
// those a restart left running included. A keeper that does not answer
// within a moment does not hold up the answer to a ping.
func (d *daemon) liveSessions(ctx context.Context) int {
	ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	return len(d.keepers.sessions(ctx))
}
