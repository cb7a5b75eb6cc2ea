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
	args = append(args, remoteUser(cfg)+"@localhost")
	if len(cfg.Command) > 0 {
		// ssh would read an argument that starts with - as its own
		// option; after -- it is the command's.
		args = append(append(args, "--"), cfg.Command...)
	}
	return args
}

// identityFileFor is -i as given, else the private key beside the public
// key sent with -s (id_ed25519 for id_ed25519.pub), as NoPorts does, when
// that file exists.
func identityFileFor(cfg Config) string {
	if cfg.IdentityFile != "" || cfg.SendSSHPublicKey == "" {
		return cfg.IdentityFile
	}
	private, ok := strings.CutSuffix(cfg.SendSSHPublicKey, ".pub")
	if !ok {
		return ""
	}
	if _, err := os.Stat(private); err != nil {
		return ""
	}
	return private
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
