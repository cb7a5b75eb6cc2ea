package record

import (
	"bytes"
	"errors"
	"io"
	"os"
	"slices"
	"testing"
	"time"
)

func TestReadTimeoutKeepsPartialRecord(t *testing.T) {
	a, b := tcpPair(t)
	daemon := fixedDaemon(t, b)
	stream := sealStream(t, true, []byte("across a timeout"))
	if _, err := a.Write(stream[:9]); err != nil {
		t.Fatalf("write: %v", err)
	}
	if err := daemon.SetReadDeadline(time.Now().Add(50 * time.Millisecond)); err != nil {
		t.Fatalf("SetReadDeadline: %v", err)
	}
	if _, err := daemon.Read(make([]byte, 100)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("got %v, want a deadline error", err)
	}
	if _, err := a.Write(stream[9:]); err != nil {
		t.Fatalf("write: %v", err)
	}
	if err := daemon.SetReadDeadline(time.Time{}); err != nil {
		t.Fatalf("SetReadDeadline: %v", err)
	}
	got, err := readAll(daemon)
	if err != io.EOF || string(got) != "across a timeout" {
		t.Errorf("got %q, %v, want %q, io.EOF", got, err, "across a timeout")
	}
}

func TestCounterExhausted(t *testing.T) {
	a, b := tcpPair(t)
	client := newConn(a, mustAEAD(t, fixedC2D), mustAEAD(t, fixedD2C))
	daemon := fixedDaemon(t, b)
	client.out.seq = 1<<64 - 2
	daemon.in.seq = 1<<64 - 2
	if _, err := client.Write([]byte("last")); err != nil {
		t.Fatalf("Write of the last record: %v", err)
	}
	got := make([]byte, 10)
	if n, err := daemon.Read(got); err != nil || string(got[:n]) != "last" {
		t.Fatalf("got %q, %v, want %q, nil", got[:n], err, "last")
	}
	if _, err := client.Write([]byte("one too many")); !errors.Is(err, errExhausted) {
		t.Errorf("got %v, want errExhausted", err)
	}
	if err := client.CloseWrite(); !errors.Is(err, errExhausted) {
		t.Errorf("CloseWrite: got %v, want errExhausted", err)
	}
}

func TestConcurrentWrites(t *testing.T) {
	const writers, writes, size = 4, 30, 20000 // each Write spans two records
	a, b := tcpPair(t)
	client, daemon := newPair(t, a, b)
	got := readAllAsync(daemon)
	echoed := readAllAsync(client)
	var fns []func() error
	for w := range writers {
		fns = append(fns, func() error {
			msg := bytes.Repeat([]byte{byte('a' + w)}, size)
			for range writes {
				if _, err := client.Write(msg); err != nil {
					return err
				}
			}
			return nil
		})
	}
	// The other direction runs at the same time.
	fns = append(fns, func() error { return writeAll(daemon, randomBytes(t, 1<<20), 5000) })
	for _, err := range goAll(fns...)() {
		if err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	if err := client.CloseWrite(); err != nil {
		t.Fatalf("CloseWrite: %v", err)
	}
	res := <-got
	if res.err != io.EOF || len(res.data) != writers*writes*size {
		t.Fatalf("got %d bytes, %v, want %d, io.EOF", len(res.data), res.err, writers*writes*size)
	}
	counts := map[byte]int{}
	for chunk := range slices.Chunk(res.data, size) {
		if !bytes.Equal(chunk, bytes.Repeat(chunk[:1], size)) {
			t.Fatalf("got a Write's bytes interleaved with another's")
		}
		counts[chunk[0]]++
	}
	for w := range writers {
		if got := counts[byte('a'+w)]; got != writes {
			t.Errorf("writer %d: got %d writes, want %d", w, got, writes)
		}
	}
	if res := <-echoed; res.err != io.EOF || len(res.data) != 1<<20 {
		t.Errorf("other direction: got %d bytes, %v, want %d, io.EOF", len(res.data), res.err, 1<<20)
	}
}

func TestZeroAllocs(t *testing.T) {
	a, b := tcpPair(t)
	client, daemon := newPair(t, a, b)
	data := randomBytes(t, 16<<10)
	buf := make([]byte, len(data))
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := client.Write(data); err != nil {
			t.Fatalf("Write: %v", err)
		}
		if _, err := io.ReadFull(daemon, buf); err != nil {
			t.Fatalf("Read: %v", err)
		}
	})
	if allocs != 0 {
		t.Errorf("got %v allocations per record, want 0", allocs)
	}
}

func TestCloseBreaksBlockedWrite(t *testing.T) {
	a, b := tcpPair(t)
	client, _ := newPair(t, a, b)
	written := goAll(func() error {
		_, err := client.Write(make([]byte, 64<<20)) // far more than the socket buffers
		return err
	})
	// A byte on the far side means the Write is under way; nobody reads
	// the rest, so it blocks.
	if _, err := io.ReadFull(b, make([]byte, 1)); err != nil {
		t.Fatalf("read: %v", err)
	}
	start := time.Now()
	if err := client.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if took := time.Since(start); took >= endTimeout {
		t.Errorf("Close took %v, want it not to wait for the blocked Write", took)
	}
	if err := written()[0]; err == nil {
		t.Errorf("got a nil error from the Write that Close broke, want one")
	}
}
