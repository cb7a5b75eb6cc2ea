// Package admin is the relay's admin socket, HOME/relay/admin.sock: the
// operator's commands (`nport relay directory list|remove`, `nport relay
// invite`) reach a running relay there, since the relay holds its
// database locked. When no relay runs, the commands open the database
// and run the same operations (Ops) themselves.
//
// The socket speaks JSON lines: one Request a line, one Response a line
// back, as many as the client sends. It is a unix socket of mode 0600 in
// a directory of mode 0700: only the relay's user reaches it.
package admin

import (
	"path/filepath"
	"time"
)

// SocketName is the admin socket under a relay's home.
func SocketName(home string) string { return filepath.Join(home, "relay", "admin.sock") }

// The operations of a Request.
const (
	OpList   = "list"   // every binding
	OpRemove = "remove" // release Name
	OpInvite = "invite" // an invitation for Name, valid for TTL
)

// Request is one operation.
type Request struct {
	Op   string `json:"op"`
	Name string `json:"name,omitempty"`
	// TTL is how long an invitation is valid, as "24h"; empty is
	// DefaultInviteTTL.
	TTL string `json:"ttl,omitempty"`
}

// Response is the answer to a Request: Error, or the fields of its
// operation.
type Response struct {
	Error    string    `json:"error,omitempty"`
	Bindings []Binding `json:"bindings,omitempty"` // list
	Removed  *Binding  `json:"removed,omitempty"`  // remove
	Token    string    `json:"token,omitempty"`    // invite: nport-claim:…
	Expires  time.Time `json:"expires,omitzero"`   // invite
}

// Binding is a name, its key (nport-pub:…) and its times.
type Binding struct {
	Name     string    `json:"name"`
	Key      string    `json:"key"`
	Claimed  time.Time `json:"claimed,omitzero"`
	LastSeen time.Time `json:"last_seen,omitzero"`
}

// DefaultInviteTTL is how long an invitation is valid unless told.
const DefaultInviteTTL = 24 * time.Hour

// maxLine bounds a request or response line read, past a long listing.
const maxLine = 64 << 20
