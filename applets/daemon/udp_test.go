package daemon

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/datagram"
	"github.com/nport/nport/core/logging"
	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/core/procfs"
)

func TestUDPPermits(t *testing.T) {
	cfg := Defaults()
	cfg.PermitOpen = []string{"localhost:22", "UDP/localhost:53", "udp/[::1]:*", "*:8080"}
	tcp, err := cfg.permits()
	if err != nil {
		t.Fatal(err)
	}
	udp, err := cfg.udpPermits()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		p      Permits
		target string
		want   bool
	}{
		{tcp, "localhost:22", true},
		{tcp, "localhost:53", false},
		{tcp, "10.0.0.1:8080", true},
		{udp, "localhost:53", true},
		{udp, "[::1]:5353", true},
		{udp, "localhost:22", false},
		{udp, "10.0.0.1:8080", false},
	}
	for _, tt := range tests {
		if got := tt.p.Allows(tt.target); got != tt.want {
			t.Errorf("Allows(%q) in %s: got %v, want %v", tt.target, tt.p, got, tt.want)
		}
	}
	r := &rule{permits: tcp, udpPermits: udp}
	if got, want := r.describe(), "localhost:22,*:8080,udp/localhost:53,udp/[::1]:*"; got != want {
		t.Errorf("the rule's targets: got %s, want %s", got, want)
	}
	cfg.PermitOpen = []string{"udp/nohost"}
	if _, err := cfg.udpPermits(); err == nil {
		t.Error("got no error for udp/ without a port, want one")
	}
}

func TestParseProtocol(t *testing.T) {
	for p, want := range map[string]bool{"": false, "tcp": false, "udp": true} {
		if got, err := parseProtocol(p); got != want || err != nil {
			t.Errorf("parseProtocol(%q): got %v, %v; want %v", p, got, err, want)
		}
	}
	_, err := parseProtocol("sctp")
	var r *refusal
	if !errors.As(err, &r) || !strings.Contains(r.message, "sctp") {
		t.Errorf("parseProtocol(sctp): got %v, want a bad-request refusal naming it", err)
	}
}

func frame(payload string) []byte {
	buf := make([]byte, datagram.HeaderSize+len(payload))
	copy(buf[datagram.HeaderSize:], payload)
	return datagram.Frame(buf, len(payload))
}

// readFrame reads one framed datagram from r, through a small buffer so
// that frames come out in pieces.
func readFrame(t *testing.T, r io.Reader) string {
	t.Helper()
	var header [datagram.HeaderSize]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		t.Fatalf("read a frame's header: %v", err)
	}
	body := make([]byte, binary.BigEndian.Uint16(header[:]))
	if _, err := io.ReadFull(r, body); err != nil {
		t.Fatalf("read a frame: %v", err)
	}
	return string(body)
}

func TestUDPFlowCarriesDatagrams(t *testing.T) {
	nettest.NoLeaks(t)
	f, err := dialUDP(context.Background(), nettest.UDPEcho(t), time.Minute, logging.Discard())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Two frames in one write, then one cut across three.
	both := append(frame("first"), frame("")...)
	if _, err := f.Write(both); err != nil {
		t.Fatal(err)
	}
	third := frame(strings.Repeat("3", 5000))
	for _, piece := range [][]byte{third[:1], third[1:100], third[100:]} {
		if _, err := f.Write(piece); err != nil {
			t.Fatal(err)
		}
	}
	r := io.LimitReader(struct{ io.Reader }{f}, 1<<20)
	for _, want := range []string{"first", "", strings.Repeat("3", 5000)} {
		if got := readFrame(t, r); got != want {
			t.Errorf("got a %d-byte datagram back, want %d bytes", len(got), len(want))
		}
	}
}

func TestUDPFlowEndsWhenIdle(t *testing.T) {
	nettest.NoLeaks(t)
	const idle = 200 * time.Millisecond
	f, err := dialUDP(context.Background(), nettest.UDPEcho(t), idle, logging.Discard())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	n, err := f.Read(make([]byte, 16))
	if n != 0 || err != io.EOF {
		t.Fatalf("got %d, %v from an idle flow, want EOF", n, err)
	}
	if took := time.Since(start); took < idle {
		t.Errorf("the flow ended after %v, before its %v idle timeout", took, idle)
	}
}

func TestUDPFlowRefusesOversizedFrame(t *testing.T) {
	nettest.NoLeaks(t)
	f, err := dialUDP(context.Background(), nettest.UDPEcho(t), time.Minute, logging.Discard())
	if err != nil {
		t.Fatal(err)
	}
	var header [datagram.HeaderSize]byte
	binary.BigEndian.PutUint16(header[:], datagram.MaxSize+1)
	if _, err := f.Write(header[:]); !errors.Is(err, datagram.ErrTooLarge) {
		t.Errorf("got %v for an oversized frame, want ErrTooLarge", err)
	}
	f.Close()
	if _, err := f.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("got %v from a closed flow, want EOF", err)
	}
}

func TestUDPFlowCloseEndsRead(t *testing.T) {
	nettest.NoLeaks(t)
	f, err := dialUDP(context.Background(), nettest.UDPEcho(t), time.Minute, logging.Discard())
	if err != nil {
		t.Fatal(err)
	}
	read := make(chan error, 1)
	go func() {
		_, err := f.Read(make([]byte, 1))
		read <- err
	}()
	f.Close()
	select {
	case err := <-read:
		if err != io.EOF {
			t.Errorf("got %v from a Read ended by Close, want EOF", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not end a Read under way")
	}
	if _, err := f.Write(frame("late")); err == nil {
		t.Error("a write to a closed flow succeeded")
	}
}

// TestUDPFlowsLeaveNoDescriptor opens and closes flows, used and not,
// and checks the daemon holds no more descriptors than before.
func TestUDPFlowsLeaveNoDescriptor(t *testing.T) {
	nettest.NoLeaks(t)
	target := nettest.UDPEcho(t)
	before, err := procfs.FDCount(os.Getpid())
	if err != nil {
		t.Skipf("count open files: %v", err)
	}
	for i := range 20 {
		f, err := dialUDP(context.Background(), target, time.Minute, logging.Discard())
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			f.Write(frame("ping"))
			if got := readFrame(t, f); got != "ping" {
				t.Fatalf("got %q back, want ping", got)
			}
		}
		f.Close()
	}
	if after, _ := procfs.FDCount(os.Getpid()); after > before {
		t.Errorf("%d descriptors open after the flows closed, %d before", after, before)
	}
}
