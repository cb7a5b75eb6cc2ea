package wire

import (
	"bytes"
	"fmt"
)

// parsers decodes each frame type's payload, for table tests.
var parsers = map[FrameType]func([]byte) (Payload, error){
	FrameClientHello:      func(b []byte) (Payload, error) { return ParseClientHello(b) },
	FrameServerHello:      func(b []byte) (Payload, error) { return ParseServerHello(b) },
	FrameClientAuth:       func(b []byte) (Payload, error) { return ParseClientAuth(b) },
	FrameWelcome:          func(b []byte) (Payload, error) { return ParseWelcome(b) },
	FrameRefuse:           func(b []byte) (Payload, error) { return ParseRefuse(b) },
	FrameSend:             func(b []byte) (Payload, error) { return ParseSend(b) },
	FrameRecv:             func(b []byte) (Payload, error) { return ParseRecv(b) },
	FrameLookup:           func(b []byte) (Payload, error) { return ParseLookup(b) },
	FrameLookupReply:      func(b []byte) (Payload, error) { return ParseLookupReply(b) },
	FrameSendStatus:       func(b []byte) (Payload, error) { return ParseSendStatus(b) },
	FramePing:             func(b []byte) (Payload, error) { return ParsePing(b) },
	FramePong:             func(b []byte) (Payload, error) { return ParsePong(b) },
	FrameRendezvousHello:  func(b []byte) (Payload, error) { return ParseRendezvousHello(b) },
	FrameRendezvousPaired: func(b []byte) (Payload, error) { return ParseRendezvousPaired(b) },
}

// fill returns an array of n bytes counting up from start, so fields
// never look alike.
func fill(start byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = start + byte(i)
	}
	return b
}

func key(start byte) (k [32]byte) {
	copy(k[:], fill(start, 32))
	return k
}

// samples holds one valid value of every frame, several for some.
func samples() []Payload {
	sealed := fill(0x80, MinSealedLen+10)
	longName := "@" + string(bytes.Repeat([]byte("a"), MaxNameLen-1))
	return []Payload{
		ClientHello{Pub: key(1), Challenge: key(40), Name: "@alice"},
		ClientHello{Flags: HelloService | 0x80, Pub: key(2), Challenge: key(41), Name: longName},
		ServerHello{RelayPub: key(3), Challenge: key(42), Proof: fill(9, ServerProofLen)},
		ClientAuth{Proof: fill(7, ClientProofLen(len("@alice"), 0))},
		ClientAuth{Proof: fill(7, ClientProofLen(MaxNameLen, ClaimTokenLen))},
		Welcome{KeepaliveMillis: 15000, MaxFrame: MaxFrameSize, RelayTimeMillis: 1_700_000_000_123, ConnID: 1},
		Welcome{KeepaliveMillis: 1, MaxFrame: MinFrameLimit, RelayTimeMillis: -5, ConnID: 1<<64 - 1},
		Refusal{Code: RefuseNameTaken, Message: "@alice is bound to another key"},
		Refusal{Code: RefuseCode(200)},
		Send{SendID: 7, ToPub: key(4), To: "@garage_pi", Sealed: sealed},
		Send{SendID: 0, ToConn: 9, To: longName, Sealed: fill(1, MaxSealedLen)},
		Recv{FromConn: 3, From: "@alice", FromPub: key(5), Sealed: sealed},
		Recv{FromConn: 1<<64 - 1, From: longName, FromPub: key(6), Sealed: fill(2, MaxSealedLen)},
		Lookup{ReqID: 1 << 31, Name: "@bob"},
		LookupReply{ReqID: 3, Status: LookupFound, Pub: key(8), Name: "@bob"},
		LookupReply{ReqID: 4, Status: LookupUnknown, Name: "@nobody"},
		SendStatus{SendID: 7, Status: SendQueued},
		SendStatus{SendID: 1, Status: SendDropped},
		SendStatus{SendID: 2, Status: SendOverRate},
		Ping{Data: [8]byte{1, 2, 3, 4, 5, 6, 7, 8}},
		Pong{Data: [8]byte{8, 7, 6, 5, 4, 3, 2, 1}},
		RendezvousHello{Session: [16]byte{1, 2, 3}, Token: key(9)},
		RendezvousPaired{Role: RoleClient},
		RendezvousPaired{Role: RoleDaemon},
	}
}

// mustAppend encodes p or panics: for building test inputs.
func mustAppend(p Payload) []byte {
	b, err := p.AppendBinary(nil)
	if err != nil {
		panic(fmt.Sprintf("encode %T: %v", p, err))
	}
	return b
}
