package metrics

import (
	"slices"
	"time"

	"github.com/nport/nport/core/buildinfo"
)

// Snapshot is what the status page shows and /status.json carries.
type Snapshot struct {
	Role    string    `json:"role"`
	Version string    `json:"version"`
	Started time.Time `json:"started"`
	Now     time.Time `json:"now"`
	// UptimeSeconds is Now less Started.
	UptimeSeconds float64 `json:"uptime_seconds"`
	// Info is what the process says about itself (its identity, device,
	// relay, listen address), in the order it said it.
	Info []Info `json:"info"`
	// Identities are those connected, on a relay; nil elsewhere.
	Identities []Identity    `json:"identities"`
	Sessions   []LiveSession `json:"sessions"`
	// SessionsTotal counts the sessions since the start, ended ones too.
	SessionsTotal int64 `json:"sessions_total"`
	// BytesClientToDaemon and BytesDaemonToClient are the bytes of every
	// session so far.
	BytesClientToDaemon int64     `json:"bytes_client_to_daemon"`
	BytesDaemonToClient int64     `json:"bytes_daemon_to_client"`
	Refusals            []Refusal `json:"refusals"`
	// History has one sample every SampleEvery over the last HistorySpan,
	// oldest first, and one for now. HistoryLive says what its Live
	// counts (sessions, or a relay's connections), HistoryMoved what its
	// Moved counts (bytes, or a relay's messages).
	History      []Sample `json:"history"`
	HistoryLive  string   `json:"history_live"`
	HistoryMoved string   `json:"history_moved"`
}

// Info is one fact a process tells about itself.
type Info struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// LiveSession is a live session on the status page.
type LiveSession struct {
	// ID is the short form of the session id.
	ID     string `json:"id"`
	Client string `json:"client,omitempty"`
	Daemon string `json:"daemon,omitempty"`
	Device string `json:"device,omitempty"`
	Target string `json:"target,omitempty"`
	// Started is when it went live; AgeSeconds how long ago.
	Started    time.Time `json:"started"`
	AgeSeconds float64   `json:"age_seconds"`
	// BytesClientToDaemon and BytesDaemonToClient are its bytes so far.
	BytesClientToDaemon int64 `json:"bytes_client_to_daemon"`
	BytesDaemonToClient int64 `json:"bytes_daemon_to_client"`
	// Rate is its bytes per second, both ways, since the latest sample.
	Rate float64 `json:"bytes_per_second"`
}

// Sample is the state at one time of the history.
type Sample struct {
	Time time.Time `json:"time"`
	// Live is the number of live sessions then (a relay's connections).
	Live int `json:"live"`
	// Moved is the bytes moved since the sample before, both ways (the
	// messages a relay carried).
	Moved int64 `json:"moved"`

	total int64 // moved so far
}

// SetInfo records a fact about the process, replacing one of the same
// key: its identity, device, listen address.
func (r *Registry) SetInfo(key, value string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.info {
		if r.info[i].Key == key {
			r.info[i].Value = value
			return
		}
	}
	r.info = append(r.info, Info{key, value})
}

// Sample adds a sample to the history, and starts the rate of each live
// session afresh. The status server calls it every SampleEvery.
func (r *Registry) Sample() {
	if r == nil {
		return
	}
	s := r.measure()
	r.mu.Lock()
	defer r.mu.Unlock()
	if prev, ok := r.history.last(); ok {
		s.Moved = s.total - prev.total
	}
	r.history.add(s)
	for ls := range r.live {
		ls.sampled[0], ls.sampled[1] = ls.bytes()
		ls.sampledAt = s.Time
	}
}

// measure is a sample of now, its Moved not yet set.
func (r *Registry) measure() Sample {
	if r.role == RoleRelay {
		return Sample{Time: r.now(), Live: r.connections(), total: int64(r.set.sum(messages))}
	}
	a, b := r.totals()
	return Sample{Time: r.now(), Live: r.liveCount(), total: a + b}
}

// messages is the family of a relay's messages, by result.
const messages = "nport_messages_total"

// historyNow is the samples and one for now.
func (r *Registry) historyNow() []Sample {
	now := r.measure()
	r.mu.Lock()
	defer r.mu.Unlock()
	h := r.history.all()
	if len(h) > 0 {
		now.Moved = now.total - h[len(h)-1].total
	}
	return append(h, now)
}

// Snapshot returns the state the status page shows.
func (r *Registry) Snapshot() Snapshot {
	if r == nil {
		return Snapshot{}
	}
	c2d, d2c := r.totals()
	now := r.now()
	snap := Snapshot{
		Role: r.role, Version: buildinfo.Version, Started: r.started, Now: now,
		UptimeSeconds:       now.Sub(r.started).Seconds(),
		Identities:          r.connectedOrNil(),
		SessionsTotal:       int64(r.set.counter(SessionsTotal).count.Load()),
		BytesClientToDaemon: c2d,
		BytesDaemonToClient: d2c,
	}
	r.mu.Lock()
	snap.Info = slices.Clone(r.info)
	snap.Refusals = r.refusals.all()
	slices.Reverse(snap.Refusals) // the latest first
	for s := range r.live {
		snap.Sessions = append(snap.Sessions, s.view(now))
	}
	r.mu.Unlock()
	snap.History = r.historyNow()
	snap.HistoryLive, snap.HistoryMoved = "sessions", "bytes"
	if r.role == RoleRelay {
		snap.HistoryLive, snap.HistoryMoved = "connections", "messages"
	}
	slices.SortFunc(snap.Sessions, func(a, b LiveSession) int { return a.Started.Compare(b.Started) })
	return snap
}

// connectedOrNil is the identities connected on a relay, nil elsewhere.
func (r *Registry) connectedOrNil() []Identity {
	if r.role != RoleRelay {
		return nil
	}
	return r.connected()
}

// view is the session as the status page shows it at now.
func (s *Session) view(now time.Time) LiveSession {
	a, b := s.bytes()
	v := LiveSession{
		ID: s.id, Client: s.parties.Client, Daemon: s.parties.Daemon, Device: s.parties.Device, Target: s.parties.Target,
		Started: s.started, AgeSeconds: now.Sub(s.started).Seconds(),
		BytesClientToDaemon: a, BytesDaemonToClient: b,
	}
	if d := now.Sub(s.sampledAt).Seconds(); d > 0 {
		v.Rate = float64(a+b-s.sampled[0]-s.sampled[1]) / d
	}
	return v
}
