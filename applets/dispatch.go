package applets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/nport/nport/core/buildinfo"
	// Help is --help only, set where every applet's flags are.
	_ "github.com/nport/nport/core/config"
)

// ExitUsage is the exit status for an unknown applet or bad usage.
const ExitUsage = 2

// Stdio are the streams an applet runs with.
type Stdio struct {
	In       io.Reader
	Out, Err io.Writer
}

// Main runs the applet named by the base name of args[0] when it is a link
// name (`sshnpd`), otherwise the one named by args[1] (`nport daemon`). It
// returns the process exit status.
func (r *Registry) Main(ctx context.Context, args []string, stdio Stdio) int {
	base := "nport"
	if len(args) > 0 {
		base = strings.TrimSuffix(filepath.Base(args[0]), ".exe")
	}
	if a, ok := r.Lookup(base); ok && base != "nport" {
		return r.run(ctx, appFor(base, a.Command, stdio), helpShorthand(a.Command, args), stdio)
	}
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") && args[1] != "help" {
		a, ok := r.Lookup(args[1])
		if !ok {
			fmt.Fprintf(stdio.Err, "nport: unknown applet %q\n", args[1])
			r.printList(stdio.Err)
			return ExitUsage
		}
		// `nport sshnpd …` works as `nport daemon …`.
		args = helpShorthand(a.Command, append([]string{args[0], a.Command.Name}, args[2:]...))
	}
	return r.run(ctx, r.multicall(stdio), args, stdio)
}

func (r *Registry) printList(w io.Writer) {
	fmt.Fprintf(w, "applets: %s\n", strings.Join(r.Names(), ", "))
}

// multicall is the `nport APPLET …` form.
func (r *Registry) multicall(stdio Stdio) *cli.App {
	app := newApp("nport", stdio)
	app.Usage = "reach devices behind NAT over SSH or any TCP port, with no open port"
	app.Commands = r.Commands()
	app.Action = func(c *cli.Context) error {
		if c.NArg() > 0 {
			return cli.Exit(fmt.Sprintf("nport: unknown applet %q", c.Args().First()), ExitUsage)
		}
		cli.ShowAppHelp(c)
		return cli.Exit("", ExitUsage)
	}
	return app
}

// appFor makes a whole program of one applet, for link names.
func appFor(name string, cmd *cli.Command, stdio Stdio) *cli.App {
	app := newApp(name, stdio)
	app.Usage = cmd.Usage
	app.UsageText = cmd.UsageText
	app.Description = cmd.Description
	app.Flags = cmd.Flags
	app.Before = cmd.Before
	app.Action = cmd.Action
	app.Commands = cmd.Subcommands
	return app
}

// helpShorthand turns -h into --help for an applet that gives -h no
// meaning of its own. Help is --help everywhere; -h is free for applets
// that follow NoPorts, where it names a host (sshnp -h @rv, npt -h HOST).
func helpShorthand(cmd *cli.Command, args []string) []string {
	for _, f := range cmd.Flags {
		if slices.Contains(f.Names(), "h") {
			return args
		}
	}
	out := slices.Clone(args)
	for i, a := range out {
		if a == "--" {
			break
		}
		if a == "-h" {
			out[i] = "--help"
		}
	}
	return out
}

func init() {
	// -v means verbose in every applet, so --version has no short form.
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Usage: "print the version, commit, Go version and OS/arch"}
	cli.VersionPrinter = func(c *cli.Context) { fmt.Fprintln(c.App.Writer, buildinfo.String()) }
}

func newApp(name string, stdio Stdio) *cli.App {
	return &cli.App{
		Name:            name,
		Version:         buildinfo.Version,
		Reader:          stdio.In,
		Writer:          stdio.Out,
		ErrWriter:       stdio.Err,
		HideHelpCommand: true,
		ExitErrHandler:  func(*cli.Context, error) {},
	}
}

func (r *Registry) run(ctx context.Context, app *cli.App, args []string, stdio Stdio) int {
	err := app.RunContext(ctx, args)
	if err == nil {
		return 0
	}
	var coder cli.ExitCoder
	if errors.As(err, &coder) {
		if msg := coder.Error(); msg != "" {
			fmt.Fprintln(stdio.Err, msg)
		}
		return coder.ExitCode()
	}
	fmt.Fprintf(stdio.Err, "%s: %v\n", app.Name, err)
	return 1
}
