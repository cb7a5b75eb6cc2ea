package relayconn

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/nport/nport/wire"
)

// Next returns the next frame meant for this side: wire.Recv,
// wire.LookupReply or wire.SendStatus on the client; wire.Send or
// wire.Lookup on the relay. It answers Pings itself, skips Pongs and
// frame types it does not know, and fails with ErrSilent when nothing has
// arrived for SilenceIntervals keepalive intervals.
//
// The Sealed slice of a wire.Send or wire.Recv aliases the read buffer:
// it is valid until the next call to Next; copy what must outlive it.
//
// A peer's Refuse comes back as an error holding a wire.Refusal. A frame
// meant for the other side, a handshake frame, or one that breaks its
// layout ends the connection with wire.ErrMalformed, after a Refuse that
// tells the peer why. Any error ends the connection.
func (c *Conn) Next() (any, error) {
	for {
		c.nc.SetReadDeadline(time.Now().Add(c.silence))
		t, payload, err := c.r.ReadFrame()
		if err != nil {
			return nil, c.readFailed(err)
		}
		v, err := c.decode(t, payload)
		if err != nil {
			return nil, err
		}
		if v != nil {
			return v, nil
		}
	}
}

// decode turns one frame into the value Next returns, or nil for a frame
// that Next handles itself.
func (c *Conn) decode(t wire.FrameType, payload []byte) (any, error) {
	switch t {
	case wire.FramePing:
		p, err := wire.ParsePing(payload)
		if err != nil {
			return nil, c.malformed(err)
		}
		return nil, c.pong(p.Data)
	case wire.FramePong:
		if _, err := wire.ParsePong(payload); err != nil {
			return nil, c.malformed(err)
		}
		return nil, nil
	case wire.FrameRefuse:
		r, err := wire.ParseRefuse(payload)
		if err != nil {
			return nil, c.malformed(err)
		}
		c.shutdown()
		return nil, fmt.Errorf("relayconn: %w", r)
	}
	if c.client {
		return c.decodeClient(t, payload)
	}
	return c.decodeRelay(t, payload)
}

// decodeClient decodes the frames a relay sends to a client.
func (c *Conn) decodeClient(t wire.FrameType, payload []byte) (any, error) {
	var (
		v   any
		err error
	)
	switch t {
	case wire.FrameRecv:
		v, err = wire.ParseRecv(payload)
	case wire.FrameLookupReply:
		v, err = wire.ParseLookupReply(payload)
	case wire.FrameSendStatus:
		v, err = wire.ParseSendStatus(payload)
	default:
		return nil, c.unexpected(t)
	}
	if err != nil {
		return nil, c.malformed(err)
	}
	return v, nil
}

// decodeRelay decodes the frames a client sends to a relay.
func (c *Conn) decodeRelay(t wire.FrameType, payload []byte) (any, error) {
	var (
		v   any
		err error
	)
	switch t {
	case wire.FrameSend:
		v, err = wire.ParseSend(payload)
	case wire.FrameLookup:
		v, err = wire.ParseLookup(payload)
	default:
		return nil, c.unexpected(t)
	}
	if err != nil {
		return nil, c.malformed(err)
	}
	return v, nil
}

// unexpected skips a frame type this build does not know, as the
// protocol asks, and refuses a known one that has no business here.
func (c *Conn) unexpected(t wire.FrameType) error {
	if !known(t) {
		return nil
	}
	side := "the relay"
	if !c.client {
		side = "a client"
	}
	return c.malformed(fmt.Errorf("%w: %s frame is not one %s accepts after the handshake", wire.ErrMalformed, t, side))
}

// known reports whether t is a frame type of the relay protocol.
func known(t wire.FrameType) bool {
	switch t {
	case wire.FrameClientHello, wire.FrameServerHello, wire.FrameClientAuth, wire.FrameWelcome,
		wire.FrameRefuse, wire.FrameSend, wire.FrameRecv, wire.FrameLookup, wire.FrameLookupReply,
		wire.FrameSendStatus, wire.FramePing, wire.FramePong,
		wire.FrameRendezvousHello, wire.FrameRendezvousPaired:
		return true
	}
	return false
}

// malformed tells the peer what was wrong with its frame and ends the
// connection.
func (c *Conn) malformed(err error) error {
	c.refuse(wire.Refusal{Code: wire.RefuseMalformed, Message: err.Error()})
	return fmt.Errorf("relayconn: from %s: %w", c.nc.RemoteAddr(), err)
}

// readFailed turns a read error into the error Next returns, and ends the
// connection.
func (c *Conn) readFailed(err error) error {
	switch {
	case c.closed():
		err = fmt.Errorf("%w: read: %w", ErrClosed, err)
	case errors.Is(err, os.ErrDeadlineExceeded):
		err = fmt.Errorf("%w: nothing received from %s for %v (%d keepalive intervals): the peer or the network is gone",
			ErrSilent, c.nc.RemoteAddr(), c.silence, SilenceIntervals)
	case errors.Is(err, wire.ErrFrameTooLarge):
		return c.malformed(err)
	case err == io.EOF:
		err = fmt.Errorf("relayconn: %s closed the connection: %w", c.nc.RemoteAddr(), err)
	default:
		err = fmt.Errorf("relayconn: read from %s: %w", c.nc.RemoteAddr(), err)
	}
	c.shutdown()
	return err
}
