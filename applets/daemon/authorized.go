package daemon

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/sshkey"
)

// KeyOptions are the default options of a key installed for a manager: it
// is good only for connections that come through the tunnel (the daemon
// dials sshd from the loopback address) and it cannot forward ports,
// agents or X11.
const KeyOptions = `from="127.0.0.1,::1",restrict,pty`

// Installed says what InstallKey did.
type Installed int

// What InstallKey may do.
const (
	KeyPresent Installed = iota // the key was there already
	KeyAdded                    // a line was added
	KeyUpdated                  // the line installed earlier got new options
)

// InstallKey adds a manager's ssh public key to the authorized_keys file at
// path, with options (checked by CheckKeyOptions) and labelled with the
// manager's name. A key already present is left as it is, except on a line
// installed earlier for the same manager with other options: that line gets
// these, so that a change of policy reaches the keys installed before it.
func InstallKey(path string, from identity.Name, line, options string) (Installed, error) {
	k, err := sshkey.Parse(line)
	if err != nil {
		return KeyPresent, err
	}
	typ, key := k.Type, k.Blob
	if err := CheckKeyOptions(options); err != nil {
		return KeyPresent, fmt.Errorf("ssh key options: %w", err)
	}
	existing, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return KeyPresent, fmt.Errorf("read %s: %w", path, err)
	}
	ours := typ + " " + key + " nport:" + string(from)
	want := ours
	if options != "" {
		want = options + " " + ours
	}
	if strings.Contains(string(existing), " "+key) {
		return updateKey(path, string(existing), ours, want)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return KeyPresent, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return KeyPresent, fmt.Errorf("open %s: %w", path, err)
	}
	prefix := ""
	if len(existing) > 0 && existing[len(existing)-1] != '\n' {
		prefix = "\n"
	}
	_, err = fmt.Fprintf(f, "%s%s\n", prefix, want)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return KeyPresent, err
	}
	return KeyAdded, nil
}

// updateKey gives want's options to the lines of existing that hold ours
// (the key as installed for the same manager) with other options.
func updateKey(path, existing, ours, want string) (Installed, error) {
	lines := strings.SplitAfter(existing, "\n")
	changed := false
	for i, l := range lines {
		body, nl := strings.CutSuffix(l, "\n")
		if body == want || (body != ours && !strings.HasSuffix(body, " "+ours)) {
			continue
		}
		lines[i], changed = want, true
		if nl {
			lines[i] += "\n"
		}
	}
	if !changed {
		return KeyPresent, nil
	}
	if err := replaceFile(path, strings.Join(lines, "")); err != nil {
		return KeyPresent, err
	}
	return KeyUpdated, nil
}

// replaceFile writes data to the file at path (after its symbolic links)
// through a file beside it renamed over it, so that sshd reads the old
// file or the new one, never a half-written one. The mode is kept.
func replaceFile(path, data string) error {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	info, err := os.Stat(real)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(real), "."+filepath.Base(real)+".nport-*")
	if err != nil {
		return fmt.Errorf("rewrite %s: %w", path, err)
	}
	_, err = tmp.WriteString(data)
	if err == nil {
		err = tmp.Chmod(info.Mode().Perm())
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), real)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("rewrite %s: %w", path, err)
	}
	return nil
}

// installKey installs the ssh public key a manager sent, with the options
// its rule gives, when the daemon runs with --sshpublickey.
func (d *daemon) installKey(from identity.Name, key string, log *slog.Logger) {
	switch {
	case key == "":
		return
	case !d.cfg.SSHPublicKey:
		log.Info("not installing the ssh public key sent: the daemon runs without --sshpublickey")
		return
	}
	r, ok := d.policy.Load().ruleFor(from)
	if !ok {
		return
	}
	d.keysMu.Lock()
	done, err := InstallKey(d.cfg.AuthorizedKeys, from, key, r.keyOptions)
	d.keysMu.Unlock()
	switch {
	case err != nil:
		log.Info("ssh public key not installed", "err", err)
	case done == KeyAdded:
		log.Info("installed an ssh public key", "file", d.cfg.AuthorizedKeys, "options", r.keyOptions)
	case done == KeyUpdated:
		log.Info("gave an installed ssh public key the options of its rule", "file", d.cfg.AuthorizedKeys, "options", r.keyOptions, "rule", r.name)
	}
}
