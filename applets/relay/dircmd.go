package relay

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/nport/nport/applets/relay/admin"
	"github.com/nport/nport/core/config"
	"github.com/nport/nport/core/identity"
)

// Operations of `nport relay directory`.
const (
	OpList   = admin.OpList
	OpRemove = admin.OpRemove
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
		usage := cli.Exit("usage: nport relay directory list | nport relay directory remove @name", 2)
		if op == OpList && c.NArg() != 0 {
			return usage
		}
		var name identity.Name
		if op == OpRemove {
			arg, err := nameThenFlags(c)
			if err != nil {
				return usage
			}
			if name, err = identity.ParseName(arg); err != nil {
				return err
			}
		}
		home, err := relayHome(c)
		if err != nil {
			return err
		}
		return RunDirectory(DirectoryConfig{Home: home, Op: op, Name: name, Out: c.App.Writer})
	}
}

// relayHome resolves the home of an operator's command. The [relay]
// section is read so that a misspelt key is reported here too; only the
// home matters.
func relayHome(c *cli.Context) (string, error) {
	cfg := Defaults()
	common, err := config.Resolve(c, "relay", &cfg)
	return common.Home, err
}

// RunDirectory lists or removes bindings in the directory of a relay's
// home: through the admin socket of the relay when it runs (the change
// takes effect at once), in its database otherwise.
func RunDirectory(cfg DirectoryConfig) error {
	if cfg.Op != OpList && cfg.Op != OpRemove {
		return fmt.Errorf("unknown directory operation %q: use list or remove", cfg.Op)
	}
	resp, err := operate(cfg.Home, admin.Request{Op: cfg.Op, Name: string(cfg.Name)})
	if err != nil {
		return err
	}
	if cfg.Op == OpRemove {
		return printRemoved(cfg.Out, resp.Removed)
	}
	for _, b := range resp.Bindings {
		key, err := identity.ParsePublicKey(b.Key)
		if err != nil {
			return fmt.Errorf("the relay listed %s with a bad key: %w", b.Name, err)
		}
		if _, err := fmt.Fprintf(cfg.Out, "%s %s %s\n", b.Name, key, key.Fingerprint()); err != nil {
			return err
		}
	}
	return nil
}

func printRemoved(out io.Writer, b *admin.Binding) error {
	if b == nil {
		return nil
	}
	fp := b.Key
	if key, err := identity.ParsePublicKey(b.Key); err == nil {
		fp = key.Fingerprint()
	}
	_, err := fmt.Fprintf(out, "removed %s (%s): the next key to claim it gets it\n", b.Name, fp)
	return err
}
