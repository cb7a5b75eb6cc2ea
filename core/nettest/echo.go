package nettest

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// TCPEcho serves TCP on 127.0.0.1, sending back what each connection
// sends until it ends its side, until the test ends. It returns the
// address, and a channel that receives a value as each connection ends
// (values nobody takes beyond the first 1024 are dropped).
func TCPEcho(t testing.TB) (addr string, ended <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen on loopback: %v", err)
	}
	closed := make(chan struct{}, 1024)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				io.Copy(c, c)
				c.Close()
				select {
				case closed <- struct{}{}:
				default:
				}
			})
		}
	})
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return ln.Addr().String(), closed
}

// UDPEcho serves UDP on 127.0.0.1, sending each datagram back to its
// source, until the test ends. It returns the address.
func UDPEcho(t testing.TB) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen on loopback: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 1<<16)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			pc.WriteTo(buf[:n], from)
		}
	}()
	t.Cleanup(func() { pc.Close(); <-done })
	return pc.LocalAddr().String()
}

// Echo sends n random bytes on c, a TCP connection to an echo service,
// ends its side, and checks that the same bytes come back within timeout.
// It closes c.
func Echo(c net.Conn, n int, timeout time.Duration) error {
	defer c.Close()
	c.SetDeadline(time.Now().Add(timeout))
	want := make([]byte, n)
	rand.Read(want)
	go func() {
		c.Write(want)
		c.(interface{ CloseWrite() error }).CloseWrite()
	}()
	got, err := io.ReadAll(c)
	if err != nil {
		return fmt.Errorf("read the echo from %s: %w", c.RemoteAddr(), err)
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("from %s: got %d bytes back, not the %d sent", c.RemoteAddr(), len(got), n)
	}
	return nil
}
