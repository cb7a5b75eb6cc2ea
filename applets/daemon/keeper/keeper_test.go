package keeper

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/nettest"
)

// rawRequest sends line to the keeper as it is and returns the answer.
func rawRequest(t *testing.T, l Link, line string) reply {
	t.Helper()
	c, err := net.Dial("unix", l.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte(line)); err != nil {
		t.Fatal(err)
	}
	var r reply
	if err := newLineConn(c).read(&r); err != nil {
		t.Fatalf("read the answer to %.40q: %v", line, err)
	}
	// The keeper closes the connection after its answer.
	if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Errorf("the connection stays open after the answer to %.40q", line)
	}
	return r
}

func TestKeeperRefusesBadRequests(t *testing.T) {
	nettest.NoLeaks(t)
	k := startKeeper(t, time.Minute)
	tests := []struct {
		name, line, want string
	}{
		{"not json", "hello\n", "unreadable request"},
		{"too long", `{"op":"` + strings.Repeat("x", maxLine) + "\n", "line too long"},
		{"other protocol", `{"v":99,"op":"hello"}` + "\n", "protocol 1"},
		{"unknown op", `{"v":1,"op":"shutdown"}` + "\n", `unknown operation "shutdown"`},
		{"hand-off without session", `{"v":1,"op":"handoff"}` + "\n", "without a session"},
		{"empty hand-off", `{"v":1,"op":"handoff","handoff":{}}` + "\n", "bad hand-off: no session id"},
		{"bad key", `{"v":1,"op":"handoff","handoff":{"peer":"nport-pub:AAAA"}}` + "\n", "unreadable request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rawRequest(t, k.link, tt.line)
			if !strings.Contains(r.Error, tt.want) {
				t.Errorf("got error %q, want one holding %q", r.Error, tt.want)
			}
		})
	}
	st, err := k.link.Hello(context.Background())
	if err != nil || st.Sessions != 0 || st.Draining {
		t.Errorf("after the bad requests: got %+v, %v; want a keeper with no session that takes new ones", st, err)
	}
}

func TestHandoffChecks(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Handoff)
		want string
	}{
		{"manager", func(h *Handoff) { h.Manager = "alice" }, "manager"},
		{"target", func(h *Handoff) { h.Target = "" }, "no target"},
		{"protocol", func(h *Handoff) { h.Protocol = "sctp" }, "protocol"},
		{"buffer", func(h *Handoff) { h.BufferSize = 1 << 30 }, "buffer size"},
		{"cipher", func(h *Handoff) { h.Cipher = "rot13" }, "cipher"},
		{"token", func(h *Handoff) { h.Token = [32]byte{} }, "token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := handoffTo(t, "127.0.0.1:1")
			tt.edit(h)
			if err := h.Check(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error naming %q", err, tt.want)
			}
		})
	}
	if err := handoffTo(t, "127.0.0.1:1").Check(); err != nil {
		t.Errorf("a valid hand-off: %v", err)
	}
}

// TestKeeperLingersThenExits: with neither a session nor a daemon, the
// keeper exits after its linger and removes its socket.
func TestKeeperLingersThenExits(t *testing.T) {
	nettest.NoLeaks(t)
	k := startKeeper(t, 50*time.Millisecond)
	k.exited(t, 5*time.Second)
	if _, err := k.link.Hello(context.Background()); !errors.Is(err, ErrGone) {
		t.Errorf("got %v from an exited keeper, want ErrGone", err)
	}
}

// TestKeeperStaysWhileWatched: an attached daemon keeps the keeper; once
// it detaches, the keeper lingers and exits.
func TestKeeperStaysWhileWatched(t *testing.T) {
	nettest.NoLeaks(t)
	const linger = 50 * time.Millisecond
	k := startKeeper(t, linger)
	w, st, err := k.link.Watch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Build != Build() || st.Protocol != Protocol {
		t.Errorf("got status %+v, want build %q, protocol %d", st, Build(), Protocol)
	}
	select {
	case err := <-k.done:
		t.Fatalf("the keeper exited (%v) while a daemon was attached", err)
	case <-time.After(4 * linger):
	}
	if _, err := k.link.Hello(context.Background()); err != nil {
		t.Fatalf("the keeper does not answer while a daemon is attached: %v", err)
	}
	w.Close()
	k.exited(t, 5*time.Second)
}

// TestKeeperDrainsWithLastSession hands a session over, tells the keeper
// to drain, and ends the session: the keeper refuses new sessions while
// draining, reports the end to the attached daemon and exits.
func TestKeeperDrainsWithLastSession(t *testing.T) {
	nettest.NoLeaks(t)
	k := startKeeper(t, time.Minute)
	w, _, err := k.link.Watch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	addr, joined := rendezvous(t)
	h := handoffTo(t, addr)
	pub, err := k.link.Handoff(context.Background(), h)
	if err != nil || pub.Validate() != nil {
		t.Fatalf("hand-off: got key %v, %v; want a valid ephemeral key", pub, err)
	}
	rv := await(t, joined)
	if _, err := k.link.Handoff(context.Background(), h); err == nil || !strings.Contains(err.Error(), "kept already") {
		t.Errorf("a second hand-off of the same session: got %v, want a refusal", err)
	}
	list, err := k.link.List(context.Background())
	if err != nil || len(list) != 1 || list[0].Session != h.Session || list[0].Manager != "@alice" || list[0].Keeper == 0 {
		t.Fatalf("got list %+v, %v; want the one session, with the keeper's pid", list, err)
	}

	if err := k.link.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := k.link.Handoff(context.Background(), handoffTo(t, addr)); !errors.Is(err, ErrDraining) {
		t.Errorf("a hand-off to a draining keeper: got %v, want ErrDraining", err)
	}
	rv.Close() // the rendezvous gives up: the session ends
	up, e, err := w.Next()
	if err != nil || up != nil || e.Session != h.Session || e.Clean || e.Error == "" || e.Reason == "" {
		t.Errorf("got events %+v, %+v, %v; want the session's unclean end alone", up, e, err)
	}
	k.exited(t, 5*time.Second)
	if _, _, err := w.Next(); err == nil {
		t.Error("the watch goes on after the keeper exited")
	}
}

// TestKeeperStopEndsSessions: ending the keeper's context (SIGTERM) ends
// its sessions, and the keeper exits.
func TestKeeperStopEndsSessions(t *testing.T) {
	nettest.NoLeaks(t)
	k := startKeeper(t, time.Minute)
	addr, joined := rendezvous(t)
	if _, err := k.link.Handoff(context.Background(), handoffTo(t, addr)); err != nil {
		t.Fatal(err)
	}
	await(t, joined)
	k.cancel()
	k.exited(t, 5*time.Second)
}

func TestSocketPathLimit(t *testing.T) {
	if _, err := NewSocket("/"+strings.Repeat("h", 100), "@dev", "default"); err == nil || !strings.Contains(err.Error(), "shorter --home") {
		t.Errorf("got %v for a home too long for a socket, want an error that says what to do", err)
	}
}

func TestSocketsOfOneDaemon(t *testing.T) {
	nettest.NoLeaks(t)
	home := t.TempDir()
	mine, err := NewSocket(home, "@dev", "default")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := NewSocket(home, "@dev", "default-2")
	var lns []net.Listener
	for _, p := range []string{mine, other} {
		ln, err := net.Listen("unix", p)
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
	}
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	got, err := Sockets(home, "@dev", "default")
	if err != nil || len(got) != 1 || got[0] != mine {
		t.Errorf("got %v, %v; want only %s", got, err, mine)
	}
}
