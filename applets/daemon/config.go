package daemon

import (
	"log/slog"
	"net"
	"strconv"

	"github.com/nport/nport/core/relayclient"
)

// Config is one daemon: the settings of `nport daemon`, each with the flag
// of the same name and a key of that name in the [daemon] section of the
// config file.
type Config struct {
	relayclient.Settings

	// Atsign is the daemon's identity; its key is created in the home on
	// first start.
	Atsign string `toml:"atsign"`
	// Managers may open sessions; requests from anyone else are ignored.
	Managers []string `toml:"manager"`
	// Device names this daemon among those of the same identity.
	Device string `toml:"device"`
	// LocalSSHDPort is the port of the device's sshd, the default target.
	LocalSSHDPort int `toml:"local-sshd-port"`
	// PermitOpen lists the host:port targets managers may reach; empty
	// means localhost:LocalSSHDPort.
	PermitOpen []string `toml:"permit-open"`
	// SSHPublicKey lets managers install their ssh public key.
	SSHPublicKey bool `toml:"sshpublickey"`
	// AuthorizedKeys is the file keys are installed in.
	AuthorizedKeys string `toml:"authorized-keys"`
	// Hide leaves pings unanswered, so the device is not listed.
	Hide bool `toml:"hide"`
	// UnHide is accepted for NoPorts compatibility: not hiding is the default.
	UnHide bool `toml:"un-hide"`
	// BufferSize is the copy buffer per stream direction; small devices
	// may use 4096.
	BufferSize int `toml:"buffer-size"`

	// Home is the nport home (keys, pins).
	Home string `toml:"-"`
	// Logger receives the daemon's logs; nil discards them.
	Logger *slog.Logger `toml:"-"`
	// Ready, if set, is called once the daemon is connected to its relay.
	Ready func() `toml:"-"`
}

// DefaultDevice is the device name when none is given.
const DefaultDevice = "default"

// Defaults returns the settings used when neither file, env nor flags say
// otherwise.
func Defaults() Config {
	return Config{Device: DefaultDevice, LocalSSHDPort: 22}
}

// sshTarget is the target of a request that names none: the device's sshd.
func (c Config) sshTarget() string {
	return net.JoinHostPort("localhost", strconv.Itoa(c.LocalSSHDPort))
}

// permits returns --permit-open, or the sshd target alone when it is empty.
func (c Config) permits() (Permits, error) {
	if len(c.PermitOpen) == 0 {
		return ParsePermits([]string{c.sshTarget()})
	}
	tcp, _ := splitPermits(c.PermitOpen)
	return ParsePermits(tcp)
}
