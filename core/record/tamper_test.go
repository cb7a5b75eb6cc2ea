package record

import (
	"bytes"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
)

// attack says what a middle-man does to the client → daemon bytes: flip
// the byte at flipAt, or end the stream after cutAt bytes (-1: don't).
type attack struct {
	flipAt, cutAt int64
}

// middleMan starts a TCP proxy between a client end and a daemon end and
// returns the two. The daemon → client direction is copied untouched.
func middleMan(t *testing.T, at attack) (clientSide, daemonSide net.Conn) {
	t.Helper()
	clientSide, fromClient := tcpPair(t)
	toDaemon, daemonSide := tcpPair(t)
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	t.Cleanup(func() { clientSide.Close(); daemonSide.Close() })
	wg.Go(func() { at.copy(toDaemon.(*net.TCPConn), fromClient) })
	wg.Go(func() {
		io.Copy(fromClient, toDaemon)
		fromClient.(*net.TCPConn).CloseWrite()
	})
	return clientSide, daemonSide
}

// copy forwards src to dst doing the attack, then drains src so that the
// client's writes never block on a proxy that has stopped forwarding.
func (at attack) copy(dst *net.TCPConn, src net.Conn) {
	defer io.Copy(io.Discard, src)
	defer dst.CloseWrite()
	buf := make([]byte, 4096)
	var off int64
	for {
		n, err := src.Read(buf)
		chunk := buf[:n]
		if i := at.flipAt - off; i >= 0 && i < int64(n) {
			chunk[i] ^= 0x40
		}
		if at.cutAt >= 0 && off+int64(n) >= at.cutAt {
			dst.Write(chunk[:at.cutAt-off])
			return
		}
		off += int64(n)
		if _, werr := dst.Write(chunk); werr != nil || err != nil {
			return
		}
	}
}

// The stream the attack tests send: eight full records, then the
// end-of-stream record.
const (
	attackRecords = 8
	wireRecord    = 2 + 16<<10 + 16 // bytes of one full record on the wire
	attackWire    = attackRecords*wireRecord + 2 + 16
)

// runAttack sends attackRecords full records through at and returns what
// the daemon read before its error, the error, and the data sent.
func runAttack(t *testing.T, at attack) (got []byte, err error, sent []byte) {
	t.Helper()
	cs, ds := middleMan(t, at)
	client, daemon := newPair(t, cs, ds)
	sent = randomBytes(t, attackRecords*16<<10)
	wait := goAll(func() error {
		// Errors are expected here: the daemon may close on tampering.
		_ = writeAll(client, sent, 16<<10)
		return nil
	})
	got, err = readAll(daemon)
	wait()
	return got, err, sent
}

func TestTamperedByte(t *testing.T) {
	for _, tc := range []struct {
		name   string
		offset int64
	}{
		{"length of first record", 0},
		{"length low byte", 1},
		{"first ciphertext byte", 2},
		{"middle of first record", 9000},
		{"last tag byte of first record", wireRecord - 1},
		{"length of fourth record", 3 * wireRecord},
		{"inside sixth record", 5*wireRecord + 12345},
		{"end-of-stream record", attackWire - 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err, sent := runAttack(t, attack{flipAt: tc.offset, cutAt: -1})
			wantErr(t, err, ErrTampered)
			// Every record before the changed one arrives; nothing after.
			want := sent[:tc.offset/wireRecord*16<<10]
			if !bytes.Equal(got, want) {
				t.Errorf("got %d bytes before the error, want the first %d bytes sent", len(got), len(want))
			}
		})
	}
}

func TestTruncated(t *testing.T) {
	for _, tc := range []struct {
		name string
		cut  int64
		want error
	}{
		{"nothing", 0, ErrTruncated},
		{"half a length", 1, ErrTruncated},
		{"inside first record", 100, ErrTruncated},
		{"after first record", wireRecord, ErrTruncated},
		{"inside third record", 2*wireRecord + 7, ErrTruncated},
		{"all data, no end record", attackRecords * wireRecord, ErrTruncated},
		{"half the end record", attackWire - 1, ErrTruncated},
		{"untouched", -1, io.EOF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err, sent := runAttack(t, attack{flipAt: -1, cutAt: tc.cut})
			if !errors.Is(err, tc.want) {
				t.Fatalf("got error %v, want %v", err, tc.want)
			}
			records := int64(attackRecords)
			if tc.cut >= 0 {
				records = min(tc.cut/wireRecord, attackRecords)
			}
			if want := sent[:records*16<<10]; !bytes.Equal(got, want) {
				t.Errorf("got %d bytes before the error, want the first %d bytes sent", len(got), len(want))
			}
		})
	}
}

func TestReflectedRecords(t *testing.T) {
	a, b := tcpPair(t)
	client, _ := newPair(t, a, b)
	// Whatever the client sends comes straight back at it.
	go io.Copy(b, b)
	if _, err := client.Write([]byte("ping")); err != nil {
		t.Fatalf("Write: %v", err)
	}
	n, err := client.Read(make([]byte, 10))
	if n != 0 {
		t.Errorf("got %d bytes of its own record, want 0", n)
	}
	wantErr(t, err, ErrTampered)
}

func TestWrongKeys(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mangle func(k *tunnelKeys, other tunnelKeys)
	}{
		{"session id", func(k *tunnelKeys, other tunnelKeys) { k.session = other.session }},
		{"peer key", func(k *tunnelKeys, other tunnelKeys) { k.client = other.client }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := tcpPair(t)
			k := newKeys(t)
			client, err := New(a, ChaCha20Poly1305, Client, k.client, k.daemon.Public(), k.session)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			// The daemon's view of the tunnel differs in one thing.
			tc.mangle(&k, newKeys(t))
			daemon, err := New(b, ChaCha20Poly1305, Daemon, k.daemon, k.client.Public(), k.session)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if _, err := client.Write([]byte("secret")); err != nil {
				t.Fatalf("Write: %v", err)
			}
			n, err := daemon.Read(make([]byte, 10))
			if n != 0 {
				t.Errorf("got %d bytes, want 0", n)
			}
			wantErr(t, err, ErrTampered)
		})
	}
}

func TestBadLength(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header []byte
	}{
		{"maximum", []byte{0xff, 0xff}},
		{"one over the limit", []byte{0x40, 0x11}},
		{"shorter than a tag", []byte{0, 15}},
		{"zero", []byte{0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := tcpPair(t)
			daemon := fixedDaemon(t, b)
			// Only the header is sent and a stays open: a reader that
			// waited for the body would block here.
			if _, err := a.Write(tc.header); err != nil {
				t.Fatalf("write: %v", err)
			}
			n, err := daemon.Read(make([]byte, 10))
			if n != 0 {
				t.Errorf("got %d bytes, want 0", n)
			}
			wantErr(t, err, ErrTampered)
			// The tunnel is closed: the sender sees the end of it.
			if _, err := a.Read(make([]byte, 1)); err != io.EOF {
				t.Errorf("sender read: got %v, want io.EOF from the closed tunnel", err)
			}
			if _, err := daemon.Write([]byte("x")); !errors.Is(err, ErrTampered) {
				t.Errorf("Write after tampering: got %v, want ErrTampered", err)
			}
		})
	}
}
