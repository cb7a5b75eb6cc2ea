package daemon

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nport/nport/core/identity"
)

// KeyOptions restrict a key installed for a manager: it is good only for
// connections that come through the tunnel (the daemon dials sshd from the
// loopback address) and it cannot forward ports, agents or X11.
const KeyOptions = `from="127.0.0.1,::1",restrict,pty`

// sshKeyTypes are the public key algorithms accepted for installation.
var sshKeyTypes = []string{
	"ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
	"sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
}

// ErrBadSSHKey refuses a public key that is not a single plain key line.
var ErrBadSSHKey = errors.New("not an ssh public key (want one line: TYPE BASE64 [comment])")

// parseSSHKey checks that line is `TYPE BASE64 [comment]` and returns the
// type and key, dropping the comment: no options can be smuggled in.
func parseSSHKey(line string) (string, string, error) {
	fields := strings.Fields(line)
	if strings.ContainsAny(line, "\r\n") || len(fields) < 2 {
		return "", "", ErrBadSSHKey
	}
	known := false
	for _, t := range sshKeyTypes {
		known = known || fields[0] == t
	}
	if _, err := base64.StdEncoding.DecodeString(fields[1]); !known || err != nil {
		return "", "", ErrBadSSHKey
	}
	return fields[0], fields[1], nil
}

// InstallKey adds a manager's ssh public key to the authorized_keys file at
// path, restricted by KeyOptions and labelled with the manager's name. A key
// already present is left as it is.
func InstallKey(path string, from identity.Name, line string) (added bool, err error) {
	typ, key, err := parseSSHKey(line)
	if err != nil {
		return false, err
	}
	existing, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	if bytes.Contains(existing, []byte(" "+key)) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return false, fmt.Errorf("open %s: %w", path, err)
	}
	prefix := ""
	if len(existing) > 0 && existing[len(existing)-1] != '\n' {
		prefix = "\n"
	}
	_, err = fmt.Fprintf(f, "%s%s %s %s nport:%s\n", prefix, KeyOptions, typ, key, from)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err == nil, err
}
