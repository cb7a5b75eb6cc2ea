package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/nport/nport/applets/daemon/keeper"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/metrics"
	"github.com/nport/nport/core/session"
	"github.com/nport/nport/core/tunnel"
)

// The values of --session-keeper.
const (
	// KeeperAuto hands sessions to a session keeper, started when none
	// runs, and serves them in the daemon when no keeper can be started.
	KeeperAuto = "auto"
	// KeeperOff serves sessions in the daemon: they end with it.
	KeeperOff = "off"
)

// retryStart is how long the daemon serves sessions itself after a
// keeper failed to start, before it tries again: a start that hangs must
// not delay every answer.
const retryStart = time.Minute

// keepers are the daemon's session keepers: the one it hands new sessions
// to, those of an older build that drain, and the sessions it serves
// itself when it has no keeper.
type keepers struct {
	home   string
	name   identity.Name
	device string
	off    bool
	log    *slog.Logger
	// obs counts the kept sessions as the daemon's own (nil: no metrics);
	// parties names this daemon in them.
	obs     *metrics.Registry
	parties metrics.Parties

	mu        sync.Mutex
	links     map[string]*keptLink // by socket path
	active    string               // the keeper for new sessions, "" for none
	local     map[session.ID]*keeper.Session
	counted   map[session.ID]*keptMetric // kept sessions up, for metrics
	bytes     keptBytes
	failed    time.Time // when a keeper last failed to start
	closed    bool
	followers sync.WaitGroup
}

// keptLink is an attached keeper.
type keptLink struct {
	keeper.Link
	watch    *keeper.Watch
	pid      int
	draining bool
}

func newKeepers(cfg Config, name identity.Name, log *slog.Logger, obs *metrics.Registry) *keepers {
	// The keeper runs in /, so its socket's path must not be relative.
	home, err := filepath.Abs(cfg.Home)
	if err != nil {
		home = cfg.Home
	}
	return &keepers{home: home, name: name, device: cfg.Device, off: cfg.SessionKeeper != KeeperAuto, log: log,
		obs: obs, parties: metrics.Parties{Daemon: string(name), Device: cfg.Device},
		links: map[string]*keptLink{}, local: map[session.ID]*keeper.Session{}, counted: map[session.ID]*keptMetric{}}
}

// checkKeeperMode refuses an unknown --session-keeper.
func checkKeeperMode(mode string) error {
	if mode != "" && mode != KeeperAuto && mode != KeeperOff {
		return fmt.Errorf("--session-keeper %q: want auto or off", mode)
	}
	return nil
}

// start attaches to the keepers that run for this identity and device,
// removes the sockets of those that are gone, tells those of another
// build to drain, and starts a keeper when none is of this build.
func (k *keepers) start(ctx context.Context) {
	if k.off {
		k.log.Info("no session keeper (--session-keeper off): sessions end when the daemon does")
		return
	}
	paths, err := keeper.Sockets(k.home, k.name, k.device)
	if err != nil {
		k.log.Warn("look for session keepers", "err", err)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, p := range paths {
		k.attachLocked(ctx, p)
	}
	if k.active == "" {
		k.startLocked(ctx)
	}
}

// attachLocked watches the keeper at path, and makes it the active one
// if it is of this build; it reports whether it did.
func (k *keepers) attachLocked(ctx context.Context, path string) bool {
	link := keeper.Link{Path: path}
	w, st, err := link.Watch(ctx)
	var refused *keeper.RefusedError
	switch {
	case errors.Is(err, keeper.ErrGone):
		k.removeStale(path)
		return false
	case errors.As(err, &refused):
		// A keeper closing, or of another protocol: it takes nothing
		// new, and ends with its sessions.
		k.log.Info("a session keeper of another version or about to exit: left to end with its sessions", "socket", path, "reason", refused.Message)
		_ = link.Drain(ctx)
		return false
	case err != nil:
		k.log.Warn("a session keeper did not answer", "socket", path, "err", err)
		return false
	}
	kl := &keptLink{Link: link, watch: w, pid: st.PID, draining: st.Draining}
	k.links[path] = kl
	k.followers.Go(func() { k.follow(kl) })
	switch {
	case st.Draining:
		k.log.Info("a session keeper drains", "keeper", st.PID, "sessions", st.Sessions)
	case st.Build == keeper.Build() && k.active == "":
		k.active = path
		k.log.Info("attached to the session keeper", "keeper", st.PID, "sessions", st.Sessions)
		return true
	default:
		kl.draining = true
		err := link.Drain(ctx)
		k.log.Info("told a session keeper of another build to drain: its sessions go on, new ones go to a keeper of this build",
			"keeper", st.PID, "sessions", st.Sessions, "build", st.Build, "err", err)
	}
	return false
}

// startLocked starts a keeper of this build and attaches to it; on
// failure sessions are served in the daemon, with one warning.
func (k *keepers) startLocked(ctx context.Context) bool {
	if k.off || k.closed || time.Since(k.failed) < retryStart {
		return false
	}
	path, err := keeper.NewSocket(k.home, k.name, k.device)
	var pid int
	if err == nil {
		logPath := keeper.LogPath(k.home, k.name, k.device)
		pid, err = keeper.Start(keeperArgs(path, k.logLevel()), logPath)
		if err == nil && !k.attachLocked(ctx, path) {
			err = errors.New("it did not answer")
		}
		if err == nil {
			k.log.Info("started a session keeper", "keeper", pid, "log", logPath)
		}
	}
	if err != nil {
		k.failed = time.Now()
		k.log.Warn("no session keeper: sessions are served in the daemon and will not survive its restart (use --session-keeper off to say so)", "err", err)
		return false
	}
	return true
}

// logLevel is the daemon's log level, for its keeper's log.
func (k *keepers) logLevel() slog.Level {
	for _, l := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn} {
		if k.log.Enabled(context.Background(), l) {
			return l
		}
	}
	return slog.LevelError
}

// follow counts the sessions of a keeper that come up and logs those
// that end, until the keeper exits or the daemon does.
func (k *keepers) follow(kl *keptLink) {
	for {
		up, ended, err := kl.watch.Next()
		if err != nil {
			break
		}
		if up != nil {
			k.countUp(up)
			continue
		}
		logEnded(k.log.With("session", ended.Session.Short(), "from", ended.Manager), *ended, false)
		k.countEnd(ended)
	}
	kl.watch.Close()
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.links, kl.Path)
	if k.active == kl.Path {
		k.active = ""
	}
	switch {
	case k.closed:
	case kl.draining:
		k.log.Info("a draining session keeper ended with its last session", "keeper", kl.pid)
	default:
		k.log.Warn("the session keeper is gone, and its sessions with it; the next session starts a new one", "keeper", kl.pid)
	}
	if !k.closed {
		k.removeStale(kl.Path)
	}
}

// removeStale removes the socket at path if no keeper listens on it: one
// that was killed leaves it behind.
func (k *keepers) removeStale(path string) {
	if _, err := (keeper.Link{Path: path}).Hello(context.Background()); errors.Is(err, keeper.ErrGone) && os.Remove(path) == nil {
		k.log.Info("removed the socket of a session keeper that is gone", "socket", path)
	}
}

// logEnded logs the end of a session as the daemon always has: a
// warning when it ended otherwise than tunnels normally do, unless the
// daemon that served it was stopping.
func logEnded(log *slog.Logger, e keeper.Ended, stopping bool) {
	level := slog.LevelInfo
	if !e.Clean && !stopping {
		level = slog.LevelWarn
	}
	attrs := []any{"target", e.Target, "after", e.After.Round(time.Millisecond), "sent", e.Sent, "received", e.Received}
	if e.Error != "" {
		attrs = append(attrs, "err", e.Error)
	}
	log.Log(context.Background(), level, "session ended", attrs...)
}

// handoff gives h to the active keeper, starting one if there is none or
// the active one is gone, and returns the session's ephemeral public key.
// It reports false when no keeper took it: the daemon serves it then.
func (k *keepers) handoff(ctx context.Context, h *keeper.Handoff) (identity.PublicKey, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for range 2 {
		if k.active == "" && !k.startLocked(ctx) {
			return identity.PublicKey{}, false
		}
		pub, err := keeper.Link{Path: k.active}.Handoff(ctx, h)
		if err == nil {
			return pub, true
		}
		k.log.Info("the session keeper did not take a session; trying another", "socket", k.active, "err", err)
		if kl := k.links[k.active]; kl != nil {
			kl.draining = true // no more sessions for it: it ends with its own
		}
		k.active = ""
	}
	return identity.PublicKey{}, false
}

// serveLocal serves a session in the daemon, for want of a keeper; up is
// called once its tunnel is up.
func (k *keepers) serveLocal(ctx context.Context, s *keeper.Session, log *slog.Logger, up func(*tunnel.Tunnel)) error {
	id := s.Handoff().Session
	k.mu.Lock()
	k.local[id] = s
	k.mu.Unlock()
	defer func() {
		k.mu.Lock()
		delete(k.local, id)
		k.mu.Unlock()
	}()
	return s.Serve(ctx, dialStream, log, up)
}

// sessions lists the live sessions: those of every keeper, then those the
// daemon serves itself, oldest first. It is what limits and listings
// count.
func (k *keepers) sessions(ctx context.Context) []keeper.Info {
	k.mu.Lock()
	var links []keeper.Link
	for _, kl := range k.links {
		links = append(links, kl.Link)
	}
	var out []keeper.Info
	for _, s := range k.local {
		out = append(out, s.Info())
	}
	k.mu.Unlock()
	for _, l := range links {
		infos, err := l.List(ctx)
		if err != nil {
			k.log.Debug("list the sessions of a keeper", "socket", l.Path, "err", err)
		}
		out = append(out, infos...)
	}
	slices.SortFunc(out, func(a, b keeper.Info) int { return a.Started.Compare(b.Started) })
	return out
}

// close detaches from every keeper; their sessions go on.
func (k *keepers) close() {
	k.mu.Lock()
	k.closed = true
	for _, kl := range k.links {
		kl.watch.Close()
	}
	k.mu.Unlock()
	k.followers.Wait()
}
