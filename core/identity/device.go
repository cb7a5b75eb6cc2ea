package identity

import (
	"errors"
	"fmt"
	"strings"
)

// MaxDeviceLen is the longest device name, as in NoPorts.
const MaxDeviceLen = 36

// CheckDevice checks a device name, the name that tells apart the daemons
// of one identity: 1 to MaxDeviceLen of a-z, 0-9 and "_", the rule of
// NoPorts, so a name works with both. The name ends up in file names and
// log lines, which is one more reason to keep it plain.
func CheckDevice(s string) error {
	ok := s != "" && len(s) <= MaxDeviceLen
	for i := 0; ok && i < len(s); i++ {
		ok = deviceByte(s[i])
	}
	if ok {
		return nil
	}
	msg := fmt.Sprintf("bad device name %q: want 1 to %d of a-z, 0-9 and _", s, MaxDeviceLen)
	if fix := plainName(s, deviceByte, MaxDeviceLen); fix != "" {
		msg += fmt.Sprintf(", such as %q", fix)
	}
	return errors.New(msg)
}

func deviceByte(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' }

// plainName is s made to fit a name's rule, for an error to suggest:
// lower case, each run of other characters one "_", none at either end,
// at most max bytes. It is empty if nothing of s fits.
func plainName(s string, allowed func(byte) bool, max int) string {
	var b strings.Builder
	gap := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if !allowed(c) || c == '_' {
			gap = true
			continue
		}
		if gap && b.Len() > 0 {
			b.WriteByte('_')
		}
		gap = false
		b.WriteByte(c)
	}
	return strings.TrimRight(b.String()[:min(b.Len(), max)], "_")
}
