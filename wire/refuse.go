package wire

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxRefuseMessage is the longest message in a Refuse frame, in bytes.
const MaxRefuseMessage = 1 << 10

// RefuseCode says why a peer refused, in a Refuse frame.
type RefuseCode uint8

// The refusal codes. A receiver keeps codes it does not know and shows
// them by number.
const (
	// RefuseUnknown is a reason none of the others names.
	RefuseUnknown RefuseCode = 0
	// RefuseVersion: the peer does not speak the version in the hello.
	RefuseVersion RefuseCode = 1
	// RefuseBadAuth: a proof did not check, or the key is not the one pinned.
	RefuseBadAuth RefuseCode = 2
	// RefuseNameTaken: the name is bound to another key.
	RefuseNameTaken RefuseCode = 3
	// RefuseLimit: too many connections or sessions.
	RefuseLimit RefuseCode = 4
	// RefuseRate: the peer sends faster than it is allowed to.
	RefuseRate RefuseCode = 5
	// RefuseMalformed: a frame did not follow its layout.
	RefuseMalformed RefuseCode = 6
	// RefuseTimeout: the handshake did not finish within its deadline.
	RefuseTimeout RefuseCode = 7
	// RefuseBadToken: a rendezvous session id and token did not match a
	// waiting session (unknown, expired, or the token was used already).
	RefuseBadToken RefuseCode = 8
	// RefuseNotAllowed: the relay's claim policy does not let this key
	// claim this name (not on its allow list, no valid invitation).
	RefuseNotAllowed RefuseCode = 9
)

var refuseNames = [...]string{
	RefuseUnknown:    "unknown",
	RefuseVersion:    "version",
	RefuseBadAuth:    "bad-auth",
	RefuseNameTaken:  "name-taken",
	RefuseLimit:      "limit",
	RefuseRate:       "rate",
	RefuseMalformed:  "malformed",
	RefuseTimeout:    "timeout",
	RefuseBadToken:   "bad-token",
	RefuseNotAllowed: "not-allowed",
}

// String names the code for logs and errors.
func (c RefuseCode) String() string {
	if int(c) < len(refuseNames) {
		return refuseNames[c]
	}
	return fmt.Sprintf("refuse-code-%d", uint8(c))
}

// Refusal is the payload of FrameRefuse, and the error a peer's refusal
// becomes: "relay refused: name-taken: @alice is bound to another key".
type Refusal struct {
	Code    RefuseCode
	Message string // for the person; UTF-8, at most MaxRefuseMessage bytes

	// Peer names who refused, for Error: "relay" if empty. It is not on
	// the wire; a rendezvous client sets "rendezvous".
	Peer string
}

// Error makes a Refusal an error.
func (r Refusal) Error() string {
	peer := r.Peer
	if peer == "" {
		peer = "relay"
	}
	if r.Message == "" {
		return peer + " refused: " + r.Code.String()
	}
	return peer + " refused: " + r.Code.String() + ": " + r.Message
}

// FrameType returns FrameRefuse.
func (Refusal) FrameType() FrameType { return FrameRefuse }

// AppendBinary appends the payload to b. It never fails: the message is
// only for a person to read, so invalid UTF-8 is replaced and a long
// message is cut at a rune boundary rather than lost.
func (r Refusal) AppendBinary(b []byte) ([]byte, error) {
	msg := strings.ToValidUTF8(r.Message, "\uFFFD")
	if len(msg) > MaxRefuseMessage {
		cut := MaxRefuseMessage
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut]
	}
	b = append(b, byte(r.Code))
	return append(b, msg...), nil
}

// ParseRefuse decodes a FrameRefuse payload.
func ParseRefuse(payload []byte) (Refusal, error) {
	p := newParser(FrameRefuse, payload)
	code := RefuseCode(p.u8("code"))
	msg := p.rest()
	if len(msg) > MaxRefuseMessage {
		p.fail("message", "%d bytes, want at most %d", len(msg), MaxRefuseMessage)
	} else if !utf8.Valid(msg) {
		p.fail("message", "not UTF-8")
	}
	if err := p.end(); err != nil {
		return Refusal{}, err
	}
	return Refusal{Code: code, Message: string(msg)}, nil
}
