package client

import (
	"os"
	"strconv"
	"strings"
)

// SSHArgs is the ssh command line for a tunnel on 127.0.0.1:port, argv[0]
// first. The host key is filed under an alias naming the device, so that
// known_hosts keeps one entry per device whatever local port is picked.
func SSHArgs(cfg Config, port int) []string {
	args := []string{cfg.SSH, "-p", strconv.Itoa(port)}
	if cfg.IdentityFile != "" {
		args = append(args, "-i", cfg.IdentityFile)
	}
	args = append(args, "-o", "HostKeyAlias="+hostKeyAlias(cfg))
	for _, o := range cfg.LocalSSHOptions {
		args = append(args, "-o", o)
	}
	return append(args, remoteUser(cfg)+"@localhost")
}

func hostKeyAlias(cfg Config) string {
	return "nport." + strings.TrimPrefix(cfg.To, "@") + "." + cfg.Device
}

func remoteUser(cfg Config) string {
	if cfg.RemoteUserName != "" {
		return cfg.RemoteUserName
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "root"
}

// shellQuote quotes an argument for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%_-+=:,./") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
