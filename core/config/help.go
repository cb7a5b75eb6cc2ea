package config

import "github.com/urfave/cli/v2"

func init() {
	// Help is --help in every applet: -h is free for those that follow
	// NoPorts, where it names a host (sshnp -h @rv, npt -h HOST). The
	// dispatch turns -h into --help where an applet gives it no meaning.
	// Set here, with the flags every applet takes, so that it holds in
	// each applet's own tests too.
	cli.HelpFlag = &cli.BoolFlag{Name: "help", Usage: "show help"}
}
