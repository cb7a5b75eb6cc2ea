package nettest

import (
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"
)

// plantedCount is how many goroutines plantLeak starts: more than the
// test runner's own goroutines that may still be ending when a baseline is
// read, so that their exit cannot hide the planted ones.
const plantedCount = 8

// plantLeak starts goroutines that block in plantedLeak until the test
// ends, so that a check run before then must see them. The cleanup waits
// until they have gone, or the next test's baseline would count them.
func plantLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	release := make(chan struct{})
	for range plantedCount {
		go plantedLeak(release)
	}
	t.Cleanup(func() {
		close(release)
		if err := waitGoroutines(before, LeakWait); err != nil {
			t.Errorf("planted goroutine still running after release: %v", err)
		}
	})
}

// plantedLeak is named so that its frame can be found in the stacks.
func plantedLeak(release <-chan struct{}) { <-release }

// recorder is a testing.TB that keeps what Errorf reports instead of
// failing the real test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestCheckGoroutines(t *testing.T) {
	tests := []struct {
		name     string
		leak     bool
		wantFail bool
	}{
		{"nothing left running", false, false},
		{"planted leak", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			check := CheckGoroutines(rec, 100*time.Millisecond)
			if tt.leak {
				plantLeak(t)
			}
			check()
			if got := len(rec.errs) > 0; got != tt.wantFail {
				t.Fatalf("got failed %v, want %v (errors: %q)", got, tt.wantFail, rec.errs)
			}
			if tt.wantFail && !strings.Contains(rec.errs[0], "plantedLeak") {
				t.Errorf("got report %q, want it to show the plantedLeak stack", rec.errs[0])
			}
		})
	}
}

func TestWaitGoroutinesWrapsErrLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	plantLeak(t)
	if err := waitGoroutines(before, 10*time.Millisecond); !errors.Is(err, errLeak) {
		t.Errorf("got %v, want errLeak", err)
	}
}

// TestNoLeaksWaits checks that a goroutine ending shortly after the test
// body is not reported: NoLeaks polls instead of reading the count once.
func TestNoLeaksWaits(t *testing.T) {
	rec := &recorder{TB: t}
	t.Run("body", func(t *testing.T) {
		rec.TB = t
		NoLeaks(rec)
		done := make(chan struct{})
		go func() { <-done }()
		t.Cleanup(func() { time.AfterFunc(20*time.Millisecond, func() { close(done) }) })
	})
	if len(rec.errs) != 0 {
		t.Errorf("got errors %q, want none", rec.errs)
	}
}

func TestTCPPair(t *testing.T) {
	var a, b *net.TCPConn
	t.Run("use", func(t *testing.T) {
		a, b = TCPPair(t)
		tests := []struct {
			name     string
			from, to *net.TCPConn
		}{
			{"dialed to accepted", a, b},
			{"accepted to dialed", b, a},
		}
		for _, tt := range tests {
			want := []byte(tt.name)
			if _, err := tt.from.Write(want); err != nil {
				t.Fatalf("%s: write: %v", tt.name, err)
			}
			got := make([]byte, len(want))
			if _, err := io.ReadFull(tt.to, got); err != nil {
				t.Fatalf("%s: read: %v", tt.name, err)
			}
			if string(got) != string(want) {
				t.Errorf("%s: got %q, want %q", tt.name, got, want)
			}
		}
	})
	for name, c := range map[string]*net.TCPConn{"dialed": a, "accepted": b} {
		if _, err := c.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
			t.Errorf("%s end after the test: got write error %v, want net.ErrClosed", name, err)
		}
	}
}
