package cluster

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/nport/nport/applets/relay/route"
	"github.com/nport/nport/core/identity"
)

// Queue keeps envelopes for names with no live connection in the
// JetStream stream NPORT_QUEUE, one subject per recipient and sender: the
// stream keeps at most Len of each (the oldest of that sender gives way,
// so a flood cannot push out another sender's request), each for at most
// TTL, and MaxBytes of all together (past it, new envelopes are refused).
type Queue struct {
	c      *Cluster
	stream jetstream.Stream
	ttl    time.Duration
}

// OpenQueue opens (or creates) the stream of the offline queues.
func (c *Cluster) OpenQueue() (*Queue, error) {
	opt := c.opt.Queue
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = route.DefaultMaxBytes
	}
	ctx, cancel := c.ctx()
	defer cancel()
	cfg := jetstream.StreamConfig{
		Name:              queueStream,
		Description:       "nport relay: envelopes for identities with no live connection",
		Subjects:          []string{subjectQueue + ">"},
		Storage:           jetstream.FileStorage,
		Retention:         jetstream.LimitsPolicy,
		Discard:           jetstream.DiscardNew,
		MaxMsgsPerSubject: int64(max(opt.Len, 1)),
		MaxAge:            max(opt.TTL, time.Second),
		MaxBytes:          opt.MaxBytes,
	}
	s, err := c.stream(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &Queue{c: c, stream: s, ttl: opt.TTL}, nil
}

// Push keeps frame for name; it is in the stream, on the replicas, when
// Push returns nil.
func (q *Queue) Push(name identity.Name, frame []byte, now time.Time) error {
	if q.ttl <= 0 || q.c.opt.Queue.Len <= 0 {
		return route.ErrQueueFull
	}
	ctx, cancel := q.c.ctx()
	defer cancel()
	_, err := q.c.js.Publish(ctx, queueSubject(name, route.SenderOf(frame)), frame)
	if isFull(err) {
		return fmt.Errorf("%w: %v", route.ErrQueueFull, err)
	}
	if err != nil {
		return fmt.Errorf("cluster: queue for %s: %w", name, err)
	}
	return nil
}

// isFull reports whether a publish was refused for the stream's bounds.
func isFull(err error) bool {
	var api *jetstream.APIError
	// 10077: the store refused it, "maximum bytes exceeded" and the like.
	return errors.As(err, &api) && (api.ErrorCode == 10077 || strings.Contains(api.Description, "maximum"))
}

// Drain hands take what is queued for name, oldest first, and removes
// what it took. Two relays draining the same name at once may both hand
// an envelope on; the receivers drop the duplicate.
func (q *Queue) Drain(name identity.Name, now time.Time, take func([]byte) bool) error {
	ctx, cancel := q.c.ctx()
	defer cancel()
	filter := queueFilter(name)
	var next, done uint64 = 1, 0
	for {
		m, err := q.stream.GetMsg(ctx, next, jetstream.WithGetMsgSubject(filter))
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			break
		}
		if err != nil {
			q.purge(filter, done)
			return fmt.Errorf("cluster: read the queue of %s: %w", name, err)
		}
		if now.Sub(m.Time) < q.ttl && !take(m.Data) {
			break
		}
		done, next = m.Sequence, m.Sequence+1
	}
	return q.purge(filter, done)
}

// purge removes what was queued on filter up to and with sequence upto.
func (q *Queue) purge(filter string, upto uint64) error {
	if upto == 0 {
		return nil
	}
	ctx, cancel := q.c.ctx()
	defer cancel()
	if err := q.stream.Purge(ctx, jetstream.WithPurgeSubject(filter), jetstream.WithPurgeSequence(upto+1)); err != nil {
		return fmt.Errorf("cluster: remove delivered envelopes: %w", err)
	}
	return nil
}

// drop removes everything queued for name, for a released name.
func (q *Queue) drop(name identity.Name) error {
	ctx, cancel := q.c.ctx()
	defer cancel()
	return q.stream.Purge(ctx, jetstream.WithPurgeSubject(queueFilter(name)))
}
