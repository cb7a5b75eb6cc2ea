// Package applets holds the table of nport's applets and the dispatch that
// picks one from argv[0] or from the first argument, busybox style.
package applets

import (
	"fmt"
	"sort"

	"github.com/urfave/cli/v2"

	"github.com/nport/nport/applets/install"
)

// Applet is one role of the nport binary.
type Applet struct {
	// Command is the applet's command; its Name is the applet's name
	// (`nport NAME …`).
	Command *cli.Command
	// Links are the other names the binary answers to as this applet when
	// it is started through a symlink of that name (`sshnpd` → daemon).
	Links []string
}

// Registry maps applet names and link names to applets.
type Registry struct {
	byName map[string]Applet
	names  []string
	links  []string
}

// NewRegistry registers the given applets, and `install`, which links
// their link names to the binary. It panics on a duplicate name, as that
// is a programming error caught by the first test run.
func NewRegistry(list ...Applet) *Registry {
	r := &Registry{byName: map[string]Applet{}}
	for _, a := range append(list, Applet{Command: install.Command(r.Links)}) {
		r.add(a.Command.Name, a)
		r.names = append(r.names, a.Command.Name)
		for _, l := range a.Links {
			r.add(l, a)
			r.links = append(r.links, l)
		}
	}
	sort.Strings(r.names)
	sort.Strings(r.links)
	return r
}

func (r *Registry) add(name string, a Applet) {
	if _, dup := r.byName[name]; dup {
		panic(fmt.Sprintf("applets: %q registered twice", name))
	}
	r.byName[name] = a
}

// Lookup finds an applet by its name or one of its link names.
func (r *Registry) Lookup(name string) (Applet, bool) {
	a, ok := r.byName[name]
	return a, ok
}

// Links lists the link names, sorted: the names `nport install` links
// to the binary.
func (r *Registry) Links() []string { return append([]string(nil), r.links...) }

// Names lists the applet names, sorted.
func (r *Registry) Names() []string { return append([]string(nil), r.names...) }

// Commands lists the applets' commands in name order.
func (r *Registry) Commands() []*cli.Command {
	cmds := make([]*cli.Command, 0, len(r.names))
	for _, n := range r.names {
		cmds = append(cmds, r.byName[n].Command)
	}
	return cmds
}
