package keeper

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"github.com/nport/nport/core/logging"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/core/tunnel"
)

// DefaultLinger is how long a keeper with no session and no daemon
// attached waits before it exits: long enough for a daemon that is being
// restarted to attach again, short enough to leave nothing behind.
const DefaultLinger = 5 * time.Second

// acceptRetry is the pause after a failed Accept that did not close the
// listener (too many open files, say), so the loop does not spin.
const acceptRetry = 100 * time.Millisecond

// Config is a keeper process's settings.
type Config struct {
	// Socket is the path of the unix socket to listen on.
	Socket string
	// Dial connects a stream of a session to its target.
	Dial Dialer
	// Logger receives the keeper's logs; nil discards them.
	Logger *slog.Logger
	// Linger is how long the keeper stays with no session and no daemon
	// attached; 0 means DefaultLinger.
	Linger time.Duration
	// Ready, if set, is called once the socket accepts connections.
	Ready func()
}

// server is a running keeper.
type server struct {
	cfg    Config
	log    *slog.Logger
	ln     *net.UnixListener
	ctx    context.Context // sessions run under it
	build  string
	linger time.Duration

	mu       sync.Mutex
	sessions map[session.ID]*Session
	watchers map[*watcher]struct{}
	draining bool
	closing  bool
	timer    *time.Timer // the linger before an exit, when armed

	// wg counts the goroutines of sessions and connections.
	wg sync.WaitGroup
}

// Serve runs a keeper on cfg.Socket until it has had no session and no
// daemon attached for the linger time, until it has drained, or until ctx
// ends; ending ctx ends the sessions too. It removes the socket before it
// returns.
func Serve(ctx context.Context, cfg Config) error {
	if cfg.Dial == nil {
		return errors.New("session keeper: no dialer")
	}
	ln, err := listen(cfg.Socket)
	if err != nil {
		return err
	}
	s := &server{cfg: cfg, log: cfg.Logger, ln: ln, ctx: ctx, build: Build(), linger: cfg.Linger,
		sessions: map[session.ID]*Session{}, watchers: map[*watcher]struct{}{}}
	if s.log == nil {
		s.log = logging.Discard()
	}
	if s.linger <= 0 {
		s.linger = DefaultLinger
	}
	s.log.Info("session keeper ready", "socket", cfg.Socket, "pid", os.Getpid(), "build", s.build)
	if cfg.Ready != nil {
		cfg.Ready()
	}
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.log.Info("session keeper stopped: its sessions end", "sessions", len(s.sessions), "reason", context.Cause(ctx))
		s.closeLocked()
	})
	defer stop()
	s.mu.Lock()
	s.checkIdleLocked()
	s.mu.Unlock()
	s.accept()
	s.wg.Wait()
	return nil
}

// listen opens the socket, readable and writable by its owner only.
func listen(path string) (*net.UnixListener, error) {
	if err := checkSocketPath(path); err != nil {
		return nil, err
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("session keeper: listen on %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("session keeper: %w", err)
	}
	return ln, nil
}

// accept serves connections until the listener is closed.
func (s *server) accept() {
	for {
		c, err := s.ln.Accept()
		if err == nil {
			s.wg.Go(func() { s.serveConn(c) })
			continue
		}
		s.mu.Lock()
		closing := s.closing
		s.mu.Unlock()
		if closing || errors.Is(err, net.ErrClosed) {
			return
		}
		s.log.Warn("accept a daemon connection", "err", err)
		time.Sleep(acceptRetry)
	}
}

// serveConn answers the one request of a connection.
func (s *server) serveConn(c net.Conn) {
	defer c.Close()
	if err := checkPeer(c); err != nil {
		s.log.Warn("refused a connection to the session keeper", "err", err)
		return
	}
	_ = c.SetDeadline(time.Now().Add(ioTimeout))
	lc := newLineConn(c)
	var req request
	if err := lc.read(&req); err != nil {
		s.log.Debug("unreadable request", "err", err)
		_ = lc.write(reply{Status: s.status(), Error: fmt.Sprintf("unreadable request: %v", err)})
		return
	}
	if req.Protocol != Protocol {
		_ = lc.write(reply{Status: s.status(), Error: fmt.Sprintf("this session keeper speaks protocol %d, the request is of %d", Protocol, req.Protocol)})
		return
	}
	switch req.Op {
	case opHello:
		_ = lc.write(reply{Status: s.status()})
	case opHandoff:
		_ = lc.write(s.handoff(req.Handoff))
	case opList:
		_ = lc.write(s.list())
	case opDrain:
		_ = lc.write(s.drain())
	case opWatch:
		s.watch(lc)
	default:
		_ = lc.write(reply{Status: s.status(), Error: fmt.Sprintf("unknown operation %q", req.Op)})
	}
}

// status is what the keeper says of itself now.
func (s *server) status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.statusLocked()
}

func (s *server) statusLocked() Status {
	return Status{Protocol: Protocol, Build: s.build, PID: os.Getpid(), Draining: s.draining || s.closing, Sessions: len(s.sessions)}
}

// ErrDraining is a keeper's refusal of a new session once it drains or
// exits; the daemon then uses another keeper.
var ErrDraining = errors.New("the session keeper takes no new session")

// handoff takes a session and starts serving it.
func (s *server) handoff(h *Handoff) reply {
	if h == nil {
		return reply{Status: s.status(), Error: "a hand-off without a session"}
	}
	if err := h.Check(); err != nil {
		return reply{Status: s.status(), Error: err.Error()}
	}
	sess, err := NewSession(*h)
	if err != nil {
		return reply{Status: s.status(), Error: err.Error()}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.draining || s.closing:
		return reply{Status: s.statusLocked(), Error: ErrDraining.Error()}
	case s.sessions[h.Session] != nil:
		return reply{Status: s.statusLocked(), Error: fmt.Sprintf("session %s is kept already", h.Session.Short())}
	}
	s.sessions[h.Session] = sess
	s.disarmLocked()
	s.wg.Go(func() { s.run(sess) })
	pub := sess.Ephemeral()
	return reply{Status: s.statusLocked(), Ephemeral: &pub}
}

// run serves one session to its end and tells the watching daemons.
func (s *server) run(sess *Session) {
	h := sess.Handoff()
	log := s.log.With("session", h.Session.Short(), "from", h.Manager)
	log.Info("session taken", "target", h.Target, "protocol", h.Protocol)
	err := sess.Serve(s.ctx, s.cfg.Dial, s.log, func(*tunnel.Tunnel) {
		up := Up{Info: sess.Info(), Setup: time.Since(h.Asked)}
		s.broadcast(event{Up: &up})
	})
	ended := NewEnded(sess, err)
	level := slog.LevelInfo
	if !ended.Clean && s.ctx.Err() == nil {
		level = slog.LevelWarn
	}
	log.Log(context.Background(), level, "session ended", "target", h.Target, "err", err, "after", ended.After.Round(time.Millisecond))
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, h.Session)
	s.broadcastLocked(event{Ended: &ended})
	s.checkIdleLocked()
}

// broadcast sends ev to every watching daemon.
func (s *server) broadcast(ev event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.broadcastLocked(ev)
}

func (s *server) broadcastLocked(ev event) {
	for w := range s.watchers {
		w.send(ev)
	}
}

// NewEnded describes the end of sess, which Serve ended with err.
func NewEnded(sess *Session, err error) Ended {
	e := Ended{Info: sess.Info(), Clean: tunnel.Clean(err), Reason: tunnel.Reason(err), After: time.Since(sess.started)}
	if err != nil {
		e.Error = err.Error()
	}
	return e
}

// list describes the live sessions.
func (s *server) list() reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := reply{Status: s.statusLocked()}
	for _, sess := range s.sessions {
		r.List = append(r.List, sess.Info())
	}
	return r
}

// drain takes no new session from now on; the keeper exits with its last.
func (s *server) drain() reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.draining {
		s.draining = true
		s.log.Info("draining: a daemon of another build runs; exiting with the last session", "sessions", len(s.sessions))
	}
	r := reply{Status: s.statusLocked()}
	s.checkIdleLocked()
	return r
}

// checkIdleLocked exits a drained keeper, and arms the linger of one that
// has neither a session nor a daemon.
func (s *server) checkIdleLocked() {
	switch {
	case s.closing || len(s.sessions) > 0:
	case s.draining:
		s.log.Info("drained: no session left; exiting")
		s.closeLocked()
	case len(s.watchers) == 0:
		if s.timer == nil {
			s.timer = time.AfterFunc(s.linger, s.lingered)
		} else {
			s.timer.Reset(s.linger)
		}
	}
}

// disarmLocked stops the linger: a session or a daemon came.
func (s *server) disarmLocked() {
	if s.timer != nil {
		s.timer.Stop()
	}
}

// lingered exits the keeper if it is still without session and daemon.
func (s *server) lingered() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closing && len(s.sessions) == 0 && len(s.watchers) == 0 {
		s.log.Info("no session and no daemon: exiting", "after", s.linger)
		s.closeLocked()
	}
}

// closeLocked stops accepting, which removes the socket, and lets the
// attached daemons know by closing their connections.
func (s *server) closeLocked() {
	if s.closing {
		return
	}
	s.closing = true
	s.disarmLocked()
	s.ln.Close()
	for w := range s.watchers {
		close(w.bye)
	}
}

// watchQueue bounds the events waiting for one daemon; a daemon that
// lets it fill is dropped, and attaches again.
const watchQueue = 64

// watcher is an attached daemon.
type watcher struct {
	lc     *lineConn
	events chan event
	bye    chan struct{} // closed when the keeper exits
}

// send queues ev, or drops a daemon that does not keep up.
func (w *watcher) send(ev event) {
	select {
	case w.events <- ev:
	default:
		w.lc.conn.Close()
	}
}

// watch attaches a daemon until it closes the connection.
func (s *server) watch(lc *lineConn) {
	w := &watcher{lc: lc, events: make(chan event, watchQueue), bye: make(chan struct{})}
	s.mu.Lock()
	if s.closing {
		r := reply{Status: s.statusLocked(), Error: ErrDraining.Error()}
		s.mu.Unlock()
		_ = lc.write(r)
		return
	}
	s.watchers[w] = struct{}{}
	s.disarmLocked()
	r := reply{Status: s.statusLocked()}
	s.mu.Unlock()

	written := make(chan struct{})
	go func() {
		defer close(written)
		w.write(r)
	}()
	_ = lc.conn.SetReadDeadline(time.Time{})
	// The daemon sends nothing more: the read ends when it goes away.
	_, _ = io.Copy(io.Discard, lc.r)
	s.mu.Lock()
	delete(s.watchers, w)
	close(w.events)
	s.checkIdleLocked()
	s.mu.Unlock()
	<-written
}

// write sends the answer r, then the events, until the daemon goes or
// the keeper exits; then it sends what is queued and closes the
// connection, which ends the daemon's watch.
func (w *watcher) write(r reply) {
	if w.lc.write(r) != nil {
		w.lc.conn.Close()
	}
	for {
		select {
		case ev, ok := <-w.events:
			if !ok {
				return
			}
			if w.lc.write(ev) != nil {
				w.lc.conn.Close()
			}
		case <-w.bye:
			w.flush()
			return
		}
	}
}

// flush sends the queued events and closes the connection.
func (w *watcher) flush() {
	for len(w.events) > 0 {
		if ev, ok := <-w.events; ok {
			_ = w.lc.write(ev)
		}
	}
	w.lc.conn.Close()
	for range w.events {
		// Until the watch ends and closes the queue.
	}
}
