package wire

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

func TestMessageRoundTrip(t *testing.T) {
	want := Message{Type: MsgTunnelRequest, ID: [16]byte{1, 2}, Time: 1_700_000_000_000, Session: [16]byte{15: 9}, Body: []byte(`{"device":"pi"}`)}
	b := AppendMessage([]byte("x"), want)
	if len(b) != 1+MessageHeaderLen+len(want.Body) || b[1] != MessageVersion {
		t.Fatalf("AppendMessage: got %x", b)
	}
	got, err := UnmarshalMessage(b[1:])
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, %v; want %+v", got, err, want)
	}
	if again := AppendMessage(nil, got); !bytes.Equal(again, b[1:]) {
		t.Errorf("re-encoded: got %x, want %x", again, b[1:])
	}
}

func TestUnmarshalMessageRefuses(t *testing.T) {
	good := AppendMessage(nil, Message{Type: MsgPing, Body: []byte("{}")})
	tests := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrShortMessage},
		{"one short of the header", good[:MessageHeaderLen-1], ErrShortMessage},
		{"version 0", append([]byte{0}, good[1:]...), ErrMessageVersion},
		{"version 2", append([]byte{2}, good[1:]...), ErrMessageVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := UnmarshalMessage(tt.b); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}
