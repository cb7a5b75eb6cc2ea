package admission

import (
	"errors"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
	"time"
)

// model is the gate's rule written the slow, obvious way: a slice of the
// pending sockets, least recently active first.
type model struct {
	cfg     Config
	pending []*Ticket
	last    map[*Ticket]time.Duration
	src     map[*Ticket]netip.Prefix
	stats   Stats
}

// admit returns what the gate should do with a newcomer from key at now:
// the ticket to shed and why, or refused.
func (m *model) admit(tk *Ticket, key netip.Prefix, now time.Duration) (victim *Ticket, why limit, refused bool) {
	var mine []*Ticket
	for _, p := range m.pending {
		if m.src[p] == key {
			mine = append(mine, p)
		}
	}
	switch {
	case len(mine) >= m.cfg.PerSource && now-m.last[mine[0]] < m.cfg.Grace:
		m.stats.RefusedPerSource++
		return nil, 0, true
	case len(mine) >= m.cfg.PerSource:
		victim, why = mine[0], limitSource
		m.stats.ShedPerSource++
	case len(m.pending) >= m.cfg.Max:
		victim, why = m.pending[0], limitGlobal
		m.stats.ShedGlobal++
	}
	if victim != nil {
		m.drop(victim)
	}
	m.pending = append(m.pending, tk)
	m.last[tk], m.src[tk] = now, key
	m.stats.PeakPending = max(m.stats.PeakPending, len(m.pending))
	return victim, why, false
}

func (m *model) drop(tk *Ticket) {
	if i := slices.Index(m.pending, tk); i >= 0 {
		m.pending = slices.Delete(m.pending, i, i+1)
	}
}

func (m *model) touch(tk *Ticket, now time.Duration) {
	if slices.Contains(m.pending, tk) {
		m.drop(tk)
		m.pending = append(m.pending, tk)
		m.last[tk] = now
	}
}

// FuzzGate runs a sequence of admissions, touches, ends and clock steps,
// one per byte pair, through the gate and the model, and fails at the
// first difference in what is shed or refused, or in the counters.
func FuzzGate(f *testing.F) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 16 {
		seed := make([]byte, 400)
		for i := range seed {
			seed[i] = byte(r.Uint32())
		}
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, ops []byte) {
		cfg := Config{Max: 6, PerSource: 3, Grace: 4 * time.Millisecond}
		g, clock := newTestGate(cfg)
		m := &model{cfg: cfg, last: map[*Ticket]time.Duration{}, src: map[*Ticket]netip.Prefix{}}
		var tickets []*Ticket
		for i := 0; i+1 < len(ops); i += 2 {
			op, arg := ops[i]%4, int(ops[i+1])
			switch {
			case op == 0 || len(tickets) == 0:
				tk := &Ticket{g: g}
				key := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(arg % 4)}), 32)
				shedTk, err := g.seat(tk, key)
				victim, why, refused := m.admit(tk, key, clock.now)
				if refused != errors.Is(err, ErrSourceFull) || shedTk != victim || shedTk != nil && shedTk.reason != why {
					t.Fatalf("op %d: got shed %p, error %v; want shed %p (reason %d), refused %v", i/2, shedTk, err, victim, why, refused)
				}
				if err == nil {
					tickets = append(tickets, tk)
				}
			case op == 1:
				tk := tickets[arg%len(tickets)]
				tk.Touch()
				m.touch(tk, clock.now)
			case op == 2:
				tk := tickets[arg%len(tickets)]
				tk.Done()
				m.drop(tk)
			default:
				clock.now += time.Duration(arg%4) * time.Millisecond
			}
			want := m.stats
			want.Pending = len(m.pending)
			want.Sources = len(distinct(m))
			if got := g.Stats(); got != want {
				t.Fatalf("op %d: got stats %+v, want %+v", i/2, got, want)
			}
		}
	})
}

// distinct returns the sources the model holds sockets of.
func distinct(m *model) map[netip.Prefix]bool {
	out := map[netip.Prefix]bool{}
	for _, p := range m.pending {
		out[m.src[p]] = true
	}
	return out
}
