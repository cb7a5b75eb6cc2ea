//go:build linux

package main

import (
	"context"
	"testing"

	"github.com/nport/nport/core/nettest"
)

func TestRoundTripsThroughTheEchoService(t *testing.T) {
	nettest.NoLeaks(t)
	ports, err := freePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	e, err := startEcho(ports[0])
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	if err := echoOnce(context.Background(), ports[0]); err != nil {
		t.Fatalf("probe: %v", err)
	}
	took, err := roundTrips(context.Background(), ports[0], 10, 100)
	if err != nil || len(took) != 100 {
		t.Fatalf("got %d round trips, %v, want 100", len(took), err)
	}
	e.close()
	if err := echoOnce(context.Background(), ports[0]); err == nil {
		t.Error("probe after close: got no error")
	}
}
