package admission

import (
	"net/netip"
	"strconv"
	"testing"
)

// BenchmarkGate seats a socket, touches one already pending and ends the
// oldest, with 100 and with 10,000 sockets pending from 256 sources: the
// cost per socket does not grow with the number pending.
//
//	go test -run '^$' -bench Gate -benchmem ./core/admission
func BenchmarkGate(b *testing.B) {
	for _, pending := range []int{100, 10_000} {
		b.Run(strconv.Itoa(pending), func(b *testing.B) {
			g := New(Config{Max: pending + 1, PerSource: pending + 1})
			keys := make([]netip.Prefix, 256)
			for i := range keys {
				keys[i] = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}), 32)
			}
			ring := make([]*Ticket, pending)
			for i := range ring {
				ring[i] = &Ticket{g: g}
				if _, err := g.seat(ring[i], keys[i%len(keys)]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				ring[(i+pending/2)%pending].Touch()
				ring[i].Done()
				ring[i] = &Ticket{g: g}
				if _, err := g.seat(ring[i], keys[i%len(keys)]); err != nil {
					b.Fatal(err)
				}
				i = (i + 1) % pending
			}
		})
	}
}
