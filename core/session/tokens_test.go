package session

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestTokensRedeem(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	id, other := NewID(), NewID()
	client, daemon, stranger := NewToken(), NewToken(), NewToken()
	r := NewTokens()
	r.Issue(id, client, now.Add(10*time.Second))
	r.Issue(id, daemon, now.Add(time.Second))
	tests := []struct {
		name string
		id   ID
		tok  Token
		at   time.Time
		want error
	}{
		{"wrong session", other, client, now, ErrBadToken},
		{"wrong token", id, stranger, now, ErrBadToken},
		{"client", id, client, now, nil},
		{"client again", id, client, now, ErrBadToken},
		{"daemon expired", id, daemon, now.Add(time.Second), ErrBadToken},
		{"daemon after expiry", id, daemon, now, ErrBadToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Redeem(tt.id, tt.tok, tt.at); !errors.Is(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if n := r.Len(); n != 0 {
		t.Errorf("got %d tokens left, want 0", n)
	}
}

func TestTokensExpire(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	r := NewTokens()
	old, fresh := NewID(), NewID()
	r.Issue(old, NewToken(), now.Add(time.Second))
	keep := NewToken()
	r.Issue(fresh, keep, now.Add(time.Minute))
	r.Issue(fresh, NewToken(), now)
	r.Expire(now.Add(time.Second))
	if n := r.Len(); n != 1 {
		t.Fatalf("got %d tokens after Expire, want 1", n)
	}
	if err := r.Redeem(fresh, keep, now.Add(2*time.Second)); err != nil {
		t.Errorf("got %v, want the live token to redeem", err)
	}
}

func TestTokensRevoke(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	r := NewTokens()
	id, tok := NewID(), NewToken()
	r.Issue(id, tok, now.Add(time.Minute))
	r.Revoke(id)
	if err := r.Redeem(id, tok, now); !errors.Is(err, ErrBadToken) {
		t.Errorf("got %v after Revoke, want ErrBadToken", err)
	}
}

// TestTokensOnce races many redeemers for one token: exactly one wins.
func TestTokensOnce(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	r := NewTokens()
	id, tok := NewID(), NewToken()
	r.Issue(id, tok, now.Add(time.Minute))
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if r.Redeem(id, tok, now) == nil {
				wins.Add(1)
			}
			r.Expire(now)
		})
	}
	wg.Wait()
	if got := wins.Load(); got != 1 {
		t.Errorf("got %d successful redeems, want 1", got)
	}
}
