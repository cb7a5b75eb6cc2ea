package seal

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

func TestNewMessage(t *testing.T) {
	sid := session.NewID()
	before := time.Now().UnixMilli()
	m, err := NewMessage(wire.MsgTunnelRequest, sid, struct {
		Device string `json:"device"`
	}{"garage_pi"})
	after := time.Now().UnixMilli()
	if err != nil {
		t.Fatalf("NewMessage: %v", err)
	}
	if m.Type != wire.MsgTunnelRequest || m.Session != sid || m.Time < before || m.Time > after {
		t.Errorf("got %+v, want type tunnel-request, session %s, time in [%d, %d]", m, sid, before, after)
	}
	if got, want := string(m.Body), `{"device":"garage_pi"}`; got != want {
		t.Errorf("got body %s, want %s", got, want)
	}
	if id := session.ID(m.ID); id.IsZero() || id.String()[14] != '4' {
		t.Errorf("got id %s, want a random version 4 id", id)
	}
	other, _ := NewMessage(wire.MsgTunnelRequest, sid, nil)
	if other.ID == m.ID || string(other.Body) != "{}" {
		t.Errorf("got id %x body %s, want a new id and {}", other.ID, other.Body)
	}
	if _, err := NewMessage(wire.MsgPing, sid, math.NaN()); err == nil {
		t.Errorf("got nil for a body JSON cannot hold, want an error")
	}
	var js map[string]any
	if json.Unmarshal(m.Body, &js) != nil {
		t.Errorf("got a body that is not JSON: %s", m.Body)
	}
}
