package identity

import (
	"errors"
	"fmt"
	"strings"
)

// MaxNameLen is the longest name after its "@".
const MaxNameLen = 64

// Name is an identity name such as "@alice" or "@garage_pi". The zero Name
// is empty and means "none"; every other Name came from ParseName and is
// valid, so it is safe in file names and log lines.
type Name string

// ParseName checks s and returns it as a Name: "@" then 1 to 64 of a-z,
// 0-9, "_" and "-". Names are lowercase only so that "@Alice" and "@alice"
// can never be two identities.
func ParseName(s string) (Name, error) {
	rest, ok := strings.CutPrefix(s, "@")
	ok = ok && rest != "" && len(rest) <= MaxNameLen
	for i := 0; ok && i < len(rest); i++ {
		ok = nameByte(rest[i])
	}
	if ok {
		return Name(s), nil
	}
	msg := fmt.Sprintf("identity: bad name %q: want \"@\" then 1 to %d of a-z, 0-9, _ or -", s, MaxNameLen)
	if fix := plainName(strings.TrimLeft(s, "@"), nameByte, MaxNameLen); fix != "" {
		msg += fmt.Sprintf(", such as %q", "@"+fix)
	}
	return "", errors.New(msg)
}

// nameByte reports whether c may appear after the "@" of a name.
func nameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// String returns the name with its "@".
func (n Name) String() string { return string(n) }
