// Package sshkey reads OpenSSH public key lines, the keys a client sends
// for its device to install.
package sshkey

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"slices"
	"strings"
)

// Types are the public key algorithms accepted.
var Types = []string{
	"ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
	"sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
}

// ErrNotPublicKey refuses anything but a single plain public key line.
var ErrNotPublicKey = errors.New("not an ssh public key (want one line: TYPE BASE64 [comment], as in ~/.ssh/id_ed25519.pub)")

// ErrPrivateKey refuses a private key, which must never leave its machine.
var ErrPrivateKey = errors.New("a private key, not a public one (give the .pub file): a private key never leaves its machine")

// Key is a parsed public key line, its comment dropped.
type Key struct {
	Type string // e.g. ssh-ed25519
	Blob string // the base64 key, as written
}

// String is the key as an authorized_keys key field: TYPE BASE64.
func (k Key) String() string { return k.Type + " " + k.Blob }

// Parse checks that line is `TYPE BASE64 [comment]`, with a known type
// that the key blob names too, so that no options or second line can be
// smuggled in.
func Parse(line string) (Key, error) {
	line = strings.TrimSpace(line)
	if strings.Contains(line, "PRIVATE KEY") {
		return Key{}, ErrPrivateKey
	}
	fields := strings.Fields(line)
	if strings.ContainsAny(line, "\r\n") || len(fields) < 2 || !slices.Contains(Types, fields[0]) {
		return Key{}, ErrNotPublicKey
	}
	blob, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil || len(blob) < 4 {
		return Key{}, ErrNotPublicKey
	}
	n := binary.BigEndian.Uint32(blob)
	if uint64(n) != uint64(len(fields[0])) || len(blob) < 4+int(n) || string(blob[4:4+n]) != fields[0] {
		return Key{}, ErrNotPublicKey
	}
	return Key{Type: fields[0], Blob: fields[1]}, nil
}
