package wire

import "fmt"

// SendResult says what became of a Send, in a SendStatus frame.
type SendResult uint8

// The send results.
const (
	// SendDelivered: handed to the recipient's connection (each live one
	// of a device, one of a service, or the one the Send named). Not a
	// receipt: the recipient may still drop it.
	SendDelivered SendResult = 0
	// SendQueued: the recipient is offline; the relay keeps the envelope,
	// bounded and for a limited time, and delivers it on reconnection.
	SendQueued SendResult = 1
	// SendUnknownRecipient: no identity has ever claimed the name.
	SendUnknownRecipient SendResult = 2
	// SendDropped: the recipient is busy (what waits for it from this
	// sender, or from everyone, is at its bound) or its queue is full.
	// Try again shortly.
	SendDropped SendResult = 3
	// SendKeyMismatch: the name is bound to another key than the Send's
	// toPub: the recipient was re-keyed, or the sender's pin is wrong.
	SendKeyMismatch SendResult = 4
	// SendGone: the connection the Send named has ended; nothing is
	// queued for a connection.
	SendGone SendResult = 5
	// SendOverRate: the sender sends faster than the relay allows it.
	SendOverRate SendResult = 6
	// SendUnavailable: the relay cannot route now: it is one of a
	// cluster and has lost the cluster's messaging (NATS). Send through
	// another relay, or try again later.
	SendUnavailable SendResult = 7
)

var sendResultNames = [...]string{
	SendDelivered:        "delivered",
	SendQueued:           "queued",
	SendUnknownRecipient: "unknown-recipient",
	SendDropped:          "dropped",
	SendKeyMismatch:      "key-mismatch",
	SendGone:             "gone",
	SendOverRate:         "over-rate",
	SendUnavailable:      "unavailable",
}

// String names the result for logs.
func (r SendResult) String() string {
	if int(r) < len(sendResultNames) {
		return sendResultNames[r]
	}
	return fmt.Sprintf("send-result-%d", uint8(r))
}

// SendStatus is the payload of FrameSendStatus.
type SendStatus struct {
	SendID uint32 // never 0
	Status SendResult
}

// FrameType returns FrameSendStatus.
func (SendStatus) FrameType() FrameType { return FrameSendStatus }

// AppendBinary appends the payload to b.
func (s SendStatus) AppendBinary(b []byte) ([]byte, error) {
	if s.SendID == 0 {
		return b, fmt.Errorf("wire: encode send-status frame: send id 0, which asks for no status")
	}
	return append(appendUint32(b, s.SendID), byte(s.Status)), nil
}

// ParseSendStatus decodes a FrameSendStatus payload. A status this build
// does not know is kept, as a newer relay may send more.
func ParseSendStatus(payload []byte) (SendStatus, error) {
	var s SendStatus
	p := newParser(FrameSendStatus, payload)
	s.SendID = p.u32("send id")
	if p.err == nil && s.SendID == 0 {
		p.fail("send id", "0, which asks for no status")
	}
	s.Status = SendResult(p.u8("status"))
	if err := p.end(); err != nil {
		return SendStatus{}, err
	}
	return s, nil
}
