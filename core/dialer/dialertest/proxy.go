// Package dialertest provides what tests of outbound connections need: a
// small HTTP CONNECT proxy and a self-signed TLS certificate.
package dialertest

import (
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Proxy is an HTTP CONNECT proxy on 127.0.0.1 for one test. It is closed,
// tunnels included, when the test ends.
type Proxy struct {
	// Addr is the proxy's host:port.
	Addr string
	// URL is "http://Addr", with the credentials if any are required.
	URL string

	srv     *httptest.Server
	user    string
	pass    string
	refuse  bool
	mu      sync.Mutex
	targets []string
	conns   map[net.Conn]struct{}
	wg      sync.WaitGroup
}

// ProxyOptions configure StartProxy.
type ProxyOptions struct {
	// User and Pass, if User is set, are required in Proxy-Authorization.
	User, Pass string
	// Refuse answers every CONNECT with 403 Forbidden.
	Refuse bool
}

// StartProxy starts a proxy that stops at the end of the test.
func StartProxy(t testing.TB, o ProxyOptions) *Proxy {
	p := &Proxy{user: o.User, pass: o.Pass, refuse: o.Refuse, conns: make(map[net.Conn]struct{})}
	p.srv = httptest.NewServer(p)
	p.Addr = p.srv.Listener.Addr().String()
	p.URL = "http://" + p.Addr
	if o.User != "" {
		p.URL = "http://" + o.User + ":" + o.Pass + "@" + p.Addr
	}
	t.Cleanup(p.Close)
	return p
}

// Targets returns the addresses CONNECT was asked for, in order.
func (p *Proxy) Targets() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.targets...)
}

// Close stops the proxy and cuts every tunnel, then waits for them.
func (p *Proxy) Close() {
	p.srv.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
	p.wg.Wait()
}

// ServeHTTP answers CONNECT requests.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect {
		http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
		return
	}
	p.mu.Lock()
	p.targets = append(p.targets, r.Host)
	p.mu.Unlock()
	if p.user != "" && r.Header.Get("Proxy-Authorization") != "Basic "+base64.StdEncoding.EncodeToString([]byte(p.user+":"+p.pass)) {
		w.Header().Set("Proxy-Authenticate", `Basic realm="test"`)
		http.Error(w, "credentials required", http.StatusProxyAuthRequired)
		return
	}
	if p.refuse {
		http.Error(w, "not allowed", http.StatusForbidden)
		return
	}
	target, err := net.Dial("tcp", r.Host)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	client, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		target.Close()
		return
	}
	if !p.track(client, target) {
		return
	}
	io.WriteString(client, "HTTP/1.1 200 Connection established\r\n\r\n")
	p.wg.Add(2)
	go p.pipe(target, io.MultiReader(buf.Reader, client), client)
	go p.pipe(client, target, target)
}

// track registers a tunnel's two connections, unless the proxy is closed.
func (p *Proxy) track(client, target net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conns == nil {
		client.Close()
		target.Close()
		return false
	}
	p.conns[client] = struct{}{}
	p.conns[target] = struct{}{}
	return true
}

// pipe copies one direction of a tunnel, then cuts both connections, as
// a proxy that sees one side go away does.
func (p *Proxy) pipe(dst net.Conn, src io.Reader, srcConn net.Conn) {
	defer p.wg.Done()
	io.Copy(dst, src)
	dst.Close()
	srcConn.Close()
	p.mu.Lock()
	delete(p.conns, dst)
	delete(p.conns, srcConn)
	p.mu.Unlock()
}
