package keeper

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// dialAsEnv makes the test binary, run again, send a hello to the socket
// it names and print the answer, as another user would.
const dialAsEnv = "KEEPER_TEST_HELLO"

func TestMain(m *testing.M) {
	if path := os.Getenv(dialAsEnv); path != "" {
		st, err := Link{Path: path}.Hello(context.Background())
		if err != nil {
			os.Stdout.WriteString("error: " + err.Error())
			os.Exit(0)
		}
		os.Stdout.WriteString("answered: " + st.Build)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestKeeperRefusesOtherUsers loosens the modes of the socket and its
// directory, as an operator might by mistake, and asks as user nobody:
// the keeper closes the connection without an answer.
func TestKeeperRefusesOtherUsers(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("runs as root only: it starts a process as another user")
	}
	k := startKeeper(t, 0)
	for path, mode := range map[string]os.FileMode{filepath.Dir(k.link.Path): 0o755, k.link.Path: 0o777} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
	}
	self := copyForAll(t)
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), dialAsEnv+"="+k.link.Path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("run as user nobody: %v", err)
	}
	if got := string(out); !strings.HasPrefix(got, "error: ") {
		t.Errorf("user nobody got %q from the keeper, want no answer", got)
	}
	if _, err := k.link.Hello(context.Background()); err != nil {
		t.Errorf("the keeper's own user got no answer after: %v", err)
	}
}

// copyForAll copies the test binary where any user may run it.
func copyForAll(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "keeper-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "keeper.test")
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}
