package claim

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/nport/nport/core/logging"
	"github.com/nport/nport/core/ratelimit"
	"github.com/nport/nport/core/relayconn"
	"github.com/nport/nport/wire"
)

// refusalLog logs refused claims at info, a few a second at most: a flood
// of claims must not become a flood of log lines. The next line that is
// written says how many were left out.
type refusalLog struct {
	log     *slog.Logger
	bucket  *ratelimit.Bucket
	mu      sync.Mutex
	dropped int
}

// Refusals are logged at this rate, and this many at once.
const (
	logRate  = 2
	logBurst = 20
)

func newRefusalLog(l *slog.Logger) *refusalLog {
	if l == nil {
		l = logging.Discard()
	}
	return &refusalLog{log: l, bucket: ratelimit.New(logRate, logBurst)}
}

// refused logs one refusal, unless over the rate.
func (r *refusalLog) refused(cl relayconn.Claim, err error) {
	reason := "name-taken"
	if ref, ok := errors.AsType[wire.Refusal](err); ok {
		if ref.Code == wire.RefuseUnknown {
			return // failed has logged it
		}
		reason = ref.Code.String()
	}
	if n, ok := r.take(); ok {
		r.log.Info("claim refused", "identity", string(cl.Name), "fp", cl.Key.Fingerprint(), "remote", remote(cl), "reason", reason, "err", err, "unlogged", n)
	}
}

// failed logs a storage failure: it needs the operator's attention.
func (r *refusalLog) failed(cl relayconn.Claim, err error) {
	if n, ok := r.take(); ok {
		r.log.Error("could not record a claim", "identity", string(cl.Name), "err", err, "unlogged", n)
	}
}

// take reports whether a line may be written now, and how many were left
// out since the last one.
func (r *refusalLog) take() (int, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.bucket.Allow(time.Now()) {
		r.dropped++
		return 0, false
	}
	n := r.dropped
	r.dropped = 0
	return n, true
}

func remote(cl relayconn.Claim) string {
	if cl.Remote == nil {
		return ""
	}
	return cl.Remote.String()
}
