package keeper

import (
	"errors"
	"fmt"
	"time"

	"github.com/nport/nport/core/bridge"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/record"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// Handoff is an accepted tunnel request, as the daemon passes it to the
// keeper: everything needed to join the rendezvous and serve the tunnel.
// It holds no private key: the keeper makes the session's ephemeral key
// itself and answers with its public half, so that the secret of a session
// lives in the one process that uses it.
type Handoff struct {
	// Session is the session id the rendezvous granted.
	Session session.ID `json:"session"`
	// Manager is the identity that asked, for listings and logs.
	Manager identity.Name `json:"manager"`
	// Rendezvous is the address to join, host:port.
	Rendezvous string `json:"rendezvous"`
	// Token is the daemon's single-use token at the rendezvous.
	Token session.Token `json:"token"`
	// Peer is the client's ephemeral public key.
	Peer identity.PublicKey `json:"peer"`
	// Cipher is the record cipher the daemon chose.
	Cipher record.Cipher `json:"cipher"`
	// Single is a tunnel of one connection, without a multiplexer.
	Single bool `json:"single,omitempty"`
	// Protocol is wire.ProtocolTCP or wire.ProtocolUDP.
	Protocol string `json:"protocol"`
	// Target is the host:port each stream reaches.
	Target string `json:"target"`
	// BufferSize is the copy buffer per stream direction; 0 is the
	// default.
	BufferSize int `json:"buffer_size,omitempty"`
	// Proxy is how to reach the rendezvous, as the daemon's --proxy.
	Proxy string `json:"proxy,omitempty"`
	// Asked is when the daemon received the request, for the set-up
	// time its metrics count.
	Asked time.Time `json:"asked"`
}

// UDP reports whether the tunnel carries datagrams.
func (h *Handoff) UDP() bool { return h.Protocol == wire.ProtocolUDP }

// maxBufferSize bounds a hand-off's buffer size, far above any sensible
// one, so that a bad value cannot make the keeper allocate without limit.
const maxBufferSize = 1 << 20

// validName reports whether n is a name identity.ParseName accepts.
func validName(n identity.Name) bool {
	_, err := identity.ParseName(string(n))
	return err == nil
}

// errBadHandoff refuses a hand-off that no daemon of this build sends.
var errBadHandoff = errors.New("bad hand-off")

// Check refuses a hand-off that is missing a part or holds one that the
// daemon's checks would never have let through.
func (h *Handoff) Check() error {
	var err error
	switch {
	case h.Session.IsZero():
		err = errors.New("no session id")
	case !validName(h.Manager):
		err = fmt.Errorf("bad manager %q", h.Manager)
	case h.Rendezvous == "" || h.Token.IsZero():
		err = errors.New("no rendezvous or token")
	case h.Target == "":
		err = errors.New("no target")
	case h.Protocol != wire.ProtocolTCP && h.Protocol != wire.ProtocolUDP:
		err = fmt.Errorf("unknown protocol %q", h.Protocol)
	case h.BufferSize != 0 && (h.BufferSize < bridge.MinBufferSize || h.BufferSize > maxBufferSize):
		err = fmt.Errorf("buffer size %d outside %d..%d", h.BufferSize, bridge.MinBufferSize, maxBufferSize)
	}
	if err == nil {
		err = h.Peer.Validate()
	}
	if err == nil {
		_, err = record.ParseCipher(string(h.Cipher))
	}
	if err != nil {
		return fmt.Errorf("%w: %v", errBadHandoff, err)
	}
	return nil
}

// Info describes a live session, for listings and limits.
type Info struct {
	Session  session.ID    `json:"session"`
	Manager  identity.Name `json:"manager"`
	Target   string        `json:"target"`
	Protocol string        `json:"protocol"`
	Started  time.Time     `json:"started"`
	// Sent and Received count the bytes of the target's connections.
	Sent     int64 `json:"sent"`
	Received int64 `json:"received"`
	// Streams is the number of connections served so far, Open those
	// open now.
	Streams int64 `json:"streams"`
	Open    int   `json:"open"`
	// Keeper is the process id of the keeper serving it; 0 for a
	// session the daemon serves itself.
	Keeper int `json:"keeper,omitempty"`
}
