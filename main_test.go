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
