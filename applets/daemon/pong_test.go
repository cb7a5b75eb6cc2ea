package daemon

import (
	"testing"

	"github.com/nport/nport/wire"
)

func TestAnswers(t *testing.T) {
	tests := []struct {
		hide bool
		ping wire.PingBody
		want bool
	}{
		{false, wire.PingBody{}, true},
		{false, wire.PingBody{Device: "pi"}, true},
		{false, wire.PingBody{Device: "other"}, false},
		{false, wire.PingBody{Want: "other"}, true},
		{true, wire.PingBody{}, false},
		{true, wire.PingBody{Want: "other"}, false},
		{true, wire.PingBody{Want: "pi"}, true},
		{true, wire.PingBody{Device: "pi"}, true},
		{true, wire.PingBody{Device: "other", Want: "pi"}, false},
	}
	for _, tt := range tests {
		d := &daemon{cfg: Config{Device: "pi", Hide: tt.hide}}
		if got := d.answers(tt.ping); got != tt.want {
			t.Errorf("hide %v, ping %+v: got %v, want %v", tt.hide, tt.ping, got, tt.want)
		}
	}
}
