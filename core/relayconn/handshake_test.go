package relayconn

import (
	"bytes"
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

func TestHandshakeRefusals(t *testing.T) {
	relay, alice := newID(t, "@relay"), newID(t, "@alice")
	pinned := newID(t, "@other").Public()
	taken := errors.New("bound to another key")
	tests := []struct {
		name       string
		srv        ServerConfig
		cli        ClientConfig
		wantClient func(error) bool
		wantServer func(error) bool
	}{
		{
			name: "name taken",
			srv: ServerConfig{Key: relay.Key, Welcome: welcome(time.Second),
				Claim: func(Claim) error { return taken }},
			cli:        ClientConfig{Identity: alice, CheckRelayKey: trustAny},
			wantClient: refusalCode(wire.RefuseNameTaken),
			wantServer: func(err error) bool { return errors.Is(err, taken) },
		},
		{
			name: "claim refusal passed through",
			srv: ServerConfig{Key: relay.Key, Welcome: welcome(time.Second),
				Claim: func(Claim) error {
					return wire.Refusal{Code: wire.RefuseLimit, Message: "directory full"}
				}},
			cli:        ClientConfig{Identity: alice, CheckRelayKey: trustAny},
			wantClient: refusalCode(wire.RefuseLimit),
			wantServer: func(err error) bool { return err != nil },
		},
		{
			name: "relay key changed",
			srv:  ServerConfig{Key: relay.Key, Welcome: welcome(time.Second)},
			cli: ClientConfig{Identity: alice, CheckRelayKey: func(k identity.PublicKey) error {
				return &identity.KeyChangedError{Subject: "relay:x:1", Pinned: pinned, Got: k}
			}},
			wantClient: func(err error) bool {
				kc, ok := errors.AsType[*identity.KeyChangedError](err)
				return ok && kc.Got.Equal(relay.Public())
			},
			wantServer: refusalCode(wire.RefuseBadAuth),
		},
		{
			name:       "no relay key check",
			srv:        ServerConfig{Key: relay.Key, Welcome: welcome(time.Second), Timeout: 200 * time.Millisecond},
			cli:        ClientConfig{Identity: alice},
			wantClient: func(err error) bool { return err != nil },
			wantServer: func(err error) bool { return err != nil },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cn, sn := tcpPair(t)
			ch := acceptAsync(t.Context(), sn, tt.srv)
			c, err := Handshake(t.Context(), cn, tt.cli)
			if err == nil {
				c.Close()
			}
			if !tt.wantClient(err) {
				t.Errorf("client: got %v", err)
			}
			r := <-ch
			if r.err == nil {
				r.c.Close()
			}
			if !tt.wantServer(r.err) {
				t.Errorf("server: got %v", r.err)
			}
		})
	}
}

func refusalCode(code wire.RefuseCode) func(error) bool {
	return func(err error) bool {
		r, ok := errors.AsType[wire.Refusal](err)
		return ok && r.Code == code
	}
}

// TestServerRefusesBadClients plays broken clients against Accept over
// TCP and checks both the error and the Refuse the client is sent.
func TestServerRefusesBadClients(t *testing.T) {
	relay, alice := newID(t, "@relay"), newID(t, "@alice")
	hello := wire.ClientHello{Pub: alice.Public().Raw(), Name: "@alice"}
	badVersion := frames(t, hello)
	badVersion[wire.FrameHeaderLen+4] = 1 // the version byte after the magic
	tests := []struct {
		name     string
		script   func(t *testing.T) []byte
		wantErr  error
		wantCode wire.RefuseCode
	}{
		{"http request", func(*testing.T) []byte { return []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n") }, wire.ErrFrameTooLarge, wire.RefuseMalformed},
		{"short hello", func(*testing.T) []byte { return []byte{1, 0, 0, 0, 3, 'a', 'b', 'c'} }, wire.ErrMalformed, wire.RefuseMalformed},
		{"wrong first frame", func(t *testing.T) []byte {
			return frames(t, wire.Lookup{ReqID: 1, Name: "@alice"})
		}, wire.ErrMalformed, wire.RefuseMalformed},
		{"oversized header", func(*testing.T) []byte { return []byte{1, 0xff, 0xff, 0xff, 0xff} }, wire.ErrFrameTooLarge, wire.RefuseMalformed},
		{"other version", func(*testing.T) []byte { return badVersion }, wire.ErrVersion, wire.RefuseVersion},
		{"bad name", func(t *testing.T) []byte {
			return frames(t, wire.ClientHello{Pub: alice.Public().Raw(), Name: "@Alice"})
		}, wire.ErrMalformed, wire.RefuseMalformed},
		{"zero key", func(t *testing.T) []byte {
			return frames(t, wire.ClientHello{Name: "@alice"})
		}, ErrBadProof, wire.RefuseBadAuth},
		{"non-canonical key", func(t *testing.T) []byte {
			h := hello
			h.Pub[31] |= 0x80 // the same key to X25519, another to a pin
			return frames(t, h)
		}, ErrBadProof, wire.RefuseBadAuth},
		{"wrong proof", func(t *testing.T) []byte {
			proof := make([]byte, wire.ClientProofLen(len("@alice"), 0))
			return frames(t, hello, wire.ClientAuth{Proof: proof})
		}, ErrBadProof, wire.RefuseBadAuth},
		{"silent after hello", func(t *testing.T) []byte { return frames(t, hello) }, ErrHandshakeTimeout, wire.RefuseTimeout},
		{"silent", func(*testing.T) []byte { return nil }, ErrHandshakeTimeout, wire.RefuseTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cn, sn := tcpPair(t)
			timeout := 300 * time.Millisecond
			ch := acceptAsync(t.Context(), sn, ServerConfig{Key: relay.Key, Welcome: welcome(time.Second), Timeout: timeout})
			start := time.Now()
			if _, err := cn.Write(tt.script(t)); err != nil {
				t.Fatal(err)
			}
			ref, ok := readRefusal(t, cn)
			r := <-ch
			if !errors.Is(r.err, tt.wantErr) {
				t.Errorf("got %v, want %v", r.err, tt.wantErr)
			}
			if !ok || ref.Code != tt.wantCode {
				t.Errorf("refusal: got %+v (%v), want code %v", ref, ok, tt.wantCode)
			}
			if took := time.Since(start); took > timeout+2*time.Second {
				t.Errorf("took %v, want at most the %v deadline and a little", took, timeout)
			}
		})
	}
}

func TestClientRefusesBadRelays(t *testing.T) {
	relay, alice, mallory := newID(t, "@relay"), newID(t, "@alice"), newID(t, "@mallory")
	proofFor := func(key identity.PrivateKey, to identity.PublicKey) []byte {
		// A proof over a challenge of all 0x42 bytes, what fillReader gives.
		var ch [wire.ChallengeLen]byte
		for i := range ch {
			ch[i] = 0x42
		}
		return key.SealTo(to, wire.ServerProofPlaintext(ch))
	}
	tests := []struct {
		name   string
		script func(t *testing.T) []byte
		want   func(error) bool
	}{
		{"proof by another key", func(t *testing.T) []byte {
			return frames(t, wire.ServerHello{RelayPub: relay.Public().Raw(), Proof: proofFor(mallory.Key, alice.Public())})
		}, func(err error) bool { return errors.Is(err, ErrBadProof) }},
		{"proof for another client", func(t *testing.T) []byte {
			return frames(t, wire.ServerHello{RelayPub: relay.Public().Raw(), Proof: proofFor(relay.Key, mallory.Public())})
		}, func(err error) bool { return errors.Is(err, ErrBadProof) }},
		{"non-canonical relay key", func(t *testing.T) []byte {
			pub := relay.Public().Raw()
			pub[31] |= 0x80 // opens the same boxes as the real key
			return frames(t, wire.ServerHello{RelayPub: pub, Proof: proofFor(relay.Key, alice.Public())})
		}, func(err error) bool { return errors.Is(err, ErrBadProof) }},
		{"refused at once", func(t *testing.T) []byte {
			return frames(t, wire.Refusal{Code: wire.RefuseLimit, Message: "full"})
		}, refusalCode(wire.RefuseLimit)},
		{"refused after auth", func(t *testing.T) []byte {
			return frames(t, wire.ServerHello{RelayPub: relay.Public().Raw(), Proof: proofFor(relay.Key, alice.Public())},
				wire.Refusal{Code: wire.RefuseNameTaken})
		}, refusalCode(wire.RefuseNameTaken)},
		{"not a relay", func(*testing.T) []byte { return []byte("SSH-2.0-OpenSSH_9.6\r\n") }, func(err error) bool {
			return errors.Is(err, wire.ErrMalformed) || errors.Is(err, wire.ErrFrameTooLarge)
		}},
		{"hangs up", func(*testing.T) []byte { return nil }, func(err error) bool { return err != nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Handshake(t.Context(), newScriptConn(tt.script(t)), ClientConfig{Identity: alice, CheckRelayKey: trustAny, Rand: fillReader(0x42)})
			if err == nil {
				c.Close()
			}
			if !tt.want(err) {
				t.Errorf("got %v", err)
			}
		})
	}
}

func TestHandshakeCancelled(t *testing.T) {
	relay, alice := newID(t, "@relay"), newID(t, "@alice")
	tests := []struct {
		name string
		run  func(ctx context.Context, nc net.Conn) error
	}{
		{"client", func(ctx context.Context, nc net.Conn) error {
			_, err := Handshake(ctx, nc, ClientConfig{Identity: alice, CheckRelayKey: trustAny})
			return err
		}},
		{"server", func(ctx context.Context, nc net.Conn) error {
			_, err := Accept(ctx, nc, ServerConfig{Key: relay.Key, Welcome: welcome(time.Second)})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cn, sn := tcpPair(t)
			go drain(sn) // a peer that reads and never answers
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() { done <- tt.run(ctx, cn) }()
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("got %v, want context.Canceled", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("handshake still running 5s after its context was cancelled")
			}
		})
	}
}

func drain(nc net.Conn) {
	buf := make([]byte, 1024)
	for {
		if _, err := nc.Read(buf); err != nil {
			return
		}
	}
}

func TestReject(t *testing.T) {
	alice := newID(t, "@alice")
	cn, sn := tcpPair(t)
	done := make(chan struct{})
	go func() {
		Reject(t.Context(), sn, wire.Refusal{Code: wire.RefuseLimit, Message: "full"}, 5*time.Second)
		close(done)
	}()
	_, err := Handshake(t.Context(), cn, ClientConfig{Identity: alice, CheckRelayKey: trustAny})
	if r, ok := errors.AsType[wire.Refusal](err); !ok || r.Code != wire.RefuseLimit || r.Message != "full" {
		t.Errorf("got %v, want the limit refusal", err)
	}
	<-done
}

func TestHandshakeCarriesFlagsTokenAndConnID(t *testing.T) {
	relay, alice := newID(t, "@relay"), newID(t, "@alice")
	token := bytes.Repeat([]byte{7}, wire.ClaimTokenLen)
	tests := []struct {
		name  string
		flags wire.HelloFlags
		token []byte
	}{
		{"device without a token", 0, nil},
		{"service with a token", wire.HelloService, token},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Claim
			srv := ServerConfig{Key: relay.Key, Welcome: welcome(time.Second), Claim: func(c Claim) error { got = c; return nil }}
			cli, rel := connect(t, srv, ClientConfig{Identity: alice, CheckRelayKey: trustAny, Flags: tt.flags, ClaimToken: tt.token})
			if got.Name != "@alice" || got.Flags != tt.flags || !bytes.Equal(got.Token, tt.token) || got.Remote == nil {
				t.Errorf("claim: got %+v, want @alice with flags %v and token %x", got, tt.flags, tt.token)
			}
			if rel.Flags() != tt.flags || cli.Flags() != tt.flags {
				t.Errorf("flags: relay side %v, client side %v, want %v", rel.Flags(), cli.Flags(), tt.flags)
			}
			if cli.ID() == 0 || cli.ID() != rel.ID() {
				t.Errorf("conn id: client %d, relay %d, want the same, not 0", cli.ID(), rel.ID())
			}
		})
	}
	cn, _ := tcpPair(t)
	if _, err := Handshake(context.Background(), cn, ClientConfig{Identity: alice, CheckRelayKey: trustAny, ClaimToken: token[:5]}); err == nil {
		t.Error("a 5-byte claim token: got nil error, want a refusal before anything is sent")
	}
}
