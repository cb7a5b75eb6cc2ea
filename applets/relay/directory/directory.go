// Package directory binds identity names to the keys that claimed them,
// for the relay: the first identity to prove a key for a name gets it,
// and only an operator can release it.
//
// Directory is the interface the relay depends on; Memory keeps bindings
// in the process, and the relay's database (applets/relay/store) on
// disk. A cluster of relays would share one behind the same interface.
// ReadFile reads the text file older relays kept, for the import.
package directory

import (
	"errors"
	"time"

	"github.com/nport/nport/core/identity"
)

// Directory maps names to keys. Implementations are safe for concurrent
// use.
type Directory interface {
	// Claim binds name to key if the name is free. It returns nil if the
	// name is bound to key already, and an error wrapping ErrNameTaken if
	// it is bound to another key.
	Claim(name identity.Name, key identity.PublicKey) error

	// Lookup returns the key bound to name, and false if there is none.
	Lookup(name identity.Name) (identity.PublicKey, bool, error)

	// Remove releases name, so that the next key to claim it gets it. It
	// returns an error wrapping ErrNotFound if name is not bound.
	Remove(name identity.Name) error

	// List returns every binding, sorted by name.
	List() ([]Binding, error)

	// Count returns how many names are bound.
	Count() int
}

// Binding is a name and the key bound to it.
type Binding struct {
	Name identity.Name
	Key  identity.PublicKey
	// Claimed and LastSeen are when the name was bound and when an
	// identity last connected or disconnected with it; zero where the
	// directory does not keep them.
	Claimed, LastSeen time.Time
}

// Errors of Directory, checked with errors.Is.
var (
	// ErrNameTaken means the name is bound to another key.
	ErrNameTaken = errors.New("directory: name bound to another key")
	// ErrNotFound means the name is not bound.
	ErrNotFound = errors.New("directory: name not bound")
)
