package wire

import "fmt"

// ClientHello is the payload of FrameClientHello.
type ClientHello struct {
	Pub       [32]byte           // the client's long-term public key
	Challenge [ChallengeLen]byte // for the relay's proof
	Name      string             // the identity claimed
}

// FrameType returns FrameClientHello.
func (ClientHello) FrameType() FrameType { return FrameClientHello }

// AppendBinary appends the payload to b.
func (h ClientHello) AppendBinary(b []byte) ([]byte, error) {
	if err := checkName(FrameClientHello, "name", h.Name); err != nil {
		return b, err
	}
	b = appendMagicVersion(b)
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
	Proof []byte // ClientProofLen(len(name)) bytes
}

// FrameType returns FrameClientAuth.
func (ClientAuth) FrameType() FrameType { return FrameClientAuth }

// AppendBinary appends the payload to b.
func (a ClientAuth) AppendBinary(b []byte) ([]byte, error) {
	if n := len(a.Proof); n < ClientProofLen(MinNameLen) || n > ClientProofLen(MaxNameLen) {
		return b, fmt.Errorf("wire: encode client-auth frame: proof is %d bytes, want %d..%d",
			n, ClientProofLen(MinNameLen), ClientProofLen(MaxNameLen))
	}
	return append(b, a.Proof...), nil
}

// ParseClientAuth decodes a FrameClientAuth payload. It checks the proof
// length against the range of name lengths; the relay checks it exactly
// when it opens the box. The proof aliases payload.
func ParseClientAuth(payload []byte) (ClientAuth, error) {
	p := newParser(FrameClientAuth, payload)
	proof := p.rest()
	if n := len(proof); n < ClientProofLen(MinNameLen) || n > ClientProofLen(MaxNameLen) {
		p.fail("proof", "%d bytes, want %d..%d", n, ClientProofLen(MinNameLen), ClientProofLen(MaxNameLen))
	}
	if err := p.end(); err != nil {
		return ClientAuth{}, err
	}
	return ClientAuth{Proof: proof}, nil
}
