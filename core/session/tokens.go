package session

import (
	"errors"
	"sync"
	"time"
)

// ErrBadToken is the one answer to every token that does not redeem:
// unknown session, wrong token, used already, or expired. A guesser learns
// nothing from it.
var ErrBadToken = errors.New("session: bad or expired token")

// Tokens is a registry of single-use tokens, for the rendezvous. A session
// may hold several (one per party); each works once. It is safe for
// concurrent use.
type Tokens struct {
	mu sync.Mutex
	m  map[ID][]issued
}

// issued is one token waiting to be redeemed.
type issued struct {
	tok     Token
	expires time.Time
}

// NewTokens returns an empty registry.
func NewTokens() *Tokens { return &Tokens{m: make(map[ID][]issued)} }

// Issue registers tok for session id until expires.
func (r *Tokens) Issue(id ID, tok Token, expires time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m[id] = append(r.m[id], issued{tok: tok, expires: expires})
}

// Redeem accepts tok for session id once, if it has not expired by now.
// Every failure is ErrBadToken. All tokens of the session are compared,
// in constant time, so the time taken does not say which one was close.
func (r *Tokens) Redeem(id ID, tok Token, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	list := r.m[id]
	found := -1
	for i, is := range list {
		if is.tok.Equal(tok) {
			found = i
		}
	}
	if found < 0 {
		return ErrBadToken
	}
	live := now.Before(list[found].expires)
	r.drop(id, found)
	if !live {
		return ErrBadToken
	}
	return nil
}

// drop removes the i-th token of session id.
func (r *Tokens) drop(id ID, i int) {
	list := r.m[id]
	list = append(list[:i], list[i+1:]...)
	if len(list) == 0 {
		delete(r.m, id)
		return
	}
	r.m[id] = list
}

// Revoke drops every token of session id, for a session that has ended.
func (r *Tokens) Revoke(id ID) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m, id)
}

// Expire drops every token that has expired by now; call it now and then
// so that unredeemed tokens do not pile up.
func (r *Tokens) Expire(now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, list := range r.m {
		live := list[:0]
		for _, is := range list {
			if now.Before(is.expires) {
				live = append(live, is)
			}
		}
		if len(live) == 0 {
			delete(r.m, id)
		} else {
			r.m[id] = live
		}
	}
}

// Len returns how many tokens wait to be redeemed.
func (r *Tokens) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, list := range r.m {
		n += len(list)
	}
	return n
}
