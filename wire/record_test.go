package wire

import "testing"

func TestRecordNonce(t *testing.T) {
	tests := []struct {
		counter uint64
		want    [12]byte
	}{
		{0, [12]byte{}},
		{1, [12]byte{11: 1}},
		{0x0102030405060708, [12]byte{0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}},
		{^uint64(0), [12]byte{0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
	}
	for _, tt := range tests {
		if got := RecordNonce(tt.counter); got != tt.want {
			t.Errorf("RecordNonce(%#x): got %x, want %x", tt.counter, got, tt.want)
		}
	}
	if MaxRecordCiphertext > 1<<(8*RecordHeaderLen)-1 {
		t.Errorf("MaxRecordCiphertext %d does not fit a %d-byte length", MaxRecordCiphertext, RecordHeaderLen)
	}
}

func TestEnvelopeSizesFitFrames(t *testing.T) {
	send := 4 + 8 + 32 + 1 + MaxNameLen + MaxSealedLen
	recv := 8 + 1 + MaxNameLen + 32 + MaxSealedLen
	if send != MaxFrameSize || recv > MaxFrameSize {
		t.Errorf("largest send %d, recv %d: want both within %d, send exactly", send, recv, MaxFrameSize)
	}
	if got, want := MinSealedLen, 1+24+16+42; got != want {
		t.Errorf("MinSealedLen: got %d, want %d", got, want)
	}
	if got, want := MaxBodyLen+MessageHeaderLen+SealedOverhead, MaxSealedLen; got != want {
		t.Errorf("MaxBodyLen sealed: got %d, want %d", got, want)
	}
}
