package wire

// The relay connection. Each identity keeps one TCP connection (or TLS, or
// through an HTTP CONNECT proxy) to its relay per running program:
//
//	client                                         relay
//	ClientHello  (first frame)                  →
//	                                            ←  ServerHello
//	ClientAuth                                  →
//	                                            ←  Welcome, or Refuse then close
//	Send, Lookup, Ping, Pong                    →
//	                                            ←  Recv, LookupReply, SendStatus, Ping, Pong
//
// The client checks the relay's key against its pin and the relay's proof
// before it sends ClientAuth; the relay checks the client's proof and that
// the name is free or already bound to the same key before Welcome. Either
// side may send Refuse, then closes. Before Welcome, any other frame type
// is malformed; after it, unknown frame types are skipped.
//
// Keepalive: after Welcome, each side sends a frame at least once per
// keepalive interval (a Ping when it has nothing else to send), and closes
// a connection on which it has received nothing for three intervals (15 s at the default 5 s).
const (
	// FrameClientHello opens the connection (client → relay, first frame):
	//
	//	magic      [4]byte   Magic, "nprt"
	//	version    uint8     ProtocolVersion
	//	flags      uint8     HelloFlags: bit 0 HelloService; unknown bits
	//	                     are ignored
	//	pub        [32]byte  the client's long-term X25519 public key
	//	challenge  [32]byte  fresh random bytes the relay proves its key over
	//	nameLen    uint8     MinNameLen..MaxNameLen
	//	name       [nameLen] the identity the client claims, "@alice"
	//
	// A relay that does not speak the version answers Refuse with
	// RefuseVersion, naming the version it speaks.
	FrameClientHello FrameType = 0x01

	// FrameServerHello answers it (relay → client):
	//
	//	version    uint8     ProtocolVersion, the client's
	//	relayPub   [32]byte  the relay's long-term X25519 public key
	//	challenge  [32]byte  fresh random bytes the client proves its key over
	//	proof      [rest]    ServerProofLen bytes: nonce[24] || box, a NaCl
	//	                     box from the relay key to the client key of
	//	                     ServerProofPlaintext(client challenge)
	FrameServerHello FrameType = 0x02

	// FrameClientAuth proves the client's key (client → relay):
	//
	//	proof      [rest]    nonce[24] || box, a NaCl box from the client key
	//	                     to the relay key of ClientProofPlaintext(relay
	//	                     challenge, name, token): token is empty, or a
	//	                     claim token of ClaimTokenLen bytes that the
	//	                     relay's claim policy may ask for; so
	//	                     ClientProofLen(len(name), 0 or ClaimTokenLen)
	//	                     bytes
	FrameClientAuth FrameType = 0x03

	// FrameWelcome admits the client (relay → client):
	//
	//	keepalive  uint32    milliseconds between keepalives, at least 1
	//	maxFrame   uint32    the largest payload the relay accepts from this
	//	                     client, MinFrameLimit..MaxFrameSize
	//	relayTime  int64     the relay's clock, Unix milliseconds, so that a
	//	                     client can report clock skew (messages carry a
	//	                     timestamp checked against a freshness window)
	//	connID     uint64    this connection's id at the relay, never 0: the
	//	                     fromConn of what it sends, for logs
	FrameWelcome FrameType = 0x04

	// FrameRefuse ends a connection with a reason (either way, at any time,
	// then the sender closes):
	//
	//	code       uint8     RefuseCode; unknown codes are kept, not refused,
	//	                     as a Refuse may come before the version is agreed
	//	message    [rest]    UTF-8 text for the person, at most
	//	                     MaxRefuseMessage bytes, may be empty
	FrameRefuse FrameType = 0x05

	// FrameSend hands a sealed envelope to the relay for one name
	// (client → relay):
	//
	//	sendID     uint32    chosen by the sender; 0 asks for no SendStatus
	//	toConn     uint64    0: the name (every live connection of a device,
	//	                     one of a service, or the queue when none is
	//	                     live); else that one connection of the name,
	//	                     the fromConn of a Recv being answered, and
	//	                     never the queue
	//	toPub      [32]byte  the key the envelope is sealed to; a relay
	//	                     whose directory binds the name to another key
	//	                     answers SendKeyMismatch. All zero: not checked
	//	toLen      uint8     MinNameLen..MaxNameLen
	//	to         [toLen]   the recipient's name
	//	sealed     [rest]    the envelope (envelope.go),
	//	                     MinSealedLen..MaxSealedLen bytes
	FrameSend FrameType = 0x10

	// FrameRecv delivers an envelope (relay → client), to the connections
	// the Send named:
	//
	//	fromConn   uint64    the sender's connection, never 0: the toConn of
	//	                     an answer that must reach the process that asked
	//	fromLen    uint8     MinNameLen..MaxNameLen
	//	from       [fromLen] the sender's name, as the relay authenticated it
	//	fromPub    [32]byte  the key the relay knows for that name; the
	//	                     recipient checks it against its own pin
	//	sealed     [rest]    the envelope, as sent
	FrameRecv FrameType = 0x11

	// FrameLookup asks the relay for the key bound to a name
	// (client → relay):
	//
	//	reqID      uint32    chosen by the client, echoed in the reply
	//	nameLen    uint8     MinNameLen..MaxNameLen
	//	name       [nameLen]
	FrameLookup FrameType = 0x12

	// FrameLookupReply answers a Lookup (relay → client):
	//
	//	reqID      uint32    the Lookup's
	//	status     uint8     LookupStatus
	//	pub        [32]byte  the bound key if found; all zero if unknown
	//	nameLen    uint8     MinNameLen..MaxNameLen
	//	name       [nameLen] the name looked up
	FrameLookupReply FrameType = 0x13

	// FrameSendStatus tells what became of a Send whose sendID was not 0
	// (relay → client):
	//
	//	sendID     uint32    the Send's, never 0
	//	status     uint8     SendResult
	FrameSendStatus FrameType = 0x14

	// FramePing asks for a Pong (either way, after Welcome):
	//
	//	data       [8]byte   anything; a counter or random bytes
	FramePing FrameType = 0x20

	// FramePong answers a Ping (either way):
	//
	//	data       [8]byte   the Ping's data, echoed
	FramePong FrameType = 0x21
)
