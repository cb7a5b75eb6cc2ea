// Package replaystate keeps, across restarts of a receiver, the date of
// the latest message it accepted from each sender, so that a message it
// may have acted on before a restart is refused after it (see
// seal.ReplayGuard.Restore). Dates older than the freshness window are
// forgotten: the window refuses those anyway.
//
// The state is a bbolt database of one bucket, sender → Unix ms. Save
// returns once the dates are written to the file, so a process that
// restarts, is upgraded or crashes finds them; the file is synced to the
// disk within SyncInterval, so that a power cut loses at most the dates of
// that last moment, and a set-up does not wait for a disk on its path.
package replaystate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucket holds sender name → date (8 bytes, big-endian Unix ms).
var bucket = []byte("latest")

// lockTimeout bounds the wait for a database another process holds.
const lockTimeout = time.Second

// SyncInterval is how long a date may wait in the page cache before it is
// synced to the disk.
const SyncInterval = time.Second

// ErrInUse means another process holds the state file.
var ErrInUse = errors.New("replaystate: the state file is in use by another process")

// State is an open state file. It is safe for concurrent use.
type State struct {
	db     *bolt.DB
	window time.Duration

	mu        sync.Mutex
	saved     map[string]int64 // what the file holds
	nextPrune time.Time
	dirty     bool // written since the last sync

	stop chan struct{} // ends the syncer
	done chan struct{} // closed when it has
}

// Open opens or creates the state file at path (mode 0600, its directory
// 0700), forgetting the dates older than window.
func Open(path string, window time.Duration) (*State, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("replaystate: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s (is this program running already with the same identity and home?)", ErrInUse, path)
	}
	if err != nil {
		return nil, fmt.Errorf("replaystate: open %s: %w (move the file away if it is damaged: it only holds recent message dates)", path, err)
	}
	db.NoSync = true // synced by the syncer, not by every transaction
	s := &State{db: db, window: window, saved: make(map[string]int64), stop: make(chan struct{}), done: make(chan struct{})}
	if err := s.load(); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.prune(time.Now()); err != nil {
		db.Close()
		return nil, err
	}
	go s.syncer()
	return s, nil
}

// syncer syncs what was written to the disk every SyncInterval, until
// Close.
func (s *State) syncer() {
	defer close(s.done)
	t := time.NewTicker(SyncInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.sync()
		case <-s.stop:
			return
		}
	}
}

// sync syncs the file if anything was written since the last time. It
// holds no lock while the disk works, so a Save never waits for it.
func (s *State) sync() error {
	s.mu.Lock()
	dirty := s.dirty
	s.dirty = false
	s.mu.Unlock()
	if !dirty {
		return nil
	}
	if err := s.db.Sync(); err != nil {
		s.mu.Lock()
		s.dirty = true
		s.mu.Unlock()
		return fmt.Errorf("replaystate: sync: %w", err)
	}
	return nil
}

// load reads every date.
func (s *State) load() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucket)
		if err != nil {
			return fmt.Errorf("replaystate: %w", err)
		}
		return b.ForEach(func(k, v []byte) error {
			if len(v) == 8 {
				s.saved[string(k)] = int64(binary.BigEndian.Uint64(v))
			}
			return nil
		})
	})
}

// Latest returns the dates the file holds, sender → Unix ms, for
// seal.ReplayGuard.Restore.
func (s *State) Latest() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int64, len(s.saved))
	for k, v := range s.saved {
		out[k] = v
	}
	return out
}

// Save records, for each sender, the date of a message accepted from it,
// and returns once it is written to the file (synced to the disk within
// SyncInterval). Dates no later than those held change nothing and cost
// no write.
func (s *State) Save(latest map[string]int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	changed := make(map[string]int64)
	for k, v := range latest {
		if old, ok := s.saved[k]; !ok || v > old {
			changed[k] = v
		}
	}
	if len(changed) == 0 {
		return nil
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		for k, ms := range changed {
			// bbolt keeps the slices until the commit: one per value.
			if err := b.Put([]byte(k), binary.BigEndian.AppendUint64(nil, uint64(ms))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("replaystate: save: %w", err)
	}
	for k, v := range changed {
		s.saved[k] = v
	}
	s.dirty = true
	if now := time.Now(); !now.Before(s.nextPrune) {
		return s.pruneLocked(now)
	}
	return nil
}

// prune forgets the dates the window refuses anyway.
func (s *State) prune(now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pruneLocked(now)
}

func (s *State) pruneLocked(now time.Time) error {
	s.nextPrune = now.Add(s.window)
	floor := now.Add(-s.window).UnixMilli()
	var old []string
	for k, v := range s.saved {
		if v < floor {
			old = append(old, k)
		}
	}
	if len(old) == 0 {
		return nil
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		for _, k := range old {
			if err := b.Delete([]byte(k)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("replaystate: prune: %w", err)
	}
	for _, k := range old {
		delete(s.saved, k)
	}
	s.dirty = true
	return nil
}

// Close syncs and closes the file.
func (s *State) Close() error {
	close(s.stop)
	<-s.done
	err := s.sync()
	return errors.Join(err, s.db.Close())
}
