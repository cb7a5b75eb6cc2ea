package directory

import (
	"fmt"
	"os"
	"path/filepath"
)

// FileName is the text file in which relays before the database kept
// the directory; the relay imports it on its first start.
func FileName(home string) string { return filepath.Join(home, "relay", "directory") }

// ReadFile reads a directory file of any size, sorted by name. A line
// that does not parse is an error that names it.
func ReadFile(path string) ([]Binding, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	byName, err := parseFile(data, path)
	if err != nil {
		return nil, err
	}
	return sorted(byName), nil
}
