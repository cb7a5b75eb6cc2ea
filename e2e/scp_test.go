//go:build linux

package e2e

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestSCPRoundTrip sends 64 MiB of random bytes up to the device by scp
// and back again, through one tunnel port, and compares their hashes.
func TestSCPRoundTrip(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	port := w.openTunnel()
	scpRoundTrip(t, w, port, 64<<20)
}

// scpRoundTrip copies size random bytes to the device and back.
func scpRoundTrip(t *testing.T, w *world, port int, size int64) {
	t.Helper()
	local := tempFile(t, "sent.bin")
	want := writeRandom(t, local, size)
	onDevice := tempFile(t, "on-device.bin")
	mustSucceed(t, "scp up", run(t, command(w.scpArgs(port, local, "remote:"+onDevice), nil), runTimeout))
	if got := fileHash(t, onDevice); !bytes.Equal(got, want) {
		t.Fatalf("the file on the device has sha256 %x, want %x", got, want)
	}
	back := filepath.Join(t.TempDir(), "back.bin")
	mustSucceed(t, "scp down", run(t, command(w.scpArgs(port, "remote:"+onDevice, back), nil), runTimeout))
	if got := fileHash(t, back); !bytes.Equal(got, want) {
		t.Fatalf("the file that came back has sha256 %x, want %x", got, want)
	}
}

// writeRandom writes size random bytes to path and returns their sha256.
func writeRandom(t *testing.T, path string, size int64) []byte {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.CopyN(io.MultiWriter(f, h), rand.Reader, size); err != nil {
		t.Fatal(err)
	}
	return h.Sum(nil)
}

func fileHash(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return h.Sum(nil)
}

// TestSSHAndSCPTogether keeps an ssh session open across a whole scp round
// trip, both through the one local port of one tunnel.
func TestSSHAndSCPTogether(t *testing.T) {
	t.Parallel()
	w := newWorld(t, options{})
	port := w.openTunnel()
	s := w.startSession(t, port)
	scpRoundTrip(t, w, port, 8<<20)
	s.finish(t)
}
