package install

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Link makes dir/name a symbolic link to exe and says what it did. The
// link is relative ("nport") when it is next to exe, so the directory can
// move, and absolute otherwise. An existing link to exe is kept; a link
// to another nport binary (an earlier install) is pointed at exe; any
// other file is refused unless force is set.
func Link(dir, name, exe string, force bool) (string, error) {
	path := filepath.Join(dir, name)
	target := exe
	if filepath.Dir(exe) == dir {
		target = filepath.Base(exe)
	}
	st, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Symlink(target, path); err != nil {
			return "", fmt.Errorf("link %s: %w", path, err)
		}
		return fmt.Sprintf("linked %s -> %s", path, target), nil
	case err != nil:
		return "", fmt.Errorf("link %s: %w", path, err)
	case st.Mode()&fs.ModeSymlink != 0 && sameFile(path, exe):
		return fmt.Sprintf("%s is %s already", path, describe(path, st)), nil
	case st.Mode()&fs.ModeSymlink != 0 && linksToNport(path):
	case force:
	default:
		return "", fmt.Errorf("%s is %s, not a link to nport: left as it is (move it away, or run `nport install --force` to replace it)", path, describe(path, st))
	}
	was := describe(path, st)
	if err := replace(path, target); err != nil {
		return "", err
	}
	return fmt.Sprintf("linked %s -> %s (it was %s)", path, target, was), nil
}

// sameFile reports whether the link at path leads to exe.
func sameFile(path, exe string) bool {
	a, errA := os.Stat(path)
	b, errB := os.Stat(exe)
	return errA == nil && errB == nil && os.SameFile(a, b)
}

// linksToNport reports whether the link at path names a binary called
// nport (nport, nport.exe, nport-linux-arm64 as `just cross` names
// them), whether or not that file is still there.
func linksToNport(path string) bool {
	t, err := os.Readlink(path)
	base := filepath.Base(t)
	return err == nil && (base == "nport" || strings.HasPrefix(base, "nport.") || strings.HasPrefix(base, "nport-"))
}

// describe says what the file at path is, for messages.
func describe(path string, st fs.FileInfo) string {
	if st.Mode()&fs.ModeSymlink != 0 {
		t, _ := os.Readlink(path)
		return "a link to " + t
	}
	if st.IsDir() {
		return "a directory"
	}
	return "a file"
}

// replace points path at target in one step: a new link beside it,
// renamed over it.
func replace(path, target string) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".nport-install")
	os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("link %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("replace %s: %w", path, err)
	}
	return nil
}
