package identity

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// RelayPrefix starts the pin subject of a relay: "relay:HOST:PORT".
const RelayPrefix = "relay:"

// RelaySubject returns the pin subject of the relay at addr (host:port).
func RelaySubject(addr string) string { return RelayPrefix + strings.ToLower(addr) }

// canonSubject returns the form subjects are compared in: relay hosts are
// case-insensitive, so they are lowercased; names are lowercase already.
func canonSubject(s string) string {
	if rest, ok := strings.CutPrefix(s, RelayPrefix); ok {
		return RelayPrefix + strings.ToLower(rest)
	}
	return s
}

// checkSubject accepts an identity name or "relay:HOST:PORT", and nothing
// that could break a line of the pins file.
func checkSubject(s string) error {
	rest, ok := strings.CutPrefix(s, RelayPrefix)
	if !ok {
		_, err := ParseName(s)
		return err
	}
	host, port, err := net.SplitHostPort(rest)
	if err == nil && (host == "" || !hostChars(host)) {
		err = fmt.Errorf("bad host %q", host)
	}
	if n, perr := strconv.ParseUint(port, 10, 16); err == nil && (perr != nil || n == 0) {
		err = fmt.Errorf("bad port %q", port)
	}
	if err != nil {
		return fmt.Errorf("identity: bad subject %q: want an identity name or %sHOST:PORT: %w", s, RelayPrefix, err)
	}
	return nil
}

// hostChars reports whether host holds only what DNS names and IP
// addresses (v6 with a zone included) are made of.
func hostChars(host string) bool {
	for i := 0; i < len(host); i++ {
		c := host[i]
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '.' || c == '-' || c == '_' || c == ':' || c == '%'
		if !ok {
			return false
		}
	}
	return true
}
