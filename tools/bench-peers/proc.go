//go:build linux

package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// stopGrace is how long a process has to end after SIGTERM before SIGKILL.
const stopGrace = 5 * time.Second

// proc is a process this tool started, in a process group of its own so
// that stopping it also stops what it started (the nport client's stand-in
// for ssh), and killed by the kernel should this tool die first.
type proc struct {
	name  string
	cmd   *exec.Cmd
	out   *lineLog
	done  chan struct{}
	err   error // Wait's result, valid once done is closed
	owner *supervisor
}

// supervisor knows every process still running, to stop them all at the
// end, after a failure or on Ctrl-C.
type supervisor struct {
	mu      sync.Mutex
	live    map[*proc]bool
	verbose bool
}

// spec is one process to start.
type spec struct {
	name string
	argv []string
	env  []string // added to this process's environment
}

// start starts a process whose output, stdout and stderr together, is read
// line by line.
func (s *supervisor) start(sp spec) (*proc, error) {
	cmd := exec.Command(sp.argv[0], sp.argv[1:]...)
	cmd.Env = append(os.Environ(), sp.env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	p := &proc{name: sp.name, cmd: cmd, out: newLineLog(s.echo(sp.name)), done: make(chan struct{}), owner: s}
	pr, pw, err := os.Pipe()
	if err == nil {
		defer pw.Close()
		cmd.Stdout, cmd.Stderr = pw, pw
		err = cmd.Start()
	}
	if err != nil {
		p.release(pr)
		return nil, fmt.Errorf("start %s: %w", sp.name, err)
	}
	s.track(p)
	go p.out.read(pr)
	go p.wait()
	return p, nil
}

// release closes what start opened for a process that did not start.
func (p *proc) release(out *os.File) {
	if out != nil {
		out.Close()
	}
}

func (s *supervisor) echo(name string) io.Writer {
	if !s.verbose {
		return nil
	}
	return &prefixWriter{prefix: name + ": ", w: os.Stderr}
}

func (s *supervisor) track(p *proc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.live == nil {
		s.live = map[*proc]bool{}
	}
	s.live[p] = true
}

func (p *proc) wait() {
	p.err = p.cmd.Wait()
	close(p.done)
}

// pid is the process's id, for /proc.
func (p *proc) pid() int { return p.cmd.Process.Pid }

// exited is an error when the process has ended, naming how and its last
// lines of output; nil while it runs.
func (p *proc) exited() error {
	select {
	case <-p.done:
		return fmt.Errorf("%s exited (%v): %s", p.name, p.err, p.out.tail(3))
	default:
		return nil
	}
}

// stop ends the process and its group: SIGTERM, then SIGKILL after
// stopGrace. The group is signalled only while its leader
// runs, so no other process can be hit. It may be called more than once.
func (p *proc) stop() {
	if p.exited() == nil {
		syscall.Kill(-p.pid(), syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(stopGrace):
			syscall.Kill(-p.pid(), syscall.SIGKILL)
		}
	}
	<-p.done
	p.owner.mu.Lock()
	delete(p.owner.live, p)
	p.owner.mu.Unlock()
}

// stopAll stops every process still running.
func (s *supervisor) stopAll() {
	s.mu.Lock()
	live := make([]*proc, 0, len(s.live))
	for p := range s.live {
		live = append(live, p)
	}
	s.mu.Unlock()
	for _, p := range live {
		p.stop()
	}
}

// argvString is a command line as a person would type it.
func argvString(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = a
		if a == "" || strings.ContainsAny(a, " '\"$*?") {
			q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(q, " ")
}
