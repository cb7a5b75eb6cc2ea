package wire

import "fmt"

// Lookup is the payload of FrameLookup.
type Lookup struct {
	ReqID uint32
	Name  string
}

// FrameType returns FrameLookup.
func (Lookup) FrameType() FrameType { return FrameLookup }

// AppendBinary appends the payload to b.
func (l Lookup) AppendBinary(b []byte) ([]byte, error) {
	if err := checkName(FrameLookup, "name", l.Name); err != nil {
		return b, err
	}
	return appendName(appendUint32(b, l.ReqID), l.Name), nil
}

// ParseLookup decodes a FrameLookup payload.
func ParseLookup(payload []byte) (Lookup, error) {
	var l Lookup
	p := newParser(FrameLookup, payload)
	l.ReqID = p.u32("req id")
	l.Name = p.name("name")
	if err := p.end(); err != nil {
		return Lookup{}, err
	}
	return l, nil
}

// LookupStatus says whether a looked-up name is bound to a key.
type LookupStatus uint8

// The lookup statuses.
const (
	// LookupFound: the name is bound; the reply carries its key.
	LookupFound LookupStatus = 0
	// LookupUnknown: no identity has claimed the name; the key is zero.
	LookupUnknown LookupStatus = 1
)

// String names the status for logs.
func (s LookupStatus) String() string {
	switch s {
	case LookupFound:
		return "found"
	case LookupUnknown:
		return "unknown"
	}
	return fmt.Sprintf("lookup-status-%d", uint8(s))
}

// LookupReply is the payload of FrameLookupReply.
type LookupReply struct {
	ReqID  uint32
	Status LookupStatus
	Pub    [32]byte // zero unless Status is LookupFound, and then not zero
	Name   string
}

// FrameType returns FrameLookupReply.
func (LookupReply) FrameType() FrameType { return FrameLookupReply }

// AppendBinary appends the payload to b.
func (r LookupReply) AppendBinary(b []byte) ([]byte, error) {
	if err := checkName(FrameLookupReply, "name", r.Name); err != nil {
		return b, err
	}
	if field, why := r.problem(); field != "" {
		return b, fmt.Errorf("wire: encode lookup-reply frame: %s: %s", field, why)
	}
	b = append(appendUint32(b, r.ReqID), byte(r.Status))
	b = append(b, r.Pub[:]...)
	return appendName(b, r.Name), nil
}

// ParseLookupReply decodes a FrameLookupReply payload.
func ParseLookupReply(payload []byte) (LookupReply, error) {
	var r LookupReply
	p := newParser(FrameLookupReply, payload)
	r.ReqID = p.u32("req id")
	r.Status = LookupStatus(p.u8("status"))
	p.array("pub", r.Pub[:])
	if field, why := r.problem(); p.err == nil && field != "" {
		p.fail(field, "%s", why)
	}
	r.Name = p.name("name")
	if err := p.end(); err != nil {
		return LookupReply{}, err
	}
	return r, nil
}

// problem names the field of r that contradicts its status, if any.
func (r LookupReply) problem() (field, why string) {
	switch {
	case r.Status != LookupFound && r.Status != LookupUnknown:
		return "status", fmt.Sprintf("unknown value %d", r.Status)
	case r.Status == LookupFound && r.Pub == [32]byte{}:
		return "pub", "zero for a name found"
	case r.Status == LookupUnknown && r.Pub != [32]byte{}:
		return "pub", "not zero for an unknown name"
	}
	return "", ""
}
