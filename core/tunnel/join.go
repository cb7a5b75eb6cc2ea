package tunnel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/nport/nport/core/dialer"
	"github.com/nport/nport/core/record"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/wire"
)

// Join dials the rendezvous at addr, presents the session id and this
// party's token, and waits, as long as ctx allows, to be paired with the
// other party. It returns the socket, positioned right after the pairing
// frame: the next bytes are the other party's records. The socket is a
// *net.TCPConn when opts name neither TLS nor a proxy, so that the
// rendezvous's kernel copy is not slowed down on this side either.
//
// A refusal is an error that errors.As finds as a wire.Refusal, whose
// message says what to do. Join accepts either role in the pairing frame;
// JoinAs checks it.
func Join(ctx context.Context, addr string, id session.ID, tok session.Token, opts dialer.Options) (net.Conn, error) {
	return join(ctx, addr, 0, id, tok, opts)
}

// JoinAs is Join for a party that knows its role: a pairing frame that
// admits the socket as the other role (the tokens were swapped) is an
// error, rather than a tunnel whose keys cannot match.
func JoinAs(ctx context.Context, addr string, role record.Role, id session.ID, tok session.Token, opts dialer.Options) (net.Conn, error) {
	if role != record.Client && role != record.Daemon {
		return nil, fmt.Errorf("join the rendezvous at %s: unknown %s (want record.Client or record.Daemon)", addr, role)
	}
	return join(ctx, addr, role, id, tok, opts)
}

// join dials, says hello and waits for the pairing; role 0 accepts either.
func join(ctx context.Context, addr string, role record.Role, id session.ID, tok session.Token, opts dialer.Options) (net.Conn, error) {
	conn, err := dialer.Dial(ctx, addr, opts)
	if err != nil {
		return nil, fmt.Errorf("join the rendezvous: %w", err)
	}
	if err := handshake(ctx, conn, role, id, tok); err != nil {
		conn.Close()
		return nil, fmt.Errorf("join the rendezvous at %s: %w", addr, err)
	}
	return conn, nil
}

// handshake sends the hello and reads the answer, both bounded by ctx,
// and leaves conn without a deadline.
func handshake(ctx context.Context, conn net.Conn, role record.Role, id session.ID, tok session.Token) error {
	// Cancelling ctx breaks the blocked read or write through a deadline.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	err := sayHello(conn, id, tok)
	if err == nil {
		err = awaitPairing(conn, role)
	}
	if !stop() {
		return waitError(ctx)
	}
	if err != nil {
		return err
	}
	if err := conn.SetDeadline(time.Time{}); err != nil {
		return fmt.Errorf("clear the handshake deadline: %w", err)
	}
	return nil
}

// sayHello sends the RendezvousHello frame in one write.
func sayHello(conn net.Conn, id session.ID, tok session.Token) error {
	hello := wire.RendezvousHello{Session: id, Token: tok.Raw()}
	payload, err := hello.AppendBinary(nil)
	if err != nil {
		return err
	}
	if _, err := conn.Write(wire.AppendFrame(nil, hello.FrameType(), payload)); err != nil {
		return fmt.Errorf("send the hello: %w", err)
	}
	return nil
}

// waitError explains a handshake cut short by ctx.
func waitError(ctx context.Context) error {
	cause := context.Cause(ctx)
	if errors.Is(cause, context.DeadlineExceeded) {
		return fmt.Errorf("the other party did not join in time (is it running, and can it reach the rendezvous?): %w", cause)
	}
	return fmt.Errorf("stopped waiting for the other party: %w", cause)
}

// awaitPairing reads the rendezvous's answer to the hello. It reads the
// frame from the bare connection, which never reads past it.
func awaitPairing(r io.Reader, role record.Role) error {
	var buf [1 + wire.MaxRefuseMessage]byte // the largest answer: a Refuse frame
	t, payload, err := wire.ReadFrame(r, buf[:])
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("the rendezvous closed the connection before pairing (is the address that of an nport rendezvous?): %w", err)
		}
		return fmt.Errorf("read the answer to the hello: %w", err)
	}
	switch t {
	case wire.FrameRendezvousPaired:
		p, err := wire.ParseRendezvousPaired(payload)
		if err != nil {
			return err
		}
		return checkRole(p.Role, role)
	case wire.FrameRefuse:
		ref, err := wire.ParseRefuse(payload)
		if err != nil {
			return err
		}
		return refused(ref)
	}
	return fmt.Errorf("%w: got a %s frame, want rendezvous-paired or refuse (is the address that of an nport rendezvous?)", wire.ErrMalformed, t)
}

// checkRole compares the role the rendezvous admitted the socket as with
// the one this party expects; want 0 accepts either.
func checkRole(got wire.Role, want record.Role) error {
	if want == 0 || got == wireRole(want) {
		return nil
	}
	return fmt.Errorf("the rendezvous admitted this socket as the %s, but this is the %s (were the two tokens of the grant swapped?)", got, want)
}

// wireRole is the pairing frame's name for a record role.
func wireRole(r record.Role) wire.Role {
	if r == record.Daemon {
		return wire.RoleDaemon
	}
	return wire.RoleClient
}
