package keeper

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/nport/nport/core/identity"
)

// Protocol is the version of the daemon–keeper protocol. A keeper
// refuses a request of another version; the daemon then tells it to
// drain, which every version understands, and starts a keeper of its own.
const Protocol = 1

// The operations of a request. Each request is one JSON line on a new
// connection, answered by one JSON line; a watch connection stays open
// and carries events after its answer.
const (
	opHello   = "hello"   // status only
	opHandoff = "handoff" // take a session: answer with its ephemeral public key
	opList    = "list"    // the live sessions
	opDrain   = "drain"   // take no new session, exit with the last one
	opWatch   = "watch"   // a daemon attaches: session ends follow as events
)

// maxLine bounds one line of the protocol, far above the largest request
// or answer (a list of a few hundred sessions).
const maxLine = 1 << 20

// ioTimeout bounds each request and answer: both ends are on one host.
const ioTimeout = 10 * time.Second

// request is one line from the daemon.
type request struct {
	Protocol int      `json:"v"`
	Op       string   `json:"op"`
	Handoff  *Handoff `json:"handoff,omitempty"`
}

// Status is what a keeper says of itself in every answer.
type Status struct {
	Protocol int `json:"v"`
	// Build names the keeper's program (Build()); the daemon hands new
	// sessions only to a keeper of its own build.
	Build    string `json:"build"`
	PID      int    `json:"pid"`
	Draining bool   `json:"draining,omitempty"`
	// Sessions is the number of live sessions.
	Sessions int `json:"sessions"`
}

// reply is the keeper's answer to a request.
type reply struct {
	Status
	Error     string              `json:"error,omitempty"`
	Ephemeral *identity.PublicKey `json:"ephemeral,omitempty"`
	List      []Info              `json:"list,omitempty"`
}

// Ended is the event of a session's end, sent to every watching daemon.
type Ended struct {
	Info
	// Error is why the tunnel ended, empty when it was closed on purpose.
	Error string `json:"error,omitempty"`
	// Clean is true for an end as tunnels normally end (closed by either
	// side, idle): tunnel.Clean.
	Clean bool `json:"clean"`
	// Reason is the end in one word, as metrics count it: tunnel.Reason.
	Reason string `json:"reason"`
	// After is how long the session lasted.
	After time.Duration `json:"after"`
}

// Up is the event of a session whose tunnel is up, sent to every
// watching daemon.
type Up struct {
	Info
	// Setup is the time from the daemon's receipt of the request
	// (Handoff.Asked) to the tunnel.
	Setup time.Duration `json:"setup"`
}

// event is one line on a watch connection after its answer.
type event struct {
	Up    *Up    `json:"up,omitempty"`
	Ended *Ended `json:"ended,omitempty"`
}

// lineConn reads and writes JSON lines on one connection.
type lineConn struct {
	conn net.Conn
	r    *bufio.Reader
}

func newLineConn(c net.Conn) *lineConn {
	return &lineConn{conn: c, r: bufio.NewReaderSize(c, 4096)}
}

// errLineTooLong refuses a line above maxLine.
var errLineTooLong = errors.New("line too long")

// read decodes the next line into v.
func (c *lineConn) read(v any) error {
	var line []byte
	for {
		part, err := c.r.ReadSlice('\n')
		line = append(line, part...)
		if len(line) > maxLine {
			return errLineTooLong
		}
		if err == nil {
			break
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			if errors.Is(err, io.EOF) && len(line) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
	}
	if err := json.Unmarshal(line, v); err != nil {
		return fmt.Errorf("unreadable line: %w", err)
	}
	return nil
}

// write encodes v as one line, within ioTimeout.
func (c *lineConn) write(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_ = c.conn.SetWriteDeadline(time.Now().Add(ioTimeout))
	_, err = c.conn.Write(append(b, '\n'))
	return err
}
