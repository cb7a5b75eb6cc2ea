package relayclient

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/wire"
)

// gatherWindow is long enough for answers over loopback on a busy machine.
const gatherWindow = time.Second

// TestGatherCollectsEveryConnection has two processes of @bob answer one
// message to @bob: both answers come back, each with its round trip,
// and none of them reaches Messages.
func TestGatherCollectsEveryConnection(t *testing.T) {
	r := startRelay(t, t.TempDir(), "127.0.0.1:0", nil)
	alice := startPeer(t, testConfig(t, r.addr, newID(t, "@alice")))
	bobID := newID(t, "@bob")
	bobs := []*peer{startPeer(t, testConfig(t, r.addr, bobID)), startPeer(t, testConfig(t, r.addr, bobID))}
	alice.ready(t)
	for _, b := range bobs {
		b.ready(t)
		go answer(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	m := message(t, "")
	got, err := alice.Gather(ctx, "@bob", m, gatherWindow)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d answers, want one from each of the 2 processes of @bob", len(got))
	}
	if got[0].Conn == got[1].Conn {
		t.Errorf("both answers came from connection %d, want one from each", got[0].Conn)
	}
	for _, a := range got {
		if a.From != "@bob" || a.Msg.Type != wire.MsgPong || a.Msg.Session != m.Session {
			t.Errorf("got %s from %s in session %x, want a pong from @bob in %x", a.Msg.Type, a.From, a.Msg.Session, m.Session)
		}
		if a.RTT <= 0 || a.RTT > gatherWindow {
			t.Errorf("got a round trip of %v, want one within the window %v", a.RTT, gatherWindow)
		}
	}
	select {
	case in := <-alice.Messages():
		t.Errorf("an answer reached Messages: %s from %s", in.Msg.Type, in.From)
	default:
	}
}

func TestGatherEnds(t *testing.T) {
	r := startRelay(t, t.TempDir(), "127.0.0.1:0", nil)
	alice := startPeer(t, testConfig(t, r.addr, newID(t, "@alice")))
	silent := startPeer(t, testConfig(t, r.addr, newID(t, "@silent")))
	gone := startPeer(t, testConfig(t, r.addr, newID(t, "@gone")))
	for _, p := range []*peer{alice, silent, gone} {
		p.ready(t)
	}
	gone.cancel()
	<-gone.Done()
	waitFor(t, "the relay to see @gone leave", func() bool {
		return strings.Contains(r.logs.String(), `msg="identity disconnected" identity=@gone`)
	})
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()

	t.Run("silence is no answer, not an error", func(t *testing.T) {
		got, err := alice.Gather(ctx, "@silent", message(t, ""), 100*time.Millisecond)
		if err != nil || len(got) != 0 {
			t.Errorf("got %d answers, %v; want none and no error", len(got), err)
		}
	})
	t.Run("unknown name", func(t *testing.T) {
		_, err := alice.Gather(ctx, "@nobody", message(t, ""), testTimeout)
		if !errors.Is(err, ErrUnknownName) {
			t.Errorf("got %v, want ErrUnknownName", err)
		}
	})
	t.Run("offline, told before the window ends", func(t *testing.T) {
		// Had it waited out the window, the error would be nil.
		_, err := alice.Gather(ctx, "@gone", message(t, ""), 2*testTimeout)
		var noAnswer *NoAnswerError
		if !errors.As(err, &noAnswer) || !noAnswer.Offline || !strings.Contains(err.Error(), "@gone is offline") {
			t.Errorf("got %v, want a NoAnswerError saying @gone is offline", err)
		}
	})
	t.Run("no session", func(t *testing.T) {
		m := message(t, "")
		m.Session = [16]byte{}
		if _, err := alice.Gather(ctx, "@silent", m, time.Millisecond); err == nil || !strings.Contains(err.Error(), "session id") {
			t.Errorf("got %v, want a refusal naming the session id", err)
		}
	})
	t.Run("ctx ends first", func(t *testing.T) {
		short, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := alice.Gather(short, "@silent", message(t, ""), testTimeout); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want the cancellation", err)
		}
	})
}
