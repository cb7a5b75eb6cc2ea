package fair

import (
	"fmt"
	"slices"
	"testing"
)

func frame(sender string, i, size int) []byte {
	b := make([]byte, size)
	copy(b, fmt.Sprintf("%s/%d", sender, i))
	return b
}

// name returns the label a frame was made with.
func name(f []byte) string {
	n := slices.Index(f, 0)
	if n < 0 {
		n = len(f)
	}
	return string(f[:n])
}

func names(fs [][]byte) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = name(f)
	}
	return out
}

func TestTakeServesSendersInTurn(t *testing.T) {
	q := New(Limits{Frames: 100, Bytes: 1 << 20}, nil)
	for i := range 3 {
		q.Push([]byte("@flood"), frame("@flood", i, 10))
	}
	q.Push([]byte("@alice"), frame("@alice", 0, 10))
	q.Push([]byte("@bob"), frame("@bob", 0, 10))
	q.Push([]byte("@bob"), frame("@bob", 1, 10))
	got := names(q.Take(nil, 100, 1<<20))
	want := []string{"@flood/0", "@alice/0", "@bob/0", "@flood/1", "@bob/1", "@flood/2"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if st := q.Stats(); st.Frames != 0 || st.Bytes != 0 || st.Senders != 0 || len(q.ring) != 0 {
		t.Errorf("after taking all: %+v with %d lanes in turn, want an empty queue", st, len(q.ring))
	}
}

func TestTakeBounds(t *testing.T) {
	q := New(Limits{Frames: 100, Bytes: 1 << 20}, nil)
	for i := range 10 {
		q.Push([]byte("@a"), frame("@a", i, 100))
	}
	if got := q.Take(nil, 3, 1<<20); len(got) != 3 {
		t.Errorf("max 3: got %d frames", len(got))
	}
	if got := q.Take(nil, 100, 250); len(got) != 3 {
		t.Errorf("max 250 bytes of 100-byte frames: got %d frames, want 3 (the last one past the bound)", len(got))
	}
	if got := q.Take(nil, 100, 1); len(got) != 1 {
		t.Errorf("max 1 byte: got %d frames, want 1 (at least one)", len(got))
	}
	select {
	case <-q.Ready():
	default:
		t.Error("frames still wait, but Ready holds nothing")
	}
}

func TestShareAndFullQueue(t *testing.T) {
	full := []string{"@f", "@f", "@g", "@g", "@h", "@h", "@i", "@i"}
	tests := []struct {
		name   string
		pushes []string // senders, in order; each frame is 60 bytes
		want   []bool
		left   []string // what Take returns afterwards
	}{
		{"a sender holds a quarter at most", []string{"@f", "@f", "@f"},
			[]bool{true, true, false}, []string{"@f/0", "@f/1"}},
		{"a newcomer takes the place of the biggest's newest", append(full, "@a"),
			[]bool{true, true, true, true, true, true, true, true, true},
			[]string{"@f/0", "@g/2", "@h/4", "@i/6", "@a/8", "@g/3", "@h/5", "@i/7"}},
		{"among equals a newcomer waits its turn", []string{"@f", "@g", "@h", "@i", "@j", "@k", "@l", "@m", "@a", "@f"},
			[]bool{true, true, true, true, true, true, true, true, false, false}, nil},
		{"bytes count as well as frames", []string{"@f", "@f", "@g"},
			[]bool{true, false, true}, []string{"@f/0", "@g/2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := New(Limits{Frames: 8, Bytes: 300}, nil) // a share: 2 frames, 75 bytes
			if tt.name != "bytes count as well as frames" {
				q = New(Limits{Frames: 8, Bytes: 1 << 20}, nil)
			}
			var got []bool
			for i, s := range tt.pushes {
				got = append(got, q.Push([]byte(s), frame(s, i, 60)))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("pushes: got %v, want %v", got, tt.want)
			}
			if left := names(q.Take(nil, 100, 1<<20)); tt.left != nil && !slices.Equal(left, tt.left) {
				t.Errorf("left: got %q, want %q", left, tt.left)
			}
		})
	}
}

func TestFloodNeverShutsOutAnHonestSender(t *testing.T) {
	q := New(Limits{Frames: 64, Bytes: 64 << 10}, nil)
	refused := 0
	for i := range 2000 {
		s := fmt.Sprintf("@flood%d", i%20)
		if !q.Push([]byte(s), frame(s, i, 4<<10)) {
			refused++
		}
	}
	if refused == 0 {
		t.Fatal("20 senders pushed 8 MiB into a 64 KiB queue and nothing was refused")
	}
	for i := range 3 {
		if !q.Push([]byte("@alice"), frame("@alice", i, 300)) {
			t.Fatalf("alice's frame %d was refused in a flood; want it taken", i)
		}
	}
	got := names(q.Take(nil, 1000, 1<<30))
	if !slices.Contains(got, "@alice/0") || !slices.Contains(got, "@alice/2") {
		t.Errorf("took %q, want alice's frames among them", got)
	}
	if st := q.Stats(); st.Evicted == 0 {
		t.Errorf("stats %+v: want evictions counted", st)
	}
}

func TestBudgetAcrossQueues(t *testing.T) {
	b := NewBudget(1000)
	q1, q2 := New(Limits{Frames: 100, Bytes: 1 << 20}, b), New(Limits{Frames: 100, Bytes: 1 << 20}, b)
	for i := range 4 {
		q1.Push([]byte("@f"), frame("@f", i, 250))
	}
	if got := b.Used(); got != 1000 {
		t.Fatalf("used %d, want 1000", got)
	}
	if q2.Push([]byte("@f"), frame("@f", 9, 250)) != true {
		t.Error("a sender's first frame in a queue: refused, want taken even past the budget")
	}
	if q2.Push([]byte("@f"), frame("@f", 10, 250)) {
		t.Error("a second frame past the budget: taken, want refused")
	}
	q2.Take(nil, 100, 1<<20) // @f's lane in q2 is empty now, and kept
	if !q2.Push([]byte("@f"), frame("@f", 11, 250)) {
		t.Error("a first frame again, in a lane kept empty: refused, want taken")
	}
	q1.Take(nil, 100, 1<<20)
	if left := q2.Close(); len(left) != 1 {
		t.Errorf("close returned %d frames, want 1", len(left))
	}
	if got := b.Used(); got != 0 {
		t.Errorf("after take and close: used %d, want 0", got)
	}
	if q2.Push([]byte("@a"), frame("@a", 0, 1)) {
		t.Error("push after close: taken, want refused")
	}
}

func TestPushAllocatesOnlyForANewSender(t *testing.T) {
	q := New(Limits{Frames: 1 << 20, Bytes: 1 << 40}, nil)
	sender, f := []byte("@alice"), frame("@alice", 0, 100)
	q.Push(sender, f)
	for range 1000 { // grow the lane's array once
		q.Push(sender, f)
	}
	q.lim.Frames = 1 << 30
	if n := testing.AllocsPerRun(100, func() { q.Push(sender, f) }); n > 0.1 {
		t.Errorf("got %v allocations per push, want none for a sender with frames waiting", n)
	}
}

func TestLanesOfManySendersAreForgotten(t *testing.T) {
	q := New(Limits{Frames: 1 << 20, Bytes: 1 << 30}, nil)
	for i := range 1000 {
		s := fmt.Sprintf("@s%d", i)
		q.Push([]byte(s), frame(s, i, 10))
	}
	q.Take(nil, 1<<20, 1<<30)
	if n := len(q.lanes); n > keptLanes {
		t.Errorf("after 1,000 senders are done: %d lanes kept, want at most %d", n, keptLanes)
	}
}

func TestSteadyExchangeAllocatesNothing(t *testing.T) {
	q := New(Limits{Frames: 64, Bytes: 1 << 20}, nil)
	sender, f := []byte("@alice"), frame("@alice", 0, 100)
	dst := make([][]byte, 0, 8)
	q.Push(sender, f)
	q.Take(dst, 8, 1<<20)
	if n := testing.AllocsPerRun(100, func() {
		q.Push(sender, f)
		dst = q.Take(dst[:0], 8, 1<<20)
	}); n != 0 {
		t.Errorf("got %v allocations per frame pushed and taken, want 0", n)
	}
}
