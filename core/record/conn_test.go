package record

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"slices"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	const size = 4 << 20
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			a, b := tr.pair(t)
			client, daemon := newPair(t, a, b)
			up, down := randomBytes(t, size), randomBytes(t, size)
			gotUp, gotDown := readAllAsync(daemon), readAllAsync(client)
			wait := goAll(
				func() error { return writeAll(client, up, 1, 16<<10, 40000, 777) },
				func() error { return writeAll(daemon, down, 16<<10+1, 3, 100000) },
			)
			for _, err := range wait() {
				if err != nil {
					t.Fatalf("write: %v", err)
				}
			}
			for _, c := range []struct {
				name string
				res  readResult
				want []byte
			}{
				{"client to daemon", <-gotUp, up},
				{"daemon to client", <-gotDown, down},
			} {
				if c.res.err != io.EOF {
					t.Errorf("%s: got error %v, want io.EOF", c.name, c.res.err)
				}
				if !bytes.Equal(c.res.data, c.want) {
					t.Errorf("%s: got %d bytes, want the %d bytes sent", c.name, len(c.res.data), len(c.want))
				}
			}
		})
	}
}

func TestRecordSizesOnTheWire(t *testing.T) {
	a, b := tcpPair(t)
	client := newConn(a, mustAEAD(t, fixedC2D), mustAEAD(t, fixedD2C))
	for _, p := range [][]byte{make([]byte, 40000), nil, {}, {7}} {
		if n, err := client.Write(p); n != len(p) || err != nil {
			t.Fatalf("Write(%d bytes): got %d, %v, want %d, nil", len(p), n, err, len(p))
		}
	}
	if err := client.CloseWrite(); err != nil {
		t.Fatalf("CloseWrite: %v", err)
	}
	raw, err := io.ReadAll(b)
	if err != nil {
		t.Fatalf("read raw: %v", err)
	}
	var got []int
	for len(raw) >= 2 {
		n := int(binary.BigEndian.Uint16(raw))
		got = append(got, n)
		raw = raw[min(2+n, len(raw)):]
	}
	want := []int{16400, 16400, 40000 - 32768 + 16, 1 + 16, 16}
	if !slices.Equal(got, want) || len(raw) != 0 {
		t.Errorf("got record lengths %v (and %d stray bytes), want %v", got, len(raw), want)
	}
}

func TestSmallReads(t *testing.T) {
	for _, size := range []int{1, 7, 1000, 16 << 10, 20000} {
		t.Run("", func(t *testing.T) {
			a, b := tcpPair(t)
			client, daemon := newPair(t, a, b)
			data := randomBytes(t, 16<<10)
			if _, err := client.Write(data); err != nil {
				t.Fatalf("Write: %v", err)
			}
			got := make([]byte, 0, len(data))
			buf := make([]byte, size)
			for len(got) < len(data) {
				n, err := daemon.Read(buf)
				if err != nil {
					t.Fatalf("Read after %d bytes: %v", len(got), err)
				}
				if n > size {
					t.Fatalf("got %d bytes from a Read of %d", n, size)
				}
				got = append(got, buf[:n]...)
			}
			if !bytes.Equal(got, data) {
				t.Errorf("got %d bytes that differ from the record, want it back in reads of %d", len(got), size)
			}
		})
	}
}

func TestCloseIsEOF(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			a, b := tr.pair(t)
			client, daemon := newPair(t, a, b)
			got := readAllAsync(daemon)
			if _, err := client.Write([]byte("hello")); err != nil {
				t.Fatalf("Write: %v", err)
			}
			if err := client.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			res := <-got
			if res.err != io.EOF || string(res.data) != "hello" {
				t.Errorf("got %q, %v, want %q, io.EOF", res.data, res.err, "hello")
			}
			if n, err := daemon.Read(make([]byte, 1)); n != 0 || err != io.EOF {
				t.Errorf("Read after EOF: got %d, %v, want 0, io.EOF", n, err)
			}
			if _, err := client.Write([]byte("more")); !errors.Is(err, net.ErrClosed) {
				t.Errorf("Write after Close: got %v, want net.ErrClosed", err)
			}
			if err := client.Close(); !errors.Is(err, net.ErrClosed) {
				t.Errorf("second Close: got %v, want net.ErrClosed", err)
			}
		})
	}
}

func TestCloseWriteHalfClose(t *testing.T) {
	a, b := tcpPair(t)
	client, daemon := newPair(t, a, b)
	if _, err := client.Write([]byte("request")); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if err := client.CloseWrite(); err != nil {
		t.Fatalf("CloseWrite: %v", err)
	}
	if _, err := client.Write([]byte("more")); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Write after CloseWrite: got %v, want net.ErrClosed", err)
	}
	req, err := readAll(daemon)
	if err != io.EOF || string(req) != "request" {
		t.Fatalf("daemon got %q, %v, want %q, io.EOF", req, err, "request")
	}
	// The other direction still flows after the half-close.
	if _, err := daemon.Write([]byte("reply")); err != nil {
		t.Fatalf("daemon Write: %v", err)
	}
	if err := daemon.Close(); err != nil {
		t.Fatalf("daemon Close: %v", err)
	}
	reply, err := readAll(client)
	if err != io.EOF || string(reply) != "reply" {
		t.Errorf("client got %q, %v, want %q, io.EOF", reply, err, "reply")
	}
}
