package status

import (
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/metrics"
	"github.com/nport/nport/core/session"
)

func TestPageShowsSessionsAndEscapes(t *testing.T) {
	reg := metrics.New(metrics.RoleDaemon)
	reg.SetInfo("device", "pi")
	id := session.NewID()
	reg.Start(id, metrics.Parties{Client: "@alice", Daemon: "@garage", Device: "pi", Target: "localhost:22"}, time.Millisecond,
		func() (int64, int64) { return 1 << 20, 42 })
	reg.Refuse("target-refused", "", "@bob", `<script>alert(1)</script> is not among @bob's targets`)
	reg.Sample()
	page := string(Page(reg.Snapshot()))
	for _, want := range []string{
		"<title>nport daemon</title>", id.Short(), "@alice", "@garage:pi", "localhost:22", "1.0 MiB", "42 B",
		"&lt;script&gt;", "target-refused", `<svg id="chart"`, "<polyline", `http-equiv="refresh"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, id.String()) {
		t.Errorf("the page holds a script or the whole session id:\n%s", page)
	}
}

func TestRelayPageListsIdentities(t *testing.T) {
	reg := metrics.New(metrics.RoleRelay)
	reg.Connected("@garage", false)
	reg.Connected("@rv", true)
	page := string(Page(reg.Snapshot()))
	for _, want := range []string{"Connected identities (2)", "<td>@garage</td><td>device/client</td>", "<td>@rv</td><td>service</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

func TestFormats(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Bytes(512), "512 B"}, {Bytes(1536), "1.5 KiB"}, {Bytes(3 << 30), "3.0 GiB"},
		{Age(45), "45s"}, {Age(192), "3m12s"}, {Age(5*3600 + 240), "5h04m"}, {Age(2*86400 + 3*3600), "2d03h"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
