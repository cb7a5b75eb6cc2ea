package config

import (
	"io"
	"log/slog"

	"github.com/urfave/cli/v2"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/logging"
)

// Common are the settings every applet shares.
type Common struct {
	Home      string
	LogFormat string
	LogLevel  string
	Verbose   bool

	// ConfigFile is the config file read: --config, else the default
	// path, which need not exist.
	ConfigFile string
}

// Resolve fills dst, which already holds the applet's defaults, from the
// [section] of the config file and then from the flags and environment. It
// returns the common settings, with the home resolved.
func Resolve(c *cli.Context, section string, dst any) (Common, error) {
	home, err := identity.Home(c.String(FlagHome))
	if err != nil {
		return Common{}, err
	}
	path, optional := c.String(FlagConfig), false
	if path == "" {
		path, optional = DefaultPath(home), true
	}
	if err := LoadSection(path, section, optional, dst); err != nil {
		return Common{}, err
	}
	if err := ApplyFlags(c, dst); err != nil {
		return Common{}, err
	}
	return Common{
		Home:      home,
		LogFormat: c.String(FlagLogFormat),
		LogLevel:  c.String(FlagLogLevel),
		Verbose:   c.Bool(FlagVerbose),

		ConfigFile: path,
	}, nil
}

// LogOptions are the logging flags, as logging.New takes them.
func (c Common) LogOptions() logging.Options {
	return logging.Options{Format: c.LogFormat, Level: c.LogLevel, Verbose: c.Verbose}
}

// NewLogger is the applet's logger, writing to w as the flags say.
func (c Common) NewLogger(w io.Writer) (*slog.Logger, error) {
	return logging.New(w, c.LogOptions())
}
