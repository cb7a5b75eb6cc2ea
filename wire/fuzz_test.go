package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"
)

// fuzzParse checks a decoder: it never panics, fails only with
// ErrMalformed or ErrVersion, and what it accepts re-encodes to the input.
func fuzzParse(f *testing.F, t FrameType, seeds ...[]byte) {
	for _, s := range samples() {
		// Envelopes near MaxSealedLen make the fuzzer crawl; their size
		// limits are covered by the table tests.
		if b := mustAppend(s); s.FrameType() == t && len(b) <= 1<<10 {
			f.Add(b)
		}
	}
	for _, s := range seeds {
		f.Add(s)
	}
	parse := parsers[t]
	f.Fuzz(func(tt *testing.T, payload []byte) {
		got, err := parse(payload)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrVersion) {
				tt.Fatalf("got %v, want ErrMalformed or ErrVersion", err)
			}
			return
		}
		again, err := got.AppendBinary(nil)
		if err != nil {
			tt.Fatalf("parsed %+v does not encode: %v", got, err)
		}
		if !bytes.Equal(again, payload) {
			tt.Fatalf("re-encoded: got %x, want %x", again, payload)
		}
	})
}

func FuzzParseClientHello(f *testing.F) {
	fuzzParse(f, FrameClientHello, []byte("nprt\x02"), []byte("nprt\x01"), []byte("NPRT\x02"))
}

func FuzzParseServerHello(f *testing.F) {
	fuzzParse(f, FrameServerHello, []byte{1}, []byte{2, 0})
}

func FuzzParseClientAuth(f *testing.F) {
	fuzzParse(f, FrameClientAuth, fill(0, ClientProofLen(MaxNameLen, ClaimTokenLen)+1))
}

func FuzzParseWelcome(f *testing.F) {
	fuzzParse(f, FrameWelcome, make([]byte, 16), make([]byte, 24))
}

func FuzzParseRefuse(f *testing.F) {
	fuzzParse(f, FrameRefuse, []byte{}, []byte{6, 0xff}, []byte{1, 0xe2, 0x82})
}

func FuzzParseSend(f *testing.F) {
	fuzzParse(f, FrameSend, []byte{0, 0, 0, 1, 0x42, '@'})
}

func FuzzParseRecv(f *testing.F) {
	fuzzParse(f, FrameRecv, []byte{0}, []byte{66})
}

func FuzzParseLookup(f *testing.F) {
	fuzzParse(f, FrameLookup, []byte{0, 0, 0, 0, 0})
}

func FuzzParseLookupReply(f *testing.F) {
	fuzzParse(f, FrameLookupReply, append(make([]byte, 4+1+32), 2, '@', 'x'))
}

func FuzzParseSendStatus(f *testing.F) {
	fuzzParse(f, FrameSendStatus, []byte{0, 0, 0, 0, 0})
}

func FuzzParsePing(f *testing.F) {
	fuzzParse(f, FramePing, make([]byte, 9))
}

func FuzzParsePong(f *testing.F) {
	fuzzParse(f, FramePong, make([]byte, 7))
}

func FuzzParseRendezvousHello(f *testing.F) {
	fuzzParse(f, FrameRendezvousHello, []byte("nprt\x01"), []byte("nprt\x00"))
}

func FuzzParseRendezvousPaired(f *testing.F) {
	fuzzParse(f, FrameRendezvousPaired, []byte{0}, []byte{1, 2})
}

// FuzzReadFrame reads a stream of frames with ReadFrame and with a Reader
// of the same limit: both must agree, and the frames read must re-encode
// to the bytes they came from.
func FuzzReadFrame(f *testing.F) {
	f.Add(AppendFrame(AppendFrame(nil, FramePing, make([]byte, 8)), 0x7f, []byte("x")))
	f.Add([]byte{byte(FrameSend), 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{byte(FrameSend), 0, 0, 0x10, 0x01})
	f.Add([]byte{1, 0, 0})
	const limit = 4096
	buf := make([]byte, limit)
	f.Fuzz(func(t *testing.T, stream []byte) {
		src := bytes.NewReader(stream)
		r := NewReader(bytes.NewReader(stream), limit)
		var again []byte
		for {
			typ, payload, err := ReadFrame(src, buf)
			rtyp, rpayload, rerr := r.ReadFrame()
			if typ != rtyp || !bytes.Equal(payload, rpayload) || readErrorKind(err) != readErrorKind(rerr) {
				t.Fatalf("ReadFrame %v %x %v; Reader %v %x %v", typ, payload, err, rtyp, rpayload, rerr)
			}
			if err != nil {
				if readErrorKind(err) == "other" {
					t.Fatalf("got %v, want an end of stream or ErrFrameTooLarge", err)
				}
				if err == io.EOF && !bytes.Equal(again, stream) {
					t.Fatalf("frames re-encoded: got %x, want %x", again, stream)
				}
				return
			}
			again = AppendFrame(again, typ, payload)
			if !bytes.HasPrefix(stream, again) {
				t.Fatalf("frames re-encoded: got %x, want a prefix of %x", again, stream)
			}
		}
	})
}

// readErrorKind sorts the errors a frame read may end with.
func readErrorKind(err error) string {
	switch {
	case err == nil:
		return "none"
	case err == io.EOF:
		return "eof"
	case err == io.ErrUnexpectedEOF:
		return "unexpected eof"
	case errors.Is(err, ErrFrameTooLarge):
		return "too large"
	}
	return "other"
}

// FuzzUnmarshalMessage checks the sealed message decoder and, on what it
// accepts, the body decoder for the message's type.
func FuzzUnmarshalMessage(f *testing.F) {
	f.Add(AppendMessage(nil, Message{Type: MsgPing, Body: []byte("{}")}))
	f.Add(AppendMessage(nil, Message{Type: MsgTunnelRequest, Time: -1, Body: []byte(`{"device":"pi","target":"localhost:22"}`)}))
	f.Add(AppendMessage(nil, Message{Type: 0xee, Body: []byte("null")}))
	f.Add([]byte{2, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := UnmarshalMessage(b)
		if err != nil {
			if !errors.Is(err, ErrShortMessage) && !errors.Is(err, ErrMessageVersion) {
				t.Fatalf("got %v, want ErrShortMessage or ErrMessageVersion", err)
			}
			return
		}
		if again := AppendMessage(nil, m); !bytes.Equal(again, b) {
			t.Fatalf("re-encoded: got %x, want %x", again, b)
		}
		checkBodyDecodes(t, m)
	})
}

// FuzzDecodeBody decodes any body as every body type: a body accepted
// must survive its own encoding unchanged.
func FuzzDecodeBody(f *testing.F) {
	f.Add(uint8(MsgSessionGrant), []byte(`{"address":"h:1","expires_in_ms":5}`))
	f.Add(uint8(MsgRefusal), []byte(` {"code":"limit","message":"\u00e9"} `))
	f.Add(uint8(MsgPong), []byte(`{"device":null,"x":{"y":[]}}`))
	f.Add(uint8(MsgPing), []byte(`null`))
	f.Fuzz(func(t *testing.T, typ uint8, body []byte) {
		checkBodyDecodes(t, Message{Type: MessageType(typ), Body: body})
	})
}

// checkBodyDecodes decodes m's body as its type's struct, if any, and
// checks that what it accepts decodes again to the same value.
func checkBodyDecodes(t *testing.T, m Message) {
	newBody := map[MessageType]func() Body{
		MsgSessionRequest: func() Body { return new(SessionRequest) },
		MsgSessionGrant:   func() Body { return new(SessionGrant) },
		MsgTunnelRequest:  func() Body { return new(TunnelRequest) },
		MsgTunnelReply:    func() Body { return new(TunnelReply) },
		MsgRefusal:        func() Body { return new(RefusalBody) },
		MsgPing:           func() Body { return new(PingBody) },
		MsgPong:           func() Body { return new(PongBody) },
	}[m.Type]
	if newBody == nil {
		return
	}
	v := newBody()
	if err := DecodeBody(m, v); err != nil {
		if !errors.Is(err, ErrMalformed) {
			t.Fatalf("DecodeBody: got %v, want ErrMalformed", err)
		}
		return
	}
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode %+v: %v", v, err)
	}
	w := newBody()
	if err := DecodeBody(Message{Type: m.Type, Body: raw}, w); err != nil {
		t.Fatalf("decode %s again: %v", raw, err)
	}
	if again, _ := json.Marshal(w); !bytes.Equal(again, raw) {
		t.Fatalf("body changed: got %s, want %s", again, raw)
	}
}

// FuzzDecode32 checks that the text form of a 32-byte value has one
// spelling only.
func FuzzDecode32(f *testing.F) {
	f.Add(Encode32(key(1)))
	f.Add("")
	f.Add("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB")
	f.Fuzz(func(t *testing.T, s string) {
		b, err := Decode32(s)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("got %v, want ErrMalformed", err)
			}
			return
		}
		if again := Encode32(b); again != s {
			t.Fatalf("re-encoded: got %q, want %q", again, s)
		}
	})
}
