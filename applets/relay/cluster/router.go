package cluster

import (
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/nport/nport/applets/relay/route"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/wire"
)

// Router is a route.Router over NATS: an envelope for a name is a request
// on the name's subject, answered by the relay that handed it to a
// connection, and NATS' "no responders" means that no relay holds a live
// connection of the name, so the envelope goes to the Queue.
//
// Each relay subscribes once to the subject of each name it holds device
// connections of (every such relay gets the envelope, and hands it to
// each of them), and once per service connection, in a queue group (one
// service connection of the whole cluster gets it). Each connection also
// has the subject of its id, for answers.
type Router struct {
	c     *Cluster
	queue route.Queue

	mu    sync.Mutex
	names map[identity.Name]*local
}

// local is what one relay holds of a name.
type local struct {
	devices   []route.Endpoint
	deviceSub *nats.Subscription // while devices is not empty
	subs      map[route.Endpoint][]*nats.Subscription
}

// propagation is how long a subscription may take to reach every NATS
// server of a cluster: an attached connection looks at its queue once
// more after it, for what a sender queued because it did not see the
// subscription yet.
const propagation = time.Second

// NewRouter returns a router that queues in queue.
func (c *Cluster) NewRouter(queue route.Queue) *Router {
	return &Router{c: c, queue: queue, names: make(map[identity.Name]*local)}
}

// Attach subscribes for a new live connection of name and hands it what
// was queued.
func (r *Router) Attach(name identity.Name, ep route.Endpoint) {
	now := r.c.opt.Now
	r.drain(name, ep.Deliver, now())
	r.mu.Lock()
	l := r.names[name]
	if l == nil {
		l = &local{subs: make(map[route.Endpoint][]*nats.Subscription)}
		r.names[name] = l
	}
	var subs []*nats.Subscription
	if s, err := r.c.nc.Subscribe(connSubject(ep.ID()), r.onConn(name, ep)); err == nil {
		subs = append(subs, s)
	}
	if ep.Service() {
		if s, err := r.c.nc.QueueSubscribe(nameSubject(name), serviceGroup, r.onService(name, ep)); err == nil {
			subs = append(subs, s)
		}
	} else {
		l.devices = append(l.devices, ep)
		if l.deviceSub == nil {
			l.deviceSub, _ = r.c.nc.Subscribe(nameSubject(name), r.onDevices(name))
		}
	}
	l.subs[ep] = subs
	r.mu.Unlock()
	r.c.nc.FlushTimeout(r.c.opt.Timeout)
	r.drain(name, ep.Deliver, now())
	time.AfterFunc(propagation, func() {
		if r.attached(name, ep) {
			r.drain(name, ep.Deliver, now())
		}
	})
}

// Detach ends a connection's subscriptions.
func (r *Router) Detach(name identity.Name, ep route.Endpoint) {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.names[name]
	if l == nil {
		return
	}
	for _, s := range l.subs[ep] {
		s.Unsubscribe()
	}
	delete(l.subs, ep)
	if i := slices.Index(l.devices, ep); i >= 0 {
		l.devices = slices.Delete(l.devices, i, i+1)
		if len(l.devices) == 0 && l.deviceSub != nil {
			l.deviceSub.Unsubscribe()
			l.deviceSub = nil
		}
	}
	if len(l.subs) == 0 {
		delete(r.names, name)
	}
}

// attached reports whether ep is still a live connection of name.
func (r *Router) attached(name identity.Name, ep route.Endpoint) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.names[name]
	if l == nil {
		return false
	}
	_, ok := l.subs[ep]
	return ok
}

// Route delivers frame to name's live connections on any relay, or
// queues it when there are none. A relay that cannot reach NATS drops it.
func (r *Router) Route(name identity.Name, frame []byte) route.Result {
	if r.c.Available() != nil {
		return route.Dropped
	}
	m, err := r.c.nc.RequestMsg(&nats.Msg{Subject: nameSubject(name), Data: frame}, r.c.opt.Timeout)
	switch {
	case err == nil:
		return result(m.Data)
	case errors.Is(err, nats.ErrNoResponders):
	default:
		return route.Dropped
	}
	if err := r.queue.Push(name, frame, r.c.opt.Now()); err != nil {
		return route.Dropped
	}
	// A connection that came while the envelope was pushed has drained
	// already: ask its relay to look again.
	r.c.nc.PublishMsg(&nats.Msg{Subject: nameSubject(name), Header: nats.Header{headerKick: []string{"1"}}})
	return route.Queued
}

// RouteTo delivers frame to the live connection id of name, on whichever
// relay it is.
func (r *Router) RouteTo(name identity.Name, id wire.ConnID, frame []byte) route.Result {
	if r.c.Available() != nil {
		return route.Dropped
	}
	m, err := r.c.nc.RequestMsg(&nats.Msg{Subject: connSubject(id), Header: nats.Header{headerTo: []string{string(name)}}, Data: frame}, r.c.opt.Timeout)
	switch {
	case err == nil:
		return result(m.Data)
	case errors.Is(err, nats.ErrNoResponders):
		return route.Gone
	}
	return route.Dropped
}

// result is the route.Result of a relay's answer.
func result(answer []byte) route.Result {
	switch string(answer) {
	case answerDelivered:
		return route.Delivered
	case answerGone:
		return route.Gone
	}
	return route.Dropped
}

// answer replies to a request, if it is one.
func answer(m *nats.Msg, delivered bool) {
	if m.Reply == "" {
		return
	}
	if delivered {
		m.Respond([]byte(answerDelivered))
	} else {
		m.Respond([]byte(answerDropped))
	}
}

// onDevices hands an envelope for name to each of this relay's device
// connections of it.
func (r *Router) onDevices(name identity.Name) nats.MsgHandler {
	return func(m *nats.Msg) {
		r.mu.Lock()
		var eps []route.Endpoint
		if l := r.names[name]; l != nil {
			eps = slices.Clone(l.devices)
		}
		r.mu.Unlock()
		deliver := func(f []byte) bool {
			ok := false
			for _, ep := range eps {
				ok = ep.Deliver(f) || ok
			}
			return ok
		}
		if m.Header.Get(headerKick) != "" {
			r.drain(name, deliver, r.c.opt.Now())
			return
		}
		answer(m, deliver(m.Data))
	}
}

// onService hands an envelope for name to one service connection, the
// one NATS chose in the queue group.
func (r *Router) onService(name identity.Name, ep route.Endpoint) nats.MsgHandler {
	return func(m *nats.Msg) {
		if m.Header.Get(headerKick) != "" {
			r.drain(name, ep.Deliver, r.c.opt.Now())
			return
		}
		answer(m, ep.Deliver(m.Data))
	}
}

// onConn hands an answer to the connection it names.
func (r *Router) onConn(name identity.Name, ep route.Endpoint) nats.MsgHandler {
	return func(m *nats.Msg) {
		if m.Header.Get(headerTo) != string(name) {
			if m.Reply != "" {
				m.Respond([]byte(answerGone))
			}
			return
		}
		answer(m, ep.Deliver(m.Data))
	}
}

// drain hands deliver what is queued for name, and logs a failure: the
// envelopes stay queued for the next connection.
func (r *Router) drain(name identity.Name, deliver func([]byte) bool, now time.Time) {
	if r.c.Available() != nil {
		return
	}
	if err := r.queue.Drain(name, now, deliver); err != nil {
		r.c.log.Warn("could not deliver what was queued; it stays queued", "identity", string(name), "err", err)
	}
}
