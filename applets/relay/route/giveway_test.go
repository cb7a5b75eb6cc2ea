package route

import (
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/relayconn"
)

func recvFrom(t *testing.T, from string) []byte {
	t.Helper()
	f, err := relayconn.EncodeRecv(1, identity.Name(from), identity.PublicKey{}, make([]byte, 100))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSenderOf(t *testing.T) {
	if got := string(SenderOf(recvFrom(t, "@alice"))); got != "@alice" {
		t.Errorf("got %q, want @alice", got)
	}
	for _, junk := range [][]byte{nil, []byte("1"), make([]byte, 40)} {
		if got := SenderOf(junk); got != nil {
			t.Errorf("SenderOf(%q) = %q, want nil", junk, got)
		}
	}
}

func TestGiveWay(t *testing.T) {
	s := func(names ...string) [][]byte {
		out := make([][]byte, len(names))
		for i, n := range names {
			if n != "" {
				out[i] = []byte(n)
			}
		}
		return out
	}
	tests := []struct {
		name  string
		kept  [][]byte
		from  string
		limit int
		want  int
	}{
		{"room left", s("@a", "@b"), "@c", 4, -1},
		{"one sender: its oldest", s("@a", "@a"), "@a", 2, 0},
		{"a newcomer pushes out the flood's oldest", s("@a", "@f", "@f", "@f"), "@m", 4, 1},
		{"the flood pushes out its own", s("@m", "@f", "@f", "@f"), "@f", 4, 1},
		{"the biggest, not the oldest", s("@a", "@b", "@f", "@f"), "@c", 4, 2},
		{"all equal: the oldest", s("@a", "@b", "@c", "@d"), "@e", 4, 0},
		{"unknown senders: the oldest", s("", "", ""), "", 3, 0},
	}
	for _, tt := range tests {
		var from []byte
		if tt.from != "" {
			from = []byte(tt.from)
		}
		if got := GiveWay(tt.kept, from, tt.limit); got != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestFloodToAnOfflineDeviceKeepsTheManagersRequest(t *testing.T) {
	q := NewMemoryQueue(QueueOptions{Len: 8, TTL: time.Hour})
	now := time.Unix(1000, 0)
	if err := q.Push("@dev", recvFrom(t, "@alice"), now); err != nil {
		t.Fatal(err)
	}
	for range 100 {
		q.Push("@dev", recvFrom(t, "@flood"), now)
	}
	var got []string
	q.Drain("@dev", now, func(f []byte) bool { got = append(got, string(SenderOf(f))); return true })
	if len(got) != 8 || got[0] != "@alice" {
		t.Errorf("the device gets %q, want alice's request first among 8", got)
	}
}
