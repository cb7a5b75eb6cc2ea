package claim

import (
	"fmt"
	"strings"

	"github.com/nport/nport/core/identity"
)

// allowList is the allow policy's list: a name lets the first key claim
// it, a key lets itself claim any free name.
type allowList struct {
	names map[identity.Name]bool
	keys  []identity.PublicKey
}

// parseAllow reads the entries of --allow.
func parseAllow(entries []string) (allowList, error) {
	l := allowList{names: make(map[identity.Name]bool)}
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if strings.HasPrefix(e, identity.PublicPrefix) {
			k, err := identity.ParsePublicKey(e)
			if err != nil {
				return allowList{}, fmt.Errorf("claim: --allow %q: %w", e, err)
			}
			l.keys = append(l.keys, k)
			continue
		}
		n, err := identity.ParseName(e)
		if err != nil {
			return allowList{}, fmt.Errorf("claim: --allow %q: want @name or %sKEY: %w", e, identity.PublicPrefix, err)
		}
		l.names[n] = true
	}
	return l, nil
}

func (l allowList) admits(name identity.Name, key identity.PublicKey) bool {
	if l.names[name] {
		return true
	}
	for _, k := range l.keys {
		if k.Equal(key) {
			return true
		}
	}
	return false
}
