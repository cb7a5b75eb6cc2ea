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

// memoBuild is one build, made once per test process.
type memoBuild struct {
	once sync.Once
	path string
	err  error
}

var (
	memoMu     sync.Mutex
	memoBuilds = map[string]*memoBuild{}
)

// buildMemo runs build(env, flags...) the first time it is called with
// key, and returns that build's binary at every call.
func buildMemo(t testing.TB, key string, env []string, flags ...string) string {
	t.Helper()
	memoMu.Lock()
	b := memoBuilds[key]
	if b == nil {
		b = &memoBuild{}
		memoBuilds[key] = b
	}
	memoMu.Unlock()
	b.once.Do(func() { b.path, b.err = build(env, flags...) })
	if b.err != nil {
		t.Fatalf("build %s: %v", key, b.err)
	}
	return b.path
}

// CrossBinary returns the path of an nport binary built from this module
// for target, static and stripped as released (CGO_ENABLED=0, -trimpath,
// -s -w), built once per test process for each target. Packages that call
// it use Main as their TestMain so the binary is removed afterwards.
func CrossBinary(t testing.TB, target Target) string {
	t.Helper()
	env := append([]string{"CGO_ENABLED=0", "GOOS=" + target.GOOS, "GOARCH=" + target.GOARCH}, target.Env...)
	return buildMemo(t, "for "+target.String(), env, "-trimpath", "-ldflags=-s -w")
}
