package identity

import (
	"bytes"
	"fmt"
	"strings"
)

// maxKnownFile bounds the pins file: tens of thousands of lines fit.
const maxKnownFile = 8 << 20

// knownHeader starts a new pins file, for the person who opens it.
const knownHeader = "# nport known identities: one \"SUBJECT nport-pub:KEY\" per line, SUBJECT an identity or relay:HOST:PORT.\n"

// pin is one pinned key and the line of the file it is on (0 for a key
// pinned from configuration).
type pin struct {
	key  PublicKey
	line int
}

// parseKnown parses the content of a pins file named file. Blank lines and
// lines starting with # are skipped; a line may end with a # comment. A
// subject pinned twice to different keys is refused, since either line
// could be the one that is wrong.
func parseKnown(data []byte, file string) (map[string]pin, error) {
	if len(data) > maxKnownFile {
		return nil, fmt.Errorf("identity: %s is larger than %d bytes: it is not a pins file", file, maxKnownFile)
	}
	pins := make(map[string]pin)
	for i, line := range strings.Split(string(data), "\n") {
		subject, key, err := parseKnownLine(line)
		if err != nil {
			return nil, fmt.Errorf("identity: %s line %d: %w", file, i+1, err)
		}
		if subject == "" {
			continue
		}
		if old, ok := pins[subject]; ok && !old.key.Equal(key) {
			return nil, fmt.Errorf("identity: %s line %d pins %s to another key than line %d: delete the wrong one", file, i+1, subject, old.line)
		} else if ok {
			continue
		}
		pins[subject] = pin{key: key, line: i + 1}
	}
	return pins, nil
}

// parseKnownLine parses one line; a blank or comment line gives "".
func parseKnownLine(line string) (string, PublicKey, error) {
	fields := strings.Fields(line)
	if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
		return "", PublicKey{}, nil
	}
	if len(fields) < 2 || len(fields) > 2 && !strings.HasPrefix(fields[2], "#") {
		return "", PublicKey{}, fmt.Errorf("want \"SUBJECT %sKEY\", got %d fields", PublicPrefix, len(fields))
	}
	if err := checkSubject(fields[0]); err != nil {
		return "", PublicKey{}, err
	}
	key, err := ParsePublicKey(fields[1])
	if err != nil {
		return "", PublicKey{}, err
	}
	return canonSubject(fields[0]), key, nil
}

// nextLine returns the number the next appended line will have in data,
// and whether a newline must come first.
func nextLine(data []byte) (int, bool) {
	n := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		return n + 2, true
	}
	return n + 1, false
}
