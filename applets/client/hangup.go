package client

import (
	"os"
	"os/signal"
	"syscall"
)

// onHangup calls f when the process gets SIGHUP, until stop is called.
// ssh sends its ProxyCommand SIGHUP once it is done with it, right after
// closing its pipes: caught, it lets the tunnel send what ssh wrote last
// and end cleanly, where the signal's default would kill the process in
// the middle and leave the daemon with a cut stream. A SIGHUP ignored
// from the start (nohup) stays ignored.
//
// SIGPIPE is asked for too, so that a write to stdout after ssh has gone
// fails with EPIPE, which the tunnel takes for the same news, instead of
// killing the process.
func onHangup(f func()) (stop func()) {
	pipe := make(chan os.Signal, 1)
	signal.Notify(pipe, syscall.SIGPIPE)
	if signal.Ignored(syscall.SIGHUP) {
		return func() { signal.Stop(pipe) }
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case <-hup:
			f()
		case <-done:
		}
	}()
	return func() {
		signal.Stop(hup)
		signal.Stop(pipe)
		close(done)
	}
}
