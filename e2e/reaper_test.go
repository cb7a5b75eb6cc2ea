//go:build linux

package e2e

import (
	"syscall"
	"time"
)

// prSetChildSubreaper is PR_SET_CHILD_SUBREAPER of prctl(2).
const prSetChildSubreaper = 36

// becomeSubreaper makes the test process the parent of the orphans its
// children leave, the -x tunnels above all: their parent exits at once,
// and the test can then wait for them like any child, rather than leave
// them to an init that may never reap them.
func becomeSubreaper() error {
	_, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// reap waits up to timeout for pid, a child of this process, to exit, and
// reports whether it did. A pid that is no child of this process is never
// seen to exit.
func reap(pid int, timeout time.Duration) bool {
	exited := make(chan bool, 1)
	go func() {
		var ws syscall.WaitStatus
		for {
			got, err := syscall.Wait4(pid, &ws, 0, nil)
			if err != syscall.EINTR {
				exited <- err == nil && got == pid
				return
			}
		}
	}()
	select {
	case ok := <-exited:
		return ok
	case <-time.After(timeout):
		return false
	}
}
