package wire

import "fmt"

// ClientHello is the payload of FrameClientHello.
type ClientHello struct {
	Flags     HelloFlags         // how the relay should treat this connection
	Pub       [32]byte           // the client's long-term public key
	Challenge [ChallengeLen]byte // for the relay's proof
	Name      string             // the identity claimed
}

// HelloFlags are the bits of a ClientHello's flags byte. A relay ignores
// the bits it does not know, so a newer client may add some.
type HelloFlags uint8

// The hello flags.
const (
	// HelloService marks a service connection (a rendezvous): an envelope
	// sent to the name without a connection id goes to one of its service
	// connections, not to each, so that several processes share one name
	// and its load. Without it (a device) every live connection of the
	// name gets a copy.
	HelloService HelloFlags = 1 << 0
)

// FrameType returns FrameClientHello.
func (ClientHello) FrameType() FrameType { return FrameClientHello }

// AppendBinary appends the payload to b.
func (h ClientHello) AppendBinary(b []byte) ([]byte, error) {
	if err := checkName(FrameClientHello, "name", h.Name); err != nil {
		return b, err
	}
	b = appendMagicVersion(b)
	b = append(b, byte(h.Flags))
	b = append(b, h.Pub[:]...)
	b = append(b, h.Challenge[:]...)
	return appendName(b, h.Name), nil
}

// ParseClientHello decodes a FrameClientHello payload. A wrong version is
// ErrVersion; anything else wrong is ErrMalformed.
func ParseClientHello(payload []byte) (ClientHello, error) {
	var h ClientHello
	p := newParser(FrameClientHello, payload)
	parseMagicVersion(&p)
	h.Flags = HelloFlags(p.u8("flags"))
	p.array("pub", h.Pub[:])
	p.array("challenge", h.Challenge[:])
	h.Name = p.name("name")
	if err := p.end(); err != nil {
		return ClientHello{}, err
	}
	return h, nil
}

// ServerHello is the payload of FrameServerHello.
type ServerHello struct {
	RelayPub  [32]byte           // the relay's long-term public key
	Challenge [ChallengeLen]byte // for the client's proof
	Proof     []byte             // ServerProofLen bytes
}

// FrameType returns FrameServerHello.
func (ServerHello) FrameType() FrameType { return FrameServerHello }

// AppendBinary appends the payload to b.
func (h ServerHello) AppendBinary(b []byte) ([]byte, error) {
	if len(h.Proof) != ServerProofLen {
		return b, fmt.Errorf("wire: encode server-hello frame: proof is %d bytes, want %d", len(h.Proof), ServerProofLen)
	}
	b = append(b, ProtocolVersion)
	b = append(b, h.RelayPub[:]...)
	b = append(b, h.Challenge[:]...)
	return append(b, h.Proof...), nil
}

// ParseServerHello decodes a FrameServerHello payload. The proof aliases
// payload.
func ParseServerHello(payload []byte) (ServerHello, error) {
	var h ServerHello
	p := newParser(FrameServerHello, payload)
	checkVersion(&p)
	p.array("relay pub", h.RelayPub[:])
	p.array("challenge", h.Challenge[:])
	h.Proof = p.take("proof", ServerProofLen)
	if err := p.end(); err != nil {
		return ServerHello{}, err
	}
	return h, nil
}

// ClientAuth is the payload of FrameClientAuth.
type ClientAuth struct {
	Proof []byte // ClientProofLen(len(name), 0 or ClaimTokenLen) bytes
}

// FrameType returns FrameClientAuth.
func (ClientAuth) FrameType() FrameType { return FrameClientAuth }

// AppendBinary appends the payload to b.
func (a ClientAuth) AppendBinary(b []byte) ([]byte, error) {
	if n := len(a.Proof); n < minClientProof || n > maxClientProof {
		return b, fmt.Errorf("wire: encode client-auth frame: proof is %d bytes, want %d..%d",
			n, minClientProof, maxClientProof)
	}
	return append(b, a.Proof...), nil
}

// The bounds of a client proof's length: the shortest name without a
// claim token, the longest with one.
var (
	minClientProof = ClientProofLen(MinNameLen, 0)
	maxClientProof = ClientProofLen(MaxNameLen, ClaimTokenLen)
)

// ParseClientAuth decodes a FrameClientAuth payload. It checks the proof
// length against the range of name lengths; the relay checks it exactly
// when it opens the box. The proof aliases payload.
func ParseClientAuth(payload []byte) (ClientAuth, error) {
	p := newParser(FrameClientAuth, payload)
	proof := p.rest()
	if n := len(proof); n < minClientProof || n > maxClientProof {
		p.fail("proof", "%d bytes, want %d..%d", n, minClientProof, maxClientProof)
	}
	if err := p.end(); err != nil {
		return ClientAuth{}, err
	}
	return ClientAuth{Proof: proof}, nil
}
