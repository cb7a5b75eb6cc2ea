package install

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// binary writes a stand-in for the nport binary in a fresh directory.
func binary(t *testing.T) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), "nport")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return exe
}

func TestLink(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, path, exe string) // what is at path before
		force   bool
		wantMsg string // in Link's message; empty when it must refuse
		wantErr string
	}{
		{"new", func(*testing.T, string, string) {}, false, "linked ", ""},
		{"already there", func(t *testing.T, path, exe string) { symlink(t, exe, path) }, false, "is a link to ", ""},
		{"an earlier install", func(t *testing.T, path, _ string) { symlink(t, "/opt/old/nport-linux-arm64", path) }, false, "(it was a link to /opt/old/nport-linux-arm64)", ""},
		{"a file", func(t *testing.T, path, _ string) { write(t, path) }, false, "", "is a file, not a link to nport: left as it is (move it away, or run `nport install --force` to replace it)"},
		{"a link to another program", func(t *testing.T, path, _ string) { symlink(t, "/usr/bin/true", path) }, false, "", "is a link to /usr/bin/true, not a link to nport"},
		{"a file, forced", func(t *testing.T, path, _ string) { write(t, path) }, true, "(it was a file)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exe := binary(t)
			dir := t.TempDir()
			path := filepath.Join(dir, "sshnpd")
			tt.prepare(t, path, exe)
			before := what(path)
			msg, err := Link(dir, "sshnpd", exe, tt.force)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %q, %v; want an error containing %q", msg, err, tt.wantErr)
				}
				if after := what(path); after != before {
					t.Errorf("the refused file was changed: it was %s, it is %s", before, after)
				}
				return
			}
			if err != nil || !strings.Contains(msg, tt.wantMsg) {
				t.Fatalf("got %q, %v; want a message containing %q", msg, err, tt.wantMsg)
			}
			if !sameFile(path, exe) {
				t.Errorf("%s does not lead to %s", path, exe)
			}
			if target, _ := os.Readlink(path); target != exe {
				t.Errorf("got a link to %q, want the absolute %q in another directory", target, exe)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("got %d entries in the directory, want the link alone", len(entries))
			}
		})
	}
}

// TestLinkNextToBinary makes a relative link beside the binary, and
// leaves it as it is when run again.
func TestLinkNextToBinary(t *testing.T) {
	exe := binary(t)
	dir := filepath.Dir(exe)
	for i, want := range []string{"linked " + filepath.Join(dir, "srvd") + " -> nport", "is a link to nport already"} {
		msg, err := Link(dir, "srvd", exe, false)
		if err != nil || !strings.Contains(msg, want) {
			t.Fatalf("run %d: got %q, %v; want %q", i+1, msg, err, want)
		}
	}
	if target, _ := os.Readlink(filepath.Join(dir, "srvd")); target != "nport" {
		t.Errorf("got a link to %q, want the relative nport", target)
	}
}

func symlink(t *testing.T, target, path string) {
	t.Helper()
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, path string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("other program\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// what describes the file at path, to tell whether it changed.
func what(path string) string {
	st, err := os.Lstat(path)
	if err != nil {
		return err.Error()
	}
	data, _ := os.ReadFile(path)
	return describe(path, st) + " holding " + string(data)
}
