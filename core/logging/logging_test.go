package logging

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
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
