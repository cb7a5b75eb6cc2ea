package status

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

func TestNothingAnswers(t *testing.T) {
	// A port nobody listens on: one that was just closed.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var out bytes.Buffer
	err = Run(context.Background(), Config{Addrs: []string{addr}, Explicit: true, Timeout: time.Second, Out: &out, Err: &out})
	if err == nil || !strings.Contains(err.Error(), "--metrics") {
		t.Errorf("got %v, want an error that names --metrics", err)
	}
	err = Run(context.Background(), Config{Addrs: []string{addr}, Timeout: time.Second, JSON: true, Out: &out, Err: &out})
	if err == nil || !strings.Contains(err.Error(), "nothing answers") {
		t.Errorf("default addresses, none answering: got %v, want \"nothing answers\"", err)
	}
	if !strings.Contains(out.String(), "[]") {
		t.Errorf("--json printed %q, want an empty array", out.String())
	}
}
