package status

import (
	"fmt"
	"html"
	"strings"

	"github.com/nport/nport/core/metrics"
)

// Refresh is how often the page reloads itself, in seconds.
const Refresh = 5

// Page is the status page of snap: plain HTML that refreshes itself, with
// no script and nothing loaded from elsewhere.
func Page(snap metrics.Snapshot) []byte {
	var b strings.Builder
	e := html.EscapeString
	title := "nport " + snap.Role
	fmt.Fprintf(&b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"%d\">\n", Refresh)
	fmt.Fprintf(&b, "<meta name=\"viewport\" content=\"width=device-width\"><title>%s</title><style>%s</style></head><body>\n", e(title), style)
	fmt.Fprintf(&b, "<h1>%s</h1>\n<p class=\"sub\">version %s · up <span id=\"uptime\">%s</span> · since %s</p>\n",
		e(title), e(snap.Version), Age(snap.UptimeSeconds), snap.Started.UTC().Format("2006-01-02 15:04:05 UTC"))
	if len(snap.Info) > 0 {
		b.WriteString("<table id=\"info\">")
		for _, in := range snap.Info {
			fmt.Fprintf(&b, "<tr><th>%s</th><td>%s</td></tr>", e(in.Key), e(in.Value))
		}
		b.WriteString("</table>\n")
	}
	if snap.Role == metrics.RoleRelay {
		identities(&b, snap.Identities)
	} else {
		sessions(&b, snap)
	}
	refusals(&b, snap.Refusals)
	b.WriteString("<h2>Last hour</h2>\n")
	b.WriteString(Chart(snap))
	b.WriteString("\n<p class=\"sub\">Also: <a href=\"/status.json\">status.json</a> · <a href=\"/metrics\">metrics</a></p>\n</body></html>\n")
	return []byte(b.String())
}

const style = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
h1{font-size:1.4em;margin:0}h2{font-size:1.1em;margin:1.4em 0 .4em}.sub{color:#666;margin:.2em 0}
table{border-collapse:collapse;background:#fff}th,td{padding:.25em .7em;border-bottom:1px solid #e4e4e4;text-align:left}
th{font-weight:600;color:#444}td.n{text-align:right;font-variant-numeric:tabular-nums}.none{color:#888}
svg{background:#fff;border:1px solid #e4e4e4}`

func identities(b *strings.Builder, ids []metrics.Identity) {
	fmt.Fprintf(b, "<h2>Connected identities (%d)</h2>\n", len(ids))
	if len(ids) == 0 {
		b.WriteString("<p class=\"none\">none</p>\n")
		return
	}
	b.WriteString("<table id=\"identities\"><tr><th>identity</th><th>kind</th><th>connections</th><th>since</th></tr>\n")
	for _, id := range ids {
		kind := Kind(id)
		fmt.Fprintf(b, "<tr><td>%s</td><td>%s</td><td class=\"n\">%d</td><td>%s</td></tr>\n",
			html.EscapeString(id.Name), kind, id.Connections, id.Since.UTC().Format("15:04:05"))
	}
	b.WriteString("</table>\n")
}

func sessions(b *strings.Builder, snap metrics.Snapshot) {
	fmt.Fprintf(b, "<h2>Live sessions (%d)</h2>\n<p class=\"sub\">%d since start · %s client→daemon · %s daemon→client</p>\n",
		len(snap.Sessions), snap.SessionsTotal, Bytes(snap.BytesClientToDaemon), Bytes(snap.BytesDaemonToClient))
	if len(snap.Sessions) == 0 {
		b.WriteString("<p class=\"none\">none</p>\n")
		return
	}
	b.WriteString("<table id=\"sessions\"><tr><th>session</th><th>client</th><th>device</th><th>target</th><th>age</th><th>client→daemon</th><th>daemon→client</th><th>rate</th></tr>\n")
	for _, s := range snap.Sessions {
		fmt.Fprintf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td></tr>\n",
			html.EscapeString(s.ID), html.EscapeString(dash(s.Client)), html.EscapeString(Device(s.Daemon, s.Device)),
			html.EscapeString(dash(s.Target)), Age(s.AgeSeconds), Bytes(s.BytesClientToDaemon), Bytes(s.BytesDaemonToClient), Rate(s.Rate))
	}
	b.WriteString("</table>\n")
}

func refusals(b *strings.Builder, rs []metrics.Refusal) {
	fmt.Fprintf(b, "<h2>Last refusals (%d)</h2>\n", len(rs))
	if len(rs) == 0 {
		b.WriteString("<p class=\"none\">none</p>\n")
		return
	}
	b.WriteString("<table id=\"refusals\"><tr><th>time</th><th>reason</th><th>limit</th><th>who</th><th>message</th></tr>\n")
	for _, r := range rs {
		fmt.Fprintf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", r.Time.UTC().Format("15:04:05"),
			html.EscapeString(r.Reason), html.EscapeString(dash(r.Limit)), html.EscapeString(dash(r.Who)), html.EscapeString(r.Message))
	}
	b.WriteString("</table>\n")
}

// Kind is what a relay's identity is: a service (a rendezvous), or a
// device or client, which the relay cannot tell apart. A device identity
// has one connection per device name.
func Kind(id metrics.Identity) string {
	if id.Service {
		return "service"
	}
	return "device/client"
}

// Device is a session's device as `@identity:device`, or what is known.
func Device(identity, device string) string {
	switch {
	case identity != "" && device != "":
		return identity + ":" + device
	case identity != "":
		return identity
	case device != "":
		return device
	}
	return "-"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
