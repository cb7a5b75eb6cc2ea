package npt

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/nport/nport/core/datagram"
	"github.com/nport/nport/core/tunnel"
)

const (
	// flowIdle closes a UDP flow after no datagram went either way for
	// this long; the daemon does the same on its side.
	flowIdle = 60 * time.Second

	// maxFlows bounds the flows one tunnel carries at once: datagrams
	// from further sources are dropped until a flow ends.
	maxFlows = 1024

	// flowBuffer is what a flow reads from its stream at a time.
	flowBuffer = 16 << 10
)

// udpPort is a local UDP port carried by whichever tunnel is up. Each
// source address that sends to it is one flow, carried by one stream of
// the tunnel, with its datagrams framed as core/datagram says. While no
// tunnel is up, datagrams are dropped, as UDP allows.
type udpPort struct {
	conn *net.UDPConn
	log  *slog.Logger
	idle time.Duration
	// wanted is signalled when a datagram came while no tunnel was up.
	wanted chan struct{}
	// reading is closed when the read loop has stopped.
	reading chan struct{}
	// receivers counts the goroutines that carry flows back.
	receivers sync.WaitGroup

	mu    sync.Mutex
	tun   *tunnel.Tunnel // nil while none is up
	flows map[netip.AddrPort]*flow
	full  bool // maxFlows was reached; said once
}

func listenUDP(addr string, log *slog.Logger) (*udpPort, error) {
	a, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, err
	}
	conn, err := net.ListenUDP("udp", a)
	if err != nil {
		return nil, err
	}
	p := &udpPort{conn: conn, log: log, idle: flowIdle, wanted: make(chan struct{}, 1), reading: make(chan struct{}), flows: map[netip.AddrPort]*flow{}}
	go p.read()
	return p, nil
}

// Addr is where the port listens.
func (p *udpPort) Addr() net.Addr { return p.conn.LocalAddr() }

// read takes datagrams until the port is closed, and sends each on the
// flow of its source.
func (p *udpPort) read() {
	defer close(p.reading)
	buf := make([]byte, datagram.BufferSize)
	for {
		n, src, err := p.conn.ReadFromUDPAddrPort(buf[datagram.HeaderSize:])
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			// An ICMP error about an earlier reply, say: it concerns
			// one datagram, not the port.
			p.log.Debug("read a local datagram", "err", err)
			continue
		}
		if n > datagram.MaxSize {
			p.log.Debug("dropped a local datagram above the size a tunnel carries", "from", src.String(), "bytes", n)
			continue
		}
		if f := p.flow(src); f != nil {
			f.send(datagram.Frame(buf, n))
		}
	}
}

// flow returns the flow of src, opening one if there is a tunnel to carry
// it; nil means the datagram is dropped.
func (p *udpPort) flow(src netip.AddrPort) *flow {
	p.mu.Lock()
	f, t, open := p.flows[src], p.tun, false
	switch {
	case f != nil:
	case t == nil:
		select {
		case p.wanted <- struct{}{}:
		default:
		}
	case len(p.flows) >= maxFlows:
		if !p.full {
			p.full = true
			p.log.Warn("too many UDP flows: datagrams from new sources are dropped until one ends", "flows", maxFlows, "from", src.String())
		}
	default:
		open = true
	}
	p.mu.Unlock()
	if !open {
		return f
	}
	// Only this loop opens flows, so none for src can appear meanwhile.
	s, err := t.OpenStream()
	if err != nil {
		p.log.Debug("udp flow not opened", "from", src.String(), "err", err)
		return nil
	}
	f = newFlow(p, src, s)
	p.mu.Lock()
	if p.tun != t {
		p.mu.Unlock()
		s.Close()
		return nil
	}
	p.flows[src] = f
	p.mu.Unlock()
	p.log.Debug("udp flow opened", "from", src.String())
	p.receivers.Go(f.receive)
	return f
}

// serve carries the port through t until t ends or ctx does.
func (p *udpPort) serve(ctx context.Context, t *tunnel.Tunnel, attached func()) error {
	p.mu.Lock()
	p.tun = t
	select {
	case <-p.wanted: // from before this tunnel
	default:
	}
	p.mu.Unlock()
	attached()
	select {
	case <-t.Done():
	case <-ctx.Done():
	}
	p.detach()
	if ctx.Err() != nil {
		return nil
	}
	return t.Err()
}

// detach ends every flow of the tunnel that was up.
func (p *udpPort) detach() {
	p.mu.Lock()
	p.tun = nil
	flows := make([]*flow, 0, len(p.flows))
	for _, f := range p.flows {
		flows = append(flows, f)
	}
	p.mu.Unlock()
	for _, f := range flows {
		f.end("the tunnel ended")
	}
}

// wait returns once a datagram arrives while no tunnel is up.
func (p *udpPort) wait(ctx context.Context) error {
	select {
	case <-p.wanted:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close closes the port and its flows, and waits for their goroutines.
func (p *udpPort) Close() error {
	err := p.conn.Close()
	<-p.reading
	p.detach()
	p.receivers.Wait()
	return err
}

// forget removes an ended flow.
func (p *udpPort) forget(f *flow) {
	p.mu.Lock()
	if p.flows[f.src] == f {
		delete(p.flows, f.src)
		p.full = false
	}
	p.mu.Unlock()
}
