package client

import (
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/nport/nport/core/config"
	"github.com/nport/nport/core/relayclient"
)

// DevicesCommand is `nport devices`, the client's --list-devices as an
// applet of its own. It reads the [client] section of the config file.
var DevicesCommand = &cli.Command{
	Name:      "devices",
	Usage:     "list the devices of an identity that answer you",
	UsageText: "nport devices -f @me -t @device [--json]",
	Description: "Pings every daemon under the identity and prints, for each that has you among its managers\n" +
		"and does not --hide: device name, identity, version, platform, uptime, round trip and the\n" +
		"targets you may open. Answers are gathered for a second.",
	Flags:  append(append(devicesFlags(), relayclient.Flags()...), config.CommonFlags()...),
	Action: runDevicesCommand,
}

// devicesFlags are the client's flags that a listing uses.
func devicesFlags() []cli.Flag {
	var flags []cli.Flag
	for _, f := range clientFlags() {
		switch name := f.Names()[0]; {
		case name == "list-devices":
			// Always on here, set by the action.
			flags = append(flags, &cli.BoolFlag{Name: name, Hidden: true})
		case slices.Contains([]string{"from", "to", "json", "timeout", "quiet"}, name):
			flags = append(flags, f)
		}
	}
	return flags
}

func runDevicesCommand(c *cli.Context) error {
	if err := c.Set("list-devices", "true"); err != nil {
		return err
	}
	return runCommand(c)
}
