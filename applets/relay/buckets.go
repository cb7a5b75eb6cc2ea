package relay

import (
	"sync"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/ratelimit"
)

// buckets holds one rate limit per identity, shared by all of its
// connections, so that more connections do not buy a higher rate. A
// bucket lives while the identity has a connection.
type buckets struct {
	rate  float64
	burst int

	mu     sync.Mutex
	byName map[identity.Name]*bucketRef
}

type bucketRef struct {
	b    *ratelimit.Bucket
	refs int
}

func newBuckets(rate, burst int) *buckets {
	return &buckets{rate: float64(rate), burst: burst, byName: make(map[identity.Name]*bucketRef)}
}

// acquire returns name's bucket, creating it for its first connection.
func (b *buckets) acquire(name identity.Name) *ratelimit.Bucket {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, ok := b.byName[name]
	if !ok {
		r = &bucketRef{b: ratelimit.New(b.rate, b.burst)}
		b.byName[name] = r
	}
	r.refs++
	return r.b
}

// release drops a connection's hold on name's bucket.
func (b *buckets) release(name identity.Name) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if r, ok := b.byName[name]; ok {
		if r.refs--; r.refs <= 0 {
			delete(b.byName, name)
		}
	}
}
