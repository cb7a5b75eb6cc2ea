//go:build linux

package e2e

import (
	"bufio"
	"bytes"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// sessionScript is the remote command of a live session: it says it is
// there, then answers one line. Until the test writes that line the ssh
// session stays open, which lets a test act while it is.
const sessionScript = `echo ready; read word; echo "got-$word"`

// liveSession is an ssh session kept open by the test.
type liveSession struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	stderr syncBuffer
	done   chan struct{}
}

// startSession opens an ssh session through the tunnel on port and waits
// until the remote shell has answered.
func (w *world) startSession(t *testing.T, port int) *liveSession {
	return startSession(t, w.sshArgs(port, sessionScript), nil)
}

// startSession runs argv (an ssh command whose remote command is
// sessionScript) and waits for the remote shell's first line.
func startSession(t *testing.T, argv, env []string) *liveSession {
	t.Helper()
	s := &liveSession{cmd: command(argv, env), lines: make(chan string, 16), done: make(chan struct{})}
	s.cmd.Stderr = &s.stderr
	s.cmd.WaitDelay = 5 * time.Second
	var err error
	if s.stdin, err = s.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start ssh: %v", err)
	}
	go func() {
		defer close(s.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
	}()
	go func() {
		s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(s.kill)
	if got := s.next(t); got != "ready" {
		t.Fatalf("got first line %q from the session, want ready; stderr:\n%s", got, s.stderr.String())
	}
	return s
}

// next returns the session's next line of output, "" once it has ended.
func (s *liveSession) next(t *testing.T) string {
	t.Helper()
	select {
	case l := <-s.lines:
		return l
	case <-time.After(runTimeout):
		t.Fatalf("the ssh session printed nothing within %v; stderr:\n%s", runTimeout, s.stderr.String())
		return ""
	}
}

// finish sends the session its line, checks the answer and the exit
// status, so that the session is shown to have worked from start to end.
func (s *liveSession) finish(t *testing.T) {
	t.Helper()
	word := token()
	if _, err := io.WriteString(s.stdin, word+"\n"); err != nil {
		t.Fatalf("write to the ssh session: %v; stderr:\n%s", err, s.stderr.String())
	}
	s.stdin.Close()
	if got, want := s.next(t), "got-"+word; got != want {
		t.Errorf("got %q from the session, want %q; stderr:\n%s", got, want, s.stderr.String())
	}
	select {
	case <-s.done:
	case <-time.After(runTimeout):
		t.Fatalf("the ssh session did not end within %v", runTimeout)
	}
	if code := s.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("got ssh exit %d, want 0; stderr:\n%s", code, strings.TrimSpace(s.stderr.String()))
	}
}

// kill ends the session if the test has not.
func (s *liveSession) kill() {
	select {
	case <-s.done:
	default:
		s.cmd.Process.Kill()
		<-s.done
	}
}

// syncBuffer is a buffer that one goroutine fills while another reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
