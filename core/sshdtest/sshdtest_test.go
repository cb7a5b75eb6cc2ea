//go:build unix

package sshdtest

import (
	"os/exec"
	"strings"
	"testing"
)

// TestStartRunsCommand logs in with the server's key and runs a command.
func TestStartRunsCommand(t *testing.T) {
	s := Start(t)
	args := append(s.SSHArgs(), "-p", s.portString(), s.User+"@127.0.0.1", "echo sshdtest-$((6*7))")
	out, err := exec.Command(SSH, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh: %v\n%s\nsshd log:\n%s", err, out, s.Log())
	}
	if got, want := strings.TrimSpace(string(out)), "sshdtest-42"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestTwoServers checks that servers of one test get distinct ports and
// that a stopped server no longer answers.
func TestTwoServers(t *testing.T) {
	a, b := Start(t), Start(t)
	if a.Port == b.Port {
		t.Fatalf("got port %d twice, want two ports", a.Port)
	}
	a.Stop()
	args := append(a.SSHArgs(), "-o", "ConnectTimeout=5", "-p", a.portString(), a.User+"@127.0.0.1", "true")
	if err := exec.Command(SSH, args...).Run(); err == nil {
		t.Error("got a session from a stopped sshd, want a refused connection")
	}
}

func TestConfigHasRequiredOptions(t *testing.T) {
	s := &Server{Dir: "/d", AuthorizedKeys: "/d/ak"}
	conf := s.config(2222)
	for _, want := range []string{"Port 2222", "ListenAddress 127.0.0.1", "StrictModes no", "UsePAM no",
		"PasswordAuthentication no", "PermitRootLogin yes", "PidFile /d/sshd.pid", "Subsystem sftp internal-sftp",
		"AuthorizedKeysFile /d/ak", "LogLevel VERBOSE"} {
		if !strings.Contains(conf, want+"\n") {
			t.Errorf("config lacks %q:\n%s", want, conf)
		}
	}
}
