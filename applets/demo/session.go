package demo

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/nport/nport/applets/client"
)

// session opens a client session, proves a round trip through it and
// prints what happened.
func (d *demo) session(ctx context.Context, relayAddr string, tgt target) error {
	s, err := client.Connect(ctx, d.clientConfig(relayAddr, tgt))
	if err != nil {
		return fmt.Errorf("client session: %w", err)
	}
	defer s.Close()
	for _, st := range s.Steps {
		d.say("  client: %-28s %6.1f ms", st.Name, ms(st.Took))
	}
	d.say("session %s set up in %.1f ms", s.ID.Short(), ms(s.Total()))
	if err := d.roundTrip(s, tgt); err != nil {
		return err
	}
	d.printCommands(relayAddr, tgt)
	if d.cfg.Keep {
		return d.keep(ctx, s, tgt)
	}
	return nil
}

func ms(t time.Duration) float64 { return float64(t.Microseconds()) / 1000 }

// roundTrip opens a stream: sshd's banner must come back through it, or
// the echo service must return random bytes unchanged.
func (d *demo) roundTrip(s *client.Session, tgt target) error {
	start := time.Now()
	stream, err := s.Tunnel.OpenStream()
	if err != nil {
		return fmt.Errorf("%w: %v", errRoundTrip, err)
	}
	defer stream.Close()
	stream.SetDeadline(time.Now().Add(5 * time.Second))
	if tgt.ssh {
		banner, err := bufio.NewReader(stream).ReadString('\n')
		if err != nil || !strings.HasPrefix(banner, "SSH-") {
			return fmt.Errorf("%w: no ssh banner (%q, %v)", errRoundTrip, banner, err)
		}
		d.say("round trip: sshd's banner %q came through the encrypted tunnel in %.1f ms", strings.TrimSpace(banner), ms(time.Since(start)))
		return nil
	}
	sent := make([]byte, 4096)
	rand.Read(sent)
	got := make([]byte, len(sent))
	if _, err := stream.Write(sent); err != nil {
		return fmt.Errorf("%w: %v", errRoundTrip, err)
	}
	if _, err := io.ReadFull(stream, got); err != nil || !bytes.Equal(got, sent) {
		return fmt.Errorf("%w: echo differs (%v)", errRoundTrip, err)
	}
	d.say("round trip: %d random bytes went to the echo service and came back intact in %.1f ms", len(sent), ms(time.Since(start)))
	return nil
}

// printCommands shows the same roles as separate processes.
func (d *demo) printCommands(relayAddr string, tgt target) {
	permit, reach := "", ""
	host, port, _ := net.SplitHostPort(tgt.addr)
	switch {
	case !tgt.ssh:
		permit, reach = " --permit-open "+tgt.addr, " --remote-host "+host+" -p "+port
	case port != "22":
		permit = " --local-sshd-port " + port
	}
	fmt.Fprintf(d.cfg.Out, `
The same roles as separate processes (each may run on its own host):
  nport relay --listen :7020
  srvd   -a %[1]s --relay RELAY:7020 --listen :7021 --ip PUBLIC_HOST -m %[2]s
  sshnpd -a %[3]s --relay RELAY:7020 -m %[2]s%[4]s
  sshnp  -f %[2]s -t %[3]s -r %[1]s --relay RELAY:7020%[5]s
(this run used the relay at %[6]s)
`, rvName, userName, deviceName, permit, reach, relayAddr)
}

// keep serves the tunnel on a local port until ctx ends.
func (d *demo) keep(ctx context.Context, s *client.Session, tgt target) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	if tgt.ssh {
		fmt.Fprintf(d.cfg.Out, "\nThe tunnel stays up: ssh -p %d %s@localhost   (Ctrl-C ends the demo)\n", port, userOr("root"))
	} else {
		fmt.Fprintf(d.cfg.Out, "\nThe tunnel stays up: the echo service is on 127.0.0.1:%d, try `nc 127.0.0.1 %d`   (Ctrl-C ends the demo)\n", port, port)
	}
	err = s.Tunnel.ServeListener(ctx, ln)
	if ctx.Err() != nil {
		return nil
	}
	return err
}
