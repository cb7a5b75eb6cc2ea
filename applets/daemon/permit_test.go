package daemon

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPermits(t *testing.T) {
	p, err := ParsePermits([]string{"localhost:22", "*:8080", "db.lan:*"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		target string
		want   bool
	}{
		{"localhost:22", true},
		{"LOCALHOST:22", true},
		{"localhost:23", false},
		{"10.0.0.1:8080", true},
		{"db.lan:5432", true},
		{"other:5432", false},
		{"garbage", false},
	}
	for _, tt := range tests {
		if got := p.Allows(tt.target); got != tt.want {
			t.Errorf("Allows(%q): got %v, want %v", tt.target, got, tt.want)
		}
	}
	if _, err := ParsePermits([]string{"nohostport"}); err == nil {
		t.Error("got no error for an entry without a port, want one")
	}
}

func TestInstallKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".ssh", "authorized_keys")
	key := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGf3xNq8Eq0Yp0pFZ6Kk7GHm5kXjvH0aD5h2zqJbY0Zx alice@laptop"
	added, err := InstallKey(path, "@alice", key)
	if err != nil || !added {
		t.Fatalf("first install: got %v, %v; want added", added, err)
	}
	added, err = InstallKey(path, "@alice", key)
	if err != nil || added {
		t.Fatalf("second install: got %v, %v; want not added again", added, err)
	}
	data, _ := os.ReadFile(path)
	if got := strings.Count(string(data), "\n"); got != 1 {
		t.Errorf("got %d lines, want 1: %q", got, data)
	}
	if !strings.HasPrefix(string(data), KeyOptions+" ssh-ed25519 ") || !strings.HasSuffix(string(data), "nport:@alice\n") {
		t.Errorf("got line %q, want the restricted key labelled nport:@alice", data)
	}
	for _, bad := range []string{
		`command="rm -rf /" ` + key,
		"ssh-ed25519 not-base64!",
		key + "\nssh-ed25519 AAAA",
		"ssh-dss AAAAB3NzaC1kc3M=",
	} {
		if _, err := InstallKey(path, "@mallory", bad); err == nil {
			t.Errorf("InstallKey(%q): got no error, want a refusal", bad)
		}
	}
}
