package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/nport/nport/core/identity"
)

// An invitation is kept under the SHA-256 of its token, never the token
// itself: the file (or a backup of it) gives nobody a way in. Its value
// is its expiry in Unix milliseconds, big-endian, then the name.

// Errors of invitations, checked with errors.Is.
var (
	// ErrNameBound means an invitation was asked for a bound name.
	ErrNameBound = errors.New("store: name bound already")
	// ErrNoInvitation means a token matches no invitation that is still
	// valid: unknown, expired, or used already.
	ErrNoInvitation = errors.New("store: no valid invitation for this token")
	// ErrOtherName means the token's invitation is for another name.
	ErrOtherName = errors.New("store: the invitation is for another name")
)

// Invite records an invitation for name, valid until expires, under the
// hash of its token. It refuses a name that is bound already.
func (s *Store) Invite(hash [32]byte, name identity.Name, expires time.Time) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketNames).Get([]byte(name)); v != nil {
			r, err := decodeName([]byte(name), v)
			if err != nil {
				return err
			}
			return fmt.Errorf("%w: %s is bound to %s (release it first with `nport relay directory remove %s`, then invite again)", ErrNameBound, name, r.key.Fingerprint(), name)
		}
		v := binary.BigEndian.AppendUint64(nil, uint64(expires.UnixMilli()))
		return tx.Bucket(bucketInvites).Put(hash[:], append(v, name...))
	})
	if errors.Is(err, ErrNameBound) {
		return err
	}
	return wrapTx("invite "+string(name), err)
}

// Redeem binds name to key with the invitation under hash, and deletes
// it: an invitation works once. The name must be the invitation's and
// free; a token for another name is refused and stays valid.
func (s *Store) Redeem(hash [32]byte, name identity.Name, key identity.PublicKey) error {
	return s.bind(name, key, func(tx *bolt.Tx) error {
		invites := tx.Bucket(bucketInvites)
		v := invites.Get(hash[:])
		if len(v) < 8 || !s.now().Before(time.UnixMilli(int64(binary.BigEndian.Uint64(v)))) {
			return ErrNoInvitation
		}
		if got := identity.Name(v[8:]); got != name {
			return fmt.Errorf("%w: it is for %s, not %s", ErrOtherName, got, name)
		}
		return invites.Delete(hash[:])
	})
}

// sweepInvites removes the invitations past their time. It looks
// without writing first, as there is seldom one.
func (s *Store) sweepInvites(now time.Time) (int, error) {
	var expired [][]byte
	s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketInvites).ForEach(func(k, v []byte) error {
			if len(v) < 8 || !now.Before(time.UnixMilli(int64(binary.BigEndian.Uint64(v)))) {
				expired = append(expired, append([]byte(nil), k...))
			}
			return nil
		})
	})
	if len(expired) == 0 {
		return 0, nil
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, k := range expired {
			if err := tx.Bucket(bucketInvites).Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	return len(expired), wrapTx("sweep expired invitations", err)
}
