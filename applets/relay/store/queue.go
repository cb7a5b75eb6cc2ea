package store

import (
	"bytes"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/nport/nport/applets/relay/route"
	"github.com/nport/nport/core/identity"
)

// Push keeps frame for name, on disk before it returns: the sender is
// told "queued" only then. Concurrent pushes share one transaction and
// one disk sync. Past the per-name bound the oldest frame gives way; past
// the total bound Push fails with route.ErrQueueFull.
func (s *Store) Push(name identity.Name, frame []byte, now time.Time) error {
	size := int64(len(frame))
	if s.queue.Off() {
		return route.ErrQueueFull
	}
	// Reserve the room first, so that concurrent pushes cannot overshoot
	// the bound together; what the transaction frees is given back after.
	if s.bytes.Add(size) > s.queue.MaxBytes {
		s.bytes.Add(-size)
		return route.ErrQueueFull
	}
	var freed int64
	err := s.db.Batch(func(tx *bolt.Tx) error {
		var err error
		freed, err = s.pushTx(tx, name, frame, now)
		return err
	})
	if err != nil {
		s.bytes.Add(-size)
		return fmt.Errorf("store: queue a message for %s: %w", name, err)
	}
	s.bytes.Add(-freed)
	return nil
}

// pushTx makes room in name's queue, dropping expired frames and, at the
// bound, the one route.GiveWay chooses, then appends frame. It returns
// the bytes it dropped.
func (s *Store) pushTx(tx *bolt.Tx, name identity.Name, frame []byte, now time.Time) (int64, error) {
	frames := tx.Bucket(bucketFrames)
	box, err := framesOf(frames, name)
	if err != nil {
		return 0, err
	}
	expired := 0
	for expired < len(box) && !now.Before(box[expired].expires) {
		expired++
	}
	senders := make([][]byte, 0, len(box)-expired)
	for _, f := range box[expired:] {
		senders = append(senders, route.SenderOf(f.frame))
	}
	gone := box[:expired:expired]
	if i := route.GiveWay(senders, route.SenderOf(frame), s.queue.Len); i >= 0 {
		gone = append(gone, box[expired+i])
	}
	freed, err := deleteFrames(tx, gone)
	if err != nil {
		return 0, err
	}
	seq, err := frames.NextSequence()
	if err != nil {
		return 0, err
	}
	expires := now.Add(s.queue.TTL)
	if err := frames.Put(frameKey(name, seq), frameValue(expires, frame)); err != nil {
		return 0, err
	}
	return freed, tx.Bucket(bucketExpiry).Put(expiryKey(expires, seq), []byte(name))
}

// Drain hands take name's frames that have not expired, oldest first,
// and removes every frame take accepts in one transaction; it stops at
// the first that take refuses. take gets a copy it may keep.
func (s *Store) Drain(name identity.Name, now time.Time, take func([]byte) bool) error {
	if !s.hasFrames(name) {
		return nil // the common case, a connection with nothing waiting: no write
	}
	var freed int64
	err := s.db.Update(func(tx *bolt.Tx) error {
		box, err := framesOf(tx.Bucket(bucketFrames), name)
		if err != nil {
			return err
		}
		done := 0
		for ; done < len(box); done++ {
			f := box[done]
			if now.Before(f.expires) && !take(bytes.Clone(f.frame)) {
				break
			}
		}
		freed, err = deleteFrames(tx, box[:done])
		return err
	})
	if err != nil {
		return fmt.Errorf("store: deliver the queue of %s: %w", name, err)
	}
	s.bytes.Add(-freed)
	return nil
}

// hasFrames reports whether anything is queued for name, reading only.
func (s *Store) hasFrames(name identity.Name) bool {
	found := false
	s.db.View(func(tx *bolt.Tx) error {
		prefix := framePrefix(name)
		k, _ := tx.Bucket(bucketFrames).Cursor().Seek(prefix)
		found = k != nil && bytes.HasPrefix(k, prefix)
		return nil
	})
	return found
}

// Queued returns how many frames are kept for all names together, and
// their bytes.
func (s *Store) Queued() (frames int, size int64) {
	s.db.View(func(tx *bolt.Tx) error {
		frames = countKeys(tx.Bucket(bucketFrames))
		return nil
	})
	return frames, s.bytes.Load()
}

// framesOf returns name's frames, oldest first. Their keys and frames
// alias the transaction's pages: valid until the first change.
func framesOf(frames *bolt.Bucket, name identity.Name) ([]queuedFrame, error) {
	prefix := framePrefix(name)
	var box []queuedFrame
	c := frames.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		f, err := decodeFrame(k, v)
		if err != nil {
			return nil, err
		}
		box = append(box, f)
	}
	return box, nil
}

// deleteFrames deletes frames and their index entries, returning their
// bytes. The keys are copied first: deleting moves the pages they alias.
func deleteFrames(tx *bolt.Tx, box []queuedFrame) (int64, error) {
	frames, index := tx.Bucket(bucketFrames), tx.Bucket(bucketExpiry)
	var freed int64
	for i := range box {
		box[i].key = bytes.Clone(box[i].key)
	}
	for _, f := range box {
		freed += int64(len(f.frame))
		if err := frames.Delete(f.key); err != nil {
			return 0, err
		}
		if err := index.Delete(f.indexKey()); err != nil {
			return 0, err
		}
	}
	return freed, nil
}

// dropFrames deletes every frame of name.
func dropFrames(tx *bolt.Tx, name identity.Name) (int64, error) {
	box, err := framesOf(tx.Bucket(bucketFrames), name)
	if err != nil {
		return 0, err
	}
	return deleteFrames(tx, box)
}

// queuedBytes adds up the frames of the bucket, at open.
func queuedBytes(frames *bolt.Bucket) int64 {
	var n int64
	frames.ForEach(func(_, v []byte) error {
		n += int64(max(len(v)-8, 0))
		return nil
	})
	return n
}
