package admission

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"
)

// step is one event of TestSeat. Admissions number their tickets in order,
// from 0, refused ones included.
type step struct {
	at   time.Duration // the clock when it happens
	do   string        // "admit SOURCE", "touch N" or "done N"
	want string        // for an admission: "seated", "refused", "shed N global", "shed N source"
}

func TestSeat(t *testing.T) {
	const a, b, c = "10.0.0.1", "10.0.0.2", "10.0.0.3"
	tests := []struct {
		name  string
		cfg   Config
		steps []step
		want  Stats
	}{
		{"global bound sheds the least recently active", Config{Max: 2}, []step{
			{0, "admit " + a, "seated"}, {1, "admit " + b, "seated"}, {2, "admit " + c, "shed 0 global"},
		}, Stats{Pending: 2, Sources: 2, PeakPending: 2, ShedGlobal: 1}},
		{"progress moves a socket back", Config{Max: 2}, []step{
			{0, "admit " + a, "seated"}, {1, "admit " + b, "seated"}, {2, "touch 0", ""}, {3, "admit " + c, "shed 1 global"},
		}, Stats{Pending: 2, Sources: 2, PeakPending: 2, ShedGlobal: 1}},
		{"done frees a seat", Config{Max: 2}, []step{
			{0, "admit " + a, "seated"}, {0, "admit " + b, "seated"}, {0, "done 0", ""}, {0, "admit " + c, "seated"},
		}, Stats{Pending: 2, Sources: 2, PeakPending: 2}},
		{"full source within the grace refuses", Config{PerSource: 2}, []step{
			{0, "admit " + a, "seated"}, {time.Second, "admit " + a, "seated"}, {1999 * time.Millisecond, "admit " + a, "refused"},
		}, Stats{Pending: 2, Sources: 1, PeakPending: 2, RefusedPerSource: 1}},
		{"full source sheds one idle past the grace", Config{PerSource: 2}, []step{
			{0, "admit " + a, "seated"}, {time.Second, "admit " + a, "seated"}, {2 * time.Second, "admit " + a, "shed 0 source"},
		}, Stats{Pending: 2, Sources: 1, PeakPending: 2, ShedPerSource: 1}},
		{"progress resets the idle time", Config{PerSource: 2}, []step{
			{0, "admit " + a, "seated"}, {500 * time.Millisecond, "admit " + a, "seated"}, {time.Second, "touch 0", ""},
			{2600 * time.Millisecond, "admit " + a, "shed 1 source"},
		}, Stats{Pending: 2, Sources: 1, PeakPending: 2, ShedPerSource: 1}},
		{"a touched source refuses", Config{PerSource: 2}, []step{
			{0, "admit " + a, "seated"}, {0, "admit " + a, "seated"}, {1900 * time.Millisecond, "touch 0", ""}, {1900 * time.Millisecond, "touch 1", ""},
			{3 * time.Second, "admit " + a, "refused"},
		}, Stats{Pending: 2, Sources: 1, PeakPending: 2, RefusedPerSource: 1}},
		{"other sources keep their seats", Config{PerSource: 1, Grace: time.Hour}, []step{
			{0, "admit " + a, "seated"}, {0, "admit " + b, "seated"}, {0, "admit " + a, "refused"}, {0, "admit " + c, "seated"},
		}, Stats{Pending: 3, Sources: 3, PeakPending: 3, RefusedPerSource: 1}},
		{"a shed for the source frees the global seat too", Config{Max: 2, PerSource: 2}, []step{
			{0, "admit " + a, "seated"}, {0, "admit " + a, "seated"}, {3 * time.Second, "admit " + a, "shed 0 source"},
		}, Stats{Pending: 2, Sources: 1, PeakPending: 2, ShedPerSource: 1}},
		{"one IPv6 /64 is one source", Config{PerSource: 1}, []step{
			{0, "admit 2001:db8:0:1::1", "seated"}, {0, "admit 2001:db8:0:1::ffff", "refused"}, {0, "admit 2001:db8:0:2::1", "seated"},
		}, Stats{Pending: 2, Sources: 2, PeakPending: 2, RefusedPerSource: 1}},
		{"done twice and done after a shed change nothing", Config{Max: 1}, []step{
			{0, "admit " + a, "seated"}, {0, "admit " + b, "shed 0 global"}, {0, "done 0", ""}, {0, "done 1", ""}, {0, "done 1", ""},
			{0, "admit " + c, "seated"},
		}, Stats{Pending: 1, Sources: 1, PeakPending: 1, ShedGlobal: 1}},
		{"touch after done changes nothing", Config{Max: 2}, []step{
			{0, "admit " + a, "seated"}, {0, "done 0", ""}, {0, "touch 0", ""}, {0, "admit " + b, "seated"},
		}, Stats{Pending: 1, Sources: 1, PeakPending: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, clock := newTestGate(tt.cfg)
			var tickets []*Ticket
			for i, s := range tt.steps {
				clock.now = s.at
				verb, arg, _ := strings.Cut(s.do, " ")
				if verb == "admit" {
					tk := &Ticket{g: g}
					tickets = append(tickets, tk)
					if got := outcome(g, tk, tickets, arg); got != s.want {
						t.Fatalf("step %d (%s at %v): got %q, want %q", i, s.do, s.at, got, s.want)
					}
					continue
				}
				n, _ := strconv.Atoi(arg)
				if verb == "touch" {
					tickets[n].Touch()
				} else {
					tickets[n].Done()
				}
			}
			if got := g.Stats(); got != tt.want {
				t.Errorf("got stats %+v, want %+v", got, tt.want)
			}
		})
	}
}

// outcome seats tk from addr and says what happened, as TestSeat's steps
// write it.
func outcome(g *Gate, tk *Ticket, tickets []*Ticket, addr string) string {
	ip := netip.MustParseAddr(addr)
	key := netip.PrefixFrom(ip, 32)
	if ip.Is6() {
		key, _ = ip.Prefix(64)
	}
	shedTk, err := g.seat(tk, key)
	switch {
	case errors.Is(err, ErrSourceFull):
		return "refused"
	case err != nil:
		return err.Error()
	case shedTk == nil:
		return "seated"
	}
	if !shedTk.Shed() {
		return "shed a ticket that does not report Shed"
	}
	why := map[limit]string{limitGlobal: "global", limitSource: "source"}[shedTk.reason]
	for i, other := range tickets {
		if other == shedTk {
			return fmt.Sprintf("shed %d %s", i, why)
		}
	}
	return "shed an unknown ticket"
}

func TestSourceOf(t *testing.T) {
	tests := []struct {
		addr string
		want string
	}{
		{"192.0.2.7:443", "192.0.2.7/32"},
		{"[::ffff:192.0.2.7]:443", "192.0.2.7/32"},
		{"[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64"},
		{"[fe80::1%eth0]:443", "fe80::/64"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			ap := netip.MustParseAddrPort(tt.addr)
			if got := sourceOf(tcpAddr(ap)); got.String() != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	for _, a := range []net.Addr{nil, &net.UnixAddr{Name: "/run/nport.sock", Net: "unix"}} {
		if got := sourceOf(a); got != (netip.Prefix{}) {
			t.Errorf("got %s for %v, want the zero prefix: one source", got, a)
		}
	}
}
