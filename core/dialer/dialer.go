// Package dialer opens the outbound connections of nport: plain TCP, TLS,
// and either of them through an HTTP CONNECT proxy, so that a device behind
// a corporate proxy or a firewall that only lets port 443 out still reaches
// its relay.
package dialer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
)

// Errors of Dial, checked with errors.Is.
var (
	// ErrProxy marks every failure on the way through the proxy: reaching
	// it, or its refusal; its message says which setting to check.
	ErrProxy = errors.New("dialer: through the proxy")
	// ErrProxyAuth is a proxy that answered 407 to CONNECT: it wants
	// credentials, or others than those it was given.
	ErrProxyAuth = errors.New("dialer: the proxy wants other credentials")
)

// proxyError is a failure of the proxy's leg of a dial: ErrProxy, and
// what went wrong.
type proxyError struct{ err error }

func (e *proxyError) Error() string        { return e.err.Error() }
func (e *proxyError) Unwrap() error        { return e.err }
func (e *proxyError) Is(target error) bool { return target == ErrProxy }

// Options say how to reach an address.
type Options struct {
	// TLS, if not nil, wraps the connection in TLS. Its ServerName
	// defaults to the host of the address dialled.
	TLS *tls.Config

	// Proxy is an HTTP proxy URL, "http://host:port" or
	// "http://user:pass@host:port". Empty means the environment decides
	// (HTTPS_PROXY, https_proxy, honouring NO_PROXY and no_proxy); "none"
	// or "direct" means no proxy whatever the environment says.
	Proxy string

	// Dialer, if not nil, opens the TCP connections, to the proxy or the
	// address; tests and embedders set it. Nil is a net.Dialer.
	Dialer interface {
		DialContext(ctx context.Context, network, addr string) (net.Conn, error)
	}
}

// Dial connects to addr (host:port) as opts say. ctx bounds the whole of
// it: the TCP connection, the proxy's answer and the TLS handshake. The
// connection returned is the caller's to close.
func Dial(ctx context.Context, addr string, opts Options) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: want HOST:PORT: %w", addr, err)
	}
	proxy, err := proxyFor(addr, opts.Proxy)
	if err != nil {
		return nil, err
	}
	var conn net.Conn
	if proxy != nil {
		if conn, err = dialProxy(ctx, opts.dialer(), proxy, addr); err != nil {
			err = &proxyError{err}
		}
	} else {
		conn, err = opts.dialer().DialContext(ctx, "tcp", addr)
		if err != nil {
			err = fmt.Errorf("dial %s: %w", addr, err)
		}
	}
	if err != nil || opts.TLS == nil {
		return conn, err
	}
	return handshakeTLS(ctx, conn, opts.TLS, host, addr)
}

// dialer returns the TCP dialer to use.
func (o Options) dialer() interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
} {
	if o.Dialer != nil {
		return o.Dialer
	}
	return &net.Dialer{}
}

// handshakeTLS runs a TLS client handshake on conn and closes conn if it
// fails.
func handshakeTLS(ctx context.Context, conn net.Conn, cfg *tls.Config, host, addr string) (net.Conn, error) {
	cfg = cfg.Clone()
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("tls handshake with %s: %w (does it serve TLS, with a certificate for %s from a CA you trust?)",
			addr, err, cfg.ServerName)
	}
	return tc, nil
}
