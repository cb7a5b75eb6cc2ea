//go:build linux

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/metrics"
	"github.com/nport/nport/core/metrics/metricstest"
	"github.com/nport/nport/core/status"
)

// statusListening is the log line of a --metrics listener.
var statusListening = regexp.MustCompile(`"msg":"status page and metrics".*"listen":"([^"]+)"`)

// statusWorld is a world whose relay, rendezvous and daemon serve
// --metrics on loopback, with the address of each.
type statusWorld struct {
	*world
	relayM, rvM, daemonM string
}

func newStatusWorld(t *testing.T) *statusWorld {
	on := []string{"--metrics", "127.0.0.1:0"}
	w := newWorld(t, options{relayArgs: on, rvArgs: on, daemonArgs: on})
	return &statusWorld{
		world:   w,
		relayM:  w.relayP.WaitFor(statusListening, logTimeout)[1],
		rvM:     w.rv.WaitFor(statusListening, logTimeout)[1],
		daemonM: w.daemon.WaitFor(statusListening, logTimeout)[1],
	}
}

// get fetches a page of a --metrics listener.
func get(t *testing.T, addr, path string) []byte {
	t.Helper()
	b, err := status.Get(context.Background(), addr, path, logTimeout)
	if err != nil {
		t.Fatalf("GET %s%s: %v", addr, path, err)
	}
	return b
}

// scrape parses a listener's /metrics with Prometheus's text parser.
func scrape(t *testing.T, addr string) metricstest.Families {
	t.Helper()
	fams := metricstest.Parse(t, get(t, addr, "/metrics"))
	for name, f := range fams {
		if f.GetHelp() == "" {
			t.Errorf("%s/metrics: %s has no HELP text (core/metrics/help.go)", addr, name)
		}
	}
	return fams
}

// metricWant is a check of a metric: a family, its labels, and a test.
type metricWant struct {
	family string
	labels []string
	ok     func(float64) bool
	what   string
}

func is(n float64) func(float64) bool { return func(v float64) bool { return v == n } }
func positive(v float64) bool         { return v > 0 }

func checkMetrics(t *testing.T, who, addr string, wants []metricWant) {
	t.Helper()
	fams := scrape(t, addr)
	for _, w := range wants {
		if got, _ := fams.Value(w.family, w.labels...); !w.ok(got) {
			t.Errorf("%s: %s%v is %v, want %s", who, w.family, w.labels, got, w.what)
		}
	}
}

// TestStatusFollowsASession opens one ssh session through relay,
// rendezvous and daemon processes that serve --metrics, and checks their
// metrics (parsed by Prometheus's parser), status.json, status page and
// `nport status` while it is live and after it ended.
func TestStatusFollowsASession(t *testing.T) {
	w := newStatusWorld(t)
	// A target the daemon does not permit: a refusal, counted and listed.
	if r := w.runClient(alice, "--stdio", "-p", "9"); r.code == 0 {
		t.Fatalf("a session to a refused target succeeded: %s", r)
	}
	checkMetrics(t, "daemon", w.daemonM, []metricWant{
		{metrics.Refusals, []string{"reason", "target-refused"}, is(1), "1"},
		{metrics.SessionsTotal, nil, is(0), "0"},
	})
	port := w.openTunnel()
	s := w.startSession(t, port)

	for _, c := range []struct{ who, addr string }{{"rendezvous", w.rvM}, {"daemon", w.daemonM}} {
		checkMetrics(t, c.who, c.addr, []metricWant{
			{metrics.SessionsTotal, nil, is(1), "1"},
			{metrics.SessionsLive, nil, is(1), "1"},
			{metrics.SessionBytes, []string{"direction", metrics.ClientToDaemon}, positive, "more than 0"},
			{metrics.SessionBytes, []string{"direction", metrics.DaemonToClient}, positive, "more than 0"},
			{metrics.SessionSetup, nil, is(1), "one set-up observed"},
		})
	}
	checkMetrics(t, "relay", w.relayM, []metricWant{
		// the daemon, the rendezvous and the client's background tunnel
		{metrics.IdentitiesLive, nil, func(v float64) bool { return v >= 3 }, "at least 3"},
		{"nport_handshakes_total", []string{"result", "ok"}, func(v float64) bool { return v >= 3 }, "at least 3"},
		{"nport_messages_total", []string{"result", "delivered"}, positive, "more than 0"},
	})

	var snap metrics.Snapshot
	if err := json.Unmarshal(get(t, w.daemonM, "/status.json"), &snap); err != nil {
		t.Fatal(err)
	}
	if len(snap.Sessions) != 1 || snap.Sessions[0].Client != alice || snap.Sessions[0].Device != "default" {
		t.Fatalf("daemon status.json sessions: got %+v, want one from %s to device default", snap.Sessions, alice)
	}
	id := snap.Sessions[0].ID
	if len(snap.Refusals) != 1 || snap.Refusals[0].Who != alice || !strings.Contains(snap.Refusals[0].Message, "localhost:9") {
		t.Errorf("daemon status.json refusals: got %+v, want the one of %s for localhost:9", snap.Refusals, alice)
	}
	page := string(get(t, w.rvM, "/"))
	for _, want := range []string{id, alice, device + ":default"} {
		if !strings.Contains(page, want) {
			t.Errorf("the rendezvous's page lacks %q", want)
		}
	}

	r := run(t, command([]string{w.bin, "status", w.relayM, w.rvM, w.daemonM}, nil), runTimeout)
	mustSucceed(t, "nport status", r)
	t.Logf("nport status:\n%s", r.stdout)
	for _, want := range []string{"relay", "rendezvous", "daemon", id, alice, device + ":default", device, rvName, "target-refused"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("nport status lacks %q:\n%s", want, r.stdout)
		}
	}
	s.finish(t)

	for _, c := range []struct{ who, addr string }{{"rendezvous", w.rvM}, {"daemon", w.daemonM}} {
		checkMetrics(t, c.who, c.addr, []metricWant{
			{metrics.SessionsTotal, nil, is(1), "1"},
			{metrics.SessionBytes, []string{"direction", metrics.DaemonToClient}, positive, "more than 0"},
		})
	}
}

// TestStatusPageInABrowser loads the daemon's and the rendezvous's status
// pages in headless Chromium while a session is live, checks the DOM it
// rendered shows the device and the session, and writes screenshots.
func TestStatusPageInABrowser(t *testing.T) {
	browser := chromium(t)
	w := newStatusWorld(t)
	port := w.openTunnel()
	s := w.startSession(t, port)
	defer s.finish(t)
	var snap metrics.Snapshot
	if err := json.Unmarshal(get(t, w.daemonM, "/status.json"), &snap); err != nil {
		t.Fatal(err)
	}
	if len(snap.Sessions) != 1 {
		t.Fatalf("daemon status.json: %d sessions, want 1", len(snap.Sessions))
	}
	id := snap.Sessions[0].ID
	shots := screenshotDir(t)
	for _, c := range []struct{ who, addr string }{{"daemon", w.daemonM}, {"rendezvous", w.rvM}, {"relay", w.relayM}} {
		url := "http://" + c.addr + "/"
		dom := runBrowser(t, browser, "--dump-dom", url)
		wants := []string{"<h1>nport " + c.who + "</h1>", "<svg"}
		if c.who == "relay" {
			wants = append(wants, "<td>"+device+"</td><td>device/client</td>", "<td>"+rvName+"</td><td>service</td>")
		} else {
			wants = append(wants, `<table id="sessions">`, "<td>"+id+"</td>", "<td>"+alice+"</td>", device+":default")
		}
		for _, want := range wants {
			if !strings.Contains(dom, want) {
				t.Errorf("the %s page as Chromium rendered it lacks %q:\n%s", c.who, want, dom)
			}
		}
		shot := filepath.Join(shots, "nport-status-"+c.who+".png")
		runBrowser(t, browser, "--screenshot="+shot, "--window-size=1100,1000", url)
		if fi, err := os.Stat(shot); err != nil || fi.Size() == 0 {
			t.Errorf("no screenshot of the %s page at %s: %v", c.who, shot, err)
		} else {
			t.Logf("screenshot of the %s page: %s", c.who, shot)
		}
	}
}

// TestStatusShowsNoSecret greps every page, JSON and metric of the three
// processes, and `nport status`, for the keys, tokens and session ids they
// must never show, while a session is live.
func TestStatusShowsNoSecret(t *testing.T) {
	w := newStatusWorld(t)
	port := w.openTunnel()
	s := w.startSession(t, port)
	defer s.finish(t)
	var all bytes.Buffer
	for _, addr := range []string{w.relayM, w.rvM, w.daemonM} {
		for _, path := range []string{"/", "/status.json", "/metrics"} {
			all.Write(get(t, addr, path))
		}
	}
	r := run(t, command([]string{w.bin, "status", "--json", w.relayM, w.rvM, w.daemonM}, nil), runTimeout)
	mustSucceed(t, "nport status --json", r)
	all.WriteString(r.stdout)
	r = run(t, command([]string{w.bin, "status", w.relayM, w.rvM, w.daemonM}, nil), runTimeout)
	mustSucceed(t, "nport status", r)
	all.WriteString(r.stdout)
	text := all.String()

	secrets := map[string]string{"the relay's key": w.relayKey, "the rendezvous's key": w.rvKey.String(),
		"the device's key": w.daemonKey().String(), "alice's key": w.identity(alice).Public().String()}
	keyText := regexp.MustCompile(`nport-(?:priv|pub):[A-Za-z0-9_-]{43}`)
	for who, home := range map[string]string{device: w.devHome, alice: w.homes[alice], "@relay": w.relayDir} {
		file, err := os.ReadFile(filepath.Join(home, "keys", who+".key"))
		if err != nil {
			t.Fatal(err)
		}
		keys := keyText.FindAllString(string(file), -1)
		if len(keys) != 2 {
			t.Fatalf("found %d keys in %s's key file, want its private and public key", len(keys), who)
		}
		secrets[who+"'s private key"], secrets[who+"'s public key"] = keys[0], keys[1]
	}
	for what, secret := range secrets {
		raw := secret[strings.IndexByte(secret, ':')+1:] // the key without its typed prefix
		if strings.Contains(text, secret) || strings.Contains(text, raw) {
			t.Errorf("%s appears in the status output", what)
		}
	}
	// Keys and tokens are 32 bytes in base64url (43 characters), session
	// ids 8-4-4-4-12 hex: none of either may appear, whatever it is.
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`[A-Za-z0-9_-]{40,}`),
		regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`),
		regexp.MustCompile(`nport-(pub|priv|claim):`),
	} {
		if m := re.FindString(text); m != "" {
			t.Errorf("the status output holds %q, which looks like a key, token or session id", m)
		}
	}
	if len(text) < 2000 || !strings.Contains(text, alice) {
		t.Fatalf("the status output is too thin to prove anything (%d bytes)", len(text))
	}
}

// chromium is the path of a headless Chromium, or the test is skipped.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium: install it (Debian: apt-get install chromium) to test the status page in a browser")
	return ""
}

// runBrowser runs headless Chromium with args and returns its stdout.
func runBrowser(t *testing.T, browser string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	profile := t.TempDir()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
		"--user-data-dir=" + profile, "--hide-scrollbars"}
	cmd := exec.CommandContext(ctx, browser, append(base, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+profile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.String()
}

// screenshotDir is where screenshots go for a person to look at:
// NPORT_SCREENSHOTS if set, else the system's temporary directory.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("NPORT_SCREENSHOTS")
	if dir == "" {
		dir = os.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
