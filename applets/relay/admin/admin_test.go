package admin_test

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/applets/relay/admin"
	"github.com/nport/nport/applets/relay/store"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/logging"
	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/wire"
)

// serve opens a store and its admin socket in a temporary home.
func serve(t *testing.T) (*store.Store, *admin.Server) {
	t.Helper()
	home := t.TempDir()
	st, err := store.Open(store.FileName(home), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv, err := admin.Listen(admin.SocketName(home), admin.Ops{Store: st}, logging.Discard())
	if err != nil {
		t.Fatal(err)
	}
	return st, srv
}

func TestSocket(t *testing.T) {
	nettest.NoLeaks(t)
	st, srv := serve(t)
	k, _ := identity.GenerateKey()
	st.Claim("@alice", k.Public())
	steps := []struct {
		req  admin.Request
		want func(admin.Response) bool
	}{
		{admin.Request{Op: admin.OpList}, func(r admin.Response) bool {
			return len(r.Bindings) == 1 && r.Bindings[0].Name == "@alice" && r.Bindings[0].Key == k.Public().String()
		}},
		{admin.Request{Op: admin.OpInvite, Name: "@bob", TTL: "2h"}, func(r admin.Response) bool {
			_, err := wire.ParseClaimToken(r.Token)
			return err == nil && time.Until(r.Expires) > time.Hour
		}},
		{admin.Request{Op: admin.OpInvite, Name: "@bob", TTL: "-1h"}, func(r admin.Response) bool { return strings.Contains(r.Error, "above 0") }},
		{admin.Request{Op: admin.OpRemove, Name: "@alice"}, func(r admin.Response) bool { return r.Removed != nil && r.Removed.Name == "@alice" }},
		{admin.Request{Op: admin.OpRemove, Name: "@alice"}, func(r admin.Response) bool { return strings.Contains(r.Error, "not bound") }},
		{admin.Request{Op: admin.OpRemove, Name: "Alice"}, func(r admin.Response) bool { return strings.Contains(r.Error, "bad name") }},
	}
	for _, s := range steps {
		got, err := admin.Call(srv.Path(), s.req)
		if err != nil || !s.want(got) {
			t.Errorf("%+v: got %+v, %v", s.req, got, err)
		}
	}
	if err := srv.Close(); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(srv.Path()); !os.IsNotExist(err) {
		t.Errorf("socket after Close: %v, want it removed", err)
	}
}

// TestGarbageAndIdleClients sends what is not a request, and leaves a
// client connected: Close still ends everything.
func TestGarbageAndIdleClients(t *testing.T) {
	nettest.NoLeaks(t)
	_, srv := serve(t)
	c, err := net.Dial("unix", srv.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("not json\n"))
	buf := make([]byte, 512)
	n, _ := c.Read(buf)
	if !strings.Contains(string(buf[:n]), "bad request") {
		t.Errorf("got %q, want a bad request answer", buf[:n])
	}
	idle, err := net.Dial("unix", srv.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	srv.Close()
	if _, err := admin.Call(filepath.Join(t.TempDir(), "none.sock"), admin.Request{Op: admin.OpList}); err == nil {
		t.Error("a call to no socket succeeded")
	}
}
