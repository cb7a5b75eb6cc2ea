package dialer

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// scriptedConn is a connection whose peer said answer and swallows writes.
type scriptedConn struct {
	net.Conn // nil: only the methods below are used
	answer   *bytes.Reader
}

func (c *scriptedConn) Read(b []byte) (int, error)       { return c.answer.Read(b) }
func (c *scriptedConn) Write(b []byte) (int, error)      { return len(b), nil }
func (c *scriptedConn) SetDeadline(time.Time) error      { return nil }
func (c *scriptedConn) Close() error                     { return nil }
func (c *scriptedConn) SetReadDeadline(time.Time) error  { return nil }
func (c *scriptedConn) SetWriteDeadline(time.Time) error { return nil }

// FuzzConnectAnswer feeds arbitrary proxy answers to the CONNECT exchange:
// it must never panic, and only a 2xx status may open the tunnel.
func FuzzConnectAnswer(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 Connection established\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		"HTTP/1.0 407 Proxy Authentication Required\r\n\r\n",
		"HTTP/1.1 403 Forbidden\r\n\r\n",
		"HTTP/1.1 200\r\n",
		"SSH-2.0-OpenSSH\r\n",
		"",
	} {
		f.Add([]byte(s))
	}
	p := &proxyURL{addr: "proxy:3128", source: "--proxy"}
	f.Fuzz(func(t *testing.T, answer []byte) {
		c, err := connect(context.Background(), &scriptedConn{answer: bytes.NewReader(answer)}, p, "relay:7020")
		if err != nil {
			return
		}
		line, _, _ := bytes.Cut(answer, []byte("\n"))
		fields := bytes.Fields(line)
		if len(fields) < 2 {
			t.Fatalf("opened a tunnel on %q, which has no status", line)
		}
		code, convErr := strconv.Atoi(string(fields[1]))
		if convErr != nil || code/100 != 2 {
			t.Fatalf("opened a tunnel on status %q", fields[1])
		}
		if c == nil {
			t.Fatal("got a nil connection and no error")
		}
	})
}

// FuzzParseProxy feeds arbitrary proxy settings to the URL parser: it must
// never panic, an accepted setting gives a host:port, and a refusal never
// shows the password.
func FuzzParseProxy(f *testing.F) {
	for _, s := range []string{"http://u:p%20w@p:3128", "p:3128", "http://[::1]:1/", "socks5://u:pw@p", "http://u:pw@p:x%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseProxy(s, "--proxy")
		if err != nil {
			u, uerr := splitURL(s)
			if uerr == nil && len(u.pass) > 3 && strings.Contains(err.Error(), ":"+u.pass+"@") {
				t.Fatalf("got %q, which shows the password", err)
			}
			return
		}
		if _, _, err := net.SplitHostPort(p.addr); err != nil {
			t.Fatalf("parsed %q to address %q: %v", s, p.addr, err)
		}
	})
}
