package daemon

import (
	"fmt"
	"net"
	"strings"
)

// Permits is the daemon's --permit-open list: the host:port targets a
// manager may reach through it. A `*` stands for any host or any port, as
// in NoPorts (`localhost:*`, `*:22`).
type Permits []hostPort

type hostPort struct{ host, port string }

// ParsePermits reads entries of the form host:port.
func ParsePermits(entries []string) (Permits, error) {
	var p Permits
	for _, e := range entries {
		host, port, err := net.SplitHostPort(e)
		if err != nil || host == "" || port == "" {
			return nil, fmt.Errorf("permit-open entry %q: want host:port, with * for any host or port", e)
		}
		p = append(p, hostPort{strings.ToLower(host), port})
	}
	return p, nil
}

// Allows reports whether target (host:port) is permitted.
func (p Permits) Allows(target string) bool {
	host, port, err := net.SplitHostPort(target)
	if err != nil {
		return false
	}
	host = strings.ToLower(host)
	for _, hp := range p {
		if (hp.host == "*" || hp.host == host) && (hp.port == "*" || hp.port == port) {
			return true
		}
	}
	return false
}

// Strings lists the entries as host:port.
func (p Permits) Strings() []string {
	s := make([]string, len(p))
	for i, hp := range p {
		s[i] = net.JoinHostPort(hp.host, hp.port)
	}
	return s
}

// String lists the entries, for error messages.
func (p Permits) String() string { return strings.Join(p.Strings(), ",") }
