package keeper

import (
	"fmt"
	"os"
	"sync"

	"github.com/nport/nport/core/buildinfo"
)

// selfExe is the path that names this process's own program: on Linux
// /proc/self/exe, which stays the running binary even after an upgrade
// replaced or removed its file, so that a keeper is always of the
// daemon's own build.
func selfExe() (string, error) {
	const proc = "/proc/self/exe"
	if _, err := os.Stat(proc); err == nil {
		return proc, nil
	}
	return os.Executable()
}

// Build names this program: its version, commit and Go version, and the
// identity of its executable file (device, inode, size, time), so that a
// binary rebuilt or replaced under the same version is still told apart,
// without reading the whole file (seconds of CPU on a small device).
var Build = sync.OnceValue(func() string {
	b := buildinfo.String()
	path, err := selfExe()
	if err != nil {
		return b
	}
	fi, err := os.Stat(path)
	if err != nil {
		return b
	}
	return fmt.Sprintf("%s exe=%s/%d/%d", b, fileID(fi), fi.Size(), fi.ModTime().UnixNano())
})
