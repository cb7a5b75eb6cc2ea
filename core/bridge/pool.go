package bridge

import (
	"errors"
	"fmt"
	"sync"
)

const (
	// DefaultBufferSize is the copy buffer size when a Config names no Pool:
	// large enough to keep a LAN link busy with few system calls.
	DefaultBufferSize = 32 << 10

	// MinBufferSize is the smallest buffer NewPool accepts. Below it the
	// system-call cost per byte dominates; 4 KiB suits small devices.
	MinBufferSize = 1 << 10
)

// ErrBufferTooSmall is returned by NewPool for a size below MinBufferSize.
var ErrBufferTooSmall = errors.New("bridge buffer too small")

// Pool hands out copy buffers that all have the same length, so that a
// device with little memory can bound what each bridge holds.
//
// It stores *[]byte rather than []byte: putting a slice header into the
// interface a sync.Pool holds would allocate on every Put, and the steady
// state of a bridge must not allocate. A compile-time *[N]byte would do the
// same, but N is chosen at run time here.
type Pool struct {
	size int
	pool sync.Pool
}

// NewPool returns a pool of buffers of size bytes each. It refuses sizes
// below MinBufferSize.
func NewPool(size int) (*Pool, error) {
	if size < MinBufferSize {
		return nil, fmt.Errorf("buffer size %d is below %d bytes (use 4096 on small devices, %d elsewhere): %w",
			size, MinBufferSize, DefaultBufferSize, ErrBufferTooSmall)
	}
	p := &Pool{size: size}
	p.pool.New = func() any {
		b := make([]byte, size)
		return &b
	}
	return p, nil
}

// defaultPool serves every bridge whose Config names no Pool, so buffers are
// shared across bridges rather than kept per bridge.
var defaultPool = mustPool(DefaultBufferSize)

// mustPool is NewPool for sizes known to be valid at compile time.
func mustPool(size int) *Pool {
	p, err := NewPool(size)
	if err != nil {
		panic(err)
	}
	return p
}

// Size returns the length of every buffer the pool hands out.
func (p *Pool) Size() int { return p.size }

// Get returns a buffer of exactly Size bytes. Give it back with Put.
func (p *Pool) Get() *[]byte {
	return p.pool.Get().(*[]byte)
}

// Put returns a buffer taken with Get. A buffer of another capacity is
// dropped, so that Get always returns Size bytes.
func (p *Pool) Put(b *[]byte) {
	if b == nil || cap(*b) != p.size {
		return
	}
	*b = (*b)[:p.size]
	p.pool.Put(b)
}
