package demo

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"time"
)

// target is what the session reaches on the "device".
type target struct {
	addr string // host:port, as the daemon dials it
	ssh  bool   // a real sshd answers there
}

// target uses the local sshd when one answers, else starts an echo
// service, so the demo works on any machine.
func (d *demo) target(ctx context.Context) (target, error) {
	if banner, ok := sshBanner(d.cfg.SSHAddr); ok {
		d.say("target: the local sshd on %s (%s)", d.cfg.SSHAddr, banner)
		return target{addr: d.cfg.SSHAddr, ssh: true}, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return target{}, err
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		serveEcho(ctx, ln)
	}()
	d.say("target: a built-in echo service on %s (no sshd answers on %s)", ln.Addr(), d.cfg.SSHAddr)
	return target{addr: ln.Addr().String()}, nil
}

// sshBanner reads the first line an sshd sends.
func sshBanner(addr string) (string, bool) {
	c, err := net.DialTimeout("tcp", addr, 300*time.Millisecond)
	if err != nil {
		return "", false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	line = strings.TrimSpace(line)
	return line, err == nil && strings.HasPrefix(line, "SSH-")
}

func serveEcho(ctx context.Context, ln net.Listener) {
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			io.Copy(c, c)
		}()
	}
}
