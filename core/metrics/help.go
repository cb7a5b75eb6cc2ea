package metrics

// help is the HELP text of each metric family nport writes. docs/metrics.md
// lists the same, with the labels.
var help = map[string]string{
	"nport_build_info":               "the role and version of this process (always 1)",
	"nport_uptime_seconds":           "seconds since this process started",
	"nport_refusals_total":           "refusals, by reason (a refusal code) and, for a limit, the limit's flag",
	"nport_sessions_total":           "sessions that went live, since the start",
	"nport_sessions_live":            "sessions live now",
	"nport_sessions_ended_total":     "sessions that ended, by reason",
	"nport_session_bytes_total":      "bytes moved by sessions, live ones included, by direction",
	"nport_session_setup_seconds":    "time from a session's request to its two sides joined",
	"nport_sessions_pending":         "sessions granted whose two sides have not both come yet",
	"nport_sessions_unpaired_total":  "sessions granted that ended before both sides came, by reason",
	"nport_handshakes_total":         "handshakes of accepted sockets, by result",
	"nport_handshakes_pending":       "sockets in their handshake now",
	"nport_handshakes_peak":          "the most sockets that were in their handshake at once",
	"nport_handshakes_shed_total":    "sockets in their handshake closed to make room for newcomers, by limit",
	"nport_handshakes_refused_total": "newcomers refused because their source had as many handshakes as allowed",
	"nport_relay_reconnects_total":   "retries of the relay connection after it failed or was lost",
	"nport_inbox_dropped_total":      "messages dropped because the inbox was full",
	"nport_connections_total":        "sockets accepted by the relay, by result",
	"nport_connections_live":         "connections of identities that finished their handshake",
	"nport_identities_live":          "identities with at least one live connection",
	"nport_claims_total":             "identities proved and checked against the claim policy, by result",
	"nport_messages_total":           "messages sent through the relay, by result (delivered, queued, over-rate, dropped, …)",
	"nport_queued_frames":            "messages kept for offline identities",
	"nport_queued_bytes":             "bytes of the messages kept for offline identities",
	"nport_send_queue_bytes":         "bytes waiting to be written to connections",
	"nport_names":                    "names bound in the relay's directory",
}
