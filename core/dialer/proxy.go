package dialer

import (
	"net"
	"net/netip"
	"os"
	"strings"
)

// Proxy values that turn the proxy off, whatever the environment says.
const (
	ProxyNone   = "none"
	ProxyDirect = "direct"
)

// proxyURL is a parsed proxy setting, with where it came from so that an
// error can point at the right knob.
type proxyURL struct {
	addr       string // host:port
	user, pass string // Basic credentials, if hasUser
	hasUser    bool
	source     string // "--proxy" or the environment variable's name
}

// proxyFor returns the proxy to reach addr through, or nil to go direct.
// setting is Options.Proxy.
func proxyFor(addr, setting string) (*proxyURL, error) {
	switch strings.ToLower(setting) {
	case ProxyNone, ProxyDirect:
		return nil, nil
	case "":
	default:
		return parseProxy(setting, "--proxy")
	}
	name, value := firstEnv("HTTPS_PROXY", "https_proxy")
	if value == "" {
		return nil, nil
	}
	_, noProxy := firstEnv("NO_PROXY", "no_proxy")
	if bypass(addr, noProxy) {
		return nil, nil
	}
	return parseProxy(value, name)
}

// firstEnv returns the first of the variables that is set, and its value.
func firstEnv(names ...string) (string, string) {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return n, v
		}
	}
	return "", ""
}

// bypass reports whether NO_PROXY (a comma list) says to reach addr
// directly. Entries are "*" (everything), a host name (that host and its
// subdomains), ".example.com" (subdomains only), an IP address or a CIDR
// prefix, each optionally with ":port" to match that port only.
func bypass(addr, noProxy string) bool {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, entry := range strings.Split(noProxy, ",") {
		entry = strings.ToLower(strings.TrimSpace(entry))
		if entry == "*" {
			return true
		}
		if entry != "" && matchEntry(host, port, entry) {
			return true
		}
	}
	return false
}

// matchEntry matches one NO_PROXY entry against host and port.
func matchEntry(host, port, entry string) bool {
	if prefix, err := netip.ParsePrefix(entry); err == nil {
		ip, err := netip.ParseAddr(host)
		return err == nil && prefix.Contains(ip.Unmap())
	}
	if h, p, err := net.SplitHostPort(entry); err == nil {
		if p != port {
			return false
		}
		entry = h
	}
	entry = strings.TrimSuffix(strings.Trim(entry, "[]"), ".")
	if strings.HasPrefix(entry, ".") {
		return strings.HasSuffix(host, entry)
	}
	return host == entry || strings.HasSuffix(host, "."+entry)
}
