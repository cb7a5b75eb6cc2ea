package identity

import "fmt"

// KeyChangedError is the refusal of a key that differs from the pinned
// one. It explains what may be going on and how to accept the new key.
type KeyChangedError struct {
	Subject string    // the identity name or relay:HOST:PORT
	Pinned  PublicKey // the key pinned for it
	Got     PublicKey // the key just presented
	File    string    // the pins file, "" when the pin came from configuration
	Line    int       // the line of File holding the pin
}

// Error says what changed, why it matters, and what to do.
func (e *KeyChangedError) Error() string {
	fix := "update the key pinned for it in the configuration"
	if e.File != "" {
		fix = fmt.Sprintf("remove line %d of %s", e.Line, e.File)
	}
	return fmt.Sprintf("identity: the key for %s changed from %s to %s: this may be an attack, or %s was re-created; if you trust the new key, %s",
		e.Subject, e.Pinned.Fingerprint(), e.Got.Fingerprint(), e.Subject, fix)
}

// Is makes errors.Is(err, ErrKeyChanged) true.
func (e *KeyChangedError) Is(target error) bool { return target == ErrKeyChanged }
