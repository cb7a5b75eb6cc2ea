package wire

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// edit returns a copy of b with f applied.
func edit(b []byte, f func([]byte) []byte) []byte {
	return f(append([]byte(nil), b...))
}

func TestParseRefusesMalformed(t *testing.T) {
	hello := mustAppend(ClientHello{Pub: key(1), Challenge: key(2), Name: "@alice"})
	nameAt := 4 + 1 + 1 + 32 + 32 // offset of the name length in a ClientHello
	send := mustAppend(Send{SendID: 1, To: "@bob", Sealed: fill(0, MinSealedLen)})
	sendName := 4 + 8 + 32 // offset of the name length in a Send
	recv := mustAppend(Recv{FromConn: 1, From: "@bob", FromPub: key(3), Sealed: fill(0, MinSealedLen)})
	reply := mustAppend(LookupReply{ReqID: 1, Status: LookupFound, Pub: key(4), Name: "@bob"})
	rzv := mustAppend(RendezvousHello{Token: key(5)})
	server := mustAppend(ServerHello{Proof: fill(0, ServerProofLen)})
	tests := []struct {
		name    string
		t       FrameType
		payload []byte
		want    error
		inError string // a word the error must name
	}{
		{"hello empty", FrameClientHello, nil, ErrMalformed, "magic"},
		{"hello truncated in pub", FrameClientHello, hello[:20], ErrMalformed, "pub"},
		{"hello bad magic", FrameClientHello, edit(hello, func(b []byte) []byte { b[0] = 'N'; return b }), ErrMalformed, "magic"},
		{"hello bad version", FrameClientHello, edit(hello, func(b []byte) []byte { b[4] = 1; return b }), ErrVersion, "version 1"},
		{"hello version before short layout", FrameClientHello, []byte("nprt\x07"), ErrVersion, "7"},
		{"hello name length past end", FrameClientHello, edit(hello, func(b []byte) []byte { b[nameAt] = 20; return b }), ErrMalformed, "name"},
		{"hello name length zero", FrameClientHello, edit(hello[:nameAt+1], func(b []byte) []byte { b[nameAt] = 0; return b }), ErrMalformed, "name"},
		{"hello oversize name", FrameClientHello, append(edit(hello[:nameAt], func(b []byte) []byte { return append(b, MaxNameLen+1) }), strings.Repeat("a", MaxNameLen+1)...), ErrMalformed, "length 66"},
		{"hello trailing byte", FrameClientHello, append(hello, 0), ErrMalformed, "past the layout"},
		{"server hello bad version", FrameServerHello, edit(server, func(b []byte) []byte { b[0] = 0; return b }), ErrVersion, "version 0"},
		{"server hello short proof", FrameServerHello, server[:len(server)-1], ErrMalformed, "proof"},
		{"server hello long proof", FrameServerHello, append(server, 1), ErrMalformed, "past the layout"},
		{"client auth short", FrameClientAuth, fill(0, ClientProofLen(MinNameLen, 0)-1), ErrMalformed, "proof"},
		{"client auth long", FrameClientAuth, fill(0, ClientProofLen(MaxNameLen, ClaimTokenLen)+1), ErrMalformed, "proof"},
		{"welcome truncated", FrameWelcome, fill(1, 15), ErrMalformed, "relay time"},
		{"welcome zero keepalive", FrameWelcome, mustAppendWelcome(0, MaxFrameSize), ErrMalformed, "keepalive"},
		{"welcome max frame too big", FrameWelcome, mustAppendWelcome(1, MaxFrameSize+1), ErrMalformed, "max frame"},
		{"welcome zero conn id", FrameWelcome, append(mustAppendWelcome(1, MaxFrameSize)[:16], 0, 0, 0, 0, 0, 0, 0, 0), ErrMalformed, "conn id"},
		{"welcome truncated conn id", FrameWelcome, mustAppendWelcome(1, MaxFrameSize)[:20], ErrMalformed, "conn id"},
		{"refuse empty", FrameRefuse, nil, ErrMalformed, "code"},
		{"refuse not utf-8", FrameRefuse, []byte{1, 0xff, 0xfe}, ErrMalformed, "UTF-8"},
		{"refuse long message", FrameRefuse, append([]byte{1}, strings.Repeat("x", MaxRefuseMessage+1)...), ErrMalformed, "message"},
		{"send truncated id", FrameSend, send[:3], ErrMalformed, "send id"},
		{"send truncated conn", FrameSend, send[:4+7], ErrMalformed, "to conn"},
		{"send truncated pub", FrameSend, send[:4+8+31], ErrMalformed, "to pub"},
		{"send name length past end", FrameSend, send[:sendName+1+2], ErrMalformed, "to"},
		{"send oversize name", FrameSend, edit(send, func(b []byte) []byte { b[sendName] = MaxNameLen + 1; return b }), ErrMalformed, "to"},
		{"send short sealed", FrameSend, send[:len(send)-1], ErrMalformed, "sealed"},
		{"recv zero conn", FrameRecv, edit(recv, func(b []byte) []byte { clear(b[:8]); return b }), ErrMalformed, "from conn"},
		{"recv no pub", FrameRecv, recv[:8+1+4+10], ErrMalformed, "from pub"},
		{"recv short sealed", FrameRecv, recv[:len(recv)-1], ErrMalformed, "sealed"},
		{"recv long sealed", FrameRecv, append(recv[:8+1+4+32], fill(0, MaxSealedLen+1)...), ErrMalformed, "sealed"},
		{"lookup trailing", FrameLookup, append(mustAppend(Lookup{Name: "@a"}), 'b'), ErrMalformed, "past the layout"},
		{"lookup reply bad status", FrameLookupReply, edit(reply, func(b []byte) []byte { b[4] = 9; return b }), ErrMalformed, "status"},
		{"lookup reply unknown with key", FrameLookupReply, edit(reply, func(b []byte) []byte { b[4] = byte(LookupUnknown); return b }), ErrMalformed, "pub"},
		{"lookup reply found zero key", FrameLookupReply, mustAppendZeroFound(reply), ErrMalformed, "pub"},
		{"lookup reply name past end", FrameLookupReply, reply[:len(reply)-1], ErrMalformed, "name"},
		{"send status zero id", FrameSendStatus, []byte{0, 0, 0, 0, 0}, ErrMalformed, "send id"},
		{"ping short", FramePing, fill(0, 7), ErrMalformed, "data"},
		{"pong long", FramePong, fill(0, 9), ErrMalformed, "past the layout"},
		{"rendezvous bad magic", FrameRendezvousHello, edit(rzv, func(b []byte) []byte { b[3] = 'x'; return b }), ErrMalformed, "magic"},
		{"rendezvous bad version", FrameRendezvousHello, edit(rzv, func(b []byte) []byte { b[4] = 9; return b }), ErrVersion, "version 9"},
		{"rendezvous truncated token", FrameRendezvousHello, rzv[:len(rzv)-1], ErrMalformed, "token"},
		{"paired empty", FrameRendezvousPaired, nil, ErrMalformed, "role"},
		{"paired bad role", FrameRendezvousPaired, []byte{3}, ErrMalformed, "role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parsers[tt.t](tt.payload)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %+v, %v; want error %v", got, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.inError) || !strings.Contains(err.Error(), tt.t.String()) {
				t.Errorf("error %q: want it to name %q and %q", err, tt.t, tt.inError)
			}
		})
	}
}

func mustAppendWelcome(keepalive, maxFrame uint32) []byte {
	b := appendUint32(appendUint32(nil, keepalive), maxFrame)
	b = append(b, 0, 0, 0, 0, 0, 0, 0, 0)    // relay time
	return append(b, 0, 0, 0, 0, 0, 0, 0, 1) // conn id
}

// mustAppendZeroFound returns reply (status found) with its key zeroed.
func mustAppendZeroFound(reply []byte) []byte {
	return edit(reply, func(b []byte) []byte { clear(b[5 : 5+32]); return b })
}

// Every strict prefix of a valid payload either fails as malformed or is
// itself a valid payload that re-encodes to the same bytes.
func TestParsePrefixes(t *testing.T) {
	for _, s := range samples() {
		t.Run(s.FrameType().String(), func(t *testing.T) {
			full := mustAppend(s)
			for n := range len(full) {
				if n > 256 && n < len(full)-64 {
					continue // the middle of a long envelope says nothing new
				}
				got, err := parsers[s.FrameType()](full[:n])
				if err != nil {
					if !errors.Is(err, ErrMalformed) {
						t.Fatalf("prefix %d: got %v, want ErrMalformed", n, err)
					}
					continue
				}
				if again := mustAppend(got); !bytes.Equal(again, full[:n]) {
					t.Fatalf("prefix %d parsed: got %x re-encoded, want %x", n, again, full[:n])
				}
			}
		})
	}
}
