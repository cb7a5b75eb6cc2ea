package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/urfave/cli/v2"

	"github.com/nport/nport/applets/client"
	"github.com/nport/nport/applets/daemon"
	"github.com/nport/nport/applets/npt"
	"github.com/nport/nport/applets/relay"
	"github.com/nport/nport/applets/rendezvous"
	"github.com/nport/nport/core/config"
)

// settings are the applets that read a config file, each with a fresh
// Config holding its defaults, as its command starts from.
var settings = map[string]func() any{
	"client":     func() any { c := client.Defaults(); return &c },
	"daemon":     func() any { c := daemon.Defaults(); return &c },
	"relay":      func() any { c := relay.Defaults(); return &c },
	"rendezvous": func() any { c := rendezvous.Defaults(); return &c },
	"tunnel":     func() any { c := npt.Defaults(); return &c },
}

// TestSampleConfigs loads every *.toml under testdata/ as each applet it
// is for would: with the applet's own flags, its section and its Config.
// A sample is for the applet its name starts with (daemon-policy.toml is
// the daemon's; sshnpd.toml too) or for those a comment names
// (`# applets: relay, daemon`).
func TestSampleConfigs(t *testing.T) {
	samples := sampleFiles(t)
	if len(samples) < len(settings) {
		t.Fatalf("got %d samples in testdata, want one per applet at least: %v", len(samples), samples)
	}
	for _, path := range samples {
		names := appletsOf(t, path)
		if len(names) == 0 {
			t.Errorf("%s is for no applet: name it after one (daemon-….toml) or name them in a comment (# applets: relay, daemon)", path)
		}
		for _, name := range names {
			t.Run(path+"/"+name, func(t *testing.T) {
				if !hasSection(t, path, name) {
					t.Fatalf("%s has no section of the %s", path, name)
				}
				if err := load(t, name, path); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// TestSampleConfigsCoverDocs checks that every config example of the
// README and docs/ is part of a sample, so the examples are loaded too.
func TestSampleConfigsCoverDocs(t *testing.T) {
	var texts []string
	for _, path := range sampleFiles(t) {
		texts = append(texts, readFile(t, path))
	}
	docs, _ := filepath.Glob("docs/*.md")
	found := 0
	for _, doc := range append([]string{"README.md"}, docs...) {
		for _, block := range configBlocks(readFile(t, doc)) {
			found++
			if !slices.ContainsFunc(texts, func(s string) bool { return strings.Contains(s, block) }) {
				t.Errorf("the config example of %s is in no file of testdata/, so it is never loaded; add it:\n%s", doc, block)
			}
		}
	}
	if found == 0 {
		t.Error("found no config example in README.md and docs/")
	}
}

// load resolves the applet's settings from the file at path as its
// command does, and returns the first error.
func load(t *testing.T, name, path string) error {
	a, ok := registry.Lookup(name)
	if !ok {
		t.Fatalf("no applet %s", name)
	}
	cfg := settings[name]()
	var err error
	app := &cli.App{Flags: a.Command.Flags, Action: func(c *cli.Context) error {
		_, err = config.Resolve(c, a.Command.Name, cfg)
		return nil
	}}
	for _, f := range a.Command.Flags {
		for _, env := range envVars(f) {
			t.Setenv(env, "")
		}
	}
	if runErr := app.Run([]string{name, "--home", t.TempDir(), "--config", path}); runErr != nil {
		t.Fatal(runErr)
	}
	return err
}

// envVars are the environment variables of a flag, cleared so that the
// file alone decides.
func envVars(f cli.Flag) []string {
	if e, ok := f.(interface{ GetEnvVars() []string }); ok {
		return e.GetEnvVars()
	}
	return nil
}

func sampleFiles(t *testing.T) []string {
	var out []string
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".toml") {
			out = append(out, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var appletsComment = regexp.MustCompile(`(?m)^#\s*applets?:\s*(.+)$`)

// appletsOf names the applets a sample is for.
func appletsOf(t *testing.T, path string) []string {
	base, _, _ := strings.Cut(strings.TrimSuffix(filepath.Base(path), ".toml"), "-")
	if s, ok := config.SectionFor(base); ok && settings[s] != nil {
		return []string{s}
	}
	m := appletsComment.FindStringSubmatch(readFile(t, path))
	if m == nil {
		return nil
	}
	var out []string
	for _, n := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ',' || r == ' ' }) {
		if settings[n] == nil {
			t.Errorf("%s names %q, which reads no config file (applets that do: client, daemon, relay, rendezvous, tunnel)", path, n)
			continue
		}
		out = append(out, n)
	}
	return out
}

// hasSection reports whether the file has the applet's section, under its
// name or a NoPorts name.
func hasSection(t *testing.T, path, applet string) bool {
	var file map[string]any
	if _, err := toml.DecodeFile(path, &file); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for name := range file {
		if s, _ := config.SectionFor(name); s == applet {
			return true
		}
	}
	return false
}

var sectionLine = regexp.MustCompile(`^\[([a-z_]+)\]$`)

// configBlocks returns the indented code blocks of a Markdown text that
// start with a config section, without their indentation.
func configBlocks(md string) []string {
	var blocks []string
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		indent := len(lines[i]) - len(strings.TrimLeft(lines[i], " "))
		m := sectionLine.FindStringSubmatch(strings.TrimSpace(lines[i]))
		if indent < 4 || m == nil || (i > 0 && strings.TrimSpace(lines[i-1]) != "") {
			continue
		}
		if _, ok := config.SectionFor(m[1]); !ok {
			continue
		}
		var block []string
		for ; i < len(lines) && (strings.TrimSpace(lines[i]) == "" || strings.HasPrefix(lines[i], strings.Repeat(" ", indent))); i++ {
			block = append(block, strings.TrimRight(strings.TrimPrefix(lines[i], strings.Repeat(" ", indent)), " "))
		}
		blocks = append(blocks, strings.TrimSpace(strings.Join(block, "\n")))
	}
	return blocks
}

func readFile(t *testing.T, path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
