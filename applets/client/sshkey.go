package client

import (
	"fmt"
	"os"

	"github.com/nport/nport/core/sshkey"
)

// readSSHPublicKey reads the key file given to -s; "" reads nothing. The
// file must hold one OpenSSH public key line: a private key is refused
// before anything is sent, so that it never leaves this machine.
func readSSHPublicKey(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("--send-ssh-public-key: %w", err)
	}
	k, err := sshkey.Parse(string(data))
	if err != nil {
		return "", fmt.Errorf("--send-ssh-public-key %s is %w", path, err)
	}
	return k.String(), nil
}
