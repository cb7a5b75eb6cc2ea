package directory

import (
	"fmt"
	"strings"

	"github.com/nport/nport/core/identity"
)

// The file of older relays holds one binding a line, "@name
// nport-pub:KEY"; blank lines and lines starting with # are skipped, and
// a line may end with a # comment. The relay only reads it now, once, to
// import it into its database.

// parseFile parses the content of the directory file at path. A name
// bound twice to different keys is refused, since either line could be
// the wrong one.
func parseFile(data []byte, path string) (map[identity.Name]identity.PublicKey, error) {
	byName := make(map[identity.Name]identity.PublicKey)
	lineOf := make(map[identity.Name]int)
	for i, line := range strings.Split(string(data), "\n") {
		name, key, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("directory: %s line %d: %w (fix or delete the line)", path, i+1, err)
		}
		if name == "" {
			continue
		}
		if old, ok := byName[name]; ok && !old.Equal(key) {
			return nil, fmt.Errorf("directory: %s line %d binds %s to another key than line %d: delete the wrong one", path, i+1, name, lineOf[name])
		}
		byName[name], lineOf[name] = key, i+1
	}
	return byName, nil
}

// parseLine parses one line; a blank or comment line gives "".
func parseLine(line string) (identity.Name, identity.PublicKey, error) {
	fields := strings.Fields(line)
	if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
		return "", identity.PublicKey{}, nil
	}
	if len(fields) < 2 || len(fields) > 2 && !strings.HasPrefix(fields[2], "#") {
		return "", identity.PublicKey{}, fmt.Errorf("want \"@name %sKEY\", got %d fields", identity.PublicPrefix, len(fields))
	}
	name, err := identity.ParseName(fields[0])
	if err != nil {
		return "", identity.PublicKey{}, err
	}
	key, err := identity.ParsePublicKey(fields[1])
	if err != nil {
		return "", identity.PublicKey{}, err
	}
	return name, key, nil
}
