package store

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nport/nport/applets/relay/directory"
	"github.com/nport/nport/applets/relay/directory/directorytest"
	"github.com/nport/nport/applets/relay/internal/fakeclock"
	"github.com/nport/nport/applets/relay/route"
	"github.com/nport/nport/core/identity"
)

// BenchmarkPush measures durable pushes of 300-byte frames from 64
// concurrent senders to 64 offline recipients with full queues (the
// default bound, 64), which share transactions and disk syncs.
func BenchmarkPush(b *testing.B) {
	clk := fakeclock.New()
	s := open(b, tempPath(b), clk, route.QueueOptions{Len: 64, TTL: time.Hour})
	frame := make([]byte, 300)
	var next atomic.Int64
	b.SetParallelism(32) // 64 senders on 2 cores
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		to := identity.Name(fmt.Sprintf("@r%d", next.Add(1)))
		for pb.Next() {
			if err := s.Push(to, frame, clk.Now()); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkLookup measures the directory look-up every routed message
// makes, in a directory of 100,000 names all looked up once before.
func BenchmarkLookup(b *testing.B) {
	s := open(b, tempPath(b), fakeclock.New(), testQueue)
	var fleet []directory.Binding
	for i := range 100_000 {
		fleet = append(fleet, directory.Binding{Name: identity.Name(fmt.Sprintf("@dev%d", i)), Key: directorytest.NewKey(b)})
	}
	if err := s.Import(fleet); err != nil {
		b.Fatal(err)
	}
	for _, bd := range fleet { // the first look-up of a name reads the file
		s.Lookup(bd.Name)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, ok, _ := s.Lookup(fleet[i%len(fleet)].Name); !ok {
			b.Fatal("not found")
		}
	}
}
