package keys

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func run(t *testing.T, home, op, name string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := Run(context.Background(), Config{Home: home, Op: op, Name: name, Out: &out})
	return out.String(), err
}

func TestNewShowList(t *testing.T) {
	home := t.TempDir()
	created, err := run(t, home, OpNew, "@alice")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(created, "@alice nport-pub:") {
		t.Errorf("new printed %q, want the share line", created)
	}
	shown, err := run(t, home, OpShow, "@alice")
	if err != nil || shown != created {
		t.Errorf("show: got %q, %v; want %q", shown, err, created)
	}
	if _, err := run(t, home, OpNew, "@bob"); err != nil {
		t.Fatal(err)
	}
	listed, err := run(t, home, OpList, "")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(listed), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], strings.TrimSpace(created)) || !strings.HasPrefix(lines[1], "@bob ") {
		t.Errorf("list printed %q, want @alice then @bob", listed)
	}
	info, err := os.Stat(filepath.Join(home, "keys", "@alice.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v, mode %v; want mode 0600", err, info.Mode().Perm())
	}
}

func TestRefusals(t *testing.T) {
	home := t.TempDir()
	if _, err := run(t, home, OpNew, "@taken"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, op, arg, want string
	}{
		{"bad name", OpNew, "alice", "@"},
		{"upper case", OpNew, "@Alice", "a-z"},
		{"exists", OpNew, "@taken", "exists"},
		{"show unknown", OpShow, "@nobody", "@nobody"},
		{"unknown op", "rotate", "@x", "unknown keys operation"},
		{"empty list", OpList, "", "no identities"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := home
			if tt.op == OpList {
				h = t.TempDir()
			}
			_, err := run(t, h, tt.op, tt.arg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestReadableKeyRefused(t *testing.T) {
	home := t.TempDir()
	if _, err := run(t, home, OpNew, "@leaky"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(home, "keys", "@leaky.key")
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := run(t, home, OpShow, "@leaky")
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("got %v, want a refusal that says chmod 600", err)
	}
}
