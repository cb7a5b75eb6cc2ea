// Package install is `nport install`: it links every link name of the
// binary (sshnpd, sshnp, srvd, npt) to it, so that the daemon, the client
// and the rendezvous can be started by their NoPorts names.
package install

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/urfave/cli/v2"
)

// Flag names.
const (
	FlagPrefix = "prefix"
	FlagForce  = "force"
)

// Command returns `nport install`, which links each of the names links
// returns (the registry's link names) to the running binary.
func Command(links func() []string) *cli.Command {
	return &cli.Command{
		Name:  "install",
		Usage: "link sshnpd, sshnp, srvd and the other link names to this binary",
		Description: "Creates a symbolic link to this binary for every name it answers to as an applet, next to the\n" +
			"binary, or in PREFIX/bin with --prefix PREFIX (`sudo nport install --prefix /usr/local`). A name\n" +
			"that links to nport already is left as it is, or pointed at this binary; any other file of that\n" +
			"name is left alone unless --force is given. It prints what it did, and can be run again.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: FlagPrefix, Usage: "put the links in `PREFIX`/bin instead of next to the binary"},
			&cli.BoolFlag{Name: FlagForce, Usage: "replace a file of a link's name that is not a link to nport"},
		},
		Action: func(c *cli.Context) error { return run(c, links()) },
	}
}

func run(c *cli.Context, names []string) error {
	if c.NArg() > 0 {
		return cli.Exit(fmt.Sprintf("nport install: unexpected argument %q (the directory goes with --prefix)", c.Args().First()), 2)
	}
	exe, err := executable()
	if err != nil {
		return err
	}
	dir := filepath.Dir(exe)
	if p := c.String(FlagPrefix); p != "" {
		if dir, err = filepath.Abs(filepath.Join(p, "bin")); err != nil {
			return err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", dir, err)
		}
	}
	var refused []error
	for _, name := range names {
		msg, err := Link(dir, name+exeSuffix(), exe, c.Bool(FlagForce))
		if err != nil {
			refused = append(refused, err)
			continue
		}
		fmt.Fprintln(c.App.Writer, msg)
	}
	if !onPath(dir) {
		fmt.Fprintf(c.App.Writer, "%s is not on PATH: add it there, or start the links by their full path\n", dir)
	}
	if len(refused) > 0 {
		return errors.Join(refused...)
	}
	return nil
}

// executable is the running binary, links resolved: the file every link
// points at.
func executable() (string, error) {
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		return "", fmt.Errorf("find this binary: %w", err)
	}
	return exe, nil
}

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}

// onPath reports whether dir is one of the directories of PATH.
func onPath(dir string) bool {
	for _, p := range filepath.SplitList(os.Getenv("PATH")) {
		if abs, err := filepath.Abs(p); err == nil && abs == dir {
			return true
		}
	}
	return false
}
