package pairing

import (
	"io"
	"net"
	"slices"
	"testing"
	"time"
)

// BenchmarkSetup measures a session's data-plane set-up: open, two
// sockets dialed, two hellos, both told they are paired. It reports the
// median and 99th percentile; run it with -benchtime=100x, as each
// session leaves two sockets in TIME_WAIT.
func BenchmarkSetup(b *testing.B) {
	f := startServer(b, Config{MaxSessions: 1 << 20, MaxSessionsPerIdentity: 1 << 20})
	var took []time.Duration
	for b.Loop() {
		start := time.Now()
		id, g := f.open("@alice")
		c, d := f.join(b, id, g.Client), f.join(b, id, g.Daemon)
		readPaired(b, c)
		readPaired(b, d)
		took = append(took, time.Since(start))
		c.Close()
		d.Close()
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkThroughput copies one way through a paired session, spliced
// and snooped, against a direct loopback connection.
func BenchmarkThroughput(b *testing.B) {
	const chunk = 64 << 10
	cases := []struct {
		name string
		pair func(b *testing.B) (w, r net.Conn)
	}{
		{"direct", func(b *testing.B) (net.Conn, net.Conn) { return loopback(b) }},
		{"rendezvous", func(b *testing.B) (net.Conn, net.Conn) { return paired(b, Config{}) }},
		{"rendezvous-snoop", func(b *testing.B) (net.Conn, net.Conn) { return paired(b, Config{Snoop: true}) }},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			w, r := tc.pair(b)
			done := make(chan error, 1)
			go func() {
				_, err := io.Copy(io.Discard, r)
				done <- err
			}()
			buf := make([]byte, chunk)
			b.SetBytes(chunk)
			for b.Loop() {
				if _, err := w.Write(buf); err != nil {
					b.Fatal(err)
				}
			}
			w.(*net.TCPConn).CloseWrite()
			if err := <-done; err != nil {
				b.Fatal(err)
			}
		})
	}
}

// paired returns the two ends of a session through a new server.
func paired(b *testing.B, cfg Config) (client, daemon net.Conn) {
	f := startServer(b, cfg)
	id, g := f.open("@alice")
	c, d := f.join(b, id, g.Client), f.join(b, id, g.Daemon)
	readPaired(b, c)
	readPaired(b, d)
	return c, d
}

// loopback returns the two ends of a direct loopback TCP connection.
func loopback(b *testing.B) (net.Conn, net.Conn) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	d, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	a, err := ln.Accept()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close(); a.Close() })
	return d, a
}
