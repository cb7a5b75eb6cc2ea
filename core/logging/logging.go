// Package logging builds the slog.Logger every applet uses: coloured text
// through tint on a terminal, JSON otherwise or when asked.
package logging

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/lmittmann/tint"
)

// Formats accepted by New.
const (
	FormatAuto = "auto"
	FormatText = "text"
	FormatJSON = "json"
)

// Options choose the logger's format and level.
type Options struct {
	Format  string // auto, text or json; empty means auto
	Level   string // debug, info, warn, error; empty means info
	Verbose bool   // debug level, whatever Level says
}

// New returns a logger writing to w.
func New(w io.Writer, o Options) (*slog.Logger, error) {
	level, err := ParseLevel(o.Level)
	if err != nil {
		return nil, err
	}
	if o.Verbose {
		level = slog.LevelDebug
	}
	text := &tint.Options{Level: level, TimeFormat: time.TimeOnly, ReplaceAttr: durations(false)}
	json := &slog.HandlerOptions{Level: level, ReplaceAttr: durations(true)}
	switch strings.ToLower(o.Format) {
	case FormatAuto, "":
		if IsTerminal(w) {
			return slog.New(tint.NewHandler(w, text)), nil
		}
		return slog.New(slog.NewJSONHandler(w, json)), nil
	case FormatText:
		text.NoColor = !IsTerminal(w)
		return slog.New(tint.NewHandler(w, text)), nil
	case FormatJSON:
		return slog.New(slog.NewJSONHandler(w, json)), nil
	}
	return nil, fmt.Errorf("unknown log format %q: use auto, text or json", o.Format)
}

// ParseLevel reads a level name; empty is info.
func ParseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if s == "" {
		return slog.LevelInfo, nil
	}
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return l, fmt.Errorf("unknown log level %q: use debug, info, warn or error", s)
	}
	return l, nil
}

// IsTerminal reports whether w is a character device, such as a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Discard is a logger that drops everything, for tests and quiet callers.
func Discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
