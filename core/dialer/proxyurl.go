package dialer

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// parseProxy reads "http://[user:pass@]host[:port]"; a value without a
// scheme is taken as http, as curl does. A path after the host is ignored.
func parseProxy(s, source string) (*proxyURL, error) {
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := splitURL(s)
	if err != nil {
		return nil, fmt.Errorf("bad proxy %s: want http://[user:pass@]host:port (check %s): %w", redact(s), source, err)
	}
	if u.scheme != "http" {
		return nil, fmt.Errorf("bad proxy %s: only http:// proxies (HTTP CONNECT) are supported (check %s)", redact(s), source)
	}
	if u.host == "" {
		return nil, fmt.Errorf("bad proxy %s: no host: want http://[user:pass@]host:port (check %s)", redact(s), source)
	}
	port := u.port
	if port == "" {
		port = "80"
	}
	return &proxyURL{addr: net.JoinHostPort(u.host, port), user: u.user, pass: u.pass, hasUser: u.hasUser, source: source}, nil
}

// rawURL holds the parts of "scheme://[user[:pass]@]host[:port][/...]"
// that a proxy setting uses.
type rawURL struct {
	scheme, host, port string
	user, pass         string // percent-decoded
	hasUser, hasPass   bool
	rawUser            string // the user as written, for redact
	hostAt             int    // where the host starts in the string
}

// splitURL splits a URL's authority as RFC 3986 does. Its errors never
// repeat the URL, which may hold a password.
func splitURL(s string) (rawURL, error) {
	var u rawURL
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || !validScheme(scheme) {
		return u, errors.New("missing or malformed scheme")
	}
	u.scheme = strings.ToLower(scheme)
	u.hostAt = len(scheme) + len("://")
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		if err := u.setUserinfo(authority[:at]); err != nil {
			return u, err
		}
		authority = authority[at+1:]
		u.hostAt += at + 1
	}
	var err error
	u.host, u.port, err = splitAuthorityHost(authority)
	return u, err
}

// setUserinfo reads "user[:pass]".
func (u *rawURL) setUserinfo(info string) error {
	rawUser, rawPass, hasPass := strings.Cut(info, ":")
	user, err1 := unescape(rawUser)
	pass, err2 := unescape(rawPass)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	u.user, u.pass, u.hasUser, u.hasPass, u.rawUser = user, pass, true, hasPass, rawUser
	return nil
}

// splitAuthorityHost splits "host[:port]" or "[ipv6][:port]".
func splitAuthorityHost(s string) (host, port string, err error) {
	host, rest := s, ""
	if strings.HasPrefix(s, "[") {
		end := strings.Index(s, "]")
		if end < 0 {
			return "", "", errors.New("missing ']' after an IPv6 address")
		}
		host, rest = strings.Replace(s[1:end], "%25", "%", 1), s[end+1:]
		if ip, err := netip.ParseAddr(host); err != nil || !ip.Is6() {
			return "", "", errors.New("malformed IPv6 address between [ and ]")
		}
	} else if i := strings.LastIndexByte(s, ':'); i >= 0 {
		host, rest = s[:i], s[i:]
		if err := checkHost(host); err != nil {
			return "", "", err
		}
	} else if err := checkHost(host); err != nil {
		return "", "", err
	}
	if rest == "" {
		return host, "", nil
	}
	if rest[0] != ':' {
		return "", "", errors.New("unexpected text after ]: want [ipv6]:port")
	}
	return host, rest[1:], checkPort(rest[1:])
}

// checkHost accepts a host name or an IPv4 address.
func checkHost(host string) error {
	for i := 0; i < len(host); i++ {
		switch c := host[i]; {
		case c == ':':
			return errors.New("a colon in the host: put an IPv6 address between [ and ]")
		case c != '.' && c != '-' && c != '_' && !isAlnum(c):
			return fmt.Errorf("invalid character %q in the host", c)
		}
	}
	return nil
}

// checkPort accepts an empty port (the default) or 0-65535.
func checkPort(port string) error {
	for i := 0; i < len(port); i++ {
		if !isDigit(port[i]) {
			return fmt.Errorf("invalid port %q after the host", ":"+port)
		}
	}
	if n, err := strconv.Atoi(port); port != "" && (err != nil || n > 65535) {
		return fmt.Errorf("port %s out of range", port)
	}
	return nil
}

// validScheme reports whether s is an RFC 3986 scheme.
func validScheme(s string) bool {
	if s == "" || isDigit(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// unescape decodes %XX escapes. Its errors do not repeat s, which may be a
// password.
func unescape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '%':
			if i+2 >= len(s) || unhex(s[i+1]) < 0 || unhex(s[i+2]) < 0 {
				return "", errors.New("malformed %-escape: want % and two hex digits")
			}
			b.WriteByte(byte(unhex(s[i+1])<<4 | unhex(s[i+2])))
			i += 2
		case c <= ' ' || c == 0x7f:
			return "", errors.New("a space or control character: write it %-escaped")
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// unhex returns the value of a hex digit, or -1.
func unhex(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// redact hides a password in a proxy URL before it goes into an error; a
// URL that does not parse keeps only what follows its last "@".
func redact(s string) string {
	u, err := splitURL(s)
	if err != nil {
		if at := strings.LastIndex(s, "@"); at >= 0 {
			return "…@" + s[at+1:]
		}
		return s
	}
	if !u.hasPass {
		return s
	}
	return s[:len(u.scheme)+len("://")] + u.rawUser + ":xxxxx@" + s[u.hostAt:]
}
