package nettest

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/nport/nport/wire"
)

// ReadRefusal reads what a server sends on c before it closes it: one
// Refuse frame, then the end of the stream. ok is false if the server
// closed without a word. The test fails if c is still open after wait, or
// if anything else came. A reset counts as the end: closing with unread
// bytes causes one.
func ReadRefusal(t testing.TB, c net.Conn, wait time.Duration) (r wire.Refusal, ok bool) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(wait))
	all, err := io.ReadAll(c)
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		t.Fatalf("socket still open after %v (%d bytes read), want the server to close it", wait, len(all))
	case err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, syscall.ECONNRESET):
		t.Fatalf("got %v after %d bytes, want the server to close the socket", err, len(all))
	}
	if len(all) == 0 {
		return wire.Refusal{}, false
	}
	typ, payload, err := wire.ReadFrame(bytes.NewReader(all), make([]byte, wire.MaxFrameSize))
	if err != nil || typ != wire.FrameRefuse {
		t.Fatalf("got %q (%v), want one refuse frame", all, err)
	}
	if r, err = wire.ParseRefuse(payload); err != nil {
		t.Fatalf("parse refuse: %v", err)
	}
	if rest := len(all) - wire.FrameHeaderLen - len(payload); rest != 0 {
		t.Fatalf("got %d bytes after the refuse frame, want none", rest)
	}
	return r, true
}

// MustRefusal is ReadRefusal for a server that must refuse.
func MustRefusal(t testing.TB, c net.Conn, wait time.Duration) wire.Refusal {
	t.Helper()
	r, ok := ReadRefusal(t, c, wait)
	if !ok {
		t.Fatal("the server closed the socket without a refusal, want one")
	}
	return r
}
