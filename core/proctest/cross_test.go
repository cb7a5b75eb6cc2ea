package proctest

import (
	"debug/buildinfo"
	"testing"

	"github.com/nport/nport/core/nettest"
)

// TestCrossBinaryIsBuiltForItsTarget builds for a small device and reads
// the binary's build settings back, so a variant that is not passed on
// (GOARM ignored, say) fails here rather than go unnoticed.
func TestCrossBinaryIsBuiltForItsTarget(t *testing.T) {
	nettest.NoLeaks(t)
	target := Target{GOOS: "linux", GOARCH: "arm", Env: []string{"GOARM=5"}}
	path := CrossBinary(t, target)
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range info.Settings {
		got[s.Key] = s.Value
	}
	want := map[string]string{"GOOS": "linux", "GOARCH": "arm", "GOARM": "5", "CGO_ENABLED": "0", "-trimpath": "true"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("got build setting %s=%q, want %q", k, got[k], v)
		}
	}
	if again := CrossBinary(t, target); again != path {
		t.Errorf("a second call built again: %s, then %s", path, again)
	}
}
