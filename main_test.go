package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nport/nport/core/proctest"
)

func TestMain(m *testing.M) { proctest.Main(m) }

func TestVersion(t *testing.T) {
	got := proctest.Run(t, proctest.Binary(t), nil, "--version")
	for _, want := range []string{"nport ", runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH, "commit"} {
		if !strings.Contains(got.Stdout, want) {
			t.Errorf("--version printed %q, want it to contain %q", got.Stdout, want)
		}
	}
	if got.Code != 0 {
		t.Errorf("got exit %d, want 0", got.Code)
	}
}

func TestUnknownAppletListsApplets(t *testing.T) {
	got := proctest.Run(t, proctest.Binary(t), nil, "bogus")
	if got.Code != 2 {
		t.Errorf("got exit %d, want 2", got.Code)
	}
	if want := "applets: " + strings.Join(registry.Names(), ", "); !strings.Contains(got.Stderr, want) {
		t.Errorf("stderr %q, want it to contain %q", got.Stderr, want)
	}
}

// TestSymlinkRunsApplet starts the binary through a link named after an
// applet, as `sshnpd` or `srvd` are installed, and checks that applet runs.
func TestSymlinkRunsApplet(t *testing.T) {
	bin := proctest.Binary(t)
	for _, name := range registry.Names() {
		t.Run(name, func(t *testing.T) {
			link := filepath.Join(t.TempDir(), name)
			if err := os.Symlink(bin, link); err != nil {
				t.Fatal(err)
			}
			got := proctest.Run(t, link, nil, "--help")
			if got.Code != 0 {
				t.Fatalf("got exit %d, want 0; stderr %q", got.Code, got.Stderr)
			}
			cmd, _ := registry.Lookup(name)
			if !strings.Contains(got.Stdout, cmd.Command.Usage) {
				t.Errorf("help of link %s is %q, want the applet's usage %q", name, got.Stdout, cmd.Command.Usage)
			}
		})
	}
}

func TestKeysThroughLink(t *testing.T) {
	bin := proctest.Binary(t)
	link := filepath.Join(t.TempDir(), "keys")
	if err := os.Symlink(bin, link); err != nil {
		t.Fatal(err)
	}
	env := []string{"NPORT_HOME=" + t.TempDir()}
	created := proctest.Run(t, link, env, "new", "@garage_pi")
	if created.Code != 0 || !strings.HasPrefix(created.Stdout, "@garage_pi nport-pub:") {
		t.Fatalf("keys new: exit %d, stdout %q, stderr %q", created.Code, created.Stdout, created.Stderr)
	}
	shown := proctest.Run(t, bin, env, "keys", "show", "@garage_pi")
	if shown.Stdout != created.Stdout {
		t.Errorf("show printed %q, want what new printed %q", shown.Stdout, created.Stdout)
	}
}

// TestInstallLinks runs `nport install` as a person does after `go
// install`, through a link to the binary, then starts every link it made:
// each must run its applet.
func TestInstallLinks(t *testing.T) {
	exe := filepath.Join(t.TempDir(), "nport")
	copyFile(t, proctest.Binary(t), exe)
	via := filepath.Join(t.TempDir(), "nport")
	if err := os.Symlink(exe, via); err != nil {
		t.Fatal(err)
	}
	got := proctest.Run(t, via, nil, "install")
	if got.Code != 0 {
		t.Fatalf("install: exit %d, stderr %q", got.Code, got.Stderr)
	}
	for _, name := range registry.Links() {
		link := filepath.Join(filepath.Dir(exe), name)
		if want := "linked " + link + " -> nport\n"; !strings.Contains(got.Stdout, want) {
			t.Errorf("install printed %q, want it to contain %q", got.Stdout, want)
		}
		a, _ := registry.Lookup(name)
		help := proctest.Run(t, link, nil, "--help")
		if help.Code != 0 || !strings.Contains(help.Stdout, a.Command.Usage) {
			t.Errorf("%s --help: exit %d, stdout %q; want the usage of %s", name, help.Code, help.Stdout, a.Command.Name)
		}
		if v := proctest.Run(t, link, nil, "--version"); v.Code != 0 || !strings.HasPrefix(v.Stdout, "nport ") {
			t.Errorf("%s --version: exit %d, stdout %q", name, v.Code, v.Stdout)
		}
	}
	again := proctest.Run(t, via, nil, "install")
	if again.Code != 0 || strings.Contains(again.Stdout, "linked ") || strings.Count(again.Stdout, "already") != len(registry.Links()) {
		t.Errorf("install run again: exit %d, stdout %q; want every link left as it is", again.Code, again.Stdout)
	}
}

// TestInstallPrefixRefusesForeignFile installs into PREFIX/bin, where a
// program of one of the names is already: it is left alone, said so, and
// replaced only with --force.
func TestInstallPrefixRefusesForeignFile(t *testing.T) {
	bin := proctest.Binary(t)
	prefix := t.TempDir()
	srvd := filepath.Join(prefix, "bin", "srvd")
	if err := os.MkdirAll(filepath.Dir(srvd), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(srvd, []byte("#!/bin/sh\necho other\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	got := proctest.Run(t, bin, nil, "install", "--prefix", prefix)
	if want := srvd + " is a file, not a link to nport"; got.Code != 1 || !strings.Contains(got.Stderr, want) || !strings.Contains(got.Stderr, "--force") {
		t.Fatalf("install: exit %d, stderr %q; want exit 1 and %q, naming --force", got.Code, got.Stderr, want)
	}
	if want := "linked " + filepath.Join(prefix, "bin", "sshnpd") + " -> " + bin; !strings.Contains(got.Stdout, want) {
		t.Errorf("install printed %q, want the other links made: %q", got.Stdout, want)
	}
	forced := proctest.Run(t, bin, nil, "install", "--prefix", prefix, "--force")
	if forced.Code != 0 || !strings.Contains(forced.Stdout, "linked "+srvd+" -> "+bin+" (it was a file)") {
		t.Fatalf("install --force: exit %d, stdout %q, stderr %q", forced.Code, forced.Stdout, forced.Stderr)
	}
	if v := proctest.Run(t, srvd, nil, "--version"); v.Code != 0 || !strings.HasPrefix(v.Stdout, "nport ") {
		t.Errorf("srvd --version after --force: exit %d, stdout %q", v.Code, v.Stdout)
	}
}

// copyFile copies the executable from to to, a file of its own that
// links can be made next to.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err == nil {
		err = os.WriteFile(to, data, 0o755)
	}
	if err != nil {
		t.Fatal(err)
	}
}
