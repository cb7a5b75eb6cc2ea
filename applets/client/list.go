package client

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// ListDevices pings the device identity cfg.To and returns the devices
// that answered within the window, by name: the daemons that have
// cfg.From among their managers and do not hide. With none it returns a
// *NoDevicesError.
func ListDevices(ctx context.Context, cfg Config) ([]Device, error) {
	c, err := newConnector(cfg)
	if err != nil {
		return nil, err
	}
	rctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.relay.Run(rctx)
	}()
	defer func() {
		cancel()
		<-done
	}()
	wctx, wcancel := context.WithTimeout(ctx, cfg.Timeout)
	err = c.relay.WaitReady(wctx)
	wcancel()
	if err != nil {
		return nil, err
	}
	l, err := c.ping(ctx, "")
	if err != nil {
		return l.devices, fmt.Errorf("list the devices of %s: %w", c.to, err)
	}
	if len(l.devices) == 0 {
		return nil, &NoDevicesError{To: c.to, From: c.from, After: c.deviceWindow(), Busy: l.busy}
	}
	if l.busy > 0 {
		c.log.Warn("some devices answered they were busy: list again to see them", "busy", l.busy)
	}
	return l.devices, nil
}

// runDevices is --list-devices: the table, or JSON with --json. A
// listing nobody answered still prints an empty JSON array, so a script
// reads valid JSON, and fails.
func runDevices(ctx context.Context, cfg Config) error {
	if len(cfg.Command) > 0 {
		return fmt.Errorf("--list-devices runs no command (%s): drop it, or drop --list-devices", strings.Join(cfg.Command, " "))
	}
	devices, err := ListDevices(ctx, cfg)
	var none *NoDevicesError
	switch {
	case cfg.JSON && (err == nil || errors.As(err, &none)):
		if werr := writeDevicesJSON(cfg.Stdout, devices); werr != nil {
			return werr
		}
	case err == nil:
		if werr := writeDevicesTable(cfg.Stdout, devices); werr != nil {
			return werr
		}
	}
	return err
}

// writeDevicesTable prints one line a device under a header.
func writeDevicesTable(w io.Writer, devices []Device) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DEVICE\tGROUP\tIDENTITY\tVERSION\tPLATFORM\tUPTIME\tSESSIONS\tRTT\tTARGETS")
	for _, d := range devices {
		group := cmp.Or(d.Group, "-")
		platform, uptime, sessions, targets := "-", "-", "-", "-"
		if d.Known {
			platform, uptime, targets = d.OS+"/"+d.Arch, shortDuration(d.Uptime), strings.Join(d.Targets, ",")
			sessions = strconv.Itoa(d.Sessions)
			if targets == "" {
				targets = "none"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1fms\t%s\n", d.Name, group, d.Identity, d.Version, platform, uptime, sessions, float64(d.RTT.Microseconds())/1000, targets)
	}
	return tw.Flush()
}

// deviceJSON is a Device as --json prints it: durations in seconds;
// null where an older daemon did not say.
type deviceJSON struct {
	Device   string   `json:"device"`
	Group    string   `json:"group"`
	Identity string   `json:"identity"`
	Version  string   `json:"version"`
	OS       *string  `json:"os"`
	Arch     *string  `json:"arch"`
	Uptime   *float64 `json:"uptime_seconds"`
	Sessions *int     `json:"sessions"`
	RTT      float64  `json:"rtt_seconds"`
	Targets  []string `json:"targets"`
}

func writeDevicesJSON(w io.Writer, devices []Device) error {
	out := make([]deviceJSON, 0, len(devices))
	for _, d := range devices {
		j := deviceJSON{Device: d.Name, Group: d.Group, Identity: string(d.Identity), Version: d.Version, RTT: d.RTT.Round(time.Microsecond).Seconds()}
		if d.Known {
			up := d.Uptime.Seconds()
			j.OS, j.Arch, j.Uptime, j.Targets = &d.OS, &d.Arch, &up, append([]string{}, d.Targets...)
			j.Sessions = &d.Sessions
		}
		out = append(out, j)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// shortDuration is d to the second, in its two largest units: 42s,
// 5m07s, 3h02m, 12d04h.
func shortDuration(d time.Duration) string {
	s := int64(d / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	case s < 86400:
		return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
	}
	return fmt.Sprintf("%dd%02dh", s/86400, s%86400/3600)
}
