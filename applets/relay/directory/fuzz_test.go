package directory

import (
	"bytes"
	"testing"
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
