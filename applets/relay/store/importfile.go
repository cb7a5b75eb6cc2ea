package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/nport/nport/applets/relay/directory"
)

// Import writes bindings into an empty directory in one transaction, as
// claimed and last seen now: the directory file of an older relay, or a
// test's fleet. It refuses to mix them into a directory that has names.
func (s *Store) Import(bindings []directory.Binding) error {
	if s.Count() > 0 {
		return fmt.Errorf("store: import into %s: it has %d names already", s.path, s.Count())
	}
	now := s.now()
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketNames)
		for _, bd := range bindings {
			if err := b.Put([]byte(bd.Name), nameRecord{key: bd.Key, claimed: now, lastSeen: now}.encode()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return wrapTx("import the directory", err)
	}
	s.db.View(func(tx *bolt.Tx) error {
		s.names.Store(int64(countKeys(tx.Bucket(bucketNames))))
		return nil
	})
	return nil
}
