package identity

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/BurntSushi/toml"
)

// maxKeyFile bounds what Load reads: a key file is a few hundred bytes.
const maxKeyFile = 64 << 10

// keyFile is the TOML content of a key file. The public key is there for
// people (to copy it without a tool); Load checks it against the private one.
type keyFile struct {
	Name    string `toml:"name"`
	Private string `toml:"private"`
	Public  string `toml:"public"`
}

// encodeKeyFile returns the text of the key file for id.
func encodeKeyFile(id Identity) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# nport identity %s\n", id.Name)
	fmt.Fprintf(&b, "# Keep this file secret: whoever reads it can act as %s.\n", id.Name)
	fmt.Fprintf(&b, "name = %q\n", id.Name)
	fmt.Fprintf(&b, "private = %q\n", id.Key.RevealText())
	fmt.Fprintf(&b, "public = %q\n", id.Public())
	return b.Bytes()
}

// decodeKeyFile parses a key file read from path and checks that it holds
// want and that its two halves match.
func decodeKeyFile(data []byte, path string, want Name) (Identity, error) {
	var kf keyFile
	if _, err := toml.Decode(string(data), &kf); err != nil {
		return Identity{}, fmt.Errorf("identity: key file %s is not valid TOML: %w", path, err)
	}
	if kf.Name != string(want) {
		return Identity{}, fmt.Errorf("identity: key file %s holds %q, not %s: rename it or fix its name line", path, kf.Name, want)
	}
	key, err := ParsePrivateKey(kf.Private)
	if err != nil {
		return Identity{}, fmt.Errorf("identity: key file %s: private: %w", path, err)
	}
	pub, err := ParsePublicKey(kf.Public)
	if err != nil {
		return Identity{}, fmt.Errorf("identity: key file %s: public: %w", path, err)
	}
	if !pub.Equal(key.Public()) {
		return Identity{}, fmt.Errorf("identity: key file %s: its public key does not match its private key: the file was edited; restore it from a backup", path)
	}
	return Identity{Name: want, Key: key}, nil
}

// readKeyFile reads path, refusing it if anyone but its owner may read it.
// The mode is checked on the open file, so it is the file that is read.
func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := checkMode(path, st.Mode()); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxKeyFile {
		return nil, fmt.Errorf("identity: key file %s is larger than %d bytes: it is not an nport key file", path, maxKeyFile)
	}
	return data, nil
}

// ErrTooOpen is wrapped by the refusal of a key file others can read.
var ErrTooOpen = errors.New("key file permissions too open")

// checkMode refuses what OpenSSH refuses: a secret key readable or
// writable by group or others. Windows has no such mode bits.
func checkMode(path string, mode fs.FileMode) error {
	if runtime.GOOS == "windows" || mode.Perm()&0o077 == 0 {
		return nil
	}
	return &tooOpenError{path: path, perm: mode.Perm()}
}

// tooOpenError words the refusal as OpenSSH does, with the fix.
type tooOpenError struct {
	path string
	perm fs.FileMode
}

func (e *tooOpenError) Error() string {
	return fmt.Sprintf("permissions %04o for %q are too open: the key must be readable only by its owner (chmod 600 %s)", uint32(e.perm), e.path, e.path)
}

func (e *tooOpenError) Unwrap() error { return ErrTooOpen }

// writeNew writes data to path atomically and only if path does not
// exist: a temporary file (0600 from the start) is linked into place, so a
// reader never sees half a key and two writers never overwrite each other.
func writeNew(path string, data []byte) error {
	tmp, err := writeTemp(filepath.Dir(path), filepath.Base(path), data)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	err = os.Link(tmp, path)
	switch {
	case errors.Is(err, fs.ErrExist):
		return err
	case err != nil:
		// Some file systems (FAT on a router's USB stick) have no hard
		// links: check, then rename, which is only racy against another
		// writer.
		if _, serr := os.Lstat(path); serr == nil {
			return fs.ErrExist
		}
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
	}
	syncDir(filepath.Dir(path))
	return nil
}

// syncDir makes a new directory entry durable, so that a key created just
// before a power cut is still there after it. It is best effort: not every
// system can sync a directory.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// writeTemp writes data to a new 0600 file in dir, synced, and returns its
// name.
func writeTemp(dir, base string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}
