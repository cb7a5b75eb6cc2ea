// Package keys is the `nport keys` applet: it creates, shows and lists the
// identities kept in the nport home.
package keys

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/nport/nport/core/identity"
)

// Operations Run knows.
const (
	OpNew  = "new"
	OpShow = "show"
	OpList = "list"
)

// Config is one invocation of the keys applet.
type Config struct {
	Home string    // the nport home, resolved
	Op   string    // OpNew, OpShow or OpList
	Name string    // the identity, for new and show
	Out  io.Writer // where the result is printed
}

// Run carries out cfg.Op. `new` and `show` print the line to share: the
// identity and its public key, in the form known_identities and config pins
// take.
func Run(_ context.Context, cfg Config) error {
	store := identity.Store{Dir: cfg.Home}
	switch cfg.Op {
	case OpList:
		return list(store, cfg.Out)
	case OpNew, OpShow:
	default:
		return fmt.Errorf("unknown keys operation %q: use new, show or list", cfg.Op)
	}
	name, err := identity.ParseName(cfg.Name)
	if err != nil {
		return err
	}
	var id identity.Identity
	if cfg.Op == OpNew {
		id, err = store.Create(name)
	} else {
		id, err = store.Load(name)
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(cfg.Out, id.ShareLine())
	return err
}

func list(store identity.Store, out io.Writer) error {
	ids, err := store.List()
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return errors.New("no identities yet: create one with `nport keys new @name`")
	}
	for _, id := range ids {
		if _, err := fmt.Fprintf(out, "%s %s\n", id.ShareLine(), id.Public().Fingerprint()); err != nil {
			return err
		}
	}
	return nil
}
