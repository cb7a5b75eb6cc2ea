//go:build !windows

package client

import (
	"os/exec"
	"syscall"
)

// detach starts the background tunnel in a session of its own, so that
// closing the terminal does not end it.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
}
