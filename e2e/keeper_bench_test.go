//go:build linux

package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/nport/nport/applets/client"
	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/core/procfs"
)

// heldSessions is how many sessions BenchmarkSessionMemory holds at once.
const heldSessions = 100

// BenchmarkSessionMemory holds 100 sessions, each with one connection
// open through it to an echo service on the device, and reports the
// resident memory each adds to the process that serves it: the session
// keeper (KiB/session), and, in a second world, the daemon itself run
// with --session-keeper off (in-daemon-KiB/session). Their difference
// (keeper-extra-KiB/session) is what the keeper costs per session beyond
// the tunnel's own buffers (the record layer's, the multiplexer's, the
// copy buffers of each connection); the daemon's growth while it hands
// the sessions over is daemon-KiB/session (garbage of the hand-offs that
// the Go runtime has not yet returned, not memory held per session).
//
//	go test -run '^$' -bench SessionMemory -benchtime 1x ./e2e
func BenchmarkSessionMemory(b *testing.B) {
	var kept, inDaemon, daemon float64
	for b.Loop() {
		k, d := sessionMemory(b, "auto")
		in, _ := sessionMemory(b, "off")
		kept, inDaemon, daemon = kept+k, inDaemon+in, daemon+d
	}
	n := float64(b.N)
	b.ReportMetric(kept/n, "KiB/session")
	b.ReportMetric(inDaemon/n, "in-daemon-KiB/session")
	b.ReportMetric((kept-inDaemon)/n, "keeper-extra-KiB/session")
	b.ReportMetric(daemon/n, "daemon-KiB/session")
}

// sessionMemory holds heldSessions sessions in a fresh world whose daemon
// runs with --session-keeper mode, and returns the KiB per session that
// the serving process and the daemon grew by.
func sessionMemory(b *testing.B, mode string) (server, daemon float64) {
	w := newWorld(b, options{})
	defer w.stop()
	echo, _ := nettest.TCPEcho(b)
	w.replaceDaemon("--permit-open", echo, "--session-keeper", mode)
	pid := w.daemon.Cmd.Process.Pid
	if mode != "off" {
		pid = keeperPids(w.devHome)[0]
	}
	held := holdSessions(b, w, echo, 1) // one first: one-time costs out of the count
	before, daemonBefore := rss(b, pid), rss(b, w.daemon.Cmd.Process.Pid)
	held = append(held, holdSessions(b, w, echo, heldSessions)...)
	after, daemonAfter := rss(b, pid), rss(b, w.daemon.Cmd.Process.Pid)
	for _, h := range held {
		h.close()
	}
	perSession := func(d int64) float64 { return float64(d) / heldSessions / 1024 }
	return perSession(after - before), perSession(daemonAfter - daemonBefore)
}

// held is a session with one connection open through it.
type held struct {
	s    *client.Session
	conn net.Conn
}

func (h held) close() {
	h.conn.Close()
	h.s.Close()
}

// holdSessions opens n sessions as alice to the echo service at target,
// each with one stream that has carried a round trip.
func holdSessions(b *testing.B, w *world, target string, n int) []held {
	b.Helper()
	cfg := client.Defaults()
	cfg.From, cfg.To, cfg.Srvd, cfg.Relay, cfg.RelayKey = alice, device, rvName, w.relay, w.relayKey
	cfg.Home = w.homes[alice]
	host, port, _ := net.SplitHostPort(target)
	cfg.RemoteHost, cfg.RemotePort = host, mustAtoi(b, port)
	out := make([]held, 0, n)
	for range n {
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		s, err := client.Connect(ctx, cfg)
		cancel()
		if err != nil {
			b.Fatalf("session %d of %d: %v", len(out)+1, n, err)
		}
		c, err := s.Tunnel.OpenStream()
		if err != nil {
			b.Fatal(err)
		}
		if err := roundTrip(c); err != nil {
			b.Fatalf("a round trip through session %d: %v", len(out)+1, err)
		}
		out = append(out, held{s, c})
	}
	return out
}

func rss(b *testing.B, pid int) int64 {
	b.Helper()
	n, err := procfs.RSS(pid)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// roundTrip sends a line through c, an echo's connection, and reads it
// back, leaving c open.
func roundTrip(c net.Conn) error {
	c.SetDeadline(time.Now().Add(runTimeout))
	defer c.SetDeadline(time.Time{})
	const line = "held\n"
	if _, err := io.WriteString(c, line); err != nil {
		return err
	}
	got := make([]byte, len(line))
	if _, err := io.ReadFull(c, got); err != nil {
		return err
	}
	if string(got) != line {
		return fmt.Errorf("got %q back, want %q", got, line)
	}
	return nil
}

func mustAtoi(b *testing.B, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		b.Fatal(err)
	}
	return n
}
