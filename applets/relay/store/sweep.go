package store

import (
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/nport/nport/core/identity"
)

// Swept is what one Sweep removed.
type Swept struct {
	Frames  int             // queued frames past their time
	Invites int             // invitations past their time
	Names   []identity.Name // names not seen for the name TTL
}

// Sweep writes the last-seen times due, and removes what has expired at
// now: queued frames (so that names that never come back do not keep
// them), invitations, and, if nameTTL is above 0, the names not seen for
// nameTTL that have no live connection, with their queues.
func (s *Store) Sweep(now time.Time, nameTTL time.Duration) (Swept, error) {
	var out Swept
	if err := s.Flush(); err != nil {
		return out, err
	}
	var err error
	if out.Frames, err = s.sweepFrames(now); err != nil {
		return out, err
	}
	if out.Invites, err = s.sweepInvites(now); err != nil {
		return out, err
	}
	if nameTTL > 0 {
		out.Names, err = s.sweepNames(now.Add(-nameTTL))
	}
	return out, err
}

// sweepFrames removes every frame whose expiry is not after now, walking
// the expiry index from its oldest entry.
func (s *Store) sweepFrames(now time.Time) (int, error) {
	if !s.expiredFrames(now) {
		return 0, nil // nothing to write: no disk sync
	}
	var n int
	var freed int64
	err := s.db.Update(func(tx *bolt.Tx) error {
		n, freed = 0, 0
		index, frames := tx.Bucket(bucketExpiry), tx.Bucket(bucketFrames)
		c := index.Cursor()
		for k, v := c.First(); k != nil; k, v = c.First() {
			if len(k) != 16 || int64(binary.BigEndian.Uint64(k)) > now.UnixNano() {
				break
			}
			fk := frameKey(identity.Name(v), binary.BigEndian.Uint64(k[8:]))
			if fv := frames.Get(fk); fv != nil {
				freed += int64(max(len(fv)-8, 0))
				if err := frames.Delete(fk); err != nil {
					return err
				}
			}
			if err := c.Delete(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, wrapTx("sweep expired messages", err)
	}
	s.bytes.Add(-freed)
	return n, nil
}

// expiredFrames reports whether the oldest queued frame has expired.
func (s *Store) expiredFrames(now time.Time) bool {
	found := false
	s.db.View(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketExpiry).Cursor().First()
		found = len(k) == 16 && int64(binary.BigEndian.Uint64(k)) <= now.UnixNano()
		return nil
	})
	return found
}

// sweepNames removes the names last seen before cutoff. It reads them
// all without blocking writers, then deletes those still idle, holding
// off connections of those names meanwhile.
func (s *Store) sweepNames(cutoff time.Time) ([]identity.Name, error) {
	stale, err := s.idleSince(cutoff)
	if err != nil || len(stale) == 0 {
		return nil, err
	}
	s.seen.mu.Lock()
	defer s.seen.mu.Unlock()
	var gone []identity.Name
	var freed int64
	err = s.db.Update(func(tx *bolt.Tx) error {
		gone, freed = gone[:0], 0
		b := tx.Bucket(bucketNames)
		for _, n := range stale {
			v := b.Get([]byte(n))
			if v == nil || s.seen.busy(n) {
				continue
			}
			if r, err := decodeName([]byte(n), v); err != nil || !r.lastSeen.Before(cutoff) {
				continue
			}
			f, err := dropName(tx, n)
			if err != nil {
				return err
			}
			freed += f
			gone = append(gone, n)
		}
		return nil
	})
	if err != nil {
		return nil, wrapTx("expire names", err)
	}
	s.removed(freed, gone...)
	return gone, nil
}

// idleSince returns the names last seen before cutoff.
func (s *Store) idleSince(cutoff time.Time) ([]identity.Name, error) {
	var stale []identity.Name
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketNames).ForEach(func(k, v []byte) error {
			r, err := decodeName(k, v)
			if err != nil {
				return err
			}
			if r.lastSeen.Before(cutoff) {
				stale = append(stale, identity.Name(k))
			}
			return nil
		})
	})
	return stale, wrapTx("look for expired names", err)
}
