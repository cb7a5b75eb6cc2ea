package client

import (
	"fmt"
	"strings"
	"time"
)

// waitNotice is the silence after which the person is told what the
// set-up waits for: most set-ups are done well before.
const waitNotice = time.Second

// waiting prints "waiting for WHAT…" to the person once a step has waited
// waitNotice, unless --quiet; stop cancels it.
func (c *connector) waiting(what string) (stop func()) {
	if c.cfg.Stderr == nil || c.cfg.Quiet || what == "" {
		return func() {}
	}
	t := time.AfterFunc(waitNotice, func() { fmt.Fprintf(c.cfg.Stderr, "nport: waiting for %s…\n", what) })
	return func() { t.Stop() }
}

// waitingFor says what a set-up step (named as in Session.Steps) waits
// for, in a person's words; "" for a step that waits for nobody.
func (c *connector) waitingFor(step string) string {
	device := fmt.Sprintf("%s (device %s)", c.to, c.cfg.Device)
	switch {
	case step == "relay connection":
		return fmt.Sprintf("the relay at %s to answer", c.cfg.Relay)
	case strings.HasPrefix(step, "session from "):
		return fmt.Sprintf("rendezvous %s to answer", c.cfg.Srvd)
	case strings.HasPrefix(step, "daemon "):
		return device + " to answer"
	case step == "paired at rendezvous":
		return device + " to reach the rendezvous"
	}
	return ""
}
