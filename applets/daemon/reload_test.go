package daemon

import (
	"bytes"
	"errors"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestReload reads new settings into a daemon: a manager added is let in
// by the relay client's filter and gets its targets, one removed is not;
// an invalid reading is refused with a warning and changes nothing.
func TestReload(t *testing.T) {
	var logs bytes.Buffer
	cfg := Defaults()
	cfg.Atsign, cfg.Managers, cfg.Relay, cfg.Home = "@dev", []string{"@alice"}, "127.0.0.1:1", t.TempDir()
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	next := cfg
	var readErr error
	cfg.Reload = func() (Config, error) { return next, readErr }
	d, err := newDaemon(cfg)
	if err != nil {
		t.Fatal(err)
	}

	next.Managers = []string{"@bob"}
	next.Policy = []PolicyRule{{Managers: []string{"@bob"}, PermitOpen: []string{"localhost:8080"}}}
	next.Hide = true
	d.reload()
	if d.isManager("@alice") || !d.isManager("@bob") {
		t.Errorf("after the reload: @alice is a manager: %v, @bob: %v; want @bob only", d.isManager("@alice"), d.isManager("@bob"))
	}
	if got := d.targetsFor("@bob"); !slices.Equal(got, []string{"localhost:8080"}) {
		t.Errorf("got @bob's targets %v, want localhost:8080", got)
	}
	for _, want := range []string{
		`level=INFO msg="reloaded the policy" .*changes="\[@alice removed @bob added, targets localhost:8080\]"`,
		`level=WARN msg="settings changed in the config take effect at the next start only" .*keys=\[hide\]`,
	} {
		if !regexp.MustCompile(want).MatchString(logs.String()) {
			t.Errorf("the log lacks %s:\n%s", want, logs.String())
		}
	}

	logs.Reset()
	next.Policy[0].PermitOpen = []string{"nohost"}
	d.reload()
	readErr = errors.New("config /x/config.toml: toml: line 3: expected '='")
	d.reload()
	if !d.isManager("@bob") || !slices.Equal(d.targetsFor("@bob"), []string{"localhost:8080"}) {
		t.Errorf("an invalid reload changed the policy: @bob's targets %v", d.targetsFor("@bob"))
	}
	for _, want := range []string{
		`level=WARN msg="config not reloaded, the policy in force stays" .*err="policy rule 1: permit-open entry \\"nohost\\"`,
		`level=WARN msg="config not reloaded, the policy in force stays" .*err="config /x/config.toml: toml: line 3`,
	} {
		if !regexp.MustCompile(want).MatchString(logs.String()) {
			t.Errorf("the log lacks %s:\n%s", want, logs.String())
		}
	}
}

func TestNewDaemonDeviceGroup(t *testing.T) {
	cfg := Defaults()
	cfg.Atsign, cfg.Managers, cfg.Relay, cfg.Home = "@dev", []string{"@alice"}, "127.0.0.1:1", t.TempDir()
	cfg.DeviceGroup = "garage-2"
	d, err := newDaemon(cfg)
	if err != nil || d.deviceGroup() != "garage-2" {
		t.Fatalf("got %v, want the group garage-2", err)
	}
	for _, bad := range []string{"two words", "line\nbreak", strings.Repeat("g", 65)} {
		cfg.DeviceGroup, cfg.Home = bad, t.TempDir()
		if _, err := newDaemon(cfg); err == nil || !strings.Contains(err.Error(), "--device-group") {
			t.Errorf("group %q: got %v, want a refusal naming --device-group", bad, err)
		}
	}
}
