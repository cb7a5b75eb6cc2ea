package cluster

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nport/nport/applets/relay/cluster/natstest"
	"github.com/nport/nport/applets/relay/directory"
	"github.com/nport/nport/applets/relay/route"
	"github.com/nport/nport/applets/relay/store"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/wire"
)

// endpoint records what it is given.
type endpoint struct {
	mu      sync.Mutex
	got     []string
	id      wire.ConnID
	service bool
	full    bool
	grew    chan struct{}
}

func newEndpoint(id wire.ConnID, service bool) *endpoint {
	return &endpoint{id: id, service: service, grew: make(chan struct{}, 1000)}
}

func (e *endpoint) ID() wire.ConnID { return e.id }
func (e *endpoint) Service() bool   { return e.service }
func (e *endpoint) Deliver(f []byte) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.full {
		return false
	}
	e.got = append(e.got, string(route.SenderOf(f))+":"+string(f[len(f)-3:]))
	e.grew <- struct{}{}
	return true
}

func (e *endpoint) frames() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.got)
}

// waitFrames waits until e holds n frames.
func (e *endpoint) waitFrames(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if got := e.frames(); len(got) >= n {
			return got
		}
		select {
		case <-e.grew:
		case <-deadline:
			t.Fatalf("got %q, want %d frames", e.frames(), n)
		}
	}
}

// frame is a Recv frame from sender whose last three bytes are body.
func frame(t *testing.T, sender, body string) []byte {
	t.Helper()
	f, err := relayconn.EncodeRecv(1, identity.Name(sender), identity.PublicKey{}, append(make([]byte, 100), body...))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// relayNode is what one relay opens on a cluster.
type relayNode struct {
	c      *Cluster
	router *Router
	dir    *Directory
}

func openNode(t *testing.T, urls string, node string) *relayNode {
	t.Helper()
	c, err := Open(t.Context(), Options{URLs: []string{urls}, Node: node, Queue: route.QueueOptions{Len: 4, TTL: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	q, err := c.OpenQueue()
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.OpenDirectory(q)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return &relayNode{c: c, router: c.NewRouter(q), dir: d}
}

func TestRoutingAcrossRelays(t *testing.T) {
	nats := natstest.Start(t, 1)
	a, b := openNode(t, nats.URLs(), "a"), openNode(t, nats.URLs(), "b")

	// Nobody live: queued, then delivered to the first connection, on
	// the other relay, oldest first.
	for _, body := range []string{"001", "002"} {
		if got := a.router.Route("@dev", frame(t, "@alice", body)); got != route.Queued {
			t.Fatalf("route to an offline name: got %v, want queued", got)
		}
	}
	dev1 := newEndpoint(11, false)
	b.router.Attach("@dev", dev1)
	if got, want := dev1.waitFrames(t, 2), []string{"@alice:001", "@alice:002"}; !slices.Equal(got, want) {
		t.Errorf("queued: got %q, want %q", got, want)
	}

	// Devices on two relays: each gets it.
	dev2 := newEndpoint(12, false)
	a.router.Attach("@dev", dev2)
	if got := a.router.Route("@dev", frame(t, "@alice", "003")); got != route.Delivered {
		t.Errorf("route to live devices: got %v, want delivered", got)
	}
	dev1.waitFrames(t, 3)
	dev2.waitFrames(t, 1)

	// An answer to one connection, on the other relay.
	if got := a.router.RouteTo("@dev", 11, frame(t, "@alice", "004")); got != route.Delivered {
		t.Errorf("route to a connection: got %v, want delivered", got)
	}
	if got := dev1.waitFrames(t, 4); got[3] != "@alice:004" {
		t.Errorf("answer: got %q", got)
	}
	for _, tt := range []struct {
		name identity.Name
		id   wire.ConnID
	}{{"@other", 11}, {"@dev", 99}} {
		if got := a.router.RouteTo(tt.name, tt.id, frame(t, "@alice", "005")); got != route.Gone {
			t.Errorf("route to %s connection %d: got %v, want gone", tt.name, tt.id, got)
		}
	}

	// Detached everywhere: queued again.
	a.router.Detach("@dev", dev2)
	b.router.Detach("@dev", dev1)
	b.c.nc.Flush() // b's unsubscription is at the server before a routes
	if got := a.router.Route("@dev", frame(t, "@alice", "006")); got != route.Queued {
		t.Errorf("after detach: got %v, want queued", got)
	}
}

func TestServiceGetsOneCopyAcrossRelays(t *testing.T) {
	nats := natstest.Start(t, 1)
	a, b := openNode(t, nats.URLs(), "a"), openNode(t, nats.URLs(), "b")
	rv1, rv2 := newEndpoint(1, true), newEndpoint(2, true)
	a.router.Attach("@rv", rv1)
	b.router.Attach("@rv", rv2)
	const n = 40
	for i := range n {
		if got := a.router.Route("@rv", frame(t, "@alice", fmt.Sprintf("%03d", i))); got != route.Delivered {
			t.Fatalf("route %d: got %v, want delivered", i, got)
		}
	}
	n1, n2 := len(rv1.frames()), len(rv2.frames())
	if n1+n2 != n || n1 == 0 || n2 == 0 {
		t.Errorf("got %d and %d frames, want %d in all, spread over both relays", n1, n2, n)
	}
}

func TestFloodToAnOfflineNameKeepsTheManagersRequest(t *testing.T) {
	nats := natstest.Start(t, 1)
	a := openNode(t, nats.URLs(), "a")
	a.router.Route("@dev", frame(t, "@alice", "req"))
	for i := range 20 {
		a.router.Route("@dev", frame(t, "@flood", fmt.Sprintf("%03d", i)))
	}
	dev := newEndpoint(1, false)
	a.router.Attach("@dev", dev)
	got := dev.waitFrames(t, 5)
	if len(got) != 5 || got[0] != "@alice:req" || got[4] != "@flood:019" {
		t.Errorf("got %q, want alice's request then the flood's newest 4", got)
	}
}

func TestFirstClaimWinsOnEveryRelay(t *testing.T) {
	nats := natstest.Start(t, 1)
	a, b := openNode(t, nats.URLs(), "a"), openNode(t, nats.URLs(), "b")
	k1, k2 := newKey(t), newKey(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Go(func() { errs[0] = a.dir.Claim("@pi", k1) })
	wg.Go(func() { errs[1] = b.dir.Claim("@pi", k2) })
	wg.Wait()
	taken := 0
	for _, err := range errs {
		if errors.Is(err, directory.ErrNameTaken) {
			taken++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if taken != 1 {
		t.Fatalf("got %v, want one claim to win and the other to find the name taken", errs)
	}
	ka, _, _ := a.dir.Lookup("@pi")
	kb, _, _ := b.dir.Lookup("@pi")
	if !ka.Equal(kb) {
		t.Errorf("the relays disagree on @pi: %s and %s", ka.Fingerprint(), kb.Fingerprint())
	}
	if err := a.dir.Remove("@pi"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "b forgets @pi", func() bool { _, ok, _ := b.dir.Lookup("@pi"); return !ok && b.dir.Count() == 0 })
	if err := b.dir.Claim("@pi", k2); err != nil {
		t.Errorf("claim after remove: %v", err)
	}
}

func TestInvitationWorksOnce(t *testing.T) {
	nats := natstest.Start(t, 1)
	a, b := openNode(t, nats.URLs(), "a"), openNode(t, nats.URLs(), "b")
	hash := [32]byte{1, 2, 3}
	if err := a.dir.Invite(hash, "@pi", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := b.dir.Redeem(hash, "@other", newKey(t)); !errors.Is(err, store.ErrOtherName) {
		t.Errorf("redeem for another name: got %v", err)
	}
	if err := b.dir.Redeem(hash, "@pi", newKey(t)); err != nil {
		t.Fatalf("redeem: %v", err)
	}
	if err := a.dir.Redeem(hash, "@pi2", newKey(t)); !errors.Is(err, store.ErrNoInvitation) {
		t.Errorf("second redeem: got %v, want no invitation", err)
	}
}

func newKey(t *testing.T) identity.PublicKey {
	t.Helper()
	k, err := identity.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k.Public()
}

// waitFor polls cond, which another process makes true, for ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("%s: not within 10s", what)
}
