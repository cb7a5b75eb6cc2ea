package proctest

import (
	"sync"
	"testing"
)

var (
	versionedMu     sync.Mutex
	versionedBuilds = map[string]*crossBuild{}
)

// VersionedBinary returns the path of an nport binary built from this
// module as Binary builds it, but with buildinfo.Version set to version
// at link time: another build of the same source, as an upgrade installs.
// It is built once per test process for each version.
func VersionedBinary(t testing.TB, version string) string {
	t.Helper()
	versionedMu.Lock()
	b := versionedBuilds[version]
	if b == nil {
		b = &crossBuild{}
		versionedBuilds[version] = b
	}
	versionedMu.Unlock()
	b.once.Do(func() {
		b.path, b.err = build([]string{"CGO_ENABLED=0"}, "-ldflags=-X github.com/nport/nport/core/buildinfo.Version="+version)
	})
	if b.err != nil {
		t.Fatalf("build version %s: %v", version, b.err)
	}
	return b.path
}
