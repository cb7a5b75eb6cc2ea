package claim_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/applets/relay/claim"
	"github.com/nport/nport/applets/relay/directory"
	"github.com/nport/nport/applets/relay/directory/directorytest"
	"github.com/nport/nport/applets/relay/internal/fakeclock"
	"github.com/nport/nport/applets/relay/store"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/nettest"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/wire"
)

// fixture is a policy on a real store, with a fake clock for both.
type fixture struct {
	t   *testing.T
	st  *store.Store
	clk *fakeclock.Clock
	p   *claim.Policy
}

func newFixture(t *testing.T, opt claim.Options) *fixture {
	t.Helper()
	nettest.NoLeaks(t)
	clk := fakeclock.New()
	st, err := store.Open(filepath.Join(t.TempDir(), "relay.db"), store.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	opt.Now = clk.Now
	p, err := claim.New(st, opt)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, st: st, clk: clk, p: p}
}

// key returns a fresh public key.
var key = directorytest.NewKey

func from(addr string) net.Addr {
	ap, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		panic(err)
	}
	return ap
}

// claim asks for name with key from addr, with token if not nil.
func (f *fixture) claim(name identity.Name, k identity.PublicKey, addr string, token []byte) error {
	return f.p.Claim(relayconn.Claim{Name: name, Key: k, Remote: from(addr), Token: token})
}

// invite issues an invitation for name, valid for ttl, and returns the
// token's bytes as a client sends them.
func (f *fixture) invite(name identity.Name, ttl time.Duration) []byte {
	f.t.Helper()
	text, hash := claim.NewToken()
	if err := f.st.Invite(hash, name, f.clk.Now().Add(ttl)); err != nil {
		f.t.Fatal(err)
	}
	raw, err := wire.ParseClaimToken(text)
	if err != nil {
		f.t.Fatal(err)
	}
	return raw[:]
}

// wantCode fails unless err is a refusal with code (or nil for code -1)
// whose message contains hint.
func wantCode(t *testing.T, what string, err error, code int, hint string) {
	t.Helper()
	if code < 0 {
		if err != nil {
			t.Errorf("%s: got %v, want it accepted", what, err)
		}
		return
	}
	ref, ok := errors.AsType[wire.Refusal](err)
	if !ok || int(ref.Code) != code || !strings.Contains(ref.Message, hint) {
		t.Errorf("%s: got %v, want a %v refusal saying %q", what, err, wire.RefuseCode(code), hint)
	}
}

const (
	accepted   = -1
	notAllowed = int(wire.RefuseNotAllowed)
	rate       = int(wire.RefuseRate)
	limit      = int(wire.RefuseLimit)
)

func TestModes(t *testing.T) {
	listed := key(t)
	tests := []struct {
		name string
		opt  claim.Options
		who  identity.Name
		key  identity.PublicKey
		want int
		hint string
	}{
		{"open", claim.Options{Mode: claim.Open}, "@anyone", key(t), accepted, ""},
		{"allow: listed name", claim.Options{Mode: claim.Allow, Allow: []string{"@garage_pi"}}, "@garage_pi", key(t), accepted, ""},
		{"allow: listed key, any name", claim.Options{Mode: claim.Allow, Allow: []string{listed.String()}}, "@whatever", listed, accepted, ""},
		{"allow: not listed", claim.Options{Mode: claim.Allow, Allow: []string{"@garage_pi", listed.String()}}, "@mallory", key(t), notAllowed, "--allow @mallory"},
		{"invite: no token", claim.Options{Mode: claim.Invite}, "@pi", key(t), notAllowed, "nport relay invite @pi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.opt)
			wantCode(t, "claim", f.claim(tt.who, tt.key, "127.0.0.1:4000", nil), tt.want, tt.hint)
		})
	}
}

func TestBoundNames(t *testing.T) {
	for _, mode := range []claim.Mode{claim.Open, claim.Allow, claim.Invite} {
		t.Run(string(mode), func(t *testing.T) {
			opt := claim.Options{Mode: mode, Rate: 1, Burst: 1, MaxNames: 1}
			if mode == claim.Allow {
				opt.Allow = []string{"@other"}
			}
			f := newFixture(t, opt)
			pi := key(t)
			if err := f.st.Claim("@pi", pi); err != nil {
				t.Fatal(err)
			}
			for range 5 { // past the rate and at the cap: a reconnection is never limited
				wantCode(t, "reconnection", f.claim("@pi", pi, "127.0.0.1:4000", nil), accepted, "")
			}
			if err := f.claim("@pi", key(t), "127.0.0.1:4000", nil); !errors.Is(err, directory.ErrNameTaken) {
				t.Errorf("another key: got %v, want ErrNameTaken", err)
			}
		})
	}
}

func TestRatePerSource(t *testing.T) {
	f := newFixture(t, claim.Options{Mode: claim.Open, Rate: 10, Burst: 2})
	n := 0
	claimFrom := func(addr string) error {
		n++
		return f.claim(identity.Name("@n"+string(rune('a'+n))), key(t), addr, nil)
	}
	steps := []struct {
		what, addr string
		advance    time.Duration
		want       int
	}{
		{"first of the burst", "127.0.0.1:1", 0, accepted},
		{"second, another port", "127.0.0.1:2", 0, accepted},
		{"past the burst, a moment later", "127.0.0.1:3", time.Millisecond, rate},
		{"another address", "127.0.0.2:1", 0, accepted},
		{"one more after a tenth of a minute", "127.0.0.1:1", 6 * time.Second, accepted},
		{"and no more", "127.0.0.1:1", 0, rate},
		{"IPv4-mapped IPv6 is the same address", "[::ffff:127.0.0.1]:1", 0, rate},
		{"IPv6 one", "[2001:db8:0:1::1]:1", 0, accepted},
		{"IPv6 same /64", "[2001:db8:0:1::2]:1", 0, accepted},
		{"IPv6 same /64, past the burst", "[2001:db8:0:1:ffff::3]:1", 0, rate},
		{"IPv6 another /64", "[2001:db8:0:2::1]:1", 0, accepted},
	}
	for _, s := range steps {
		f.clk.Advance(s.advance)
		wantCode(t, s.what, claimFrom(s.addr), s.want, "a minute")
	}
}

func TestNameCap(t *testing.T) {
	f := newFixture(t, claim.Options{Mode: claim.Open, MaxNames: 2})
	wantCode(t, "first", f.claim("@a", key(t), "127.0.0.1:1", nil), accepted, "")
	wantCode(t, "second", f.claim("@b", key(t), "127.0.0.2:1", nil), accepted, "")
	wantCode(t, "past the cap", f.claim("@c", key(t), "127.0.0.3:1", nil), limit, "--max-names")
	wantCode(t, "invited past the cap", f.claim("@c", key(t), "127.0.0.3:1", f.invite("@c", time.Hour)), accepted, "")
	if got := f.st.Count(); got != 3 {
		t.Errorf("got %d names, want 3", got)
	}
}

func TestTokens(t *testing.T) {
	f := newFixture(t, claim.Options{Mode: claim.Invite})
	pi := f.invite("@pi", 24*time.Hour)
	old := f.invite("@old", time.Hour)
	piKey := key(t)
	steps := []struct {
		what  string
		name  identity.Name
		token []byte
		want  int
		hint  string
	}{
		{"another name", "@other", pi, notAllowed, "for another name"},
		{"short token", "@pi", pi[:16], notAllowed, "16 bytes"},
		{"unknown token", "@pi", bytes.Repeat([]byte{7}, 32), notAllowed, "unknown, expired or used"},
		{"valid", "@pi", pi, accepted, ""},
		{"used already, another name", "@pi2", pi, notAllowed, "unknown, expired or used"},
		{"expired", "@old", old, notAllowed, "unknown, expired or used"},
	}
	for _, s := range steps {
		if s.name == "@old" {
			f.clk.Advance(time.Hour)
		}
		k := key(t)
		if s.name == "@pi" {
			k = piKey
		}
		wantCode(t, s.what, f.claim(s.name, k, "127.0.0.1:1", s.token), s.want, s.hint)
	}
	if got, ok, _ := f.st.Lookup("@pi"); !ok || !got.Equal(piKey) {
		t.Errorf("@pi bound to %v (%v), want the key that presented the token", got, ok)
	}
	// The bound identity reconnects with its (used) token still configured.
	wantCode(t, "reconnection with a used token", f.claim("@pi", piKey, "127.0.0.1:1", pi), accepted, "")
}

func TestTokenPastTheRate(t *testing.T) {
	f := newFixture(t, claim.Options{Mode: claim.Allow, Allow: []string{"@listed"}, Rate: 1, Burst: 1})
	wantCode(t, "invited under allow", f.claim("@pi", key(t), "127.0.0.1:1", f.invite("@pi", time.Hour)), accepted, "")
	f2 := newFixture(t, claim.Options{Mode: claim.Open, Rate: 1, Burst: 1})
	wantCode(t, "burst", f2.claim("@a", key(t), "127.0.0.1:1", nil), accepted, "")
	wantCode(t, "invited past the rate", f2.claim("@b", key(t), "127.0.0.1:1", f2.invite("@b", time.Hour)), accepted, "")
}

func TestNewToken(t *testing.T) {
	text, hash := claim.NewToken()
	raw, err := wire.ParseClaimToken(text)
	if err != nil || sha256.Sum256(raw[:]) != hash {
		t.Errorf("token %q: %v, or its hash is not the SHA-256 of its bytes", text, err)
	}
	if again, _ := claim.NewToken(); again == text {
		t.Error("two tokens alike")
	}
}

func TestBadOptions(t *testing.T) {
	for _, opt := range []claim.Options{
		{Mode: "closed"},
		{Mode: claim.Allow, Allow: []string{"garage_pi"}},
		{Mode: claim.Allow, Allow: []string{"nport-pub:xyz"}},
		{Mode: claim.Allow},
		{Mode: claim.Open, Allow: []string{"@pi"}},
	} {
		if _, err := claim.New(nil, opt); err == nil {
			t.Errorf("options %+v accepted", opt)
		}
	}
}

// TestRefusalsLogRateLimited floods the policy with refused claims: the
// log gets a few lines, and the next says how many it left out.
func TestRefusalsLogRateLimited(t *testing.T) {
	var logs bytes.Buffer
	f := newFixture(t, claim.Options{Mode: claim.Invite, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	k := key(t)
	for range 1000 {
		f.claim("@flood", k, "127.0.0.1:1", nil)
	}
	lines := strings.Count(logs.String(), "claim refused")
	if lines < 1 || lines > 40 {
		t.Errorf("%d log lines for 1000 refused claims, want a few", lines)
	}
	if !strings.Contains(logs.String(), "reason=not-allowed") {
		t.Errorf("log %q does not give the reason", logs.String())
	}
}
