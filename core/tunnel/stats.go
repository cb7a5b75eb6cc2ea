package tunnel

import (
	"log/slog"
	"sync/atomic"
)

// counters are a tunnel's running totals, kept by its streams.
type counters struct {
	sent     atomic.Int64
	received atomic.Int64
	streams  atomic.Int64
}

// Stats are a tunnel's totals so far, for logs.
type Stats struct {
	// Sent is the number of bytes this end's streams sent to the other end.
	Sent int64
	// Received is the number of bytes they received from it.
	Received int64
	// Streams is the number of streams opened or accepted, one per
	// connection served.
	Streams int64
	// Open is the number of streams open now.
	Open int
}

// Stats returns the totals so far. It may be called at any time, from any
// goroutine.
func (t *Tunnel) Stats() Stats {
	return Stats{
		Sent:     t.stats.sent.Load(),
		Received: t.stats.received.Load(),
		Streams:  t.stats.streams.Load(),
		Open:     t.idle.open(),
	}
}

// LogValue lets Stats be logged as one slog group.
func (s Stats) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int64("sent", s.Sent),
		slog.Int64("received", s.Received),
		slog.Int64("streams", s.Streams),
		slog.Int("open", s.Open),
	)
}
