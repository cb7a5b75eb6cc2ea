package session

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// ID is a random 128-bit identifier in the RFC 9562 version 4 layout. It
// names sessions and, since message GUIDs have the same shape, sealed
// messages too. The zero ID means "none".
type ID [16]byte

// idTextLen is the length of the canonical text form.
const idTextLen = 36

// NewID returns a fresh random ID (version 4, variant 10).
func NewID() ID {
	var id ID
	if _, err := rand.Read(id[:]); err != nil {
		// crypto/rand does not fail on supported systems; a guessable ID
		// would be worse than stopping.
		panic(fmt.Sprintf("session: no randomness for an ID: %v", err))
	}
	id[6] = id[6]&0x0f | 0x40
	id[8] = id[8]&0x3f | 0x80
	return id
}

// ParseID parses the canonical form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx,
// hex in either case. It does not insist on the version bits, so IDs made
// by other implementations are accepted.
func ParseID(s string) (ID, error) {
	var id ID
	if len(s) != idTextLen || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return id, fmt.Errorf("session: bad id %q: want 8-4-4-4-12 hex digits such as 0b9f2c1e-5d3a-4e7b-9c21-6f0a8d4e3b12", clip(s))
	}
	hexDigits := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36]
	if _, err := hex.Decode(id[:], []byte(hexDigits)); err != nil {
		return ID{}, fmt.Errorf("session: bad id %q: %w", s, err)
	}
	return id, nil
}

// clip shortens what an error echoes of bad input.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// String returns the canonical lowercase 8-4-4-4-12 form.
func (id ID) String() string {
	var b [idTextLen]byte
	hex.Encode(b[0:8], id[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], id[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], id[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], id[8:10])
	b[23] = '-'
	hex.Encode(b[24:], id[10:])
	return string(b[:])
}

// Short returns the first 8 hex digits, enough to follow one session
// through the logs.
func (id ID) Short() string { return hex.EncodeToString(id[:4]) }

// IsZero reports whether id is the zero ID.
func (id ID) IsZero() bool { return id == ID{} }

// MarshalText returns the canonical form, for JSON bodies and configs.
func (id ID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText parses the canonical form.
func (id *ID) UnmarshalText(b []byte) error {
	p, err := ParseID(string(b))
	if err != nil {
		return err
	}
	*id = p
	return nil
}
