//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/nettest"
)

func TestWaitForSeesALineAlsoAfterTheOutputEnded(t *testing.T) {
	nettest.NoLeaks(t)
	l := newLineLog(nil)
	var out strings.Builder
	for i := range keptLines + 10 {
		fmt.Fprintf(&out, "line %d\n", i)
	}
	out.WriteString("nport daemon ready: identity=@d device=default\n")
	l.read(io.NopCloser(strings.NewReader(out.String())))
	if _, err := l.waitFor(context.Background(), daemonReady, time.Second); err != nil {
		t.Errorf("got %v, want the ready line", err)
	}
	if _, err := l.waitFor(context.Background(), regexp.MustCompile(`never`), time.Minute); err == nil {
		t.Error("a line never printed: got no error")
	}
	if got := l.tail(1); !strings.HasPrefix(got, "nport daemon ready") {
		t.Errorf("tail: got %q", got)
	}
}
