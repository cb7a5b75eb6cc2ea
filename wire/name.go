package wire

import "fmt"

// Name lengths on the wire: "@" and up to 64 more bytes. wire checks the
// length only; the syntax of a name is checked where names are parsed.
const (
	MinNameLen = 1
	MaxNameLen = 65
)

// checkName refuses to encode a name that its length byte cannot carry or
// that a peer would refuse.
func checkName(t FrameType, field, name string) error {
	if len(name) < MinNameLen || len(name) > MaxNameLen {
		return fmt.Errorf("wire: encode %s frame: %s %q is %d bytes, want %d..%d",
			t, field, name, len(name), MinNameLen, MaxNameLen)
	}
	return nil
}

// appendName appends the one-byte length and the name, checked already.
func appendName(b []byte, name string) []byte {
	return append(append(b, byte(len(name))), name...)
}
