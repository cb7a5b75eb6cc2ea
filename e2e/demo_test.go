//go:build linux

package e2e

import (
	"net"
	"os"
	"regexp"
	"testing"

	"github.com/nport/nport/core/proctest"
	"github.com/nport/nport/core/sshdtest"
)

// TestDemo runs `nport demo` against a real sshd and against a port where
// nothing listens (its echo service then): it exits 0, prints a round trip
// line, and leaves nothing behind in its temporary directory.
func TestDemo(t *testing.T) {
	t.Parallel()
	sshd := sshdtest.Start(t)
	tests := []struct {
		name string
		addr string
		want *regexp.Regexp
	}{
		{"sshd", sshd.Addr, regexp.MustCompile(`(?m)round trip: sshd's banner "SSH-2\.0-OpenSSH[^"]*" came through the encrypted tunnel`)},
		{"echo", closedAddr(t), regexp.MustCompile(`(?m)round trip: \d+ random bytes went to the echo service and came back intact`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			r := run(t, command([]string{proctest.Binary(t), "demo", "--ssh-addr", tt.addr}, []string{"TMPDIR=" + tmp}), runTimeout)
			mustSucceed(t, "nport demo", r)
			if !tt.want.MatchString(r.stdout) {
				t.Errorf("the demo printed no line matching %s: %s", tt.want, r)
			}
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Errorf("the demo left %d entries in its temporary directory, want none", len(left))
			}
		})
	}
}

// closedAddr is an address on 127.0.0.1 where nothing listens.
func closedAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
