package seal

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// NewMessage returns a message of type t for session sid (zero if none)
// with a fresh random ID, the current time and body encoded as JSON. A nil
// body is sent as {} since the body is always a JSON object.
func NewMessage(t wire.MessageType, sid [16]byte, body any) (wire.Message, error) {
	js := []byte("{}")
	if body != nil {
		var err error
		if js, err = json.Marshal(body); err != nil {
			return wire.Message{}, fmt.Errorf("seal: encode %v body: %w", t, err)
		}
	}
	return wire.Message{
		Type:    t,
		ID:      session.NewID(),
		Time:    time.Now().UnixMilli(),
		Session: sid,
		Body:    js,
	}, nil
}
