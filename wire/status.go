package wire

import "fmt"

// SendResult says what became of a Send, in a SendStatus frame.
type SendResult uint8

// The send results.
const (
	// SendDelivered: written to at least one live connection of the
	// recipient. Not a receipt: the recipient may still drop it.
	SendDelivered SendResult = 0
	// SendQueued: the recipient is offline; the relay keeps the envelope,
	// bounded and for a limited time, and delivers it on reconnection.
	SendQueued SendResult = 1
	// SendUnknownRecipient: no identity has ever claimed the name.
	SendUnknownRecipient SendResult = 2
	// SendDropped: the recipient's queue is full, or the sender is over
	// its rate. Try again later.
	SendDropped SendResult = 3
)

var sendResultNames = [...]string{
	SendDelivered:        "delivered",
	SendQueued:           "queued",
	SendUnknownRecipient: "unknown-recipient",
	SendDropped:          "dropped",
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
	if s.SendID == 0 || int(s.Status) >= len(sendResultNames) {
		return b, fmt.Errorf("wire: encode send-status frame: send id %d, status %d: want a send id other than 0 and a known status",
			s.SendID, s.Status)
	}
	return append(appendUint32(b, s.SendID), byte(s.Status)), nil
}

// ParseSendStatus decodes a FrameSendStatus payload.
func ParseSendStatus(payload []byte) (SendStatus, error) {
	var s SendStatus
	p := newParser(FrameSendStatus, payload)
	s.SendID = p.u32("send id")
	if p.err == nil && s.SendID == 0 {
		p.fail("send id", "0, which asks for no status")
	}
	s.Status = SendResult(p.u8("status"))
	if p.err == nil && int(s.Status) >= len(sendResultNames) {
		p.fail("status", "unknown value %d", s.Status)
	}
	if err := p.end(); err != nil {
		return SendStatus{}, err
	}
	return s, nil
}
