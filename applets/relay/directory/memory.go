package directory

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/nport/nport/core/identity"
)

// Memory is a Directory held in the process: it forgets everything when
// the process ends. The zero Memory is empty and ready to use.
type Memory struct {
	mu     sync.Mutex
	byName map[identity.Name]identity.PublicKey
}

// Claim binds name to key if the name is free.
func (m *Memory) Claim(name identity.Name, key identity.PublicKey) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byName == nil {
		m.byName = make(map[identity.Name]identity.PublicKey)
	}
	return claimIn(m.byName, name, key, func() error { return nil })
}

// Lookup returns the key bound to name.
func (m *Memory) Lookup(name identity.Name) (identity.PublicKey, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	key, ok := m.byName[name]
	return key, ok, nil
}

// Remove releases name.
func (m *Memory) Remove(name identity.Name) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.byName[name]; !ok {
		return notFound(name)
	}
	delete(m.byName, name)
	return nil
}

// List returns every binding, sorted by name.
func (m *Memory) List() ([]Binding, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return sorted(m.byName), nil
}

// Count returns how many names are bound.
func (m *Memory) Count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.byName)
}

// claimIn is Claim on a map: persist runs before a new binding is added,
// and an error from it leaves the map unchanged.
func claimIn(byName map[identity.Name]identity.PublicKey, name identity.Name, key identity.PublicKey, persist func() error) error {
	if bound, ok := byName[name]; ok {
		if bound.Equal(key) {
			return nil
		}
		return fmt.Errorf("%w: %s is bound to %s, not %s", ErrNameTaken, name, bound.Fingerprint(), key.Fingerprint())
	}
	if err := persist(); err != nil {
		return err
	}
	byName[name] = key
	return nil
}

func notFound(name identity.Name) error {
	return fmt.Errorf("%w: %s (see the bindings with `nport relay directory list`)", ErrNotFound, name)
}

// sorted returns the bindings of a map sorted by name.
func sorted(byName map[identity.Name]identity.PublicKey) []Binding {
	out := make([]Binding, 0, len(byName))
	for name, key := range byName {
		out = append(out, Binding{Name: name, Key: key})
	}
	slices.SortFunc(out, func(a, b Binding) int { return strings.Compare(string(a.Name), string(b.Name)) })
	return out
}
