//go:build linux

package e2e

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/nport/nport/wire"
)

// flipProxy stands between the parties and the rendezvous, as a network
// could, and changes one byte of the tunnel on its way to the client: the
// byte at offset flipAt of what follows the client's RendezvousPaired frame.
type flipProxy struct {
	ln      net.Listener
	target  string
	flipAt  int64
	flipped atomic.Int32 // bytes changed so far
	wg      sync.WaitGroup
}

// startFlipProxy listens on listen and forwards every connection to target.
func startFlipProxy(t *testing.T, listen, target string, flipAt int64) *flipProxy {
	t.Helper()
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		t.Fatalf("proxy listen on %s: %v", listen, err)
	}
	p := &flipProxy{ln: ln, target: target, flipAt: flipAt}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.wg.Wait()
	})
	return p
}

func (p *flipProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.forward(c)
		}()
	}
}

// forward copies one connection both ways; the first side to end ends both.
func (p *flipProxy) forward(party net.Conn) {
	defer party.Close()
	rv, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer rv.Close()
	done := make(chan struct{}, 2)
	go func() {
		io.Copy(rv, party)
		done <- struct{}{}
	}()
	go func() {
		p.toParty(party, rv)
		done <- struct{}{}
	}()
	<-done
	party.Close()
	rv.Close()
	<-done
}

// toParty copies the rendezvous's bytes to the party. Once it has passed on
// a RendezvousPaired frame for the client role, it flips one byte of the
// record stream that follows.
func (p *flipProxy) toParty(party, rv net.Conn) {
	typ, payload, err := wire.ReadFrame(rv, make([]byte, wire.MaxFrameSize))
	if err != nil {
		return
	}
	frame := wire.AppendFrame(nil, typ, payload)
	if _, err := party.Write(frame); err != nil {
		return
	}
	if typ != wire.FrameRendezvousPaired || len(payload) != 1 || wire.Role(payload[0]) != wire.RoleClient {
		io.Copy(party, rv)
		return
	}
	if _, err := io.CopyN(party, rv, p.flipAt); err != nil {
		return
	}
	b := make([]byte, 1)
	if _, err := io.ReadFull(rv, b); err != nil {
		return
	}
	b[0] ^= 0x01
	p.flipped.Add(1)
	if _, err := party.Write(b); err != nil {
		return
	}
	io.Copy(party, rv)
}
