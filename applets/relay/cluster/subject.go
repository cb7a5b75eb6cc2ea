package cluster

import (
	"strconv"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// The subjects, streams and buckets of a cluster (see docs/cluster.md).
// A name's "@" is left out: the rest is a-z, 0-9, _ and -, which NATS
// subjects and key-value keys take as they are.
const (
	// subjectName + name: an envelope for a name. Each relay with device
	// connections of the name subscribes once; each service connection
	// subscribes in the queue group serviceGroup, so that one of them,
	// on whichever relay, gets it.
	subjectName = "nport.id."
	// subjectConn + id: an envelope for one connection, an answer.
	subjectConn = "nport.conn."
	// subjectRelays: every relay says it is alive once a heartbeat.
	subjectRelays = "nport.relays"
	// subjectQueue + name + "." + sender: an envelope kept for a name
	// with no live connection, in the stream queueStream.
	subjectQueue = "nport.q."

	serviceGroup  = "nport-service"
	queueStream   = "NPORT_QUEUE"
	namesBucket   = "nport-names"
	invitesBucket = "nport-invites"

	// headerTo names the recipient of an envelope for one connection, so
	// that an id of another name's connection is answered "gone".
	headerTo = "Nport-To"
	// headerKick marks a message that carries no envelope: it asks the
	// relays of a name to deliver what was queued for it.
	headerKick = "Nport-Kick"
)

// token is a name as a subject token or a key: without its "@".
func token(name identity.Name) string { return string(name)[1:] }

// nameOf is the name of a token.
func nameOf(tok string) identity.Name { return identity.Name("@" + tok) }

func nameSubject(name identity.Name) string { return subjectName + token(name) }

func connSubject(id wire.ConnID) string { return subjectConn + strconv.FormatUint(uint64(id), 16) }

// queueFilter matches everything queued for name, from every sender.
func queueFilter(name identity.Name) string { return subjectQueue + token(name) + ".>" }

// queueSubject is where an envelope from sender (nil: unknown) for name
// is kept.
func queueSubject(name identity.Name, sender []byte) string {
	s := "~"
	if len(sender) > 1 && sender[0] == '@' {
		s = string(sender[1:])
	}
	return subjectQueue + token(name) + "." + s
}

// The answers of a relay to an envelope routed to it.
const (
	answerDelivered = "d"
	answerDropped   = "x"
	answerGone      = "g"
)
