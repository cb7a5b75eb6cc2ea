package directory

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/nport/nport/core/identity"
)

// locked runs fn holding the lock file beside the directory file, which
// every writer of it takes.
func (f *File) locked(fn func() error) error {
	if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
		return fmt.Errorf("directory: %w", err)
	}
	lf, err := os.OpenFile(f.path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("directory: lock: %w", err)
	}
	defer lf.Close()
	if err := lockFile(lf); err != nil {
		return fmt.Errorf("directory: lock %s: %w", lf.Name(), err)
	}
	return fn()
}

// append adds one binding at the end of the file, creating it with its
// header, synced before the claim is answered.
func (f *File) append(name identity.Name, key identity.PublicKey) error {
	fh, err := os.OpenFile(f.path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("directory: record %s: %w", name, err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return fmt.Errorf("directory: record %s: %w", name, err)
	}
	text := formatLine(name, key)
	if st.Size() == 0 {
		text = fileHeader + text
	} else if !endsWithNewline(fh, st.Size()) {
		text = "\n" + text
	}
	if _, err := fh.WriteString(text); err != nil {
		return fmt.Errorf("directory: record %s: %w", name, err)
	}
	if err := fh.Sync(); err != nil {
		return fmt.Errorf("directory: record %s: %w", name, err)
	}
	if st, err = fh.Stat(); err == nil {
		f.stamp = st // our own write is no reason to reload
	}
	return nil
}

// endsWithNewline reports whether the file of size bytes ends with one,
// as an operator's editor may have left it without.
func endsWithNewline(fh *os.File, size int64) bool {
	var b [1]byte
	_, err := fh.ReadAt(b[:], size-1)
	return err == nil && b[0] == '\n'
}

// rewrite replaces the file with the bindings given, atomically: a reader
// sees the old file or the new one, never half of one.
func (f *File) rewrite(bindings []Binding) error {
	tmp, err := os.CreateTemp(filepath.Dir(f.path), ".directory.tmp-*")
	if err != nil {
		return fmt.Errorf("directory: rewrite: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(formatFile(bindings))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), f.path)
	}
	if err != nil {
		return fmt.Errorf("directory: rewrite %s: %w", f.path, err)
	}
	if st, err := os.Stat(f.path); err == nil {
		f.stamp = st
	}
	return nil
}
