package npt

import (
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nport/nport/core/datagram"
)

// flow is the datagrams of one local source address, carried by one
// stream of the tunnel. It ends when it has been idle for the port's
// idle time, when the daemon ends it, or with the tunnel.
type flow struct {
	p      *udpPort
	src    netip.AddrPort
	stream net.Conn
	last   atomic.Int64 // when a datagram last went either way, UnixNano
	timer  *time.Timer
	once   sync.Once
}

func newFlow(p *udpPort, src netip.AddrPort, s net.Conn) *flow {
	f := &flow{p: p, src: src, stream: s}
	f.touch()
	f.timer = time.AfterFunc(p.idle, f.checkIdle)
	return f
}

func (f *flow) touch() { f.last.Store(time.Now().UnixNano()) }

// send carries one framed datagram to the daemon.
func (f *flow) send(frame []byte) {
	f.touch()
	if _, err := f.stream.Write(frame); err != nil {
		f.end("the stream failed: " + err.Error())
	}
}

// receive passes the daemon's datagrams back to the source, until the
// stream ends.
func (f *flow) receive() {
	var split datagram.Splitter
	buf := make([]byte, flowBuffer)
	reason := "the daemon ended it"
	for {
		n, err := f.stream.Read(buf)
		if n > 0 {
			if serr := split.Split(buf[:n], f.deliver); serr != nil {
				reason = "the daemon broke the framing: " + serr.Error()
				break
			}
		}
		if err != nil {
			break
		}
	}
	f.end(reason)
}

// deliver sends one datagram from the target to the source.
func (f *flow) deliver(d []byte) error {
	f.touch()
	if _, err := f.p.conn.WriteToUDPAddrPort(d, f.src); err != nil {
		f.p.log.Debug("datagram to a local source lost", "to", f.src.String(), "err", err)
	}
	return nil
}

// checkIdle ends the flow once it has been idle long enough, or looks
// again when it could be.
func (f *flow) checkIdle() {
	quiet := time.Since(time.Unix(0, f.last.Load()))
	if quiet < f.p.idle {
		f.timer.Reset(f.p.idle - quiet)
		return
	}
	f.end("idle for " + f.p.idle.String())
}

// end closes the flow's stream, once, which ends receive.
func (f *flow) end(reason string) {
	f.once.Do(func() {
		f.timer.Stop()
		f.p.forget(f)
		f.stream.Close()
		f.p.log.Debug("udp flow closed", "from", f.src.String(), "reason", reason)
	})
}
