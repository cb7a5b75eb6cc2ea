package daemon

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInstallKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".ssh", "authorized_keys")
	key := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGf3xNq8Eq0Yp0pFZ6Kk7GHm5kXjvH0aD5h2zqJbY0Zx alice@laptop"
	done, err := InstallKey(path, "@alice", key, KeyOptions)
	if err != nil || done != KeyAdded {
		t.Fatalf("first install: got %v, %v; want added", done, err)
	}
	done, err = InstallKey(path, "@alice", key, KeyOptions)
	if err != nil || done != KeyPresent {
		t.Fatalf("second install: got %v, %v; want not added again", done, err)
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
		if _, err := InstallKey(path, "@mallory", bad, KeyOptions); err == nil {
			t.Errorf("InstallKey(%q): got no error, want a refusal", bad)
		}
	}
	if _, err := InstallKey(path, "@alice", key, "restrict\ncommand=\"x\""); err == nil {
		t.Error("got no error for options with a line break, want a refusal")
	}
}

// TestInstallKeyTakesNewOptions installs a key, then installs it again
// with other options: the line the daemon wrote for that manager changes,
// the user's own line stays, and another manager sending the same key
// adds nothing.
func TestInstallKeyTakesNewOptions(t *testing.T) {
	const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGf3xNq8Eq0Yp0pFZ6Kk7GHm5kXjvH0aD5h2zqJbY0Zx"
	path := filepath.Join(t.TempDir(), "authorized_keys")
	own := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOwnKeyOfTheUserHimselfXXXXXXXXXXXXXXXXXXX me@home\n"
	if err := os.WriteFile(path, []byte(own), 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := InstallKey(path, "@alice", key, KeyOptions); err != nil {
		t.Fatal(err)
	}
	if _, err := InstallKey(path, "@bob", key, KeyOptions); err != nil {
		t.Fatal(err)
	}
	const tighter = `from="127.0.0.1",restrict,command="uptime"`
	done, err := InstallKey(path, "@alice", key, tighter)
	if err != nil || done != KeyUpdated {
		t.Fatalf("install with new options: got %v, %v; want updated", done, err)
	}
	data, _ := os.ReadFile(path)
	want := own + tighter + " " + key + " nport:@alice\n"
	if string(data) != want {
		t.Errorf("got file\n%s\nwant\n%s", data, want)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o640 {
		t.Errorf("got mode %v after the rewrite, want 0640 kept", info.Mode().Perm())
	}
	if done, err := InstallKey(path, "@alice", key, tighter); err != nil || done != KeyPresent {
		t.Errorf("install again: got %v, %v; want present", done, err)
	}
	none, err := InstallKey(path, "@alice", key, "")
	data, _ = os.ReadFile(path)
	if err != nil || none != KeyUpdated || !strings.Contains(string(data), "\n"+key+" nport:@alice\n") {
		t.Errorf("install with no options: got %v, %v and file\n%s", none, err, data)
	}
}

func TestCheckKeyOptions(t *testing.T) {
	good := []string{
		"",
		KeyOptions,
		"restrict",
		`restrict,pty,command="echo \"hi, there\"",PermitOpen="host-1:3389",permitopen="localhost:80"`,
		`no-port-forwarding,no-X11-forwarding,environment="A=b c"`,
	}
	for _, s := range good {
		if err := CheckKeyOptions(s); err != nil {
			t.Errorf("CheckKeyOptions(%q): got %v, want no error", s, err)
		}
	}
	bad := []struct{ in, want string }{
		{"restrict\nssh-ed25519 AAAA", "line break"},
		{"restrict\r", "line break"},
		{"restrict pty", "want a comma"},
		{"restrict,", "want a comma and another option"},
		{",restrict", "want options separated by commas"},
		{"restricted", "sshd knows no option \"restricted\""},
		{`from=127.0.0.1`, "from takes a value"},
		{`from`, "from takes a value"},
		{`pty="yes"`, "pty takes no value"},
		{`command="echo`, "no closing quote"},
		{`command="a" ssh-ed25519`, "want a comma"},
	}
	for _, tt := range bad {
		err := CheckKeyOptions(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CheckKeyOptions(%q): got %v, want an error saying %q", tt.in, err, tt.want)
		}
	}
}
