// Package directory binds identity names to the keys that claimed them,
// for the relay: the first identity to prove a key for a name gets it,
// and only an operator can release it.
//
// Directory is the interface the relay depends on; Memory keeps bindings
// in the process and File in a text file an operator can read and edit.
// A cluster of relays would share one behind the same interface.
package directory

import (
	"errors"

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
}

// Binding is a name and the key bound to it.
type Binding struct {
	Name identity.Name
	Key  identity.PublicKey
}

// Errors of Directory, checked with errors.Is.
var (
	// ErrNameTaken means the name is bound to another key.
	ErrNameTaken = errors.New("directory: name bound to another key")
	// ErrNotFound means the name is not bound.
	ErrNotFound = errors.New("directory: name not bound")
)
