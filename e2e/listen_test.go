//go:build linux

package e2e

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nport/nport/core/sshdtest"
)

// TCP states in /proc/net/tcp (include/net/tcp_states.h).
const (
	tcpEstablished = "01"
	tcpListen      = "0A"
)

// sessionEnded is the daemon's log line at the end of a session.
var sessionEnded = regexp.MustCompile(`"msg":"session ended"`)

// TestDaemonNeverListens checks the sockets of the daemon and of its
// session keeper before, during and after a session: none of them is a
// listening TCP socket (the keeper's one listener is a unix socket in the
// daemon's home), and they do hold the connections a session needs, so
// the check saw them: the daemon its relay connection, the keeper the
// rendezvous and the sshd the stream reaches.
func TestDaemonNeverListens(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	pid := w.daemon.Cmd.Process.Pid
	kept := onlyKeeper(t, w.devHome, "after the daemon started")
	checkNoListener(t, "before a session", pid, 1) // the relay connection
	checkNoListener(t, "the keeper before a session", kept, 0)

	proxy := shellJoin(w.clientArgs(alice, "--stdio"))
	args := append([]string{sshdtest.SSH}, w.sshd.SSHArgs()...)
	args = append(args, "-o", "ProxyCommand="+proxy, w.sshd.User+"@device-alias", sessionScript)
	s := startSession(t, args, w.clientEnv(alice))
	checkNoListener(t, "during a session", pid, 1)
	checkNoListener(t, "the keeper during a session", kept, 2)
	s.finish(t)

	w.daemon.WaitFor(sessionEnded, logTimeout)
	checkNoListener(t, "after a session", pid, 1)
	checkNoListener(t, "the keeper after a session", kept, 0)
}

// checkNoListener fails the test if process pid holds a listening TCP
// socket, or fewer established ones than minEstablished.
func checkNoListener(t *testing.T, when string, pid, minEstablished int) {
	t.Helper()
	states := tcpStates(t, pid)
	established := 0
	for inode, st := range states {
		if st == tcpListen {
			t.Errorf("%s: process %d holds a listening socket (inode %s)", when, pid, inode)
		}
		if st == tcpEstablished {
			established++
		}
	}
	if established < minEstablished {
		t.Errorf("%s: got %d established sockets of process %d, want at least %d (states by inode: %v)", when, established, pid, minEstablished, states)
	}
}

// tcpStates maps the inode of each TCP socket of process pid to its state.
func tcpStates(t *testing.T, pid int) map[string]string {
	t.Helper()
	proc := filepath.Join("/proc", strconv.Itoa(pid))
	mine := socketInodes(t, proc)
	states := map[string]string{}
	for _, table := range []string{"tcp", "tcp6"} {
		for inode, st := range tcpTable(t, filepath.Join(proc, "net", table)) {
			if mine[inode] {
				states[inode] = st
			}
		}
	}
	return states
}

// socketInodes lists the sockets among the open files of a process.
func socketInodes(t *testing.T, proc string) map[string]bool {
	t.Helper()
	fds, err := os.ReadDir(filepath.Join(proc, "fd"))
	if err != nil {
		t.Fatalf("list the daemon's open files: %v", err)
	}
	inodes := map[string]bool{}
	for _, fd := range fds {
		// A descriptor may close between the listing and the link.
		link, err := os.Readlink(filepath.Join(proc, "fd", fd.Name()))
		if inode, ok := strings.CutPrefix(link, "socket:["); err == nil && ok {
			inodes[strings.TrimSuffix(inode, "]")] = true
		}
	}
	return inodes
}

// tcpTable reads /proc/PID/net/tcp or tcp6: the state (4th column) of each
// socket by its inode (10th column).
func tcpTable(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("read the socket table: %v", err)
	}
	defer f.Close()
	states := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Scan() // the header
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) >= 10 {
			states[fields[9]] = fields[3]
		}
	}
	return states
}
