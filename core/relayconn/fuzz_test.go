package relayconn

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// The fuzz targets replay a peer's bytes against one side of the
// handshake. Keys and challenges are fixed (fixedID, fillReader), so the
// seeds hold complete valid sessions and the fuzzer explores the frames
// after the handshake as well as the handshake itself.

var updateSeeds = flag.Bool("update-seeds", false, "rewrite the seed files under testdata/fuzz")

// fuzzChallenge is what fillReader(0x42) gives both sides as a challenge.
const fuzzFill = 0x42

func fuzzChallenge() [wire.ChallengeLen]byte {
	var c [wire.ChallengeLen]byte
	fillReader(fuzzFill).Read(c[:])
	return c
}

func fuzzKeys(t testing.TB) (relay, client identity.Identity) {
	return fixedID(t, "@relay", 1), fixedID(t, "@fuzz", 2)
}

// clientScripts are what a client may send to a relay.
func clientScripts(t testing.TB) map[string][]byte {
	relay, client := fuzzKeys(t)
	hello := wire.ClientHello{Pub: client.Public().Raw(), Challenge: [32]byte{7}, Name: string(client.Name)}
	auth := wire.ClientAuth{Proof: client.Key.SealTo(relay.Public(), wire.ClientProofPlaintext(fuzzChallenge(), string(client.Name), nil))}
	session := frames(t, hello, auth,
		wire.Send{SendID: 1, To: "@bob", Sealed: sealed(wire.MinSealedLen, 5)},
		wire.Lookup{ReqID: 2, Name: "@bob"},
		wire.Ping{Data: [8]byte{1}}, wire.Pong{},
	)
	session = wire.AppendFrame(session, 0x7f, []byte("unknown"))
	session = append(session, frames(t, wire.Refusal{Code: wire.RefuseUnknown, Message: "bye"})...)
	flipped := hello
	flipped.Pub[31] |= 0x80 // X25519 ignores the bit: the proof still opens
	otherVersion := frames(t, hello)
	otherVersion[wire.FrameHeaderLen+4] = 9
	return map[string][]byte{
		"session":       session,
		"hello-only":    frames(t, hello),
		"other-version": otherVersion,
		"refused-relay": frames(t, hello, wire.Refusal{Code: wire.RefuseBadAuth}),
		"noncanonical":  frames(t, flipped, auth),
		"oversized":     {byte(wire.FrameClientHello), 0, 1, 0, 0},
		"garbage":       []byte("GET / HTTP/1.1\r\n\r\n"),
	}
}

// relayScripts are what a relay may send to a client.
func relayScripts(t testing.TB) map[string][]byte {
	relay, client := fuzzKeys(t)
	hello := wire.ServerHello{RelayPub: relay.Public().Raw(), Challenge: [32]byte{9},
		Proof: relay.Key.SealTo(client.Public(), wire.ServerProofPlaintext(fuzzChallenge()))}
	session := frames(t, hello, welcome(time.Second),
		wire.Recv{FromConn: 5, From: "@bob", FromPub: [32]byte{3}, Sealed: sealed(wire.MinSealedLen, 6)},
		wire.LookupReply{ReqID: 2, Status: wire.LookupFound, Pub: [32]byte{3}, Name: "@bob"},
		wire.SendStatus{SendID: 1, Status: wire.SendQueued},
		wire.Ping{Data: [8]byte{2}},
	)
	session = wire.AppendFrame(session, 0x7f, nil)
	session = append(session, frames(t, wire.Refusal{Code: wire.RefuseRate, Message: "slow down"})...)
	return map[string][]byte{
		"session":     session,
		"name-taken":  frames(t, hello, wire.Refusal{Code: wire.RefuseNameTaken, Message: "taken"}),
		"refused":     frames(t, wire.Refusal{Code: wire.RefuseLimit}),
		"no-welcome":  frames(t, hello),
		"bad-welcome": append(frames(t, hello), byte(wire.FrameWelcome), 0, 0, 0, 1, 0),
		"garbage":     []byte("SSH-2.0-OpenSSH_9.6\r\n"),
	}
}

// withinDeadline fails the fuzz run if fn runs past limit.
func withinDeadline(t *testing.T, limit time.Duration, fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(limit):
		t.Fatalf("still running after %v", limit)
	}
}

func FuzzServerHandshake(f *testing.F) {
	relay, client := fuzzKeys(f)
	for _, s := range clientScripts(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script []byte) {
		cfg := ServerConfig{Key: relay.Key, Welcome: welcome(time.Second), Timeout: time.Second, Rand: fillReader(fuzzFill)}
		withinDeadline(t, 5*time.Second, func() {
			c, err := Accept(context.Background(), newScriptConn(script), cfg)
			if err != nil {
				return
			}
			defer c.Close()
			// Only the holder of the client key can make a valid proof.
			if c.Name() != client.Name || !c.Peer().Equal(client.Public()) {
				t.Fatalf("admitted %s with key %v without its proof", c.Name(), c.Peer())
			}
			drainNext(c)
		})
	})
}

func FuzzClientHandshake(f *testing.F) {
	relay, client := fuzzKeys(f)
	for _, s := range relayScripts(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script []byte) {
		cfg := ClientConfig{Identity: client, CheckRelayKey: trustAny, Timeout: time.Second, Rand: fillReader(fuzzFill)}
		withinDeadline(t, 5*time.Second, func() {
			c, err := Handshake(context.Background(), newScriptConn(script), cfg)
			if err != nil {
				return
			}
			defer c.Close()
			if !c.Peer().Equal(relay.Public()) {
				t.Fatalf("accepted relay key %v without its proof", c.Peer())
			}
			drainNext(c)
		})
	})
}

// drainNext reads frames until the script runs out or one is refused.
func drainNext(c *Conn) {
	for {
		if _, err := c.Next(); err != nil {
			return
		}
	}
}

// TestFuzzSeedsAreValid checks that the recorded sessions still complete
// the handshake, so the fuzzer starts from inside the protocol; with
// -update-seeds it rewrites the seed files.
func TestFuzzSeedsAreValid(t *testing.T) {
	relay, client := fuzzKeys(t)
	srv := ServerConfig{Key: relay.Key, Welcome: welcome(time.Second), Rand: fillReader(fuzzFill)}
	cli := ClientConfig{Identity: client, CheckRelayKey: trustAny, Rand: fillReader(fuzzFill)}
	if c, err := Accept(t.Context(), newScriptConn(clientScripts(t)["session"]), srv); err != nil {
		t.Errorf("server seed: %v", err)
	} else {
		c.Close()
	}
	if c, err := Handshake(t.Context(), newScriptConn(relayScripts(t)["session"]), cli); err != nil {
		t.Errorf("client seed: %v", err)
	} else {
		c.Close()
	}
	if *updateSeeds {
		writeSeeds(t, "FuzzServerHandshake", clientScripts(t))
		writeSeeds(t, "FuzzClientHandshake", relayScripts(t))
	}
}

func writeSeeds(t *testing.T, target string, scripts map[string][]byte) {
	dir := filepath.Join("testdata", "fuzz", target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, s := range scripts {
		text := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
