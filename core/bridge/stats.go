package bridge

import "log/slog"

// Stats counts the bytes a bridge has written in each direction.
type Stats struct {
	// AToB is the number of bytes read from a and written to b.
	AToB int64
	// BToA is the number of bytes read from b and written to a.
	BToA int64
	// Spliced reports that both connections were TCP on Linux, so the
	// kernel moved the bytes with splice(2) and they never entered nport's
	// memory: false if a direction had to copy through a buffer instead
	// (no file descriptor left for its pipe, say).
	Spliced bool
}

// LogValue lets a Stats be logged as one slog group.
func (s Stats) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int64("a_to_b", s.AToB),
		slog.Int64("b_to_a", s.BToA),
		slog.Bool("spliced", s.Spliced),
	)
}

// Stats returns the bytes moved so far. It may be called while Run is
// running, from any goroutine, for logs and metrics.
func (br *Bridge) Stats() Stats {
	return Stats{
		AToB:    br.halves[0].n.Load(),
		BToA:    br.halves[1].n.Load(),
		Spliced: br.splice && !br.buffered.Load(),
	}
}
