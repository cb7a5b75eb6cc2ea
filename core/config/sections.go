package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// sectionOf maps every section name a config file may hold to the applet
// section it stands for. The NoPorts names of the applets (their link
// names) are aliases, so a file written with [sshnpd] in mind works: a
// section named after the program an operator runs is what they expect.
var sectionOf = map[string]string{
	"client": "client", "sshnp": "client",
	"daemon": "daemon", "sshnpd": "daemon",
	"rendezvous": "rendezvous", "srvd": "rendezvous",
	"tunnel": "tunnel", "npt": "tunnel",
	"relay": "relay",
	"keys":  "keys",
}

// SectionFor returns the applet section that name stands for in a config
// file (sshnpd → daemon), and whether name is a section at all.
func SectionFor(name string) (string, bool) {
	s, ok := sectionOf[name]
	return s, ok
}

// sectionList names the sections for error messages: the applets' own,
// then the aliases, each with the section it stands for.
func sectionList() string {
	var own, aliases []string
	for name, s := range sectionOf {
		if name == s {
			own = append(own, name)
		} else {
			aliases = append(aliases, name)
		}
	}
	sort.Strings(own)
	sort.Slice(aliases, func(i, j int) bool { return sectionOf[aliases[i]] < sectionOf[aliases[j]] })
	for i, s := range own {
		own[i] = "[" + s + "]"
	}
	for i, a := range aliases {
		aliases[i] = fmt.Sprintf("[%s] for [%s]", a, sectionOf[a])
	}
	return strings.Join(own, ", ") + "; or the NoPorts names " + strings.Join(aliases, ", ")
}

// sections checks the top level of a decoded file, whose top-level names
// are those of file: every one must be a known section, and no applet may
// have two (its own and an alias). It returns, for each applet section
// present, the name the file uses.
func sections(path string, file map[string]toml.Primitive, md toml.MetaData) (map[string]string, error) {
	names := make([]string, 0, len(file))
	for name := range file {
		names = append(names, name)
	}
	sort.Strings(names)
	used := map[string]string{}
	for _, name := range names {
		// A table is "Hash", or "" when only its sub-tables are written
		// ([[daemon.policy]] alone).
		if t := md.Type(name); t != "Hash" && t != "" {
			return nil, fmt.Errorf("config %s: %s is outside any section: put it under the section of the applet it is for (%s)", path, name, sectionList())
		}
		s, ok := sectionOf[name]
		if !ok {
			return nil, fmt.Errorf("config %s: unknown section [%s]: the sections are %s", path, name, sectionList())
		}
		if prev, dup := used[s]; dup {
			return nil, fmt.Errorf("config %s: [%s] and [%s] are the same section, the %s's: keep one", path, prev, name, s)
		}
		used[s] = name
	}
	return used, nil
}
