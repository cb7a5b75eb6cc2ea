// Package buildinfo says which build of nport is running.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version and Commit are set at link time:
//
//	go build -ldflags "-X github.com/nport/nport/core/buildinfo.Version=v0.1.0 -X …Commit=abc123"
var (
	Version = "dev"
	Commit  = ""
)

// String is the line `nport --version` prints: version, commit, Go version
// and OS/arch.
func String() string {
	return fmt.Sprintf("nport %s (commit %s, %s, %s/%s)", Version, commit(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func commit() string {
	if Commit != "" {
		return Commit
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return s.Value[:12]
			}
		}
	}
	return "unknown"
}
