package bridge

import (
	"context"
	"errors"
	"io"
	"os"
	"testing"
	"time"
)

func TestBridgeIdleTimeout(t *testing.T) {
	const idle = 100 * time.Millisecond
	eachTransport(t, func(t *testing.T, tr transport, pool *Pool) {
		endA, a, b, endB := tr.conns(t)
		start := time.Now()
		done := runBridge(t, New(Config{Pool: pool, IdleTimeout: idle}, a, b), context.Background())
		r := waitResult(t, done, 10*time.Second)
		if !errors.Is(r.err, ErrIdle) {
			t.Errorf("got error %v, want ErrIdle", r.err)
		}
		took := time.Since(start)
		t.Logf("closed after %s", took)
		if took < idle {
			t.Errorf("got idle close after %s, want at least %s", took, idle)
		}
		assertClosed(t, endA, endB)
	})
}

func TestBridgeTrafficKeepsIdleAway(t *testing.T) {
	const (
		// The margin between every and idle absorbs a loaded machine.
		idle  = 600 * time.Millisecond
		every = 30 * time.Millisecond
		ticks = 30 // one and a half idle timeouts
	)
	eachTransport(t, func(t *testing.T, tr transport, pool *Pool) {
		endA, a, b, endB := tr.conns(t)
		done := runBridge(t, New(Config{Pool: pool, IdleTimeout: idle}, a, b), context.Background())
		// Only b→a moves: a quiet a→b must not make the bridge idle.
		tick := time.NewTicker(every)
		defer tick.Stop()
		one := make([]byte, 1)
		var lastWrite time.Time
		for range ticks {
			<-tick.C
			lastWrite = time.Now()
			if _, err := endB.Write(one); err != nil {
				t.Fatalf("got write error %v, want nil", err)
			}
			if _, err := io.ReadFull(endA, one); err != nil {
				t.Fatalf("got read error %v, want nil", err)
			}
			select {
			case r := <-done:
				t.Fatalf("got bridge end (%v) while bytes were moving, want it open", r.err)
			default:
			}
		}
		r := waitResult(t, done, 10*time.Second)
		if !errors.Is(r.err, ErrIdle) {
			t.Errorf("got error %v, want ErrIdle", r.err)
		}
		if quiet := time.Since(lastWrite); quiet < idle {
			t.Errorf("got idle close %s after the last byte, want at least %s", quiet, idle)
		}
		if r.stats.BToA != ticks || r.stats.AToB != 0 {
			t.Errorf("got stats %+v, want BToA %d, AToB 0", r.stats, ticks)
		}
	})
}

func TestBridgeStalledPeerGoesIdle(t *testing.T) {
	const idle = 200 * time.Millisecond
	eachTransport(t, func(t *testing.T, tr transport, pool *Pool) {
		endA, a, b, endB := tr.conns(t)
		done := runBridge(t, New(Config{Pool: pool, IdleTimeout: idle}, a, b), context.Background())
		// endB never reads, so the bridge's writes to b block; a bridge
		// stuck like that moves nothing and must count as idle.
		wrote := make(chan struct{})
		go func() {
			defer close(wrote)
			chunk := make([]byte, 64<<10)
			for {
				if _, err := endA.Write(chunk); err != nil {
					return
				}
			}
		}()
		r := waitResult(t, done, 10*time.Second)
		if !errors.Is(r.err, ErrIdle) {
			t.Errorf("got error %v, want ErrIdle", r.err)
		}
		<-wrote // the writer fails once the bridge has closed a
		_ = endB.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.Copy(io.Discard, endB); errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("got error %v draining b's end, want EOF or a closed error", err)
		}
	})
}
