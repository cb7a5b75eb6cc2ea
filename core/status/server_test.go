package status

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nport/nport/core/metrics"
	"github.com/nport/nport/core/nettest"
)

// serveTest serves a registry on 127.0.0.1 with a short deadline until the
// test ends, and returns its address.
func serveTest(t *testing.T, reg *metrics.Registry, limit time.Duration) string {
	t.Helper()
	nettest.NoLeaks(t)
	ln, err := Listen(context.Background(), "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{reg: reg, log: slog.New(slog.DiscardHandler), limit: limit, slots: make(chan struct{}, MaxConns)}
	var wg sync.WaitGroup
	wg.Go(func() { s.serve(ctx, ln) })
	t.Cleanup(func() { cancel(); wg.Wait() })
	return ln.Addr().String()
}

// exchange sends raw to addr and returns all it answers.
func exchange(t *testing.T, addr, raw string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(c)
	return string(b)
}

func TestRoutes(t *testing.T) {
	reg := metrics.New(metrics.RoleRendezvous)
	reg.SetInfo("identity", "@rv")
	addr := serveTest(t, reg, 5*time.Second)
	for _, c := range []struct {
		req, status, contains string
	}{
		{"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "200 OK", "# TYPE nport_sessions_live gauge"},
		{"GET /status.json HTTP/1.1\r\nHost: localhost:1\r\n\r\n", "200 OK", `"role": "rendezvous"`},
		{"GET /?x=1 HTTP/1.0\r\nHost: [::1]:9\r\n\r\n", "200 OK", "<td>@rv</td>"},
		{"HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "200 OK", "Content-Length: "},
		{"GET /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "404 Not Found", "try /"},
		{"GET / HTTP/1.1\r\nHost: attacker.example\r\n\r\n", "421 Misdirected Request", "loopback host"},
		{"POST /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "400 Bad Request", "only GET and HEAD"},
		{"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n", "400 Bad Request", "not an HTTP/1 request line"},
		{"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX: " + strings.Repeat("a", 2*MaxHead) + "\r\n\r\n", "400 Bad Request", "bad headers"},
	} {
		got := exchange(t, addr, c.req)
		first, _, _ := strings.Cut(got, "\r\n")
		if first != "HTTP/1.1 "+c.status || !strings.Contains(got, c.contains) {
			t.Errorf("%.40q: got %q…, want status %s and %q", c.req, clip(got, 300), c.status, c.contains)
		}
	}
	if got := exchange(t, addr, "HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"); strings.Contains(got, "<html") {
		t.Errorf("HEAD answered a body: %q", clip(got, 300))
	}
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func TestSlowClientIsCut(t *testing.T) {
	addr := serveTest(t, metrics.New(metrics.RoleDaemon), 200*time.Millisecond)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\n") // and nothing more
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("the server did not close a silent client: %v", err)
	}
	if !strings.HasPrefix(string(got), "HTTP/1.1 400") && len(got) != 0 {
		t.Errorf("a silent client got %q, want a 400 or nothing", got)
	}
}

func TestTooManyConnectionsAreClosed(t *testing.T) {
	addr := serveTest(t, metrics.New(metrics.RoleDaemon), 3*time.Second)
	var held []net.Conn
	for range MaxConns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	// One more is closed at once, without an answer, while they hold.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err == nil {
		t.Errorf("connection %d was served (%q), want it closed", MaxConns+1, line)
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Errorf("connection %d was left waiting, want it closed", MaxConns+1)
	}
}

func TestListenRefusesPublicAddresses(t *testing.T) {
	for _, addr := range []string{":0", "0.0.0.0:0", "[::]:0", "192.0.2.1:0"} {
		ln, err := Listen(context.Background(), addr, false)
		if err == nil {
			ln.Close()
			t.Errorf("Listen(%q) accepted a non-loopback address", addr)
		} else if !strings.Contains(err.Error(), "--metrics-public") {
			t.Errorf("Listen(%q): %v, want the error to name --metrics-public", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0", "0"} {
		ln, err := Listen(context.Background(), addr, false)
		if err != nil {
			t.Errorf("Listen(%q): %v", addr, err)
			continue
		}
		if host, _, _ := net.SplitHostPort(ln.Addr().String()); !net.ParseIP(host).IsLoopback() {
			t.Errorf("Listen(%q) listens on %s", addr, ln.Addr())
		}
		ln.Close()
	}
	ln, err := Listen(context.Background(), "0.0.0.0:0", true)
	if err != nil {
		t.Fatalf("--metrics-public 0.0.0.0:0: %v", err)
	}
	ln.Close()
}

func TestFetch(t *testing.T) {
	reg := metrics.New(metrics.RoleDaemon)
	reg.SetInfo("device", "pi")
	addr := serveTest(t, reg, 5*time.Second)
	snap, err := Fetch(context.Background(), addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Role != metrics.RoleDaemon || len(snap.Info) != 1 || snap.Info[0].Value != "pi" {
		t.Errorf("got %+v, want the daemon's status with device pi", snap)
	}
	if _, err := Get(context.Background(), addr, "/nothing", 5*time.Second); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("Get of a missing page: %v, want a 404 error", err)
	}
}
