package proctest

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Proc is a running nport process whose output is watched line by line, so
// a test can wait for the line that says it is ready instead of sleeping.
type Proc struct {
	t     testing.TB
	Cmd   *exec.Cmd
	mu    sync.Mutex
	lines []string
	grew  chan struct{} // closed and replaced whenever a line arrives
	done  chan struct{} // closed when the process has exited
	err   error         // Wait's result, valid after done
}

// Start runs the binary at path with args and env in the background. The
// process is stopped when the test ends. Stdin is empty unless set on
// p.Cmd.Stdin by StartWith.
func Start(t testing.TB, path string, env []string, args ...string) *Proc {
	t.Helper()
	return StartWith(t, exec.Command(path, args...), env)
}

// StartWith is Start for a prepared command (to give it stdin, say).
func StartWith(t testing.TB, cmd *exec.Cmd, env []string) *Proc {
	t.Helper()
	cmd.Env = append(os.Environ(), env...)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	p := &Proc{t: t, Cmd: cmd, grew: make(chan struct{}), done: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", cmd.Path, err)
	}
	go p.read(pr)
	go func() {
		p.err = cmd.Wait()
		pw.Close()
		close(p.done)
	}()
	t.Cleanup(p.Stop)
	return p
}

func (p *Proc) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		p.mu.Lock()
		p.lines = append(p.lines, sc.Text())
		close(p.grew)
		p.grew = make(chan struct{})
		p.mu.Unlock()
	}
	io.Copy(io.Discard, r)
}

// WaitFor waits until a line of output matches re and returns its
// submatches. It fails the test if the process exits first or nothing
// matches within timeout.
func (p *Proc) WaitFor(re *regexp.Regexp, timeout time.Duration) []string {
	p.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	seen := 0
	for {
		p.mu.Lock()
		lines, grew := p.lines, p.grew
		p.mu.Unlock()
		for ; seen < len(lines); seen++ {
			if m := re.FindStringSubmatch(lines[seen]); m != nil {
				return m
			}
		}
		select {
		case <-grew:
		case <-p.done:
			p.t.Fatalf("%s exited (%v) before printing a line matching %s; output:\n%s", p.Cmd.Path, p.err, re, p.Output())
		case <-deadline.C:
			p.t.Fatalf("%s printed no line matching %s within %v; output:\n%s", p.Cmd.Path, re, timeout, p.Output())
		}
	}
}

// Output is everything the process printed so far.
func (p *Proc) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n") + "\n"
}

// Wait waits for the process to exit and returns its exit code.
func (p *Proc) Wait(timeout time.Duration) int {
	p.t.Helper()
	select {
	case <-p.done:
		return p.Cmd.ProcessState.ExitCode()
	case <-time.After(timeout):
		p.t.Fatalf("%s still running after %v; output:\n%s", p.Cmd.Path, timeout, p.Output())
		return -1
	}
}

// Stop ends the process: SIGTERM, then SIGKILL if it has not exited within
// five seconds. It is safe to call more than once.
func (p *Proc) Stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.Cmd.Process.Kill()
		<-p.done
	}
}

// Kill ends the process at once, as a crash or power loss would.
func (p *Proc) Kill() {
	p.Cmd.Process.Kill()
	<-p.done
}

// Exited reports whether the process has ended, and its exit code if so.
func (p *Proc) Exited() (bool, int) {
	select {
	case <-p.done:
		return true, p.Cmd.ProcessState.ExitCode()
	default:
		return false, 0
	}
}
