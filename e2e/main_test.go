//go:build linux

// Package e2e runs nport the way an operator does: a relay, a rendezvous
// and a daemon as separate processes of the real binary, each with its own
// home, a real OpenSSH sshd as the device's target, and clients driving
// real ssh and scp through the tunnel.
package e2e

import (
	"fmt"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/nport/nport/core/proctest"
)

func TestMain(m *testing.M) {
	if err := becomeSubreaper(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: become a child subreaper: %v\n", err)
		os.Exit(1)
	}
	proctest.Main(m)
}

// The readiness lines the servers print on stdout.
var (
	relayReady  = regexp.MustCompile(`^nport relay ready: listen=(\S+) key=(nport-pub:\S+)`)
	rvReady     = regexp.MustCompile(`^nport rendezvous ready: listen=(\S+) address=(\S+) identity=(@\S+) key=(nport-pub:\S+)$`)
	daemonReady = regexp.MustCompile(`^nport daemon ready: identity=(@\S+) device=(\S+)$`)
)

// Time limits of the suite. They bound waits for things that normally take
// milliseconds; none of them is slept.
const (
	// readyTimeout bounds a server's start, the first build included.
	readyTimeout = 60 * time.Second
	// runTimeout bounds one client or ssh run.
	runTimeout = 60 * time.Second
	// logTimeout bounds the wait for a line in a server's log.
	logTimeout = 10 * time.Second
)
