package dialer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/dialer/dialertest"
)

// echoServer accepts connections on 127.0.0.1 (in TLS if cert is given)
// and echoes what it reads; it stops at the end of the test.
func echoServer(t *testing.T, cert *dialertest.Cert) string {
	t.Helper()
	var ln net.Listener
	var err error
	if cert != nil {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert.TLS}})
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); io.Copy(c, c) }()
		}
	}()
	return ln.Addr().String()
}

// roundTrip writes a line on c and checks it comes back.
func roundTrip(t *testing.T, c net.Conn) {
	t.Helper()
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	want := "hello through nport\n"
	if _, err := io.WriteString(c, want); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(want))
	if _, err := io.ReadFull(c, got); err != nil || string(got) != want {
		t.Fatalf("got %q, %v, want %q", got, err, want)
	}
}

func clearProxyEnv(t *testing.T) {
	for _, k := range []string{"HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"} {
		t.Setenv(k, "")
	}
}

func TestDialDirect(t *testing.T) {
	clearProxyEnv(t)
	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:1") // ignored: "none"
	c, err := Dial(context.Background(), echoServer(t, nil), Options{Proxy: ProxyNone})
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, c)
}

func TestDialThroughProxy(t *testing.T) {
	clearProxyEnv(t)
	tests := []struct {
		name  string
		opts  dialertest.ProxyOptions
		creds string // user:pass to put in the URL
		want  string // error substring, "" for success
	}{
		{"open proxy", dialertest.ProxyOptions{}, "", ""},
		{"credentials accepted", dialertest.ProxyOptions{User: "u", Pass: "p w"}, "u:p%20w", ""},
		{"credentials missing", dialertest.ProxyOptions{User: "u", Pass: "pw"}, "", "wants credentials for CONNECT"},
		{"credentials wrong", dialertest.ProxyOptions{User: "u", Pass: "pw"}, "u:nope", "did not accept the credentials"},
		{"refused", dialertest.ProxyOptions{Refuse: true}, "", "403 Forbidden (check --proxy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := echoServer(t, nil)
			p := dialertest.StartProxy(t, tt.opts)
			url := "http://" + p.Addr
			if tt.creds != "" {
				url = "http://" + tt.creds + "@" + p.Addr
			}
			c, err := Dial(context.Background(), addr, Options{Proxy: url})
			if got := p.Targets(); len(got) != 1 || got[0] != addr {
				t.Errorf("got CONNECT targets %v, want [%s]", got, addr)
			}
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "proxy "+p.Addr) {
					t.Fatalf("got %v, want an error naming the proxy with %q", err, tt.want)
				}
				if strings.Contains(err.Error(), "nope") {
					t.Errorf("got %q, which shows the password", err)
				}
				if !errors.Is(err, ErrProxy) {
					t.Errorf("got %v, want it to be ErrProxy", err)
				}
				if got, want := errors.Is(err, ErrProxyAuth), strings.Contains(tt.name, "credentials"); got != want {
					t.Errorf("errors.Is(%v, ErrProxyAuth) = %v, want %v", err, got, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, c)
		})
	}
}

func TestDialEnvironmentProxy(t *testing.T) {
	tests := []struct {
		name    string
		noProxy string
		proxied bool
	}{
		{"HTTPS_PROXY used", "", true},
		{"NO_PROXY bypasses it", "localhost,127.0.0.1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearProxyEnv(t)
			addr := echoServer(t, nil)
			p := dialertest.StartProxy(t, dialertest.ProxyOptions{})
			t.Setenv("HTTPS_PROXY", p.URL)
			t.Setenv("NO_PROXY", tt.noProxy)
			c, err := Dial(context.Background(), addr, Options{})
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, c)
			if got := len(p.Targets()) == 1; got != tt.proxied {
				t.Errorf("got proxied %v (targets %v), want %v", got, p.Targets(), tt.proxied)
			}
		})
	}
}

func TestDialTLS(t *testing.T) {
	clearProxyEnv(t)
	cert := dialertest.SelfSigned(t)
	_, port, _ := net.SplitHostPort(echoServer(t, &cert))
	p := dialertest.StartProxy(t, dialertest.ProxyOptions{})
	tests := []struct {
		name  string
		addr  string
		proxy string
		roots *x509.CertPool
		want  string
	}{
		{"direct by name", "localhost:" + port, ProxyNone, cert.Pool, ""},
		{"direct by address", "127.0.0.1:" + port, ProxyNone, cert.Pool, ""},
		{"through the proxy", "localhost:" + port, p.URL, cert.Pool, ""},
		{"untrusted certificate", "localhost:" + port, p.URL, x509.NewCertPool(), "tls handshake with localhost:" + port},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Dial(context.Background(), tt.addr, Options{Proxy: tt.proxy, TLS: &tls.Config{RootCAs: tt.roots}})
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("got %v, want an error with %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := c.(*tls.Conn); !ok {
				t.Errorf("got a %T, want a *tls.Conn", c)
			}
			roundTrip(t, c)
		})
	}
}

// fakeProxy answers the first CONNECT on a raw listener with answer, in
// one write, then keeps the connection open until the test ends.
func fakeProxy(t *testing.T, answer string) (addr string, accepted <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	acc := make(chan struct{})
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		close(acc)
		buf := make([]byte, 1024)
		c.Read(buf)
		if answer != "" {
			io.WriteString(c, answer)
		}
		c.Read(buf) // until the client goes away
	}()
	return ln.Addr().String(), acc
}

func TestDialKeepsEarlyBytes(t *testing.T) {
	clearProxyEnv(t)
	addr, _ := fakeProxy(t, "HTTP/1.1 200 OK\r\nX-A: b\r\n\r\nnport greeting")
	c, err := Dial(context.Background(), "relay:7020", Options{Proxy: addr})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got := make([]byte, len("nport greeting"))
	if _, err := io.ReadFull(c, got); err != nil || string(got) != "nport greeting" {
		t.Errorf("got %q, %v, want the bytes after the proxy's header", got, err)
	}
}

func TestDialCancelledWhileProxyIsSilent(t *testing.T) {
	clearProxyEnv(t)
	addr, accepted := fakeProxy(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := Dial(ctx, "relay:7020", Options{Proxy: addr})
		errc <- err
	}()
	<-accepted
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestDialErrors(t *testing.T) {
	clearProxyEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	tests := []struct {
		name, addr, proxy, want string
	}{
		{"no port", "relay", ProxyNone, "want HOST:PORT"},
		{"nothing listening", closed, ProxyNone, "dial " + closed},
		{"proxy not listening", "relay:7020", closed, "dial proxy " + closed + " for relay:7020"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Dial(context.Background(), tt.addr, Options{Proxy: tt.proxy})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error with %q", err, tt.want)
			}
		})
	}
}
