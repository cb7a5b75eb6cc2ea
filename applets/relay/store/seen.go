package store

import (
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/nport/nport/core/identity"
)

// LiveRefresh is how often the last-seen time of a name whose connection
// stays up is written, so that it is not months old after a crash.
const LiveRefresh = time.Hour

// presence counts the live connections of each name and remembers which
// names connected or disconnected since the last Flush. Last-seen times
// are written in batches by Flush, not on every connection: a relay
// restart reconnects a whole fleet at once.
type presence struct {
	mu      sync.Mutex
	live    map[identity.Name]*liveName
	touched map[identity.Name]struct{}
}

type liveName struct {
	conns   int
	written time.Time // last-seen last written for it
}

func (p *presence) init() {
	p.live = make(map[identity.Name]*liveName)
	p.touched = make(map[identity.Name]struct{})
}

// Connected records that a connection of name is live: the name does not
// expire while it is.
func (s *Store) Connected(name identity.Name) {
	p := &s.seen
	p.mu.Lock()
	defer p.mu.Unlock()
	l, ok := p.live[name]
	if !ok {
		l = &liveName{written: s.now()}
		p.live[name] = l
	}
	l.conns++
	p.touched[name] = struct{}{}
}

// Disconnected undoes Connected.
func (s *Store) Disconnected(name identity.Name) {
	p := &s.seen
	p.mu.Lock()
	defer p.mu.Unlock()
	if l, ok := p.live[name]; ok {
		if l.conns--; l.conns <= 0 {
			delete(p.live, name)
		}
	}
	p.touched[name] = struct{}{}
}

// busy reports whether name is live or was seen since the last Flush;
// the caller holds p.mu.
func (p *presence) busy(name identity.Name) bool {
	_, live := p.live[name]
	_, touched := p.touched[name]
	return live || touched
}

// due returns the names whose last-seen time should be written at now,
// and marks them written.
func (p *presence) due(now time.Time) []identity.Name {
	p.mu.Lock()
	defer p.mu.Unlock()
	names := make([]identity.Name, 0, len(p.touched))
	for n := range p.touched {
		names = append(names, n)
		if l, ok := p.live[n]; ok {
			l.written = now
		}
	}
	clear(p.touched)
	for n, l := range p.live {
		if now.Sub(l.written) >= LiveRefresh {
			names = append(names, n)
			l.written = now
		}
	}
	return names
}

// Flush writes the last-seen time of the names that connected or
// disconnected since the last Flush, and of those connected for more
// than LiveRefresh, in one transaction.
func (s *Store) Flush() error {
	now := s.now()
	names := s.seen.due(now)
	if len(names) == 0 {
		return nil
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketNames)
		for _, n := range names {
			v := b.Get([]byte(n))
			if v == nil {
				continue // removed meanwhile
			}
			r, err := decodeName([]byte(n), v)
			if err != nil {
				return err
			}
			r.lastSeen = now
			if err := b.Put([]byte(n), r.encode()); err != nil {
				return err
			}
		}
		return nil
	})
	return wrapTx("record when names were last seen", err)
}
