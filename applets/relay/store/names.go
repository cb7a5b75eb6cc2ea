package store

import (
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/nport/nport/applets/relay/directory"
	"github.com/nport/nport/core/identity"
)

// Claim binds name to key if the name is free. A reconnection (the name
// bound to key already) reads only, from memory once the name is known.
func (s *Store) Claim(name identity.Name, key identity.PublicKey) error {
	bound, ok, err := s.Lookup(name)
	if err != nil {
		return err
	}
	if ok {
		return checkBound(name, bound, key)
	}
	return s.bind(name, key, func(*bolt.Tx) error { return nil })
}

// bind records a new binding of name, in a transaction shared with other
// claims (one disk sync for all), after check has approved it in the
// same transaction.
func (s *Store) bind(name identity.Name, key identity.PublicKey, check func(*bolt.Tx) error) error {
	var added bool
	err := s.db.Batch(func(tx *bolt.Tx) error {
		added = false // Batch may run this more than once
		if err := check(tx); err != nil {
			return err
		}
		b := tx.Bucket(bucketNames)
		if v := b.Get([]byte(name)); v != nil {
			r, err := decodeName([]byte(name), v)
			if err != nil {
				return err
			}
			return checkBound(name, r.key, key)
		}
		now := s.now()
		added = true
		return b.Put([]byte(name), nameRecord{key: key, claimed: now, lastSeen: now}.encode())
	})
	if err != nil {
		return wrapTx("claim "+string(name), err)
	}
	if added {
		s.names.Add(1)
		s.remember(name, key)
	}
	return nil
}

// checkBound is a claim's answer for a name bound already.
func checkBound(name identity.Name, bound, key identity.PublicKey) error {
	if bound.Equal(key) {
		return nil
	}
	return fmt.Errorf("%w: %s is bound to %s, not %s", directory.ErrNameTaken, name, bound.Fingerprint(), key.Fingerprint())
}

// Lookup returns the key bound to name. Names are kept in memory once
// found, so routing does not touch the file.
func (s *Store) Lookup(name identity.Name) (identity.PublicKey, bool, error) {
	s.mu.RLock()
	key, ok := s.cache[name]
	gen := s.gen
	s.mu.RUnlock()
	if ok {
		return key, true, nil
	}
	var r nameRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketNames).Get([]byte(name))
		if v == nil {
			return nil
		}
		var err error
		r, err = decodeName([]byte(name), v)
		ok = err == nil
		return err
	})
	if err != nil || !ok {
		return identity.PublicKey{}, false, err
	}
	s.mu.Lock()
	if s.gen == gen { // no removal since the read: the record is current
		s.cache[name] = r.key
	}
	s.mu.Unlock()
	return r.key, true, nil
}

// remember puts a binding just written into the cache.
func (s *Store) remember(name identity.Name, key identity.PublicKey) {
	s.mu.Lock()
	s.cache[name] = key
	s.mu.Unlock()
}

// forget drops names just removed from the cache.
func (s *Store) forget(names ...identity.Name) {
	s.mu.Lock()
	for _, n := range names {
		delete(s.cache, n)
	}
	s.gen++
	s.mu.Unlock()
}

// Remove releases name and drops what was queued for it.
func (s *Store) Remove(name identity.Name) error {
	var freed int64
	err := s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketNames).Get([]byte(name)) == nil {
			return fmt.Errorf("%w: %s (see the bindings with `nport relay directory list`)", directory.ErrNotFound, name)
		}
		var err error
		if freed, err = dropName(tx, name); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return wrapTx("remove "+string(name), err)
	}
	s.removed(freed, name)
	return nil
}

// dropName deletes name and its queued frames in tx, and returns the
// bytes of frames it dropped.
func dropName(tx *bolt.Tx, name identity.Name) (int64, error) {
	if err := tx.Bucket(bucketNames).Delete([]byte(name)); err != nil {
		return 0, err
	}
	return dropFrames(tx, name)
}

// removed updates the counters and the cache after names were deleted.
func (s *Store) removed(freed int64, names ...identity.Name) {
	s.names.Add(-int64(len(names)))
	s.bytes.Add(-freed)
	s.forget(names...)
}

// List returns every binding, sorted by name (the file's order).
func (s *Store) List() ([]directory.Binding, error) {
	var out []directory.Binding
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketNames).ForEach(func(k, v []byte) error {
			r, err := decodeName(k, v)
			if err != nil {
				return err
			}
			out = append(out, directory.Binding{Name: identity.Name(k), Key: r.key, Claimed: r.claimed, LastSeen: r.lastSeen})
			return nil
		})
	})
	return out, wrapTx("list", err)
}

// Count returns how many names are bound.
func (s *Store) Count() int { return int(s.names.Load()) }

// wrapTx names the operation of a failed transaction, leaving errors of
// the directory's own kinds recognisable with errors.Is.
func wrapTx(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, directory.ErrNameTaken) || errors.Is(err, directory.ErrNotFound) {
		return err
	}
	return fmt.Errorf("store: %s: %w", op, err)
}
