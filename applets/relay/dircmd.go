package relay

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/nport/nport/applets/relay/directory"
	"github.com/nport/nport/core/config"
	"github.com/nport/nport/core/identity"
)

// Operations of `nport relay directory`.
const (
	OpList   = "list"
	OpRemove = "remove"
)

// DirectoryConfig is one `nport relay directory` operation.
type DirectoryConfig struct {
	Home string        // the relay's nport home
	Op   string        // OpList or OpRemove
	Name identity.Name // for OpRemove
	Out  io.Writer
}

func runDirectory(op string) cli.ActionFunc {
	return func(c *cli.Context) error {
		if op == OpRemove && c.NArg() != 1 || op == OpList && c.NArg() != 0 {
			return cli.Exit("usage: nport relay directory list | nport relay directory remove @name", 2)
		}
		var name identity.Name
		if op == OpRemove {
			var err error
			if name, err = identity.ParseName(c.Args().First()); err != nil {
				return err
			}
		}
		// The [relay] section is read so that a misspelt key is reported
		// here too; only the home matters.
		cfg := Defaults()
		common, err := config.Resolve(c, "relay", &cfg)
		if err != nil {
			return err
		}
		return RunDirectory(DirectoryConfig{Home: common.Home, Op: op, Name: name, Out: c.App.Writer})
	}
}

// RunDirectory lists or removes bindings in the directory file of a
// relay's home. A running relay sees the change at its next claim or
// look-up of the name.
func RunDirectory(cfg DirectoryConfig) error {
	dir, err := directory.OpenFile(directory.FileName(cfg.Home))
	if err != nil {
		return err
	}
	switch cfg.Op {
	case OpList:
		list, err := dir.List()
		if err != nil {
			return err
		}
		for _, b := range list {
			if _, err := fmt.Fprintf(cfg.Out, "%s %s %s\n", b.Name, b.Key, b.Key.Fingerprint()); err != nil {
				return err
			}
		}
		return nil
	case OpRemove:
		key, ok, _ := dir.Lookup(cfg.Name)
		if err := dir.Remove(cfg.Name); err != nil {
			return err
		}
		if ok {
			_, err = fmt.Fprintf(cfg.Out, "removed %s (%s): the next key to claim it gets it\n", cfg.Name, key.Fingerprint())
		}
		return err
	}
	return fmt.Errorf("unknown directory operation %q: use list or remove", cfg.Op)
}
