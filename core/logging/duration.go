package logging

import (
	"log/slog"
	"time"
)

// durations rewrites every duration of a record, rounded by Round: as
// text ("1.23s", "350ms") and, in JSON, as that same string, which
// time.ParseDuration reads back and a person reads at a glance, where
// slog's default is a count of nanoseconds.
func durations(asString bool) func(groups []string, a slog.Attr) slog.Attr {
	return func(_ []string, a slog.Attr) slog.Attr {
		if a.Value.Kind() != slog.KindDuration {
			return a
		}
		d := Round(a.Value.Duration())
		if asString {
			return slog.String(a.Key, d.String())
		}
		return slog.Duration(a.Key, d)
	}
}

// Round keeps the three leading digits of d, which is all a log line
// needs: 4.239663ms is 4.24ms, 1.2345s is 1.23s (half away from zero).
// From a minute on, it keeps whole seconds: 34h17m36s.
func Round(d time.Duration) time.Duration {
	a := d
	if a < 0 {
		a = -a
	}
	if a >= time.Minute {
		return d.Round(time.Second)
	}
	unit := time.Duration(1)
	for a/unit >= 1000 {
		unit *= 10
	}
	return d.Round(unit)
}
