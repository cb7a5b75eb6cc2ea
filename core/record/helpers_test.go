package record

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/core/session"
)

// tcpPair returns the two ends of a loopback TCP connection, closed when
// the test ends, typed as the transports table needs.
func tcpPair(t testing.TB) (net.Conn, net.Conn) {
	t.Helper()
	a, b := nettest.TCPPair(t)
	return a, b
}

// pipePair returns the two ends of a net.Pipe, closed when the test ends.
func pipePair(t testing.TB) (net.Conn, net.Conn) {
	a, b := net.Pipe()
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

// transports are the underlying connections the tests run over.
var transports = []struct {
	name string
	pair func(testing.TB) (net.Conn, net.Conn)
}{
	{"tcp", tcpPair},
	{"pipe", pipePair},
}

// tunnelKeys are what the two ends of one tunnel know.
type tunnelKeys struct {
	client, daemon identity.PrivateKey
	session        session.ID
}

// newKeys returns fresh ephemeral keys and a session id.
func newKeys(t testing.TB) tunnelKeys {
	t.Helper()
	c, err := identity.GenerateEphemeral()
	if err != nil {
		t.Fatalf("GenerateEphemeral: %v", err)
	}
	d, err := identity.GenerateEphemeral()
	if err != nil {
		t.Fatalf("GenerateEphemeral: %v", err)
	}
	return tunnelKeys{client: c, daemon: d, session: session.NewID()}
}

// newPair runs a client over a and a daemon over b with matching keys.
func newPair(t testing.TB, a, b net.Conn) (client, daemon *Conn) {
	t.Helper()
	return newPairWith(t, a, b, ChaCha20Poly1305)
}

// newPairWith is newPair with cipher c.
func newPairWith(t testing.TB, a, b net.Conn, c Cipher) (client, daemon *Conn) {
	t.Helper()
	k := newKeys(t)
	client, err := New(a, c, Client, k.client, k.daemon.Public(), k.session)
	if err != nil {
		t.Fatalf("New(Client): %v", err)
	}
	daemon, err = New(b, c, Daemon, k.daemon, k.client.Public(), k.session)
	if err != nil {
		t.Fatalf("New(Daemon): %v", err)
	}
	return client, daemon
}

// randomBytes returns n random bytes.
func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("rand: %v", err)
	}
	return b
}

// readAll reads r until an error, returning what it got and the error
// (io.EOF included, unlike io.ReadAll).
func readAll(r io.Reader) ([]byte, error) {
	var got bytes.Buffer
	buf := make([]byte, 5000) // not a multiple of the record size
	for {
		n, err := r.Read(buf)
		got.Write(buf[:n])
		if err != nil {
			return got.Bytes(), err
		}
	}
}

// readResult is what readAll returned, for a goroutine to hand back.
type readResult struct {
	data []byte
	err  error
}

// readAllAsync runs readAll in a goroutine.
func readAllAsync(r io.Reader) <-chan readResult {
	ch := make(chan readResult, 1)
	go func() {
		data, err := readAll(r)
		ch <- readResult{data, err}
	}()
	return ch
}

// writeAll writes data in chunks of the given sizes, cycling through
// them, then ends the stream with CloseWrite.
func writeAll(c *Conn, data []byte, sizes ...int) error {
	for i := 0; len(data) > 0; i++ {
		n := min(sizes[i%len(sizes)], len(data))
		if _, err := c.Write(data[:n]); err != nil {
			return err
		}
		data = data[n:]
	}
	return c.CloseWrite()
}

// wantErr fails the test unless errors.Is(err, want).
func wantErr(t testing.TB, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("got error %v, want %v", err, want)
	}
}

// goAll runs fns in goroutines and returns a func that waits for them
// and returns their errors.
func goAll(fns ...func() error) func() []error {
	var wg sync.WaitGroup
	errs := make([]error, len(fns))
	for i, fn := range fns {
		wg.Go(func() { errs[i] = fn() })
	}
	return func() []error { wg.Wait(); return errs }
}
