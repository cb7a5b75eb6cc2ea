package client

import (
	"io"
	"log/slog"
	"time"

	"github.com/nport/nport/core/relayclient"
)

// Peers name the parties of a session, as every applet that opens one
// (client, tunnel) takes them.
type Peers struct {
	// From is the person's identity, To the device's.
	From string `toml:"from"`
	To   string `toml:"to"`
	// Device names the daemon among those of To.
	Device string `toml:"device"`
	// Srvd is the rendezvous's identity, or several, comma-separated,
	// tried in order.
	Srvd string `toml:"srvd"`
}

// DefaultPeers are the device and rendezvous names used when none is
// given.
func DefaultPeers() Peers { return Peers{Device: "default", Srvd: "@rv"} }

// Config is one client run: the settings of `nport client`, each with the
// flag of the same name and a key of that name in the [client] section.
type Config struct {
	relayclient.Settings
	Peers
	// LocalPort is the port the tunnel is offered on, on 127.0.0.1; 0
	// picks a free one.
	LocalPort int `toml:"local-port"`
	// RemoteUserName is the ssh user on the device ($USER if empty).
	RemoteUserName string `toml:"remote-user-name"`
	// IdentityFile is passed to ssh as -i.
	IdentityFile string `toml:"identity-file"`
	// SendSSHPublicKey is a public key file the daemon installs for us.
	SendSSHPublicKey string `toml:"send-ssh-public-key"`
	// LocalSSHOptions are more ssh options, each passed as -o.
	LocalSSHOptions []string `toml:"local-ssh-options"`
	// RemoteHost and RemotePort name the target as the device sees it;
	// port 0 is the device's sshd (the daemon's --local-sshd-port).
	RemoteHost string `toml:"remote-host"`
	RemotePort int    `toml:"remote-port"`
	// IdleTimeout ends a background tunnel (-x) with no connection for
	// this long.
	IdleTimeout time.Duration `toml:"idle-timeout"`
	// OutputExecutionCommand prints the ssh command and serves the tunnel
	// in the background.
	OutputExecutionCommand bool `toml:"output-execution-command"`
	// Stdio offers the tunnel on stdin/stdout, for ssh's ProxyCommand.
	Stdio bool `toml:"stdio"`
	// Forward serves the tunnel on the local port in the foreground, for
	// any number of connections, until interrupted; no ssh is run.
	Forward bool `toml:"forward"`
	// Timeout bounds each answer: rendezvous, daemon, pairing.
	Timeout time.Duration `toml:"timeout"`
	// SSH is the ssh program run by default.
	SSH string `toml:"ssh"`
	// Quiet logs nothing but errors.
	Quiet bool `toml:"quiet"`
	// ListDevices lists the devices of To that answer, instead of a
	// session.
	ListDevices bool `toml:"list-devices"`
	// JSON prints the listing as JSON, for scripts.
	JSON bool `toml:"json"`

	// DeviceWindow is how long the answers of the devices are gathered,
	// for a listing and for the check that the device asked for exists
	// (DefaultDeviceWindow if 0).
	DeviceWindow time.Duration `toml:"-"`

	// Command runs on the device instead of a login shell: the arguments
	// after the flags, passed to ssh.
	Command []string `toml:"-"`

	// Protocol is what the tunnel carries: empty for connections,
	// wire.ProtocolUDP for datagrams (`nport tunnel --udp`).
	Protocol string `toml:"-"`
	// TunnelIdle ends the tunnel once no connection has used it for this
	// long, in any mode; 0 leaves it to IdleTimeout with -x.
	TunnelIdle time.Duration `toml:"-"`

	// Home is the nport home (keys, pins).
	Home string `toml:"-"`
	// Logger receives the client's logs; nil discards them.
	Logger *slog.Logger `toml:"-"`
	// Stdin, Stdout and Stderr are the person's terminal.
	Stdin          io.Reader `toml:"-"`
	Stdout, Stderr io.Writer `toml:"-"`
}

// Defaults returns the settings used when neither file, env nor flags say
// otherwise.
func Defaults() Config {
	return Config{
		Peers:       DefaultPeers(),
		RemoteHost:  "localhost",
		IdleTimeout: 15 * time.Second,
		Timeout:     10 * time.Second,
		SSH:         "ssh",
	}
}
