//go:build unix

package sshdtest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// readyTimeout bounds the wait for sshd's "Server listening" line.
const readyTimeout = 20 * time.Second

// process is sshd running in a process group of its own, so that stopping
// it also ends the per-connection children it forked.
type process struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	log  strings.Builder
	grew chan struct{} // closed and replaced when a line arrives
	done chan struct{} // closed when sshd has exited
	once sync.Once
}

func startProcess(t testing.TB, path string, args ...string) (*process, error) {
	cmd := exec.Command(path, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	p := &process{cmd: cmd, grew: make(chan struct{}), done: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	go p.read(pr)
	go func() {
		cmd.Wait()
		pw.Close()
		close(p.done)
	}()
	t.Cleanup(p.stop)
	return p, nil
}

func (p *process) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		p.mu.Lock()
		p.log.WriteString(sc.Text() + "\n")
		close(p.grew)
		p.grew = make(chan struct{})
		p.mu.Unlock()
	}
	io.Copy(io.Discard, r)
}

func (p *process) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// errExited means sshd ended before it listened: a bind failure, usually.
var errExited = errors.New("sshd exited before listening")

// waitListening waits for the line sshd prints once it has bound port.
func (p *process) waitListening(port int) error {
	want := fmt.Sprintf("Server listening on 127.0.0.1 port %d.", port)
	deadline := time.After(readyTimeout)
	for {
		p.mu.Lock()
		out, grew := p.log.String(), p.grew
		p.mu.Unlock()
		if strings.Contains(out, want) {
			return nil
		}
		select {
		case <-grew:
		case <-p.done:
			return fmt.Errorf("%w: %s", errExited, strings.TrimSpace(p.output()))
		case <-deadline:
			return fmt.Errorf("sshd printed no %q within %v: %s", want, readyTimeout, p.output())
		}
	}
}

// stop ends sshd's process group: SIGTERM, then SIGKILL if it lingers.
func (p *process) stop() {
	p.once.Do(func() {
		pgid := -p.cmd.Process.Pid
		syscall.Kill(pgid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
		}
		// Session children may outlive the listener's exit.
		syscall.Kill(pgid, syscall.SIGKILL)
		<-p.done
	})
}
