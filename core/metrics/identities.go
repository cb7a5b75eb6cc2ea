package metrics

import (
	"slices"
	"strings"
	"time"
)

// Metric names of a relay's identities.
const (
	IdentitiesLive  = "nport_identities_live"
	ConnectionsLive = "nport_connections_live"
)

// Identity is an identity connected to a relay.
type Identity struct {
	Name string `json:"name"`
	// Connections is how many connections it has: one per device name of
	// a device identity, one per process of a service.
	Connections int `json:"connections"`
	// Service is set for a service identity (a rendezvous).
	Service bool `json:"service"`
	// Since is when its oldest live connection came.
	Since time.Time `json:"since"`
}

// Connected counts a new connection of name.
func (r *Registry) Connected(name string, service bool) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.identities == nil {
		r.identities = make(map[string]*Identity)
	}
	id := r.identities[name]
	if id == nil {
		id = &Identity{Name: name, Since: r.now()}
		r.identities[name] = id
	}
	id.Connections++
	id.Service = service
}

// Disconnected counts the end of a connection of name.
func (r *Registry) Disconnected(name string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if id := r.identities[name]; id != nil {
		if id.Connections--; id.Connections <= 0 {
			delete(r.identities, name)
		}
	}
}

// identityGauges registers the gauges of the connected identities.
func (r *Registry) identityGauges() {
	r.Gauge(IdentitiesLive, func() float64 { return float64(len(r.connected())) })
	r.Gauge(ConnectionsLive, func() float64 { return float64(r.connections()) })
}

// connected returns the identities connected, by name.
func (r *Registry) connected() []Identity {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Identity, 0, len(r.identities))
	for _, id := range r.identities {
		out = append(out, *id)
	}
	slices.SortFunc(out, func(a, b Identity) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (r *Registry) connections() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, id := range r.identities {
		n += id.Connections
	}
	return n
}
