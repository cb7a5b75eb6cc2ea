package metrics

import "time"

// Refusals is the metric of every refusal, by reason and, for a limit, the
// limit's flag.
const Refusals = "nport_refusals_total"

// Refusal is one refusal, as the status page lists the latest.
type Refusal struct {
	Time time.Time `json:"time"`
	// Reason is the refusal's code (limit, unauthorized, target-refused, …).
	Reason string `json:"reason"`
	// Limit names the flag of the limit that refused, if one did.
	Limit string `json:"limit,omitempty"`
	// Who is the identity or the address refused, when known.
	Who string `json:"who,omitempty"`
	// Message is the refusal's text, as the refused party was told it.
	Message string `json:"message,omitempty"`
}

// Refuse counts a refusal and keeps it among the latest. The message must
// say what was refused and why, never carry a key, token or payload.
func (r *Registry) Refuse(reason, limit, who, message string) {
	if r == nil {
		return
	}
	if limit == "" {
		r.Inc(Name(Refusals, "reason", reason))
	} else {
		r.Inc(Name(Refusals, "reason", reason, "limit", limit))
	}
	r.mu.Lock()
	r.refusals.add(Refusal{Time: r.now(), Reason: reason, Limit: limit, Who: who, Message: clip(message, 200)})
	r.mu.Unlock()
}

// clip shortens s to at most n bytes.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
