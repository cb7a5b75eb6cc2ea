package keeper

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nport/nport/core/identity"
)

// maxSocketPath is the longest path a unix socket may have on Linux and
// the BSDs (sun_path holds 108 bytes with its NUL, 104 on macOS).
const maxSocketPath = 103

// Dir is where keepers' sockets live: HOME/run, readable by its owner
// only, so that no one else may reach a keeper.
func Dir(home string) string { return filepath.Join(home, "run") }

// prefix names the sockets of the keepers of one daemon identity and
// device.
func prefix(name identity.Name, device string) string {
	return "keeper-" + string(name) + "." + device + "-"
}

// socketSuffix is the random part of a socket's name and its extension.
const (
	randomLen = 8 // hex digits
	sockExt   = ".sock"
)

// Sockets lists the keeper sockets of a daemon identity and device in
// the home, live or left behind.
func Sockets(home string, name identity.Name, device string) ([]string, error) {
	entries, err := os.ReadDir(Dir(home))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list the session keepers: %w", err)
	}
	var out []string
	p := prefix(name, device)
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), p)
		if !ok || e.Type()&os.ModeSocket == 0 {
			continue
		}
		if random, ok := strings.CutSuffix(rest, sockExt); ok && len(random) == randomLen && isHex(random) {
			out = append(out, filepath.Join(Dir(home), e.Name()))
		}
	}
	return out, nil
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

// NewSocket returns a path for a new keeper's socket, creating HOME/run.
func NewSocket(home string, name identity.Name, device string) (string, error) {
	if err := os.MkdirAll(Dir(home), 0o700); err != nil {
		return "", fmt.Errorf("create the directory of the session keepers' sockets: %w", err)
	}
	var b [randomLen / 2]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	path := filepath.Join(Dir(home), prefix(name, device)+hex.EncodeToString(b[:])+sockExt)
	return path, checkSocketPath(path)
}

// checkSocketPath refuses a path too long for a unix socket.
func checkSocketPath(path string) error {
	if len(path) > maxSocketPath {
		return fmt.Errorf("the session keeper's socket path %s is %d bytes, above the %d a unix socket may have: use a shorter --home", path, len(path), maxSocketPath)
	}
	return nil
}
