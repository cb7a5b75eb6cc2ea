// Package dist holds the files that install nport as a service; its
// tests check them with the tools that read them, where those are
// installed.
package dist

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSystemdUnitsVerify runs systemd-analyze verify on each unit, with
// the programs it starts as stand-ins in a directory of the test's (verify
// checks that they exist). A warning fails the test as an error does:
// verify exits 0 on an unknown or misspelt setting.
func TestSystemdUnitsVerify(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed (apt-get install systemd): the units are not verified")
	}
	units, _ := filepath.Glob("systemd/*.service")
	if len(units) == 0 {
		t.Fatal("no unit in dist/systemd")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, prog := range []string{"nport", "sshnpd", "srvd"} {
		if err := os.WriteFile(filepath.Join(bin, prog), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"verify"}
	for _, u := range units {
		text, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, filepath.Base(u))
		if err := os.WriteFile(path, bytes.ReplaceAll(text, []byte("/usr/local/bin/"), []byte(bin+"/")), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, path)
	}
	out, err := exec.Command(analyze, args...).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// TestDaemonUnitSignalsOnlyTheDaemon: a restart of the daemon's unit must
// not kill its session keeper, which carries the live sessions.
func TestDaemonUnitSignalsOnlyTheDaemon(t *testing.T) {
	text, err := os.ReadFile("systemd/sshnpd@.service")
	if err != nil {
		t.Fatal(err)
	}
	section := string(text)[strings.Index(string(text), "[Service]"):]
	if !regexp.MustCompile(`(?m)^KillMode=process$`).MatchString(section) {
		t.Error("sshnpd@.service lacks KillMode=process in [Service]: a restart would kill the session keeper and cut every session")
	}
}

// TestShellScriptsParse runs sh -n on the wrapper scripts and the
// OpenWrt init script.
func TestShellScriptsParse(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	scripts, _ := filepath.Glob("scripts/*.sh")
	for _, s := range append(scripts, "openwrt/sshnpd.init") {
		if out, err := exec.Command(sh, "-n", s).CombinedOutput(); err != nil {
			t.Errorf("sh -n %s: %v\n%s", s, err, out)
		}
	}
}

// TestContainerSaysSessionsEndWithIt: in a container the daemon is PID 1
// and nothing outlives it, so the image runs without a session keeper.
func TestContainerSaysSessionsEndWithIt(t *testing.T) {
	text, err := os.ReadFile("docker/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^ENV NPORT_SESSION_KEEPER=off$`).Match(text) {
		t.Error("the Dockerfile does not turn the session keeper off, which in a container only costs a process")
	}
}
