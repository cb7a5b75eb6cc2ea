package wire

// The JSON bodies of the sealed messages, one struct per MessageType.
// Field names are snake_case. A receiver ignores fields it does not know,
// so a newer peer may add optional fields without a new MessageVersion;
// a field whose absence would change the meaning needs a new type.
//
// Binary values (tokens, ephemeral keys) travel as unpadded base64url
// text: Encode32 and Decode32.

// Body is a message body: it knows the MessageType that carries it.
type Body interface {
	MessageType() MessageType
}

// SessionRequest asks a rendezvous for a session (client → rendezvous).
// The Message's session field holds the new session id, chosen by the
// client; the sender is the identity that sealed the message.
type SessionRequest struct {
	// To is the daemon's identity, "@garage_pi".
	To string `json:"to"`
	// Device is the daemon's device name under that identity.
	Device string `json:"device"`
}

// SessionGrant answers it (rendezvous → client), for the same session id.
type SessionGrant struct {
	// Address is the host:port both parties dial.
	Address string `json:"address"`
	// ClientToken is the client's single-use token, Encode32 text.
	ClientToken string `json:"client_token"`
	// DaemonToken is the daemon's, which the client passes on sealed in
	// its TunnelRequest.
	DaemonToken string `json:"daemon_token"`
	// ExpiresMillis is how long the session waits for both parties.
	ExpiresMillis int64 `json:"expires_in_ms"`
}

// TunnelRequest asks a daemon to join a session (client → daemon).
type TunnelRequest struct {
	// Device is the device name the client means. Daemons of the same
	// identity with another device name stay silent, so that the right one
	// answers; RefusalWrongDevice is for a peer that knows no other daemon
	// will.
	Device string `json:"device"`
	// Rendezvous is the host:port of the grant.
	Rendezvous string `json:"rendezvous"`
	// Token is the daemon's token from the grant, Encode32 text.
	Token string `json:"token"`
	// Target is the host:port the daemon connects the tunnel to; empty
	// means localhost:22.
	Target string `json:"target"`
	// Ephemeral is the client's ephemeral X25519 public key for the record
	// layer, Encode32 text.
	Ephemeral string `json:"ephemeral"`
	// SSHPublicKey, if set, is an OpenSSH public key line the daemon adds
	// to the user's authorized keys for this session.
	SSHPublicKey string `json:"ssh_public_key,omitempty"`
	// User is the account on the device the SSH key is for.
	User string `json:"user,omitempty"`
	// Ciphers are the record ciphers the client offers, best first
	// (wire.Cipher*); none means CipherChaCha20Poly1305.
	Ciphers []string `json:"ciphers,omitempty"`
	// Streams is 1 when the session will carry exactly one connection
	// (ssh run by the client, a ProxyCommand): the record stream can then
	// be that connection, with no multiplexer. 0 means any number.
	Streams int `json:"streams,omitempty"`
	// Protocol is what the tunnel carries to the target: ProtocolTCP (or
	// empty) for connections, ProtocolUDP for datagrams, each stream then
	// being one flow of datagrams framed as core/datagram says. A daemon
	// refuses a protocol it does not know (RefusalBadRequest); one that
	// predates the field ignores it, so a client asking for UDP checks
	// that the reply names it too.
	Protocol string `json:"protocol,omitempty"`
}

// The protocols of a TunnelRequest.
const (
	ProtocolTCP = "tcp"
	ProtocolUDP = "udp"
)

// TunnelReply accepts a TunnelRequest (daemon → client): the daemon has
// reached the target and is dialing the rendezvous.
type TunnelReply struct {
	// Ephemeral is the daemon's ephemeral X25519 public key, Encode32 text.
	Ephemeral string `json:"ephemeral"`
	// Cipher is the record cipher the daemon chose among the request's;
	// empty means CipherChaCha20Poly1305.
	Cipher string `json:"cipher,omitempty"`
	// Streams is 1 when the daemon carries the one connection of a
	// request with Streams 1 as the record stream itself; 0 means it runs
	// the multiplexer, which a client must then run too.
	Streams int `json:"streams,omitempty"`
	// Protocol repeats a request's ProtocolUDP: the daemon carries
	// datagrams. Empty means connections.
	Protocol string `json:"protocol,omitempty"`
}

// RefusalBody refuses a request (any → any); the Message's session field
// names the session refused. It is the body of MsgRefusal; the name
// Refusal belongs to the relay's Refuse frame.
type RefusalBody struct {
	// Code is one of the Refusal* constants; a receiver shows an unknown
	// one as it is.
	Code string `json:"code"`
	// Message says what to do, for the person.
	Message string `json:"message"`
	// RetryAfterMillis, with RefusalBusy, says when to ask again.
	RetryAfterMillis int64 `json:"retry_after_ms,omitempty"`
}

// The codes of a RefusalBody.
const (
	RefusalUnauthorized          = "unauthorized"           // the sender is not a manager of the daemon
	RefusalWrongDevice           = "wrong-device"           // the daemon serves another device name
	RefusalTargetRefused         = "target-refused"         // the target is not allowed (permit-open)
	RefusalTargetUnreachable     = "target-unreachable"     // the daemon could not connect to the target
	RefusalRendezvousUnreachable = "rendezvous-unreachable" // the daemon could not connect to the rendezvous
	RefusalRendezvousRefused     = "rendezvous-refused"     // the rendezvous refused the daemon's hello
	RefusalLimit                 = "limit"                  // too many sessions
	RefusalBadRequest            = "bad-request"            // a field is missing or wrong
	RefusalInternal              = "internal"               // the refuser failed; its log says why
	RefusalBusy                  = "busy"                   // the refuser has too much to do now: ask again after RetryAfterMillis
)

// PingBody asks whether a peer is there (any → any). Sent to a device
// identity it reaches every daemon under it, and each that serves the
// sender answers: that is how a client lists the devices it may use.
type PingBody struct {
	// Device, if set, asks that daemon only.
	Device string `json:"device,omitempty"`
	// Want, if set, names the device the sender is about to ask for a
	// session: every daemon answers as without it, and that device's
	// answers even when it is hidden (--hide keeps a device out of
	// listings, not away from a manager who names it).
	Want string `json:"want,omitempty"`
}

// PongBody answers a PingBody. A daemon fills in every field; another
// peer (a rendezvous) or an older daemon sends Device and Version only,
// so a receiver reads OS empty as "the rest is unknown".
type PongBody struct {
	// Device is the answering daemon's device name; empty for others.
	Device string `json:"device"`
	// Version is the answering program's version, for diagnostics.
	Version string `json:"version"`
	// OS and Arch are the platform the daemon runs on (Go's GOOS and
	// GOARCH: "linux", "mipsle").
	OS   string `json:"os,omitempty"`
	Arch string `json:"arch,omitempty"`
	// UptimeMillis is how long the daemon has been running.
	UptimeMillis int64 `json:"uptime_ms,omitempty"`
	// Targets are the host:port targets the daemon lets the sender open
	// ("*" for any host or port).
	Targets []string `json:"targets,omitempty"`
	// Group is the device group the daemon belongs to (--device-group),
	// empty for none.
	Group string `json:"group,omitempty"`
	// Sessions is how many sessions the daemon has live, those kept
	// across its restarts included.
	Sessions int `json:"sessions,omitempty"`
}

// MessageType returns MsgSessionRequest.
func (SessionRequest) MessageType() MessageType { return MsgSessionRequest }

// MessageType returns MsgSessionGrant.
func (SessionGrant) MessageType() MessageType { return MsgSessionGrant }

// MessageType returns MsgTunnelRequest.
func (TunnelRequest) MessageType() MessageType { return MsgTunnelRequest }

// MessageType returns MsgTunnelReply.
func (TunnelReply) MessageType() MessageType { return MsgTunnelReply }

// MessageType returns MsgRefusal.
func (RefusalBody) MessageType() MessageType { return MsgRefusal }

// MessageType returns MsgPing.
func (PingBody) MessageType() MessageType { return MsgPing }

// MessageType returns MsgPong.
func (PongBody) MessageType() MessageType { return MsgPong }
