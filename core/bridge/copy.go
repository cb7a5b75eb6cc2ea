package bridge

import (
	"fmt"
	"io"
	"net"
	"sync/atomic"
)

// half is one direction of a bridge: bytes read from src are written to dst.
type half struct {
	name     string // "client→target", for errors
	src, dst net.Conn
	n        atomic.Int64 // bytes written to dst

	// lastRead is the idle clock (see Bridge.now) when src last gave bytes;
	// on the splice path, when the window that gave them closed.
	lastRead atomic.Int64
	// winStart and winEnd bound the open splice window; winEnd is 0 when
	// none is open. Guarded by Bridge.dogMu.
	winStart, winEnd int64
}

// closeWriter is a connection whose write side can be shut alone, as
// *net.TCPConn and *net.UnixConn allow.
type closeWriter interface{ CloseWrite() error }

// closeReader is a connection whose read side can be shut alone.
type closeReader interface{ CloseRead() error }

// pipe copies one direction to its end, then half-closes it, or tears the
// whole bridge down if the copy failed.
func (br *Bridge) pipe(h *half) {
	var err error
	if br.splice {
		err = br.spliceCopy(h)
	} else {
		err = br.bufferCopy(h)
	}
	if err != nil {
		br.teardown(fmt.Errorf("bridge %s: %w", h.name, err))
		return
	}
	br.halfClose(h)
}

// halfClose passes an EOF on: the destination's peer sees EOF while the
// other direction keeps flowing. A destination that cannot half-close is
// closed outright with the whole bridge, since its peer would otherwise wait
// forever for an EOF it cannot be sent.
func (br *Bridge) halfClose(h *half) {
	cw, ok := h.dst.(closeWriter)
	if !ok || cw.CloseWrite() != nil {
		br.teardown(nil)
		return
	}
	if cr, ok := h.src.(closeReader); ok {
		// src is at EOF already; shutting its read side only tells the
		// kernel, so a failure changes nothing.
		_ = cr.CloseRead()
	}
}

// bufferCopy is the copy loop for connections the kernel cannot splice: one
// pooled buffer, read, write all, count. It allocates nothing per round.
func (br *Bridge) bufferCopy(h *half) error {
	bp := br.pool.Get()
	defer br.pool.Put(bp)
	buf := *bp
	stamp := br.idle > 0
	for {
		n, rerr := h.src.Read(buf)
		if n > 0 {
			if stamp {
				h.lastRead.Store(br.now())
			}
			w, werr := h.dst.Write(buf[:n])
			h.n.Add(int64(w))
			if werr != nil {
				return werr
			}
			if w < n {
				return io.ErrShortWrite
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}
