package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// MessageVersion is the version of the sealed message layout below. A
// receiver refuses any other value.
const MessageVersion = 1

// MessageType says what the JSON body of a sealed message holds.
type MessageType uint8

// The sealed message types. Their bodies are the structs in body.go.
const (
	// MsgSessionRequest (client → rendezvous) asks for a session: SessionRequest.
	MsgSessionRequest MessageType = 0x01
	// MsgSessionGrant (rendezvous → client) answers it: SessionGrant.
	MsgSessionGrant MessageType = 0x02
	// MsgTunnelRequest (client → daemon) asks the daemon to join a session: TunnelRequest.
	MsgTunnelRequest MessageType = 0x03
	// MsgTunnelReply (daemon → client) accepts it: TunnelReply.
	MsgTunnelReply MessageType = 0x04
	// MsgRefusal (any → any) refuses a request, naming the session: Refusal.
	MsgRefusal MessageType = 0x05
	// MsgPing (any → any) asks a peer whether it is there: Ping.
	MsgPing MessageType = 0x06
	// MsgPong (any → any) answers a ping: Pong.
	MsgPong MessageType = 0x07
)

// String names the type for logs.
func (t MessageType) String() string {
	switch t {
	case MsgSessionRequest:
		return "session-request"
	case MsgSessionGrant:
		return "session-grant"
	case MsgTunnelRequest:
		return "tunnel-request"
	case MsgTunnelReply:
		return "tunnel-reply"
	case MsgRefusal:
		return "refusal"
	case MsgPing:
		return "ping"
	case MsgPong:
		return "pong"
	}
	return fmt.Sprintf("message-type-0x%02x", uint8(t))
}

// IsRequest reports whether a message of type t asks for an answer: a
// receiver that cannot serve it now answers RefusalBusy rather than drop
// it, so the sender can ask again.
func (t MessageType) IsRequest() bool {
	switch t {
	case MsgSessionRequest, MsgTunnelRequest, MsgPing:
		return true
	}
	return false
}

// MessageHeaderLen is the fixed part of a message, before its body.
const MessageHeaderLen = 1 + 1 + 16 + 8 + 16

// Message is the plaintext inside every sealed envelope. Its layout:
//
//	version  uint8     MessageVersion
//	type     uint8     MessageType
//	id       [16]byte  a fresh random GUID per message (replay guard key)
//	time     int64     big-endian Unix time in milliseconds at the sender
//	session  [16]byte  the session GUID the message belongs to, zero if none
//	body     [...]byte the rest: a JSON object, the struct named by type
//
// Receivers drop a message whose id they have seen, or whose time is
// outside their freshness window.
type Message struct {
	Type    MessageType
	ID      [16]byte
	Time    int64 // Unix milliseconds
	Session [16]byte
	Body    []byte
}

// Errors from UnmarshalMessage.
var (
	ErrShortMessage   = errors.New("wire: message shorter than its header")
	ErrMessageVersion = errors.New("wire: unsupported message version")
)

// AppendMessage appends the encoded message to b and returns the result.
func AppendMessage(b []byte, m Message) []byte {
	b = append(b, MessageVersion, byte(m.Type))
	b = append(b, m.ID[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(m.Time))
	b = append(b, m.Session[:]...)
	return append(b, m.Body...)
}

// UnmarshalMessage decodes a message. The body aliases b.
func UnmarshalMessage(b []byte) (Message, error) {
	var m Message
	if len(b) < MessageHeaderLen {
		return m, ErrShortMessage
	}
	if b[0] != MessageVersion {
		return m, fmt.Errorf("%w %d (this build speaks %d)", ErrMessageVersion, b[0], MessageVersion)
	}
	m.Type = MessageType(b[1])
	copy(m.ID[:], b[2:18])
	m.Time = int64(binary.BigEndian.Uint64(b[18:26]))
	copy(m.Session[:], b[26:42])
	m.Body = b[42:]
	return m, nil
}
