package record

import (
	"bytes"
	"crypto/cipher"
	"net"
	"testing"
	"time"

	"golang.org/x/crypto/chacha20poly1305"
)

// Fixed keys for tests that build streams by hand: the client seals with
// fixedC2D, the daemon with fixedD2C.
var (
	fixedC2D = [32]byte{1, 2, 3}
	fixedD2C = [32]byte{4, 5, 6}
)

// mustAEAD returns the ChaCha20-Poly1305 AEAD of key.
func mustAEAD(t testing.TB, key [32]byte) cipher.AEAD {
	t.Helper()
	a, err := chacha20poly1305.New(key[:])
	if err != nil {
		t.Fatalf("chacha20poly1305.New: %v", err)
	}
	return a
}

// fixedDaemon is a daemon end over conn with the fixed keys.
func fixedDaemon(t testing.TB, conn net.Conn) *Conn {
	return newConn(conn, mustAEAD(t, fixedD2C), mustAEAD(t, fixedC2D))
}

// captureConn is a net.Conn that reads from a fixed stream, handed out at
// most chunk bytes at a time (all of it for 0), and records what is
// written to it.
type captureConn struct {
	net.Conn // nil: the methods below are all a Conn uses
	in       *bytes.Reader
	chunk    int
	out      bytes.Buffer
}

func (c *captureConn) Read(p []byte) (int, error) {
	if c.chunk > 0 && len(p) > c.chunk {
		p = p[:c.chunk]
	}
	return c.in.Read(p)
}

func (c *captureConn) Write(p []byte) (int, error)        { return c.out.Write(p) }
func (c *captureConn) Close() error                       { return nil }
func (c *captureConn) SetWriteDeadline(_ time.Time) error { return nil }

// sealStream returns the bytes a client sends for the given writes, each
// one Write, followed by the end-of-stream record if end is set.
func sealStream(t testing.TB, end bool, writes ...[]byte) []byte {
	t.Helper()
	cc := &captureConn{in: bytes.NewReader(nil)}
	c := newConn(cc, mustAEAD(t, fixedC2D), mustAEAD(t, fixedD2C))
	for _, w := range writes {
		if _, err := c.Write(w); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	if end {
		if err := c.CloseWrite(); err != nil {
			t.Fatalf("CloseWrite: %v", err)
		}
	}
	return cc.out.Bytes()
}
