package tunnel

import (
	"bytes"
	"errors"
	"testing"

	"github.com/nport/nport/core/record"
	"github.com/nport/nport/wire"
)

// FuzzAwaitPairing feeds arbitrary answers to a hello. Whatever the
// rendezvous sends, awaitPairing must not panic, must accept only a
// pairing frame, and must never read past the frame it accepts: the bytes
// after it are the other party's records.
func FuzzAwaitPairing(f *testing.F) {
	f.Add([]byte{0x31, 0, 0, 0, 1, 1, 0xaa, 0xbb}, uint8(0))
	f.Add([]byte{0x31, 0, 0, 0, 1, 2}, uint8(2))
	f.Add([]byte{0x31, 0, 0, 0, 1, 2}, uint8(1))
	f.Add(append([]byte{0x02, 0, 0, 0, 9, 8}, "used up"...), uint8(1))
	f.Add([]byte{0x02, 0, 0, 0, 3, 0, 0xff, 0xfe}, uint8(0))
	f.Add([]byte{0x31, 0xff, 0xff, 0xff, 0xff}, uint8(0))
	f.Add([]byte{0x30, 0, 0, 0, 0}, uint8(0))
	f.Add([]byte{}, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, role uint8) {
		r := bytes.NewReader(data)
		err := awaitPairing(r, record.Role(role%3))
		if err != nil {
			var ref wire.Refusal
			if errors.As(err, &ref) && ref.Peer != "rendezvous" {
				t.Errorf("refusal from %q, want from the rendezvous", ref.Peer)
			}
			return
		}
		if len(data) < wire.FrameHeaderLen+1 || wire.FrameType(data[0]) != wire.FrameRendezvousPaired {
			t.Fatalf("accepted %x, want only a rendezvous-paired frame", data)
		}
		if got, want := r.Len(), len(data)-wire.FrameHeaderLen-1; got != want {
			t.Errorf("left %d bytes unread, want %d: the frame was over-read", got, want)
		}
	})
}
