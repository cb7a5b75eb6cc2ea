package bridge

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

// On Linux two TCP sockets are joined by splice(2): each direction owns a
// pipe, made when the direction starts and closed when it ends, and the
// kernel moves the bytes from the source socket into the pipe and from the
// pipe into the destination, never through nport's memory. The pipes are
// the bridge's own, not those Go's TCPConn.ReadFrom keeps in a pool that
// only the garbage collector empties, so a rendezvous gives their file
// descriptors back the moment a session ends.
//
// The splices are non-blocking and run inside the sockets' RawConn
// callbacks, so Go's poller does the waiting and the read deadline that
// ends a splice window (see idle.go) still interrupts it.

const (
	spliceMove     = 0x1 // SPLICE_F_MOVE: move pages rather than copy, where the kernel can
	spliceNonblock = 0x2 // SPLICE_F_NONBLOCK: never block on the pipe
	// spliceMax is the most one splice(2) is asked to move; the kernel
	// moves what the pipe (64 KiB by default) holds.
	spliceMax = 1 << 20
)

// canSplice reports whether the copy can be left to the kernel: both sides
// are bare TCP sockets.
func canSplice(a, b net.Conn) bool {
	_, okA := a.(*net.TCPConn)
	_, okB := b.(*net.TCPConn)
	return okA && okB
}

// newPipe makes the pipe of one direction; tests replace it to see what
// happens when none can be made.
var newPipe = func() (r, w int, err error) {
	var fds [2]int
	if err := syscall.Pipe2(fds[:], syscall.O_CLOEXEC|syscall.O_NONBLOCK); err != nil {
		return -1, -1, os.NewSyscallError("pipe2", err)
	}
	return fds[0], fds[1], nil
}

// spliceCopy copies h through a pipe of its own, in windows (see idle.go).
// If no pipe can be made (out of file descriptors) or the kernel cannot
// splice these sockets, the direction copies through a pooled buffer
// instead, rather than fail the session.
func (br *Bridge) spliceCopy(h *half) error {
	sp, err := newSplicer(h)
	if err != nil {
		br.buffered.Store(true)
		return br.bufferCopy(h)
	}
	defer sp.close()
	for first := true; ; first = false {
		if err := h.src.SetReadDeadline(br.openWindow(h)); err != nil {
			return err
		}
		n, err := sp.window(h)
		br.closeWindow(h, n)
		switch {
		case first && n == 0 && errors.Is(err, syscall.EINVAL):
			// Nothing was consumed: the buffered loop can take over,
			// without the window's deadline.
			if err := h.src.SetReadDeadline(time.Time{}); err != nil {
				return err
			}
			br.buffered.Store(true)
			return br.bufferCopy(h)
		case !errors.Is(err, os.ErrDeadlineExceeded):
			return err // nil at EOF
		}
	}
}

// splicer moves one direction's bytes through its pipe. Its callbacks are
// made once, so that the RawConn calls of the steady state allocate
// nothing.
type splicer struct {
	pr, pw   int // the pipe's read and write ends
	src, dst syscall.RawConn
	inPipe   int   // bytes in the pipe
	moved    int   // bytes the last drain wrote to dst
	err      error // the error of the last splice, if it failed
	fillFn   func(fd uintptr) bool
	drainFn  func(fd uintptr) bool
}

func newSplicer(h *half) (*splicer, error) {
	src, err := h.src.(*net.TCPConn).SyscallConn()
	if err != nil {
		return nil, err
	}
	dst, err := h.dst.(*net.TCPConn).SyscallConn()
	if err != nil {
		return nil, err
	}
	pr, pw, err := newPipe()
	if err != nil {
		return nil, err
	}
	sp := &splicer{pr: pr, pw: pw, src: src, dst: dst}
	sp.fillFn, sp.drainFn = sp.fill, sp.drain
	return sp, nil
}

// close gives the pipe's file descriptors back.
func (sp *splicer) close() {
	_ = syscall.Close(sp.pr)
	_ = syscall.Close(sp.pw)
}

// window moves bytes from src to dst until src reaches EOF (nil error),
// its read deadline passes, or a splice fails, and returns how many it
// moved. The pipe is empty whenever it waits for src, so no byte is left
// in it when the window ends.
func (sp *splicer) window(h *half) (int64, error) {
	var n int64
	for {
		if err := sp.src.Read(sp.fillFn); err != nil {
			return n, err
		}
		if sp.err != nil {
			return n, os.NewSyscallError("splice", sp.err)
		}
		if sp.inPipe == 0 {
			return n, nil
		}
		sp.moved = 0
		err := sp.dst.Write(sp.drainFn)
		n += int64(sp.moved)
		h.n.Add(int64(sp.moved))
		if err != nil {
			return n, err
		}
		if sp.err != nil {
			return n, os.NewSyscallError("splice", sp.err)
		}
	}
}

// fill splices what the socket fd holds into the empty pipe. It returns
// false to have the poller wait until fd is readable.
func (sp *splicer) fill(fd uintptr) bool {
	for {
		n, err := syscall.Splice(int(fd), nil, sp.pw, nil, spliceMax, spliceMove|spliceNonblock)
		switch err {
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			// The pipe is empty, so it is the socket that has nothing.
			return false
		}
		sp.inPipe, sp.err = int(max(n, 0)), err
		return true
	}
}

// drain splices the pipe's bytes into the socket fd until the pipe is
// empty, adding them to moved. It returns false to have the poller wait
// until fd is writable.
func (sp *splicer) drain(fd uintptr) bool {
	for sp.inPipe > 0 {
		n, err := syscall.Splice(sp.pr, nil, int(fd), nil, sp.inPipe, spliceMove|spliceNonblock)
		switch {
		case n > 0:
			sp.inPipe -= int(n)
			sp.moved += int(n)
		case err == syscall.EINTR:
		case err == syscall.EAGAIN:
			return false
		case err == nil:
			// The pipe held bytes but gave none: never seen, but a
			// loop on it would spin.
			sp.err = io.ErrNoProgress
			return true
		default:
			sp.err = err
			return true
		}
	}
	return true
}
