package seal

import (
	"bytes"
	"testing"
	"time"

	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// benchMessage is a typical control message: a ~300 byte JSON body.
func benchMessage(b *testing.B) wire.Message {
	m := testMessage(b)
	m.Body = append([]byte(`{"device":"garage_pi","target":"localhost:22","pad":"`), bytes.Repeat([]byte("x"), 300-56)...)
	m.Body = append(m.Body, `"}`...)
	return m
}

func BenchmarkSeal(b *testing.B) {
	alice, bob := mustKey(b), mustKey(b)
	m := benchMessage(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(m.Body)))
	for b.Loop() {
		Seal(alice, bob.Public(), m)
	}
}

func BenchmarkOpen(b *testing.B) {
	alice, bob := mustKey(b), mustKey(b)
	env := Seal(alice, bob.Public(), benchMessage(b))
	b.ReportAllocs()
	b.SetBytes(int64(len(env)))
	for b.Loop() {
		if _, err := Open(bob, alice.Public(), env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSealerSeal(b *testing.B) {
	alice, bob := mustKey(b), mustKey(b)
	s := NewSealer(alice.Shared(bob.Public()))
	m := benchMessage(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(m.Body)))
	for b.Loop() {
		s.Seal(m)
	}
}

func BenchmarkSealerOpen(b *testing.B) {
	alice, bob := mustKey(b), mustKey(b)
	env := Seal(alice, bob.Public(), benchMessage(b))
	s := NewSealer(bob.Shared(alice.Public()))
	b.ReportAllocs()
	b.SetBytes(int64(len(env)))
	for b.Loop() {
		if _, err := s.Open(env); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReplayGuard runs a guard in its steady state: one message a
// millisecond, so that entries leave the window as fast as they come.
func BenchmarkReplayGuard(b *testing.B) {
	g := NewReplayGuard(0)
	m := testMessage(b)
	now := timeOf(m)
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Millisecond)
		m.Time = now.UnixMilli()
		m.ID = session.NewID()
		if err := g.Check("@alice", m, now); err != nil {
			b.Fatal(err)
		}
	}
}
