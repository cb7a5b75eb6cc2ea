package proctest

import (
	"strings"
	"sync"
	"testing"
)

// Target is a platform to build nport for, as a release does.
type Target struct {
	GOOS, GOARCH string
	// Env is more build environment, the variant above all: GOARM=5,
	// GOMIPS=softfloat.
	Env []string
}

// String names the target as go tool dist does, with its variant:
// linux/arm GOARM=5.
func (tg Target) String() string {
	return strings.Join(append([]string{tg.GOOS + "/" + tg.GOARCH}, tg.Env...), " ")
}

// crossBuild is one target's build, made once per test process.
type crossBuild struct {
	once sync.Once
	path string
	err  error
}

var (
	crossMu     sync.Mutex
	crossBuilds = map[string]*crossBuild{}
)

// CrossBinary returns the path of an nport binary built from this module
// for target, static and stripped as released (CGO_ENABLED=0, -trimpath,
// -s -w), built once per test process for each target. Packages that call
// it use Main as their TestMain so the binary is removed afterwards.
func CrossBinary(t testing.TB, target Target) string {
	t.Helper()
	crossMu.Lock()
	b := crossBuilds[target.String()]
	if b == nil {
		b = &crossBuild{}
		crossBuilds[target.String()] = b
	}
	crossMu.Unlock()
	b.once.Do(func() {
		env := append([]string{"CGO_ENABLED=0", "GOOS=" + target.GOOS, "GOARCH=" + target.GOARCH}, target.Env...)
		b.path, b.err = build(env, "-trimpath", "-ldflags=-s -w")
	})
	if b.err != nil {
		t.Fatalf("build for %s: %v", target, b.err)
	}
	return b.path
}
