package directory

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/nport/nport/core/identity"
)

// FileName is the directory file under a relay's home.
func FileName(home string) string { return filepath.Join(home, "relay", "directory") }

// RecheckInterval bounds how stale a Lookup may be: it looks at the
// file's size and time at most this often. Claim and Remove always do.
const RecheckInterval = time.Second

// File is a Directory kept in a text file (see format.go), so that a
// restart keeps every binding and an operator can read and edit them.
//
// The file is the truth: File notices when it changed (its size, time or
// inode) and reloads it, so an edit or a `nport relay directory remove`
// takes effect in a running relay without a restart. Writers (the relay
// claiming, the command removing) take a lock file beside it, so a claim
// and a removal never lose each other. A file that no longer parses is
// reported by Claim, Remove and List; lookups keep the last good content.
type File struct {
	path string
	now  func() time.Time

	mu      sync.Mutex
	byName  map[identity.Name]identity.PublicKey
	stamp   os.FileInfo // of the content loaded; nil for no file
	checked time.Time   // when Lookup last looked at the file
	loadErr error       // the last reload's failure, until one succeeds
}

// OpenFile reads the directory file at path; a missing file is an empty
// directory, created by the first claim. A file that does not parse is an
// error that says which line to fix.
func OpenFile(path string) (*File, error) {
	f := &File{path: path, now: time.Now, byName: make(map[identity.Name]identity.PublicKey)}
	if err := f.reload(); err != nil {
		return nil, err
	}
	return f, nil
}

// Path returns the file's path.
func (f *File) Path() string { return f.path }

// Claim binds name to key if the name is free, appending the line to the
// file before it answers.
func (f *File) Claim(name identity.Name, key identity.PublicKey) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	err := f.reload()
	if bound, ok := f.byName[name]; ok && bound.Equal(key) {
		return nil // the common case, a reconnection: no lock, no write
	}
	if err != nil {
		return err // no new binding while the file does not parse
	}
	return f.locked(func() error {
		if err := f.reload(); err != nil { // it may have changed before the lock
			return err
		}
		return claimIn(f.byName, name, key, func() error { return f.append(name, key) })
	})
}

// Lookup returns the key bound to name, looking at the file for changes
// at most once per RecheckInterval.
func (f *File) Lookup(name identity.Name) (identity.PublicKey, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if now := f.now(); now.Sub(f.checked) >= RecheckInterval || now.Before(f.checked) {
		f.checked = now
		f.reload() // a failure keeps the last good content; Claim reports it
	}
	key, ok := f.byName[name]
	return key, ok, nil
}

// Remove releases name and rewrites the file without it.
func (f *File) Remove(name identity.Name) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.locked(func() error {
		if err := f.reload(); err != nil {
			return err
		}
		if _, ok := f.byName[name]; !ok {
			return notFound(name)
		}
		rest := make(map[identity.Name]identity.PublicKey, len(f.byName))
		for n, k := range f.byName {
			if n != name {
				rest[n] = k
			}
		}
		if err := f.rewrite(sorted(rest)); err != nil {
			return err
		}
		f.byName = rest
		return nil
	})
}

// List returns every binding in the file, sorted by name.
func (f *File) List() ([]Binding, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.reload(); err != nil {
		return nil, err
	}
	return sorted(f.byName), nil
}

// reload reads the file again if it changed since it was loaded. On a
// failure the loaded content stays, and the error is kept until a reload
// succeeds.
func (f *File) reload() error {
	st, err := os.Stat(f.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		f.byName, f.stamp, f.loadErr = make(map[identity.Name]identity.PublicKey), nil, nil
		return nil
	case err != nil:
		f.loadErr = fmt.Errorf("directory: %w", err)
		return f.loadErr
	case f.stamp != nil && sameStamp(f.stamp, st):
		return f.loadErr
	}
	byName, st, err := readFile(f.path)
	if err != nil {
		f.loadErr = err
		return err
	}
	f.byName, f.stamp, f.loadErr = byName, st, nil
	return nil
}

// sameStamp reports whether a and b describe the same content, as far as
// the file system tells without reading it.
func sameStamp(a, b os.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// readFile reads and parses the file, returning the stat of the file it
// read, taken on the open descriptor.
func readFile(path string) (map[identity.Name]identity.PublicKey, os.FileInfo, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("directory: %w", err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("directory: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(fh, maxFileSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("directory: read %s: %w", path, err)
	}
	byName, err := parseFile(data, path)
	return byName, st, err
}
