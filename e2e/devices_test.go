//go:build linux

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/proctest"
)

// The device identities of a fleet.
const (
	garage = "@garage" // three daemons: pi, router, and secret, which hides
	shed   = "@shed"   // one daemon
)

// fleet is a relay, a rendezvous, three daemons under @garage and one
// under @shed, all managed by @alice.
type fleet struct {
	*world
}

func newFleet(t *testing.T) *fleet {
	t.Helper()
	w := &world{t: t, bin: proctest.Binary(t), homes: map[string]string{}}
	w.startRelay()
	w.startRendezvous(nil)
	f := &fleet{w}
	garageHomes := f.homesOf(garage, 3)
	f.startDevice(garageHomes[0], garage, "pi")
	f.startDevice(garageHomes[1], garage, "router", "--permit-open", "localhost:80,*:443", "--device-group", "edge")
	f.startDevice(garageHomes[2], garage, "secret", "--hide")
	f.startDevice(f.homesOf(shed, 1)[0], shed, "default")
	for _, who := range []string{alice, mallory} {
		w.homes[who] = f.homesOf(who, 1)[0]
	}
	return f
}

// homesOf makes n homes holding one key of name, as devices installed
// with a copy of one identity's key have.
func (f *fleet) homesOf(name string, n int) []string {
	f.t.Helper()
	first := f.t.TempDir()
	if _, err := (identity.Store{Dir: first}).Create(identity.Name(name)); err != nil {
		f.t.Fatal(err)
	}
	key, err := os.ReadFile(identity.Store{Dir: first}.Path(identity.Name(name)))
	if err != nil {
		f.t.Fatal(err)
	}
	homes := []string{first}
	for range n - 1 {
		home := f.t.TempDir()
		dst := identity.Store{Dir: home}.Path(identity.Name(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			f.t.Fatal(err)
		}
		if err := os.WriteFile(dst, key, 0o600); err != nil {
			f.t.Fatal(err)
		}
		homes = append(homes, home)
	}
	return homes
}

// startDevice runs a daemon of name as device in home, managed by @alice.
func (f *fleet) startDevice(home, name, device string, extra ...string) {
	f.t.Helper()
	args := append([]string{"daemon", "-a", name, "-d", device, "-m", alice, "--log-format", "json", "-v"}, f.relayArgs()...)
	p := proctest.Start(f.t, f.bin, []string{identity.HomeEnv + "=" + home, "NPORT_RELAY="}, append(args, extra...)...)
	if m := p.WaitFor(daemonReady, readyTimeout); m[1] != name || m[2] != device {
		f.t.Fatalf("got daemon %s device %s, want %s device %s", m[1], m[2], name, device)
	}
}

// run runs nport as who with args and the relay flags.
func (f *fleet) run(who string, args ...string) result {
	f.t.Helper()
	argv := append(append([]string{f.bin}, args...), f.relayArgs()...)
	return run(f.t, command(argv, f.clientEnv(who)), runTimeout)
}

// listedDevice is one entry of `--list-devices --json`.
type listedDevice struct {
	Device   string   `json:"device"`
	Group    string   `json:"group"`
	Identity string   `json:"identity"`
	Version  string   `json:"version"`
	OS       string   `json:"os"`
	Arch     string   `json:"arch"`
	Uptime   *float64 `json:"uptime_seconds"`
	RTT      *float64 `json:"rtt_seconds"`
	Targets  []string `json:"targets"`
}

// TestListDevices lists @garage as @alice, its manager, in each form:
// its two daemons that do not hide, with their fields, and nothing of
// the hidden one or of @shed; and as @mallory, who gets nothing.
func TestListDevices(t *testing.T) {
	t.Parallel()
	f := newFleet(t)
	t.Run("json", func(t *testing.T) {
		r := f.run(alice, "devices", "-f", alice, "-t", garage, "--json")
		mustSucceed(t, "devices --json", r)
		var got []listedDevice
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatalf("stdout is not a JSON array of devices: %v\n%s", err, r)
		}
		if len(got) != 2 || got[0].Device != "pi" || got[1].Device != "router" {
			t.Fatalf("got %+v, want pi and router, in that order", got)
		}
		wantTargets := [][]string{{"localhost:22"}, {"localhost:80", "*:443"}}
		wantGroups := []string{"", "edge"}
		for i, d := range got {
			if d.Group != wantGroups[i] {
				t.Errorf("%s: got group %q, want %q", d.Device, d.Group, wantGroups[i])
			}
			if d.Identity != garage || d.Version == "" || d.OS != runtime.GOOS || d.Arch != runtime.GOARCH {
				t.Errorf("%s: got identity %s, version %q, platform %s/%s; want %s, a version, %s/%s",
					d.Device, d.Identity, d.Version, d.OS, d.Arch, garage, runtime.GOOS, runtime.GOARCH)
			}
			if d.Uptime == nil || *d.Uptime < 0 || d.RTT == nil || *d.RTT <= 0 {
				t.Errorf("%s: got uptime %v and round trip %v, want numbers of seconds", d.Device, d.Uptime, d.RTT)
			}
			if !reflect.DeepEqual(d.Targets, wantTargets[i]) {
				t.Errorf("%s: got targets %q, want %q", d.Device, d.Targets, wantTargets[i])
			}
		}
		// The snake_case names themselves, which scripts read.
		for _, key := range []string{`"uptime_seconds": `, `"rtt_seconds": `, `"targets": [`} {
			if !strings.Contains(r.stdout, key) {
				t.Errorf("stdout lacks %s:\n%s", key, r.stdout)
			}
		}
	})
	table := regexp.MustCompile(`(?m)^DEVICE +GROUP +IDENTITY +VERSION +PLATFORM +UPTIME +SESSIONS +RTT +TARGETS\n` +
		`pi +- +@garage +\S+ +` + runtime.GOOS + `/` + runtime.GOARCH + ` +\d+s +0 +[0-9.]+ms +localhost:22\n` +
		`router +edge +@garage +\S+ +` + runtime.GOOS + `/` + runtime.GOARCH + ` +\d+s +0 +[0-9.]+ms +localhost:80,\*:443\n\z`)
	for _, flag := range []string{"--list-devices", "--ls"} {
		t.Run("table "+flag, func(t *testing.T) {
			r := f.run(alice, "client", "-f", alice, "-t", garage, flag)
			mustSucceed(t, "client "+flag, r)
			if !table.MatchString(r.stdout) {
				t.Errorf("got the table\n%s\nwant it to match %s", r.stdout, table)
			}
		})
	}
	t.Run("another identity", func(t *testing.T) {
		r := f.run(alice, "devices", "-f", alice, "-t", shed, "--json")
		mustSucceed(t, "devices of @shed", r)
		var got []listedDevice
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 1 || got[0].Device != "default" || got[0].Identity != shed {
			t.Errorf("got %+v (%v), want @shed's one device", got, err)
		}
	})
	// @mallory, whom no daemon serves, gets nothing, and the error says
	// what to check.
	for _, args := range [][]string{{"devices", "-f", mallory, "-t", garage}, {"client", "-f", mallory, "-t", garage, "--ls", "--json"}} {
		t.Run("non-manager "+strings.Join(args[:1], " "), func(t *testing.T) {
			r := f.run(mallory, args...)
			if r.code == 0 {
				t.Fatalf("a non-manager got a listing: %s", r)
			}
			for _, want := range []string{"no device of @garage answered", "--manager", mallory, "--hide"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q: %s", want, r)
				}
			}
			if want := map[bool]string{true: "[]\n", false: ""}[slices.Contains(args, "--json")]; r.stdout != want {
				t.Errorf("got stdout %q, want %q", r.stdout, want)
			}
		})
	}
}

// TestSessionToMissingDeviceFailsFast asks for a device @garage does not
// have, with a --timeout of 30 s: waiting it out would end in "did not
// answer"; only the check made alongside the request, after about 1.2 s,
// names the devices there are. A hidden device named explicitly is not
// missing.
func TestSessionToMissingDeviceFailsFast(t *testing.T) {
	t.Parallel()
	f := newFleet(t)
	r := f.run(alice, "client", "-f", alice, "-t", garage, "-d", "nosuch", "--timeout", "30s", "--ssh", "/bin/false")
	want := `no device "nosuch" under @garage; its devices: pi, router (see --list-devices)`
	if r.code == 0 || !strings.Contains(r.stderr, want) {
		t.Errorf("got %s, want the error %q", r, want)
	}
	// The hidden device answers a session's request: port 1 is outside
	// its permit-open, and it says so.
	r = f.run(alice, "client", "-f", alice, "-t", garage, "-d", "secret", "-p", "1", "--timeout", "30s", "--ssh", "/bin/false")
	if r.code == 0 || !strings.Contains(r.stderr, "target-refused") {
		t.Errorf("got %s, want the hidden device's refusal of port 1", r)
	}
}
