package client

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/relayclient"
	"github.com/nport/nport/core/seal"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// DefaultDeviceWindow is how long the answers to a ping of the device
// identity are gathered. How many daemons run under it is not known, so
// the wait is a time, not a count.
const DefaultDeviceWindow = time.Second

// Device is one daemon's answer to a ping of its identity.
type Device struct {
	// Name is the daemon's device name, Identity the identity it runs
	// under (the sender the relay vouched for).
	Name     string
	Identity identity.Name
	// Version, OS and Arch say which build runs there.
	Version  string
	OS, Arch string
	// Uptime is how long the daemon has been running.
	Uptime time.Duration
	// Targets are the host:port targets it lets this client open.
	Targets []string
	// Group is its device group (--device-group), "" for none.
	Group string
	// Sessions is how many sessions it has live.
	Sessions int
	// RTT is the time from the ping to this answer.
	RTT time.Duration
	// Known is false for an older daemon, which tells only its name and
	// version: OS, Arch, Uptime and Targets are then unknown.
	Known bool
}

// listing is what one ping of the device identity gathered.
type listing struct {
	devices []Device // by name, then round trip
	busy    int      // daemons that answered they had no room to
}

// names lists the device names, each once, in order.
func (l listing) names() []string {
	var names []string
	for _, d := range l.devices {
		if !slices.Contains(names, d.Name) {
			names = append(names, d.Name)
		}
	}
	return names
}

// ping asks every daemon of the device identity who it is. want names
// the device a session is about to be asked of, which answers even when
// hidden; "" lists the devices that are not hidden.
func (c *connector) ping(ctx context.Context, want string) (listing, error) {
	m, err := seal.NewMessage(wire.MsgPing, session.NewID(), wire.PingBody{Want: want})
	if err != nil {
		return listing{}, err
	}
	answers, err := c.relay.Gather(ctx, c.to, m, c.deviceWindow())
	var l listing
	for _, a := range answers {
		if d, ok := c.device(a); ok {
			l.devices = append(l.devices, d)
		} else if isBusy(a.Incoming) {
			l.busy++
		}
	}
	slices.SortStableFunc(l.devices, func(a, b Device) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.RTT, b.RTT))
	})
	return l, err
}

// device reads a pong; ok is false for anything else.
func (c *connector) device(a relayclient.Answer) (Device, bool) {
	var p wire.PongBody
	if a.Msg.Type != wire.MsgPong || wire.DecodeBody(a.Msg, &p) != nil || p.Device == "" {
		return Device{}, false
	}
	return Device{
		Name: p.Device, Identity: a.From, Version: p.Version, OS: p.OS, Arch: p.Arch,
		Uptime: time.Duration(p.UptimeMillis) * time.Millisecond, Targets: p.Targets, Group: p.Group, Sessions: p.Sessions, RTT: a.RTT,
		Known: p.OS != "",
	}, true
}

func (c *connector) deviceWindow() time.Duration {
	if c.cfg.DeviceWindow > 0 {
		return c.cfg.DeviceWindow
	}
	return DefaultDeviceWindow
}

// isBusy reports whether in is a busy refusal.
func isBusy(in relayclient.Incoming) bool {
	var r wire.RefusalBody
	return in.Msg.Type == wire.MsgRefusal && wire.DecodeBody(in.Msg, &r) == nil && r.Code == wire.RefusalBusy
}

// NoDevicesError is a listing nobody answered.
type NoDevicesError struct {
	To, From identity.Name
	After    time.Duration
	Busy     int // daemons that answered they were busy
}

// Error says what to check.
func (e *NoDevicesError) Error() string {
	if e.Busy > 0 {
		return fmt.Sprintf("no device of %s could answer within %v: %d answered it was busy (list again shortly)", e.To, e.After, e.Busy)
	}
	return fmt.Sprintf("no device of %s answered within %v (check the identity; a daemon answers only the identities in its --manager list, here %s, and a daemon run with --hide is not listed)", e.To, e.After, e.From)
}

// NoDeviceError is a session asked of a device name that no daemon of
// the identity answers to, while others do.
type NoDeviceError struct {
	Device  string
	To      identity.Name
	Devices []string // the names that answered, sorted
}

// Error names the devices there are.
func (e *NoDeviceError) Error() string {
	return fmt.Sprintf("no device %q under %s; its devices: %s (see --list-devices)", e.Device, e.To, strings.Join(e.Devices, ", "))
}
