package directory

import (
	"bytes"
	"strings"
	"testing"

	"github.com/nport/nport/core/identity"
)

// FuzzParseFile holds the directory file parser to two things on any
// input: it never panics, and what it accepts formats back to a file that
// parses to the same bindings.
func FuzzParseFile(f *testing.F) {
	f.Add([]byte(fileHeader + "@alice nport-pub:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA\n"))
	f.Add([]byte("@a nport-pub:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA # comment\n\n# x\n"))
	f.Add([]byte("@a nport-priv:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		byName, err := parseFile(data, "fuzz")
		if err != nil {
			return
		}
		again, err := parseFile(formatFile(sorted(byName)), "fuzz")
		if err != nil {
			t.Fatalf("formatted file does not parse: %v", err)
		}
		if !bytes.Equal(formatFile(sorted(again)), formatFile(sorted(byName))) {
			t.Fatalf("round trip changed the bindings")
		}
	})
}

// fileHeader, formatLine and formatFile write a directory file as older
// relays did, for the tests of its parser.
const fileHeader = "# nport relay directory: one \"@name nport-pub:KEY\" per line, the key that claimed the name.\n" +
	"# Remove a line (or use `nport relay directory remove @name`) to let another key claim the name.\n"

// formatLine is the line of one binding.
func formatLine(name identity.Name, key identity.PublicKey) string {
	return string(name) + " " + key.String() + "\n"
}

// formatFile is the whole file for a set of bindings.
func formatFile(bindings []Binding) []byte {
	var b strings.Builder
	b.WriteString(fileHeader)
	for _, bd := range bindings {
		b.WriteString(formatLine(bd.Name, bd.Key))
	}
	return []byte(b.String())
}
