package dialer

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// maxConnectHeader bounds the proxy's answer, so a broken proxy cannot
// make the dialer read forever.
const maxConnectHeader = 16 << 10

// dialProxy connects to the proxy and asks it for a tunnel to addr.
func dialProxy(ctx context.Context, d interface {
	DialContext(context.Context, string, string) (net.Conn, error)
}, p *proxyURL, addr string) (net.Conn, error) {
	conn, err := d.DialContext(ctx, "tcp", p.addr)
	if err != nil {
		return nil, fmt.Errorf("dial proxy %s for %s: %w (check %s)", p.addr, addr, err, p.source)
	}
	tunnel, err := connect(ctx, conn, p, addr)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return tunnel, nil
}

// connect sends CONNECT addr on conn and reads the proxy's answer. Bytes
// the proxy sent after its header (the server may speak first) are kept
// and read first from the connection returned.
func connect(ctx context.Context, conn net.Conn, p *proxyURL, addr string) (net.Conn, error) {
	// The exchange obeys ctx: cancelling it breaks the reads and writes.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	req := "CONNECT " + addr + " HTTP/1.1\r\nHost: " + addr + "\r\n"
	if p.hasUser {
		req += "Proxy-Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(p.user+":"+p.pass)) + "\r\n"
	}
	if _, err := io.WriteString(conn, req+"\r\n"); err != nil {
		return nil, proxyIOError(ctx, p, addr, "send CONNECT", err)
	}
	limited := &io.LimitedReader{R: conn, N: maxConnectHeader}
	br := bufio.NewReader(limited)
	ans, err := readAnswer(br)
	if errors.Is(err, io.ErrUnexpectedEOF) && limited.N == 0 {
		err = fmt.Errorf("its header is longer than %d bytes", maxConnectHeader)
	}
	if err != nil {
		return nil, proxyIOError(ctx, p, addr, "read the answer to CONNECT", err)
	}
	if err := connectStatus(ans, p, addr); err != nil {
		return nil, err
	}
	if !stop() {
		return nil, proxyIOError(ctx, p, addr, "CONNECT", ctx.Err())
	}
	if n := br.Buffered(); n > 0 {
		early, _ := br.Peek(n)
		return &prefixConn{Conn: conn, early: early}, nil
	}
	return conn, nil
}

// connectStatus turns a proxy's refusal into an error that says what to do.
func connectStatus(resp answer, p *proxyURL, addr string) error {
	switch {
	case resp.code/100 == 2:
		return nil
	case resp.code == statusProxyAuthRequired && !p.hasUser:
		return &refusal{resp.code, fmt.Sprintf("proxy %s wants credentials for CONNECT %s: %s (put them in the proxy URL, http://user:pass@host:port, in %s)",
			p.addr, addr, resp.status, p.source)}
	case resp.code == statusProxyAuthRequired:
		return &refusal{resp.code, fmt.Sprintf("proxy %s did not accept the credentials for CONNECT %s: %s (check the user and password in %s)",
			p.addr, addr, resp.status, p.source)}
	}
	return &refusal{resp.code, fmt.Sprintf("proxy %s refused CONNECT %s: %s (check %s, and that the proxy allows this host and port)",
		p.addr, addr, resp.status, p.source)}
}

// refusal is a proxy's answer to CONNECT other than 2xx.
type refusal struct {
	code int
	msg  string
}

func (r *refusal) Error() string { return r.msg }

// Is makes a 407 answer ErrProxyAuth.
func (r *refusal) Is(target error) bool {
	return target == ErrProxyAuth && r.code == statusProxyAuthRequired
}

// proxyIOError wraps a failure talking to the proxy; a cancelled ctx is
// reported as such rather than as the deadline it caused.
func proxyIOError(ctx context.Context, p *proxyURL, addr, op string, err error) error {
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	return fmt.Errorf("proxy %s: %s %s: %w (check %s)", p.addr, op, addr, err, p.source)
}

// prefixConn is a connection whose first bytes were read already, into
// early, while reading the proxy's header.
type prefixConn struct {
	net.Conn
	early []byte
}

// Read returns the early bytes first, then reads the connection.
func (c *prefixConn) Read(b []byte) (int, error) {
	if len(c.early) > 0 {
		n := copy(b, c.early)
		c.early = c.early[n:]
		return n, nil
	}
	return c.Conn.Read(b)
}
