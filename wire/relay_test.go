package wire

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

func TestRoundTripEveryFrame(t *testing.T) {
	for i, want := range samples() {
		t.Run(want.FrameType().String(), func(t *testing.T) {
			frame, err := AppendPayload(nil, want)
			if err != nil {
				t.Fatalf("sample %d: AppendPayload: %v", i, err)
			}
			typ, payload, err := ReadFrame(bytes.NewReader(frame), make([]byte, MaxFrameSize))
			if err != nil {
				t.Fatalf("ReadFrame: %v", err)
			}
			if typ != want.FrameType() {
				t.Errorf("type: got %v, want %v", typ, want.FrameType())
			}
			got, err := parsers[typ](payload)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v, want %+v", got, want)
			}
			again := mustAppend(got)
			if !bytes.Equal(again, payload) {
				t.Errorf("re-encoded: got %x, want %x", again, payload)
			}
		})
	}
}

func TestEveryFrameTypeHasAParserAndAName(t *testing.T) {
	for typ := range frameNames {
		if parsers[typ] == nil {
			t.Errorf("%v: no parser in the test table", typ)
		}
	}
	if got, want := len(parsers), len(frameNames); got != want {
		t.Errorf("parsers: got %d, want %d", got, want)
	}
	if got, want := FrameType(0x7f).String(), "frame-type-0x7f"; got != want {
		t.Errorf("unknown type: got %q, want %q", got, want)
	}
}

func TestEncodeRefusesInvalidValues(t *testing.T) {
	long := string(bytes.Repeat([]byte("a"), MaxNameLen+1))
	sealed := fill(0, MinSealedLen)
	tests := []struct {
		name string
		p    Payload
	}{
		{"client hello empty name", ClientHello{}},
		{"client hello long name", ClientHello{Name: long}},
		{"server hello short proof", ServerHello{Proof: fill(0, ServerProofLen-1)}},
		{"client auth short proof", ClientAuth{Proof: fill(0, ClientProofLen(MinNameLen, 0)-1)}},
		{"client auth long proof", ClientAuth{Proof: fill(0, ClientProofLen(MaxNameLen, ClaimTokenLen)+1)}},
		{"welcome zero keepalive", Welcome{MaxFrame: MaxFrameSize}},
		{"welcome small max frame", Welcome{KeepaliveMillis: 1, MaxFrame: MinFrameLimit - 1}},
		{"welcome big max frame", Welcome{KeepaliveMillis: 1, MaxFrame: MaxFrameSize + 1, ConnID: 1}},
		{"welcome zero conn id", Welcome{KeepaliveMillis: 1, MaxFrame: MaxFrameSize}},
		{"send long name", Send{To: long, Sealed: sealed}},
		{"send short sealed", Send{To: "@a", Sealed: sealed[1:]}},
		{"send long sealed", Send{To: "@a", Sealed: fill(0, MaxSealedLen+1)}},
		{"recv zero conn", Recv{From: "@a", Sealed: sealed}},
		{"recv empty name", Recv{FromConn: 1, Sealed: sealed}},
		{"recv short sealed", Recv{FromConn: 1, From: "@a"}},
		{"lookup empty name", Lookup{}},
		{"lookup reply found zero key", LookupReply{Status: LookupFound, Name: "@a"}},
		{"lookup reply unknown with key", LookupReply{Status: LookupUnknown, Pub: key(1), Name: "@a"}},
		{"lookup reply bad status", LookupReply{Status: 2, Name: "@a"}},
		{"send status zero id", SendStatus{Status: SendDelivered}},
		{"paired no role", RendezvousPaired{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := []byte("keep")
			got, err := tt.p.AppendBinary(prefix)
			if err == nil {
				t.Fatalf("got nil error and %x, want an error", got)
			}
			if !bytes.Equal(got, prefix) {
				t.Errorf("on error: got %q, want the input %q unchanged", got, prefix)
			}
			if errors.Is(err, ErrMalformed) {
				t.Errorf("got %v, want an encoding error, not ErrMalformed", err)
			}
			frame, err := AppendPayload(prefix, tt.p)
			if err == nil || !bytes.Equal(frame, prefix) {
				t.Errorf("AppendPayload: got %x, %v; want %q and an error", frame, err, prefix)
			}
		})
	}
}
