// Package config layers an applet's settings: built-in defaults, then the
// applet's section of a TOML file, then environment variables NPORT_*, then
// flags. A flag always wins; an environment variable wins over the file.
//
// An applet describes its settings once, as a struct whose fields carry a
// `toml:"name"` tag equal to the name of the flag that sets them:
//
//	type Config struct {
//		Device string `toml:"device"`
//		Port   int    `toml:"local-sshd-port"`
//	}
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// FileName is the config file looked for in the nport home when no
// --config is given.
const FileName = "config.toml"

// DefaultPath is the config file used when none is named: FileName in home.
func DefaultPath(home string) string { return filepath.Join(home, FileName) }

// LoadSection decodes the [section] table of the TOML file at path into dst.
// A missing file is not an error when optional is true (the default path);
// a named file that is missing is. What the applet cannot use is refused,
// since a setting silently ignored is a setting that never applies: a key
// it does not know, a section no applet reads, a key outside any section,
// a duration without a unit. The section may go by its NoPorts name
// ([sshnpd] for [daemon]; see SectionFor).
func LoadSection(path, section string, optional bool, dst any) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && optional {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	var file map[string]toml.Primitive
	md, err := toml.Decode(string(data), &file)
	if err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	used, err := sections(path, file, md)
	if err != nil {
		return err
	}
	name, ok := used[section]
	if !ok {
		return nil
	}
	var raw map[string]map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	if err := checkDurations(raw[name], dst); err != nil {
		return fmt.Errorf("config %s, section [%s]: %w", path, name, err)
	}
	if err := md.PrimitiveDecode(file[name], dst); err != nil {
		return fmt.Errorf("config %s, section [%s]: %w", path, name, err)
	}
	if unknown := undecodedIn(md, name); len(unknown) > 0 {
		return fmt.Errorf("config %s, section [%s]: unknown keys %s (see `nport %s --help` for the settings)",
			path, name, strings.Join(unknown, ", "), section)
	}
	return nil
}

func undecodedIn(md toml.MetaData, section string) []string {
	var out []string
	for _, k := range md.Undecoded() {
		if len(k) > 1 && k[0] == section {
			out = append(out, strings.Join(k[1:], "."))
		}
	}
	sort.Strings(out)
	return out
}
