package identity

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// The typed text forms. A key in text is its prefix then the 32 bytes in
// unpadded base64url (43 characters): the prefix says what kind of key it
// is, so a private key pasted where a public one belongs is refused, and
// base64url has no characters that need quoting in TOML, shells or URLs.
const (
	PublicPrefix  = "nport-pub:"
	PrivatePrefix = "nport-priv:"
)

// textLen is the length of 32 bytes in unpadded base64.
const textLen = 43

// b64 is strict so that each key has exactly one text form.
var b64 = base64.RawURLEncoding.Strict()

// redacted is what a private key prints as, whatever the verb.
const redacted = PrivatePrefix + "<redacted>"

// ParsePublicKey parses the "nport-pub:..." form and refuses keys of low
// order (see Validate). Surrounding white space is ignored.
func ParsePublicKey(s string) (PublicKey, error) {
	raw, err := parseText(strings.TrimSpace(s), PublicPrefix, "public")
	if err != nil {
		return PublicKey{}, err
	}
	k := PublicKey{k: raw}
	if err := k.Validate(); err != nil {
		return PublicKey{}, err
	}
	return k, nil
}

// ParsePrivateKey parses the "nport-priv:..." form. Surrounding white
// space is ignored.
func ParsePrivateKey(s string) (PrivateKey, error) {
	raw, err := parseText(strings.TrimSpace(s), PrivatePrefix, "private")
	if err != nil {
		return PrivateKey{}, err
	}
	return privateFromRaw(raw)
}

// parseText decodes prefix + base64url. Its errors name what s is instead
// of echoing it, since s may be someone's secret.
func parseText(s, prefix, kind string) ([KeyLen]byte, error) {
	var raw [KeyLen]byte
	body, ok := strings.CutPrefix(s, prefix)
	switch {
	case ok:
	case kind == "public" && strings.HasPrefix(s, PrivatePrefix):
		return raw, fmt.Errorf("identity: that is a private key, not a public one: keep it secret, and give the public key (%s...) instead", PublicPrefix)
	case kind == "private" && strings.HasPrefix(s, PublicPrefix):
		return raw, fmt.Errorf("identity: that is a public key, not a private one (a private key starts with %q)", PrivatePrefix)
	default:
		return raw, fmt.Errorf("identity: not an nport %s key (%s; want %q then 43 characters)", kind, describe(s), prefix)
	}
	if len(body) != textLen {
		return raw, fmt.Errorf("identity: %s key has %d characters after %q, want %d", kind, len(body), prefix, textLen)
	}
	if n, err := b64.Decode(raw[:], []byte(body)); err != nil || n != KeyLen {
		return raw, fmt.Errorf("identity: %s key is not valid base64url after %q", kind, prefix)
	}
	return raw, nil
}

// describe says what a string that is not an nport key looks like,
// without repeating a possible secret.
func describe(s string) string {
	if s == "" {
		return "got an empty string"
	}
	if i := strings.IndexByte(s, ':'); i > 0 && i <= 24 {
		return fmt.Sprintf("it starts with %q", s[:i+1])
	}
	return fmt.Sprintf("got %d characters with no known prefix", len(s))
}

// String returns the full typed text form, "nport-pub:...".
func (k PublicKey) String() string { return PublicPrefix + b64.EncodeToString(k.k[:]) }

// MarshalText returns the typed text form, so keys can sit in TOML and JSON.
func (k PublicKey) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText parses the typed text form, as ParsePublicKey does.
func (k *PublicKey) UnmarshalText(b []byte) error {
	p, err := ParsePublicKey(string(b))
	if err != nil {
		return err
	}
	*k = p
	return nil
}

// Fingerprint returns a short form for logs and prompts: "fp:" then the
// first 8 bytes of the SHA-256 of the key, in hex. Two keys with the same
// fingerprint are not told apart by it, so it is for people, never for
// checks.
func (k PublicKey) Fingerprint() string {
	sum := sha256.Sum256(k.k[:])
	return "fp:" + hex.EncodeToString(sum[:8])
}

// LogValue logs the fingerprint: full keys only clutter logs.
func (k PublicKey) LogValue() slog.Value { return slog.StringValue(k.Fingerprint()) }

// RevealText returns the full "nport-priv:..." form of the secret key. It
// is for writing key files; never log it or send it anywhere.
func (k PrivateKey) RevealText() string { return PrivatePrefix + b64.EncodeToString(k.must().k[:]) }

// String hides the key: a private key printed by accident shows nothing.
func (k PrivateKey) String() string { return redacted }

// GoString hides the key from %#v.
func (k PrivateKey) GoString() string { return redacted }

// Format hides the key whatever the verb (%x and %v included).
func (k PrivateKey) Format(f fmt.State, _ rune) { io.WriteString(f, redacted) }

// LogValue hides the key from slog.
func (k PrivateKey) LogValue() slog.Value { return slog.StringValue(redacted) }
