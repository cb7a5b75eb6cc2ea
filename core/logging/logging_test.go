package logging

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestNewFormats(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		wantJSON bool
		wantErr  bool
	}{
		{"auto on a buffer is json", Options{}, true, false},
		{"json", Options{Format: "json"}, true, false},
		{"text", Options{Format: "text"}, false, false},
		{"unknown format", Options{Format: "xml"}, false, true},
		{"unknown level", Options{Level: "loud"}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			log, err := New(&buf, tt.opts)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			log.Info("hello", "k", "v")
			gotJSON := json.Valid(bytes.TrimSpace(buf.Bytes()))
			if gotJSON != tt.wantJSON {
				t.Fatalf("got json %v, want %v: %q", gotJSON, tt.wantJSON, buf.String())
			}
			if !strings.Contains(buf.String(), "hello") {
				t.Fatalf("message missing: %q", buf.String())
			}
		})
	}
}

func TestLevels(t *testing.T) {
	tests := []struct {
		opts      Options
		wantDebug bool
		wantInfo  bool
	}{
		{Options{Format: "json"}, false, true},
		{Options{Format: "json", Verbose: true}, true, true},
		{Options{Format: "json", Level: "debug"}, true, true},
		{Options{Format: "json", Level: "warn"}, false, false},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		log, err := New(&buf, tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		got := []bool{log.Enabled(t.Context(), slog.LevelDebug), log.Enabled(t.Context(), slog.LevelInfo)}
		if got[0] != tt.wantDebug || got[1] != tt.wantInfo {
			t.Errorf("%+v: got debug,info %v, want %v,%v", tt.opts, got, tt.wantDebug, tt.wantInfo)
		}
	}
}

func TestRound(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{4239663 * time.Nanosecond, "4.24ms"},
		{1234567890 * time.Nanosecond, "1.23s"},
		{350 * time.Millisecond, "350ms"},
		{999 * time.Nanosecond, "999ns"},
		{123456789 * time.Millisecond, "34h17m37s"},
		{59999 * time.Millisecond, "1m0s"},
		{-1500 * time.Microsecond, "-1.5ms"},
		{0, "0s"},
	}
	for _, tt := range tests {
		if got := Round(tt.in).String(); got != tt.want {
			t.Errorf("Round(%v): got %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestDurations logs durations at the top, in a group and through With,
// and reads them back as a person and a program would.
func TestDurations(t *testing.T) {
	for _, format := range []string{FormatJSON, FormatText} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			log, err := New(&buf, Options{Format: format})
			if err != nil {
				t.Fatal(err)
			}
			log.With("keepalive", 5*time.Second).Info("x", "took", 1234567*time.Nanosecond, slog.Group("g", "after", 350*time.Millisecond))
			line := buf.String()
			if format == FormatText {
				for _, want := range []string{"keepalive=5s", "took=1.23ms", "g.after=350ms"} {
					if !strings.Contains(line, want) {
						t.Errorf("got %q, want it to contain %q", line, want)
					}
				}
				return
			}
			var got struct {
				Keepalive, Took string
				G               struct{ After string }
			}
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatalf("%v: %q", err, line)
			}
			for _, s := range []string{got.Keepalive, got.Took, got.G.After} {
				if _, err := time.ParseDuration(s); err != nil {
					t.Errorf("got %q in %q, want a duration string: %v", s, line, err)
				}
			}
			if got.Keepalive != "5s" || got.Took != "1.23ms" || got.G.After != "350ms" {
				t.Errorf("got %+v, want 5s, 1.23ms and 350ms", got)
			}
		})
	}
}
