// Package status serves a process's metrics and status page on a listener
// of its own, loopback by default: Prometheus text at /metrics, a page
// that refreshes itself at /, the same data as JSON at /status.json. It
// also reads that JSON back for `nport status`.
//
// The server is a small HTTP/1.1 responder, not net/http: one request per
// connection, GET or HEAD, a bounded request head, a deadline for the
// whole exchange, and a few connections at once. That is all Prometheus,
// a browser and `nport status` need, and it keeps net/http (about 0.9 MB
// of the linux/mipsle binary) out of the router build.
package status

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"time"

	"github.com/nport/nport/core/metrics"
)

// Bounds of one request.
const (
	// Deadline bounds a connection from accept to the last byte sent.
	Deadline = 5 * time.Second
	// MaxHead bounds the request line and headers.
	MaxHead = 8 << 10
	// MaxConns bounds the connections served at once; more are closed.
	MaxConns = 16
)

// Server serves one registry.
type Server struct {
	reg    *metrics.Registry
	log    *slog.Logger
	public bool // listening beyond loopback: any Host header is fine
	limit  time.Duration
	slots  chan struct{}
	wg     sync.WaitGroup
}

// Serve serves reg on ln until ctx ends, sampling its history meanwhile,
// then closes ln and returns once every connection is done.
func Serve(ctx context.Context, ln net.Listener, reg *metrics.Registry, public bool, log *slog.Logger) {
	s := &Server{reg: reg, log: log, public: public, limit: Deadline, slots: make(chan struct{}, MaxConns)}
	s.serve(ctx, ln)
}

func (s *Server) serve(ctx context.Context, ln net.Listener) {
	log := s.log
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	s.wg.Go(func() { s.sample(ctx) })
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, net.ErrClosed) {
				log.Warn("status listener failed", "err", err)
			}
			break
		}
		select {
		case s.slots <- struct{}{}:
			s.wg.Go(func() {
				defer func() { <-s.slots }()
				s.serveConn(c)
			})
		default:
			c.Close()
		}
	}
	ln.Close()
	s.wg.Wait()
}

// sample adds to the history every metrics.SampleEvery.
func (s *Server) sample(ctx context.Context) {
	s.reg.Sample()
	t := time.NewTicker(metrics.SampleEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.reg.Sample()
		case <-ctx.Done():
			return
		}
	}
}

// request is what the responder reads of a request.
type request struct {
	method, path, host string
}

func (s *Server) serveConn(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(s.limit))
	req, err := readRequest(bufio.NewReaderSize(io.LimitReader(c, MaxHead), 1024))
	if err != nil {
		s.log.Debug("status request refused", "remote", c.RemoteAddr().String(), "err", err)
		writeResponse(c, false, 400, "text/plain; charset=utf-8", []byte(err.Error()+"\n"))
		return
	}
	head := req.method == "HEAD"
	if !s.public && !loopbackHost(req.host) {
		writeResponse(c, head, 421, "text/plain; charset=utf-8", []byte("this status page answers to a loopback host name only (127.0.0.1, [::1], localhost)\n"))
		return
	}
	code, ctype, body := s.route(req)
	writeResponse(c, head, code, ctype, body)
}

// readRequest reads the request line and headers; the body, which a GET
// has none of, is never read.
func readRequest(br *bufio.Reader) (request, error) {
	tp := textproto.NewReader(br)
	line, err := tp.ReadLine()
	if err != nil {
		return request{}, fmt.Errorf("no request line: %w", err)
	}
	method, rest, ok1 := strings.Cut(line, " ")
	target, proto, ok2 := strings.Cut(rest, " ")
	if !ok1 || !ok2 || !strings.HasPrefix(proto, "HTTP/1.") {
		return request{}, errors.New("not an HTTP/1 request line")
	}
	if method != "GET" && method != "HEAD" {
		return request{}, fmt.Errorf("method %s: only GET and HEAD are served", method)
	}
	hdr, err := tp.ReadMIMEHeader()
	if err != nil {
		return request{}, fmt.Errorf("bad headers (at most %d bytes): %w", MaxHead, err)
	}
	path, _, _ := strings.Cut(target, "?")
	return request{method: method, path: path, host: hdr.Get("Host")}, nil
}

// loopbackHost reports whether a Host header names this machine, so a web
// page elsewhere cannot read the status through a rebound DNS name.
func loopbackHost(host string) bool {
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	h = strings.Trim(h, "[]")
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

var statusText = map[int]string{200: "OK", 400: "Bad Request", 404: "Not Found", 421: "Misdirected Request", 500: "Internal Server Error"}

// writeResponse writes a whole response and ends the connection's use.
func writeResponse(w io.Writer, head bool, code int, ctype string, body []byte) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n", code, statusText[code], ctype, len(body))
	b.WriteString("Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n")
	b.WriteString("Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n\r\n")
	if !head {
		b.Write(body)
	}
	_, _ = w.Write(b.Bytes())
}
