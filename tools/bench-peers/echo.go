//go:build linux

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"
)

// requestSize is the size of one request and of its answer.
const requestSize = 64

// echoServer is the round-trip target: it sends back what it reads.
type echoServer struct {
	ln    net.Listener
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns map[net.Conn]bool
}

func startEcho(port int) (*echoServer, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("echo service: %w", err)
	}
	e := &echoServer{ln: ln, conns: map[net.Conn]bool{}}
	e.wg.Add(1)
	go e.serve()
	return e, nil
}

func (e *echoServer) serve() {
	defer e.wg.Done()
	for {
		c, err := e.ln.Accept()
		if err != nil {
			return
		}
		e.mu.Lock()
		e.conns[c] = true
		e.mu.Unlock()
		e.wg.Add(1)
		go e.echo(c)
	}
}

func (e *echoServer) echo(c net.Conn) {
	defer e.wg.Done()
	io.Copy(c, c)
	c.Close()
	e.mu.Lock()
	delete(e.conns, c)
	e.mu.Unlock()
}

// close stops the service and ends its connections, freeing the port.
func (e *echoServer) close() {
	e.ln.Close()
	e.mu.Lock()
	for c := range e.conns {
		c.Close()
	}
	e.mu.Unlock()
	e.wg.Wait()
}

// echoOnce is one round trip on a fresh connection: the readiness probe.
func echoOnce(ctx context.Context, port int) error {
	d := net.Dialer{Timeout: time.Second}
	c, err := d.DialContext(ctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	return roundTrip(c, make([]byte, requestSize), make([]byte, requestSize))
}

// roundTrip sends req and waits for it to come back in resp.
func roundTrip(c net.Conn, req, resp []byte) error {
	if _, err := c.Write(req); err != nil {
		return err
	}
	if _, err := io.ReadFull(c, resp); err != nil {
		return err
	}
	if !bytes.Equal(req, resp) {
		return fmt.Errorf("the answer differs from the request")
	}
	return nil
}

// roundTrips times n round trips of requestSize bytes on one connection
// after warmup untimed ones, and returns every duration.
func roundTrips(ctx context.Context, port, warmup, n int) ([]time.Duration, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("round trips: %w", err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	req, resp := make([]byte, requestSize), make([]byte, requestSize)
	took := make([]time.Duration, 0, n)
	for i := range warmup + n {
		req[0], req[1] = byte(i), byte(i>>8) // each answer must be the latest request's
		c.SetDeadline(time.Now().Add(10 * time.Second))
		start := time.Now()
		if err := roundTrip(c, req, resp); err != nil {
			return nil, fmt.Errorf("round trip %d: %w", i+1, err)
		}
		if i >= warmup {
			took = append(took, time.Since(start))
		}
	}
	return took, nil
}
