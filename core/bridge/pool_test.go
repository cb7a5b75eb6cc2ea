package bridge

import (
	"errors"
	"fmt"
	"testing"
)

func TestNewPool(t *testing.T) {
	tests := []struct {
		size    int
		wantErr error
	}{
		{size: 0, wantErr: ErrBufferTooSmall},
		{size: MinBufferSize - 1, wantErr: ErrBufferTooSmall},
		{size: MinBufferSize},
		{size: 4 << 10},
		{size: DefaultBufferSize},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.size), func(t *testing.T) {
			p, err := NewPool(tt.size)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("got error %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got := p.Size(); got != tt.size {
				t.Errorf("got Size %d, want %d", got, tt.size)
			}
			b := p.Get()
			if got := len(*b); got != tt.size {
				t.Errorf("got buffer of %d bytes, want %d", got, tt.size)
			}
			*b = (*b)[:10] // a caller may reslice; Put restores the length
			p.Put(b)
			if got := len(*p.Get()); got != tt.size {
				t.Errorf("got buffer of %d bytes after Put, want %d", got, tt.size)
			}
		})
	}
}

func TestPoolDropsForeignBuffers(t *testing.T) {
	p := mustPool(4 << 10)
	foreign := make([]byte, 8<<10)
	for range 100 {
		p.Put(&foreign)
		p.Put(nil)
		if got := len(*p.Get()); got != p.Size() {
			t.Fatalf("got buffer of %d bytes, want %d", got, p.Size())
		}
	}
}

func TestPoolGetPutAllocsNothing(t *testing.T) {
	p := mustPool(4 << 10)
	p.Put(p.Get())
	got := testing.AllocsPerRun(1000, func() { p.Put(p.Get()) })
	if got != 0 {
		t.Errorf("got %v allocs per Get/Put, want 0", got)
	}
}
