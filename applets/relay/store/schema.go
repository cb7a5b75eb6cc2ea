package store

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// The buckets of the database.
var (
	// bucketMeta holds the schema version.
	bucketMeta = []byte("meta")
	// bucketNames maps a name to its record (see nameRecord).
	bucketNames = []byte("names")
	// bucketFrames maps name, 0, sequence to a queued frame (see frameKey).
	bucketFrames = []byte("frames")
	// bucketExpiry indexes the frames by expiry, for the sweep: expiry,
	// sequence to name.
	bucketExpiry = []byte("frame-expiry")
	// bucketInvites maps the SHA-256 of a claim token to its invitation.
	bucketInvites = []byte("invites")

	allBuckets = [][]byte{bucketMeta, bucketNames, bucketFrames, bucketExpiry, bucketInvites}
)

// schemaKey holds the schema version in bucketMeta, a big-endian uint32.
var schemaKey = []byte("schema")

// schemaVersion is the layout this code reads and writes. A change of
// layout bumps it, and the code that reads an older one converts it.
const schemaVersion = 1

// checkSchema writes the version into a new file and refuses a file
// written by a newer nport, whose layout this one cannot know.
func checkSchema(tx *bolt.Tx, path string) error {
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	v := meta.Get(schemaKey)
	if v == nil {
		return meta.Put(schemaKey, binary.BigEndian.AppendUint32(nil, schemaVersion))
	}
	if len(v) != 4 {
		return fmt.Errorf("%s has a schema version of %d bytes: it is not a relay database", path, len(v))
	}
	if got := binary.BigEndian.Uint32(v); got > schemaVersion {
		return fmt.Errorf("%s was written by a newer nport (schema %d, this one knows %d): run that version, or restore a backup", path, got, schemaVersion)
	}
	return nil
}
