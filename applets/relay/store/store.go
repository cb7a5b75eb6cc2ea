// Package store keeps the relay's state in one bbolt database file,
// HOME/relay/relay.db: the directory of names (who claimed what, when it
// was last seen), the envelopes queued for identities that are offline,
// and the invitations an operator has issued. Everything in it survives
// a restart, and a crash: a write is on disk before the method that made
// it returns.
//
// A Store is a directory.Directory and a route.Queue. Only one process
// opens the file at a time (bbolt locks it); the running relay serves
// the operator's commands over its admin socket instead.
package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/nport/nport/applets/relay/route"
	"github.com/nport/nport/core/identity"
)

// FileName is the database under a relay's home.
func FileName(home string) string { return filepath.Join(home, "relay", "relay.db") }

// Options configure a Store.
type Options struct {
	// Queue bounds the offline queues, as for route.MemoryQueue.
	Queue route.QueueOptions
	// LockTimeout is how long Open waits for another process to let go of
	// the file; 0 means DefaultLockTimeout.
	LockTimeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// batchDelay is how long a write waits for others to share its sync.
const batchDelay = time.Millisecond

// DefaultLockTimeout is how long Open waits for the file's lock.
const DefaultLockTimeout = 2 * time.Second

// ErrLocked means another process (a running relay) has the file open.
var ErrLocked = errors.New("store: the database is in use by another process")

// Store is the relay's database. It is safe for concurrent use.
type Store struct {
	db    *bolt.DB
	path  string
	queue route.QueueOptions
	now   func() time.Time

	names atomic.Int64 // bound names
	bytes atomic.Int64 // of all queued frames

	mu    sync.RWMutex                         // guards cache and gen
	cache map[identity.Name]identity.PublicKey // names looked up or claimed
	gen   uint64                               // bumped by every removal

	seen presence
}

// Open opens (or creates, mode 0600 in a 0700 directory) the database at
// path. It fails with an error wrapping ErrLocked when another process
// holds it past the lock timeout.
func Open(path string, opt Options) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	timeout := opt.LockTimeout
	if timeout <= 0 {
		timeout = DefaultLockTimeout
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, FreelistType: bolt.FreelistMapType})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s is locked (a relay seems to be running with this home: stop it first, or use its admin socket)", ErrLocked, path)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w (move it aside to start with an empty directory, or restore a backup)", path, err)
	}
	// Claims and pushes that come together share one sync; a lone one
	// waits a millisecond for company, not bbolt's default ten.
	db.MaxBatchDelay = batchDelay
	s := &Store{db: db, path: path, queue: opt.Queue, now: opt.Now, cache: make(map[identity.Name]identity.PublicKey)}
	if s.queue.MaxBytes <= 0 {
		s.queue.MaxBytes = route.DefaultMaxBytes
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.seen.init()
	if err := s.init(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Close writes when the live identities were last seen and closes the
// file.
func (s *Store) Close() error {
	flushErr := s.Flush()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", s.path, err)
	}
	return flushErr
}

// init creates the buckets of a new file, checks the schema of an old
// one, and counts what it holds.
func (s *Store) init() error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := checkSchema(tx, s.path); err != nil {
			return err
		}
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return s.db.View(func(tx *bolt.Tx) error {
		s.names.Store(int64(countKeys(tx.Bucket(bucketNames))))
		s.bytes.Store(queuedBytes(tx.Bucket(bucketFrames)))
		return nil
	})
}

// countKeys counts the keys of a bucket, which is cheap: the cursor reads
// the pages in place.
func countKeys(b *bolt.Bucket) int {
	n := 0
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n++
	}
	return n
}
