package identity

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Identity is a name with its key pair.
type Identity struct {
	Name Name
	Key  PrivateKey
}

// Public returns the identity's public key.
func (id Identity) Public() PublicKey { return id.Key.Public() }

// String names the identity with its fingerprint, for logs.
func (id Identity) String() string { return fmt.Sprintf("%s (%s)", id.Name, id.Public().Fingerprint()) }

// Store keeps identity key files under an nport home: Dir/keys/@name.key,
// each mode 0600 in a 0700 directory.
type Store struct {
	Dir string // the nport home, usually from Home
	// File, if set, is the key file of the one identity loaded or created
	// through this Store, wherever it is (a -k/--key-file flag).
	File string
}

// keySuffix ends every key file name.
const keySuffix = ".key"

// KeysDir returns the directory that holds the key files.
func (s Store) KeysDir() string { return filepath.Join(s.Dir, "keys") }

// Path returns the key file of name: File if set.
func (s Store) Path(name Name) string {
	if s.File != "" {
		return s.File
	}
	return filepath.Join(s.KeysDir(), string(name)+keySuffix)
}

// Create makes a new key pair for name and writes its key file. It refuses
// to replace an existing one (the error wraps fs.ErrExist).
func (s Store) Create(name Name) (Identity, error) {
	if _, err := ParseName(string(name)); err != nil {
		return Identity{}, err
	}
	key, err := GenerateKey()
	if err != nil {
		return Identity{}, err
	}
	id := Identity{Name: name, Key: key}
	path := s.Path(name)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return Identity{}, fmt.Errorf("identity: create key directory: %w", err)
	}
	if err := writeNew(path, encodeKeyFile(id)); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return Identity{}, fmt.Errorf("identity: %s already has a key in %s: use it, or move the file away first to make a new one: %w", name, path, err)
		}
		return Identity{}, fmt.Errorf("identity: write key file for %s: %w", name, err)
	}
	return id, nil
}

// Load reads the key file of name. A missing file gives an error that
// wraps fs.ErrNotExist; a file that others can read is refused.
func (s Store) Load(name Name) (Identity, error) {
	if _, err := ParseName(string(name)); err != nil {
		return Identity{}, err
	}
	path := s.Path(name)
	data, err := readKeyFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Identity{}, fmt.Errorf("identity: no key for %s at %s (create one with `nport keys new %s`): %w", name, path, name, err)
	case errors.Is(err, ErrTooOpen):
		return Identity{}, err
	case err != nil:
		return Identity{}, fmt.Errorf("identity: read key file for %s: %w", name, err)
	}
	return decodeKeyFile(data, path, name)
}

// LoadOrCreate loads name, creating it first if it has no key file yet:
// what a daemon or relay does on its first start. created says whether the
// key is new, so the caller can show the line to share.
func (s Store) LoadOrCreate(name Name) (id Identity, created bool, err error) {
	id, err = s.Load(name)
	if !errors.Is(err, fs.ErrNotExist) {
		return id, false, err
	}
	id, err = s.Create(name)
	if errors.Is(err, fs.ErrExist) {
		// Another process created it in between: use theirs.
		id, err = s.Load(name)
		return id, false, err
	}
	return id, err == nil, err
}

// ShareLine is the line that tells others an identity's public key, in
// the form known_identities and config pins take: "@name nport-pub:…".
func (id Identity) ShareLine() string { return string(id.Name) + " " + id.Public().String() }

// List loads every identity in the store, sorted by name. A store with no
// keys directory is empty.
func (s Store) List() ([]Identity, error) {
	entries, err := os.ReadDir(s.KeysDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("identity: list keys: %w", err)
	}
	var ids []Identity
	for _, e := range entries {
		name, ok := keyFileName(e)
		if !ok {
			continue
		}
		id, err := s.Load(name)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b Identity) int { return strings.Compare(string(a.Name), string(b.Name)) })
	return ids, nil
}

// keyFileName returns the identity a directory entry is the key file of;
// temporary files and anything else are skipped.
func keyFileName(e fs.DirEntry) (Name, bool) {
	base, ok := strings.CutSuffix(e.Name(), keySuffix)
	if !ok || e.IsDir() {
		return "", false
	}
	name, err := ParseName(base)
	return name, err == nil
}
