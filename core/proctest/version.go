package proctest

import "testing"

// VersionedBinary returns the path of an nport binary built from this
// module as Binary builds it, but with buildinfo.Version set to version
// at link time: another build of the same source, as an upgrade installs.
// It is built once per test process for each version.
func VersionedBinary(t testing.TB, version string) string {
	t.Helper()
	return buildMemo(t, "version "+version, []string{"CGO_ENABLED=0"}, "-ldflags=-X github.com/nport/nport/core/buildinfo.Version="+version)
}
