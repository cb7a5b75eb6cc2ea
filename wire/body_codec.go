package wire

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// DecodeBody decodes the JSON body of m into v, a pointer. It refuses a
// body longer than MaxBodyLen, one that is not a JSON object, and, when v
// is a Body, a message of another type than v's. Unknown fields are
// ignored (see body.go). All its errors wrap ErrMalformed.
func DecodeBody(m Message, v any) error {
	if b, ok := v.(Body); ok && b.MessageType() != m.Type {
		return fmt.Errorf("%w %s message: its body is not a %s body", ErrMalformed, m.Type, b.MessageType())
	}
	if len(m.Body) > MaxBodyLen {
		return fmt.Errorf("%w %s message: body of %d bytes, limit %d", ErrMalformed, m.Type, len(m.Body), MaxBodyLen)
	}
	// json.Unmarshal would accept null as an empty struct: an object only.
	if t := bytes.TrimLeft(m.Body, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return fmt.Errorf("%w %s message: body is not a JSON object", ErrMalformed, m.Type)
	}
	if err := json.Unmarshal(m.Body, v); err != nil {
		return fmt.Errorf("%w %s message: body: %v", ErrMalformed, m.Type, err)
	}
	return nil
}

// b64 is unpadded base64url that refuses non-canonical text, so one value
// has one spelling.
var b64 = base64.RawURLEncoding.Strict()

// Encode32 is the text form of a token or an ephemeral key in a body:
// unpadded base64url, 43 characters.
func Encode32(b [32]byte) string { return b64.EncodeToString(b[:]) }

// Decode32 reads the text form of Encode32.
func Decode32(s string) ([32]byte, error) {
	var out [32]byte
	if len(s) != b64.EncodedLen(len(out)) {
		return out, fmt.Errorf("%w body field: %d characters, want %d of base64url", ErrMalformed, len(s), b64.EncodedLen(len(out)))
	}
	// The decoder skips line breaks, which would give one value two
	// spellings: refuse them first.
	if strings.ContainsAny(s, "\r\n") {
		return out, fmt.Errorf("%w body field: line break in base64url text", ErrMalformed)
	}
	if _, err := b64.Decode(out[:], []byte(s)); err != nil {
		return [32]byte{}, fmt.Errorf("%w body field: not base64url: %v", ErrMalformed, err)
	}
	return out, nil
}
