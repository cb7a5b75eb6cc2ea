package demo

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
)

func TestDemoEcho(t *testing.T) {
	// A port nothing listens on: the demo falls back to its echo service.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	var out bytes.Buffer
	if err := Run(context.Background(), Config{SSHAddr: closed, Out: &out}); err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out.String())
	}
	for _, want := range []string{"built-in echo service", "set up in", "came back intact", "sshnp  -f @demo_user"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}
