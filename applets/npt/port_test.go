package npt

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/nport/nport/core/nettest"
)

// waitTimeout bounds waits for what takes milliseconds.
const waitTimeout = 10 * time.Second

func echoTCP(t *testing.T, c net.Conn, n int) {
	t.Helper()
	if err := nettest.Echo(c, n, waitTimeout); err != nil {
		t.Fatal(err)
	}
}

// TestTCPPortOutlivesTunnels carries a connection through one tunnel,
// ends that tunnel, connects while none is up, and checks that the
// waiting connection is carried by the next tunnel on the same port.
func TestTCPPortOutlivesTunnels(t *testing.T) {
	nettest.NoLeaks(t)
	target, _ := nettest.TCPEcho(t)
	p, err := listenTCP("127.0.0.1:0", discard)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx := context.Background()

	first := tunnelTo(t, target)
	served := serveIn(ctx, p, first)
	c, err := net.Dial("tcp", p.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	echoTCP(t, c, 10000)
	first.Close()
	if err := <-served; err == nil {
		t.Error("serve returned nil for a tunnel that ended, want why")
	}

	// Nothing carries the port now: the connection waits.
	c, err = net.Dial("tcp", p.Addr().String())
	if err != nil {
		t.Fatalf("the port closed with its tunnel: %v", err)
	}
	if err := p.wait(ctx); err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	served = serveIn(sctx, p, tunnelTo(t, target))
	echoTCP(t, c, 5000)
	stop()
	if err := <-served; err != nil {
		t.Errorf("serve stopped by its context returned %v, want nil", err)
	}
}

// TestUDPPortFlows sends datagrams from three sources through one tunnel
// and checks each gets its own back; then the flows, idle, are closed at
// both ends, and no goroutine or descriptor is left.
func TestUDPPortFlows(t *testing.T) {
	nettest.NoLeaks(t)
	target, ended := nettest.TCPEcho(t)
	p, err := listenUDP("127.0.0.1:0", discard)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.idle = 300 * time.Millisecond
	tun := tunnelTo(t, target)
	sctx, stop := context.WithCancel(context.Background())
	defer stop()
	served := serveIn(sctx, p, tun)
	fds := openFDs(t)

	for src := range 3 {
		c, err := net.Dial("udp", p.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		for i, size := range []int{0, 100, 20000} {
			want := bytes.Repeat([]byte{byte(src)}, size)
			if _, err := c.Write(want); err != nil {
				t.Fatal(err)
			}
			c.SetReadDeadline(time.Now().Add(waitTimeout))
			got := make([]byte, 65536)
			n, err := c.Read(got)
			if err != nil || !bytes.Equal(got[:n], want) {
				t.Fatalf("source %d, datagram %d: got %d bytes (%v), want %d of %d", src, i, n, err, size, src)
			}
		}
	}
	if got := flowCount(p); got != 3 {
		t.Errorf("got %d flows, want one per source, 3", got)
	}
	// The target sees each flow's stream end once the flow is idle.
	for i := range 3 {
		select {
		case <-ended:
		case <-time.After(waitTimeout):
			t.Fatalf("%d of 3 idle flows closed at the target after %v", i, waitTimeout)
		}
	}
	if got := flowCount(p); got != 0 {
		t.Errorf("got %d flows after they were idle, want 0", got)
	}
	waitFDs(t, fds+3) // the three sources' sockets, still open
	stop()
	if err := <-served; err != nil {
		t.Errorf("serve stopped by its context returned %v, want nil", err)
	}
}

func flowCount(p *udpPort) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.flows)
}

// TestUDPPortWithoutTunnel drops datagrams while no tunnel is up, and
// wait returns once one came.
func TestUDPPortWithoutTunnel(t *testing.T) {
	nettest.NoLeaks(t)
	p, err := listenUDP("127.0.0.1:0", discard)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("udp", p.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprint(c, "anyone?")
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := p.wait(ctx); err != nil {
		t.Fatalf("wait did not see the datagram: %v", err)
	}
	if got := flowCount(p); got != 0 {
		t.Errorf("got %d flows without a tunnel, want 0", got)
	}
}
