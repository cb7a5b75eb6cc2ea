package identity

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Errors from KnownIdentities.Check, checked with errors.Is.
var (
	// ErrUnknown means no key is pinned for the subject yet.
	ErrUnknown = errors.New("identity: no key pinned")
	// ErrKeyChanged means the key differs from the pinned one; the error is
	// a *KeyChangedError.
	ErrKeyChanged = errors.New("identity: key changed")
)

// KnownIdentities holds pinned public keys, like OpenSSH's known_hosts:
// lines "SUBJECT nport-pub:KEY" in a file (usually <home>/known_identities),
// SUBJECT an identity name or "relay:HOST:PORT", plus keys pinned up front
// from configuration, which win over the file. It is safe for concurrent
// use.
type KnownIdentities struct {
	path    string
	mu      sync.Mutex
	file    map[string]pin
	trusted map[string]PublicKey
}

// KnownFile returns the usual pins file of an nport home.
func KnownFile(home string) string { return filepath.Join(home, "known_identities") }

// OpenKnown reads the pins file at path; a missing file is empty (Pin
// creates it).
func OpenKnown(path string) (*KnownIdentities, error) {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("identity: read pins: %w", err)
	}
	pins, err := parseKnown(data, path)
	if err != nil {
		return nil, err
	}
	return &KnownIdentities{path: path, file: pins, trusted: make(map[string]PublicKey)}, nil
}

// Path returns the pins file.
func (k *KnownIdentities) Path() string { return k.path }

// AddTrusted pins key for subject in memory only, for keys given in
// configuration. It wins over a pin in the file.
func (k *KnownIdentities) AddTrusted(subject string, key PublicKey) error {
	if err := checkPin(subject, key); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.trusted[canonSubject(subject)] = key
	return nil
}

// Pinned returns the key pinned for subject, if any.
func (k *KnownIdentities) Pinned(subject string) (PublicKey, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	p, _, ok := k.lookup(canonSubject(subject))
	return p.key, ok
}

// Check returns nil if key is the one pinned for subject, an error
// wrapping ErrUnknown if none is, and a *KeyChangedError (ErrKeyChanged)
// if another is.
func (k *KnownIdentities) Check(subject string, key PublicKey) error {
	subject = canonSubject(subject)
	k.mu.Lock()
	defer k.mu.Unlock()
	p, file, ok := k.lookup(subject)
	if !ok {
		return fmt.Errorf("%w for %s in %s or the configuration", ErrUnknown, subject, k.path)
	}
	if !p.key.Equal(key) {
		return &KeyChangedError{Subject: subject, Pinned: p.key, Got: key, File: file, Line: p.line}
	}
	return nil
}

// lookup finds subject among the trusted keys, then in the file, and
// says which file it came from ("" for configuration).
func (k *KnownIdentities) lookup(subject string) (pin, string, bool) {
	if key, ok := k.trusted[subject]; ok {
		return pin{key: key}, "", true
	}
	p, ok := k.file[subject]
	return p, k.path, ok
}

// Pin pins key for subject and appends it to the file (created 0600). It
// is a no-op if the same key is pinned already, and a *KeyChangedError if
// another is: a pin is only ever removed by a person.
func (k *KnownIdentities) Pin(subject string, key PublicKey) error {
	if err := checkPin(subject, key); err != nil {
		return err
	}
	subject = canonSubject(subject)
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.checkKnown(subject, key); !errors.Is(err, ErrUnknown) {
		return err
	}
	line, err := k.appendPin(subject, key)
	if err != nil {
		return err
	}
	k.file[subject] = pin{key: key, line: line}
	return nil
}

// checkKnown is Check with k.mu held.
func (k *KnownIdentities) checkKnown(subject string, key PublicKey) error {
	p, file, ok := k.lookup(subject)
	switch {
	case !ok:
		return ErrUnknown
	case !p.key.Equal(key):
		return &KeyChangedError{Subject: subject, Pinned: p.key, Got: key, File: file, Line: p.line}
	}
	return nil
}

// appendPin adds the line to the file and returns its number. It reads the
// file first through the same descriptor so that a pin another process
// wrote meanwhile is honoured, not contradicted.
func (k *KnownIdentities) appendPin(subject string, key PublicKey) (int, error) {
	if err := os.MkdirAll(filepath.Dir(k.path), 0o700); err != nil {
		return 0, fmt.Errorf("identity: pin %s: %w", subject, err)
	}
	f, err := os.OpenFile(k.path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return 0, fmt.Errorf("identity: pin %s: %w", subject, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKnownFile+1))
	if err != nil {
		return 0, fmt.Errorf("identity: pin %s: %w", subject, err)
	}
	if err := k.mergeFile(data, subject, key); errors.Is(err, errAlreadyPinned) {
		return k.file[subject].line, nil
	} else if err != nil {
		return 0, err
	}
	line, sep := nextLine(data)
	text := subject + " " + key.String() + "\n"
	if sep {
		text = "\n" + text
	}
	if len(data) == 0 {
		text, line = knownHeader+text, 2
	}
	if _, err := f.WriteString(text); err != nil {
		return 0, fmt.Errorf("identity: pin %s: %w", subject, err)
	}
	return line, f.Sync()
}

// mergeFile checks the current file content for a pin of subject made by
// someone else since OpenKnown; it returns nil when the line is still to
// be written.
func (k *KnownIdentities) mergeFile(data []byte, subject string, key PublicKey) error {
	pins, err := parseKnown(data, k.path)
	if err != nil {
		return err
	}
	p, ok := pins[subject]
	if !ok {
		return nil
	}
	k.file[subject] = p
	if !p.key.Equal(key) {
		return &KeyChangedError{Subject: subject, Pinned: p.key, Got: key, File: k.path, Line: p.line}
	}
	return errAlreadyPinned
}

// errAlreadyPinned ends Pin early without an error to its caller.
var errAlreadyPinned = errors.New("already pinned")

// checkPin validates a subject and key before they are pinned.
func checkPin(subject string, key PublicKey) error {
	if err := checkSubject(subject); err != nil {
		return err
	}
	return key.Validate()
}
