package wire

import "fmt"

// The rendezvous socket. Each party of a session (the client and the
// daemon) dials the address of the SessionGrant and speaks frames only
// until it is paired:
//
//	party                                          rendezvous
//	RendezvousHello  (first frame, within the deadline)  →
//	                         ... until the other party is there ...
//	                                               ←  RendezvousPaired
//	record stream (record.go), both ways, bridged byte for byte
//
// The rendezvous answers a bad hello with Refuse and closes: RefuseBadToken
// for a session id and token that match no waiting party (unknown, expired,
// or the token was used: a token works once), RefuseTimeout for a hello
// that came too late or a session whose other party never came,
// RefuseLimit when it holds too many sessions, RefuseVersion for another
// version. A party sends nothing after its hello until it has read
// RendezvousPaired; the rendezvous may close a socket that does. A party
// reads RendezvousPaired with ReadFrame on the bare connection (or hands
// any read-ahead bytes to the record layer), as the peer's first records
// may follow it at once.
//
// The first frame type tells a rendezvous hello from a relay ClientHello,
// so one listener may serve both.
const (
	// FrameRendezvousHello admits a party (party → rendezvous, first frame):
	//
	//	magic      [4]byte   Magic, "nprt"
	//	version    uint8     ProtocolVersion
	//	session    [16]byte  the session id of the grant
	//	token      [32]byte  this party's token from the grant
	FrameRendezvousHello FrameType = 0x30

	// FrameRendezvousPaired says the other party is connected
	// (rendezvous → party); the frame stream ends after it:
	//
	//	role       uint8     Role this socket was admitted as, by its token;
	//	                     a party that reads another role than its own
	//	                     closes the socket
	FrameRendezvousPaired FrameType = 0x31
)

// Role is the side of a session a socket was admitted as.
type Role uint8

// The roles.
const (
	// RoleClient is the party that asked for the session.
	RoleClient Role = 1
	// RoleDaemon is the party that joined it on the client's request.
	RoleDaemon Role = 2
)

// String names the role for logs.
func (r Role) String() string {
	switch r {
	case RoleClient:
		return "client"
	case RoleDaemon:
		return "daemon"
	}
	return fmt.Sprintf("role-%d", uint8(r))
}

// Lengths of the rendezvous identifiers.
const (
	SessionIDLen = 16
	TokenLen     = 32
)

// RendezvousHello is the payload of FrameRendezvousHello.
type RendezvousHello struct {
	Session [SessionIDLen]byte
	Token   [TokenLen]byte
}

// FrameType returns FrameRendezvousHello.
func (RendezvousHello) FrameType() FrameType { return FrameRendezvousHello }

// AppendBinary appends the payload to b.
func (h RendezvousHello) AppendBinary(b []byte) ([]byte, error) {
	b = appendMagicVersion(b)
	b = append(b, h.Session[:]...)
	return append(b, h.Token[:]...), nil
}

// ParseRendezvousHello decodes a FrameRendezvousHello payload. A wrong
// version is ErrVersion; anything else wrong is ErrMalformed.
func ParseRendezvousHello(payload []byte) (RendezvousHello, error) {
	var h RendezvousHello
	p := newParser(FrameRendezvousHello, payload)
	parseMagicVersion(&p)
	p.array("session", h.Session[:])
	p.array("token", h.Token[:])
	if err := p.end(); err != nil {
		return RendezvousHello{}, err
	}
	return h, nil
}

// RendezvousPaired is the payload of FrameRendezvousPaired.
type RendezvousPaired struct {
	Role Role
}

// FrameType returns FrameRendezvousPaired.
func (RendezvousPaired) FrameType() FrameType { return FrameRendezvousPaired }

// AppendBinary appends the payload to b.
func (p RendezvousPaired) AppendBinary(b []byte) ([]byte, error) {
	if p.Role != RoleClient && p.Role != RoleDaemon {
		return b, fmt.Errorf("wire: encode rendezvous-paired frame: unknown role %d", p.Role)
	}
	return append(b, byte(p.Role)), nil
}

// ParseRendezvousPaired decodes a FrameRendezvousPaired payload.
func ParseRendezvousPaired(payload []byte) (RendezvousPaired, error) {
	p := newParser(FrameRendezvousPaired, payload)
	role := Role(p.u8("role"))
	if p.err == nil && role != RoleClient && role != RoleDaemon {
		p.fail("role", "unknown value %d", role)
	}
	if err := p.end(); err != nil {
		return RendezvousPaired{}, err
	}
	return RendezvousPaired{Role: role}, nil
}
