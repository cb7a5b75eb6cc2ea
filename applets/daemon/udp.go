package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/nport/nport/core/datagram"
	"github.com/nport/nport/wire"
)

// udpPrefix marks a --permit-open entry for UDP targets: udp/host:port.
// An entry without it permits TCP only, so that allowing a TCP port never
// opens the UDP service that may share its number (SNMP, DNS, syslog).
const udpPrefix = "udp/"

// udpIdleTimeout closes a UDP flow after no datagram went either way for
// this long. The client closes its flows after the same time; this bound
// is the daemon's own, so that a client that never does cannot pile up
// sockets on the device.
const udpIdleTimeout = 60 * time.Second

// splitPermits separates the udp/host:port entries of --permit-open,
// without their prefix, from the TCP ones.
func splitPermits(entries []string) (tcp, udp []string) {
	for _, e := range entries {
		if rest, ok := strings.CutPrefix(strings.ToLower(e), udpPrefix); ok {
			udp = append(udp, rest)
		} else {
			tcp = append(tcp, e)
		}
	}
	return tcp, udp
}

// udpPermits returns the UDP targets of --permit-open; none unless named.
func (c Config) udpPermits() (Permits, error) {
	_, udp := splitPermits(c.PermitOpen)
	return ParsePermits(udp)
}

// parseProtocol reads a request's protocol: true for UDP.
func parseProtocol(p string) (udp bool, err error) {
	switch p {
	case "", wire.ProtocolTCP:
		return false, nil
	case wire.ProtocolUDP:
		return true, nil
	}
	return false, refuse(wire.RefusalBadRequest, "unknown protocol %q (this daemon carries tcp and udp)", p)
}

// dial connects to the target of a request: a TCP connection, or a UDP
// flow carried as framed datagrams.
func (d *daemon) dial(ctx context.Context, req accepted) (net.Conn, error) {
	if req.udp {
		return dialUDP(ctx, req.target, udpIdleTimeout, d.log)
	}
	return d.dialTarget(ctx, req.target)
}

// udpBuffers hold the datagrams a flow reads from its socket.
var udpBuffers = sync.Pool{New: func() any { return new([datagram.BufferSize]byte) }}

// udpFlow is one stream of a UDP tunnel: a UDP socket connected to the
// target, seen as the byte stream of framed datagrams that the tunnel's
// stream carries. Datagrams from the target come out of Read, framed;
// frames written to it go to the target. It cannot half-close, so the
// bridge ends the flow, both ways, as soon as either side ends.
type udpFlow struct {
	conn *net.UDPConn
	log  *slog.Logger
	idle time.Duration
	last atomic.Int64 // when a datagram last went either way, UnixNano

	// readMu keeps Close from giving buf back while Read uses it.
	readMu  sync.Mutex
	buf     *[datagram.BufferSize]byte // nil once closed
	pending []byte                     // the framed datagram Read hands out
	split   datagram.Splitter
	closed  atomic.Bool
	once    sync.Once
}

// dialUDP connects a UDP socket to target for one flow.
func dialUDP(ctx context.Context, target string, idle time.Duration, log *slog.Logger) (*udpFlow, error) {
	var dialer net.Dialer
	c, err := dialer.DialContext(ctx, "udp", target)
	if err != nil {
		return nil, err
	}
	f := &udpFlow{conn: c.(*net.UDPConn), log: log, idle: idle, buf: udpBuffers.Get().(*[datagram.BufferSize]byte)}
	f.touch()
	return f, nil
}

func (f *udpFlow) touch() { f.last.Store(time.Now().UnixNano()) }

// Read hands out the next datagram from the target, framed. It reports
// EOF once the flow has been idle for its timeout, or closed.
func (f *udpFlow) Read(p []byte) (int, error) {
	f.readMu.Lock()
	defer f.readMu.Unlock()
	if f.buf == nil {
		return 0, io.EOF
	}
	for len(f.pending) == 0 {
		_ = f.conn.SetReadDeadline(time.Unix(0, f.last.Load()).Add(f.idle))
		n, err := f.conn.Read(f.buf[datagram.HeaderSize:])
		switch {
		case err == nil && n <= datagram.MaxSize:
			f.touch()
			f.pending = datagram.Frame(f.buf[:], n)
		case err == nil:
			f.log.Debug("dropped a datagram from the target above the size a tunnel carries", "bytes", n, "max", datagram.MaxSize)
		case errors.Is(err, os.ErrDeadlineExceeded):
			if time.Since(time.Unix(0, f.last.Load())) >= f.idle {
				f.log.Debug("udp flow idle: closed", "after", f.idle)
				return 0, io.EOF
			}
		case refused(err):
			// The target's port is closed for now: UDP drops, and so do we.
		case f.closed.Load():
			return 0, io.EOF
		default:
			return 0, err
		}
	}
	n := copy(p, f.pending)
	f.pending = f.pending[n:]
	return n, nil
}

// Write takes framed datagrams, in pieces of any size, and sends each to
// the target. A frame above datagram.MaxSize ends the flow.
func (f *udpFlow) Write(p []byte) (int, error) {
	err := f.split.Split(p, f.send)
	if errors.Is(err, datagram.ErrTooLarge) {
		f.log.Info("udp flow closed: the client broke the framing", "err", err)
	}
	if err != nil {
		return 0, fmt.Errorf("udp flow: %w", err)
	}
	return len(p), nil
}

func (f *udpFlow) send(d []byte) error {
	f.touch()
	if _, err := f.conn.Write(d); err != nil && !refused(err) {
		return err
	}
	return nil
}

// refused reports an ICMP port unreachable, which a connected UDP socket
// reports on a later call: the datagram was lost, as UDP allows.
func refused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// Close closes the socket, which ends a Read under way, and gives the
// buffer back.
func (f *udpFlow) Close() error {
	var err error
	f.once.Do(func() {
		f.closed.Store(true)
		err = f.conn.Close()
		f.readMu.Lock()
		udpBuffers.Put(f.buf)
		f.buf, f.pending = nil, nil
		f.readMu.Unlock()
	})
	return err
}

// LocalAddr is the socket's address.
func (f *udpFlow) LocalAddr() net.Addr { return f.conn.LocalAddr() }

// RemoteAddr is the target's.
func (f *udpFlow) RemoteAddr() net.Addr { return f.conn.RemoteAddr() }

// SetDeadline and its kin do nothing: the flow keeps its own idle
// deadline, which the bridge must not clear.
func (f *udpFlow) SetDeadline(time.Time) error      { return nil }
func (f *udpFlow) SetReadDeadline(time.Time) error  { return nil }
func (f *udpFlow) SetWriteDeadline(time.Time) error { return nil }
