package session

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
)

// Token is a 256-bit secret that admits one party to one session, once.
// It travels only inside sealed messages and in the rendezvous hello, and
// never prints: String, Format and LogValue all hide it.
type Token [32]byte

// tokenTextLen is the length of 32 bytes in unpadded base64.
const tokenTextLen = 43

// redactedToken is what a token prints as.
const redactedToken = "token:<redacted>"

// b64 is strict so that each token has one text form.
var b64 = base64.RawURLEncoding.Strict()

// NewToken returns a fresh random token.
func NewToken() Token {
	var t Token
	if _, err := rand.Read(t[:]); err != nil {
		panic(fmt.Sprintf("session: no randomness for a token: %v", err))
	}
	return t
}

// ParseToken parses the text form: 43 characters of unpadded base64url.
// Its errors never repeat the input, which may be a real token.
func ParseToken(s string) (Token, error) {
	var t Token
	if len(s) != tokenTextLen {
		return t, fmt.Errorf("session: bad token: %d characters, want %d of base64url", len(s), tokenTextLen)
	}
	if n, err := b64.Decode(t[:], []byte(s)); err != nil || n != len(t) {
		return Token{}, fmt.Errorf("session: bad token: not base64url")
	}
	return t, nil
}

// TokenFromRaw wraps 32 raw bytes; it is for the wire encoding only.
func TokenFromRaw(raw [32]byte) Token { return Token(raw) }

// Raw returns the 32 raw bytes; it is for the wire encoding only.
func (t Token) Raw() [32]byte { return t }

// Equal reports whether t and o are the same token, in constant time.
func (t Token) Equal(o Token) bool { return subtle.ConstantTimeCompare(t[:], o[:]) == 1 }

// IsZero reports whether t is the zero token.
func (t Token) IsZero() bool { return t == Token{} }

// MarshalText returns the secret text form, for sealed JSON bodies only.
func (t Token) MarshalText() ([]byte, error) {
	b := make([]byte, tokenTextLen)
	b64.Encode(b, t[:])
	return b, nil
}

// UnmarshalText parses the text form, as ParseToken does.
func (t *Token) UnmarshalText(b []byte) error {
	p, err := ParseToken(string(b))
	if err != nil {
		return err
	}
	*t = p
	return nil
}

// String hides the token.
func (t Token) String() string { return redactedToken }

// GoString hides the token from %#v.
func (t Token) GoString() string { return redactedToken }

// Format hides the token whatever the verb (%x included).
func (t Token) Format(f fmt.State, _ rune) { io.WriteString(f, redactedToken) }

// LogValue hides the token from slog.
func (t Token) LogValue() slog.Value { return slog.StringValue(redactedToken) }
