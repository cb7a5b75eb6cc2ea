package relay

import (
	"sync"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/ratelimit"
)

// buckets holds one rate limit per identity, shared by all of its
// connections, so that more connections do not buy a higher rate. A
// bucket lives while the identity has a connection. In a cluster each
// relay grants a share of the rate and burst (see share), so that an
// identity connected to every relay sends no faster than from one.
type buckets struct {
	rate  float64
	burst int
	share func() int // the relays sharing the rate; nil is one

	mu     sync.Mutex
	byName map[identity.Name]*bucketRef
}

type bucketRef struct {
	b    *ratelimit.Bucket
	refs int
}

func newBuckets(rate, burst int, share func() int) *buckets {
	return &buckets{rate: float64(rate), burst: burst, share: share, byName: make(map[identity.Name]*bucketRef)}
}

// acquire returns name's bucket, creating it for its first connection.
func (b *buckets) acquire(name identity.Name) *ratelimit.Bucket {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, ok := b.byName[name]
	if !ok {
		n := 1
		if b.share != nil {
			n = max(b.share(), 1)
		}
		r = &bucketRef{b: ratelimit.New(b.rate/float64(n), max(b.burst/n, 1))}
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
