//go:build unix

package keeper

import (
	"fmt"
	"os"
	"syscall"
)

// fileID is the device and inode of a file.
func fileID(fi os.FileInfo) string {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fmt.Sprintf("%d:%d", st.Dev, st.Ino)
	}
	return "-"
}

// detach starts a keeper in a session of its own, so that a signal to
// the daemon's process group or the loss of its terminal does not reach
// it.
func detach() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setsid: true}
}
