package wire

// PingDataLen is the size of a Ping's or Pong's data.
const PingDataLen = 8

// Ping is the payload of FramePing.
type Ping struct {
	Data [PingDataLen]byte
}

// FrameType returns FramePing.
func (Ping) FrameType() FrameType { return FramePing }

// AppendBinary appends the payload to b.
func (p Ping) AppendBinary(b []byte) ([]byte, error) { return append(b, p.Data[:]...), nil }

// ParsePing decodes a FramePing payload.
func ParsePing(payload []byte) (Ping, error) {
	d, err := parsePingData(FramePing, payload)
	return Ping{Data: d}, err
}

// Pong is the payload of FramePong.
type Pong struct {
	Data [PingDataLen]byte // the Ping's
}

// FrameType returns FramePong.
func (Pong) FrameType() FrameType { return FramePong }

// AppendBinary appends the payload to b.
func (p Pong) AppendBinary(b []byte) ([]byte, error) { return append(b, p.Data[:]...), nil }

// ParsePong decodes a FramePong payload.
func ParsePong(payload []byte) (Pong, error) {
	d, err := parsePingData(FramePong, payload)
	return Pong{Data: d}, err
}

func parsePingData(t FrameType, payload []byte) ([PingDataLen]byte, error) {
	var d [PingDataLen]byte
	p := newParser(t, payload)
	p.array("data", d[:])
	if err := p.end(); err != nil {
		return [PingDataLen]byte{}, err
	}
	return d, nil
}
