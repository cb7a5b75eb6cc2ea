//go:build unix

// Package sshdtest starts a real OpenSSH sshd on 127.0.0.1 for one test,
// with its own host key, client key and authorized_keys, so end-to-end
// tests reach a device's sshd the way an operator would.
package sshdtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Paths of the OpenSSH programs the package runs.
const (
	SSHD      = "/usr/sbin/sshd"
	SSH       = "ssh"
	SCP       = "scp"
	SSHKeygen = "ssh-keygen"
)

// privSepDir is the directory a root sshd chroots its unprivileged child
// into; distributions create it at boot, containers often do not.
const privSepDir = "/run/sshd"

// startAttempts bounds the retries when another process takes the port
// picked between its probe and sshd's bind.
const startAttempts = 5

// Server is one running sshd. It is stopped, with its sessions, when the
// test ends.
type Server struct {
	// Addr is "127.0.0.1:Port".
	Addr string
	// Port is the port sshd listens on.
	Port int
	// Dir holds the config, keys and pid file.
	Dir string
	// KeyFile is the client's private key (ed25519, no passphrase);
	// KeyFile+".pub" is in AuthorizedKeys.
	KeyFile string
	// AuthorizedKeys is the file sshd checks keys against, for every user.
	AuthorizedKeys string
	// User is the account tests log in as: the one running the tests.
	User string

	proc *process
}

// Require skips the test when OpenSSH's server or client is missing, or
// fails it when the environment variable CI is set, since CI installs
// them.
func Require(t testing.TB) {
	t.Helper()
	missing := ""
	if _, err := os.Stat(SSHD); err != nil {
		missing = SSHD
	}
	for _, prog := range []string{SSH, SCP, SSHKeygen} {
		if _, err := exec.LookPath(prog); err != nil {
			missing = prog
		}
	}
	if missing == "" {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s not found; CI must install openssh-server and openssh-client (.ci/run)", missing)
	}
	t.Skip("sshd not installed: apt-get install openssh-server")
}

// Start starts an sshd for the test and waits until it listens.
func Start(t testing.TB) *Server {
	t.Helper()
	Require(t)
	s := &Server{Dir: t.TempDir()}
	s.KeyFile = filepath.Join(s.Dir, "id_ed25519")
	s.AuthorizedKeys = filepath.Join(s.Dir, "authorized_keys")
	s.User = currentUser(t)
	ensurePrivSepDir(t)
	keygen(t, filepath.Join(s.Dir, "host_ed25519"))
	keygen(t, s.KeyFile)
	pub, err := os.ReadFile(s.KeyFile + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.AuthorizedKeys, pub, 0o600); err != nil {
		t.Fatal(err)
	}
	var lastErr error
	for range startAttempts {
		if lastErr = s.start(t); lastErr == nil {
			return s
		}
		t.Logf("sshd did not start, retrying on another port: %v", lastErr)
	}
	t.Fatalf("sshd did not start after %d attempts: %v", startAttempts, lastErr)
	return nil
}

// start writes the config for a free port and runs sshd on it.
func (s *Server) start(t testing.TB) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	conf := filepath.Join(s.Dir, "sshd_config")
	if err := os.WriteFile(conf, []byte(s.config(port)), 0o600); err != nil {
		return err
	}
	p, err := startProcess(t, SSHD, "-D", "-e", "-f", conf)
	if err != nil {
		return err
	}
	if err := p.waitListening(port); err != nil {
		p.stop()
		return err
	}
	s.proc, s.Port = p, port
	s.Addr = fmt.Sprintf("127.0.0.1:%d", port)
	return nil
}

// config is the sshd_config: key authentication only, from the test's
// own files, on the loopback address.
func (s *Server) config(port int) string {
	lines := []string{
		fmt.Sprintf("Port %d", port),
		"ListenAddress 127.0.0.1",
		"HostKey " + filepath.Join(s.Dir, "host_ed25519"),
		"AuthorizedKeysFile " + s.AuthorizedKeys,
		"PidFile " + filepath.Join(s.Dir, "sshd.pid"),
		"StrictModes no",
		"UsePAM no",
		"PasswordAuthentication no",
		"KbdInteractiveAuthentication no",
		"PubkeyAuthentication yes",
		"PermitRootLogin yes",
		"Subsystem sftp internal-sftp",
		"LogLevel VERBOSE",
	}
	lines = append(lines, extraOptions()...)
	return strings.Join(lines, "\n") + "\n"
}

// SSHArgs are the ssh (and scp) options that reach this server with the
// test's key and no configuration or known_hosts of the person running
// the tests.
func (s *Server) SSHArgs() []string { return s.SSHArgsWithKey(s.KeyFile) }

// SSHArgsWithKey is SSHArgs with another private key, the only one ssh
// then offers.
func (s *Server) SSHArgsWithKey(keyFile string) []string {
	return []string{
		"-F", "/dev/null",
		"-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile=/dev/null",
		"-o", "BatchMode=yes",
		"-o", "IdentitiesOnly=yes",
		"-i", keyFile,
		"-o", "LogLevel=ERROR",
	}
}

// Log is what sshd has written to stderr so far, for failure messages.
func (s *Server) Log() string { return s.proc.output() }

// Stop ends sshd and the sessions it started. The test's cleanup does it
// too; calling it twice is safe.
func (s *Server) Stop() { s.proc.stop() }

func currentUser(t testing.TB) string {
	u, err := user.Current()
	if err != nil {
		t.Fatalf("who runs the tests: %v", err)
	}
	return u.Username
}

// ensurePrivSepDir creates /run/sshd when running as root, as sshd refuses
// to start without it.
func ensurePrivSepDir(t testing.TB) {
	if os.Geteuid() != 0 {
		return
	}
	if err := os.MkdirAll(privSepDir, 0o755); err != nil {
		t.Fatalf("create sshd's privilege separation directory: %v", err)
	}
}

// NewKey makes a client key pair that the server does not authorize
// (yet), and returns the private key's path; the public key is beside it
// with ".pub" added.
func NewKey(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "id_ed25519")
	keygen(t, path)
	return path
}

// keygen makes an ed25519 key pair without a passphrase at path.
func keygen(t testing.TB, path string) {
	t.Helper()
	out, err := exec.Command(SSHKeygen, "-q", "-t", "ed25519", "-N", "", "-C", "nport-test", "-f", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
}

// freePort returns a port that was free on 127.0.0.1 a moment ago; the
// caller retries if it is taken before sshd binds it.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// portString is Port as ssh's -p wants it.
func (s *Server) portString() string { return strconv.Itoa(s.Port) }
