package daemon

import (
	"log/slog"
	"net"
	"os"
	"strconv"

	"github.com/nport/nport/core/metrics"
	"github.com/nport/nport/core/relayclient"
	"github.com/nport/nport/core/status"
)

// Config is one daemon: the settings of `nport daemon`, each with the flag
// of the same name and a key of that name in the [daemon] section of the
// config file.
type Config struct {
	relayclient.Settings
	status.Endpoint

	// Atsign is the daemon's identity; its key is created in the home on
	// first start.
	Atsign string `toml:"atsign"`
	// Managers may open sessions; requests from anyone else are ignored.
	// The rules of Policy name more.
	Managers []string `toml:"manager"`
	// Device names this daemon among those of the same identity.
	Device string `toml:"device"`
	// LocalSSHDPort is the port of the device's sshd, the default target.
	LocalSSHDPort int `toml:"local-sshd-port"`
	// PermitOpen lists the host:port targets managers may reach; empty
	// means localhost:LocalSSHDPort. A rule of Policy may say otherwise
	// for the managers it names.
	PermitOpen []string `toml:"permit-open"`
	// SSHPublicKey lets managers install their ssh public key.
	SSHPublicKey bool `toml:"sshpublickey"`
	// SSHPublicKeyPermissions are the authorized_keys options of the keys
	// installed for managers: one line, such as KeyOptions. A rule of
	// Policy may say otherwise for the managers it names.
	SSHPublicKeyPermissions string `toml:"sshpublickey-permissions"`
	// EphemeralPermissions is accepted for NoPorts compatibility, where it
	// restricts the throw-away ssh keys of its forward-ssh sessions: nport
	// installs no such keys, so it has no effect.
	EphemeralPermissions string `toml:"ephemeral-permissions"`
	// DeviceGroup names the group of devices this one belongs to, for
	// device listings; empty means none.
	DeviceGroup string `toml:"device-group"`
	// Policy holds the config file's [[daemon.policy]] rules: for the
	// managers each names, the targets they may open and the options of
	// their installed ssh keys.
	Policy []PolicyRule `toml:"policy"`
	// AuthorizedKeys is the file keys are installed in.
	AuthorizedKeys string `toml:"authorized-keys"`
	// Hide leaves pings unanswered, so the device is not listed.
	Hide bool `toml:"hide"`
	// UnHide is accepted for NoPorts compatibility: not hiding is the default.
	UnHide bool `toml:"un-hide"`
	// BufferSize is the copy buffer per stream direction; small devices
	// may use 4096.
	BufferSize int `toml:"buffer-size"`
	// SessionKeeper is auto (sessions outlive the daemon in a session
	// keeper process) or off (they end with it); see docs/sessions.md.
	// Empty is off: the keeper is this program run again, which only the
	// nport binary can do, so a program that embeds the daemon opts in.
	SessionKeeper string `toml:"session-keeper"`

	// Home is the nport home (keys, pins).
	Home string `toml:"-"`
	// ConfigFile is the file the settings were read from, named by
	// refusals that a policy rule decided; empty when there is none.
	ConfigFile string `toml:"-"`
	// Logger receives the daemon's logs; nil discards them.
	Logger *slog.Logger `toml:"-"`
	// Ready, if set, is called once the daemon is connected to its relay.
	Ready func() `toml:"-"`
	// Reload, if set, reads the settings again from the sources they came
	// from. The daemon calls it each time ReloadOn delivers (`nport daemon`
	// gives it SIGHUP) and applies the new policy to the requests that
	// follow; live sessions keep what they were granted.
	Reload   func() (Config, error) `toml:"-"`
	ReloadOn <-chan os.Signal       `toml:"-"`

	// obs counts for --metrics; Run sets it.
	obs *metrics.Registry
}

// DefaultDevice is the device name when none is given.
const DefaultDevice = "default"

// Defaults returns the settings used when neither file, env nor flags say
// otherwise.
func Defaults() Config {
	return Config{Device: DefaultDevice, LocalSSHDPort: 22, SSHPublicKeyPermissions: KeyOptions, SessionKeeper: KeeperAuto}
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
