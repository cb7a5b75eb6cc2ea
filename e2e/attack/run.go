//go:build linux

package attack

import (
	"context"
	"fmt"
	"sync"
)

// Attacker is one kind of hostile traffic.
type Attacker interface {
	// Run attacks until its Bounds or ctx end it, closes every socket it
	// opened, and returns what became of its attempts.
	Run(ctx context.Context) Counters
	// Ready is closed once the attack is at full strength, or over.
	Ready() <-chan struct{}
}

// readiness is the Ready channel of an attacker, closed once.
type readiness struct {
	make, close sync.Once
	ch          chan struct{}
}

// Ready is closed once the attack is at full strength, or over.
func (r *readiness) Ready() <-chan struct{} { return r.channel() }

func (r *readiness) channel() chan struct{} {
	r.make.Do(func() { r.ch = make(chan struct{}) })
	return r.ch
}

// markReady closes Ready; later calls do nothing.
func (r *readiness) markReady() {
	ch := r.channel()
	r.close.Do(func() { close(ch) })
}

// Running is a set of attackers started together, each in its own
// goroutine.
type Running struct {
	attackers map[string]Attacker
	wg        sync.WaitGroup
	mu        sync.Mutex
	results   map[string]Counters
}

// Start runs every attacker, named by its key, until its bounds or ctx
// end it.
func Start(ctx context.Context, attackers map[string]Attacker) *Running {
	r := &Running{attackers: attackers, results: make(map[string]Counters, len(attackers))}
	for name, a := range attackers {
		r.wg.Go(func() {
			c := a.Run(ctx)
			r.mu.Lock()
			r.results[name] = c
			r.mu.Unlock()
		})
	}
	return r
}

// Ready waits until every attacker is at full strength, and fails naming
// those that are not when ctx ends first.
func (r *Running) Ready(ctx context.Context) error {
	for name, a := range r.attackers {
		select {
		case <-a.Ready():
		case <-ctx.Done():
			return fmt.Errorf("attacker %s not at full strength: %w", name, context.Cause(ctx))
		}
	}
	return nil
}

// Wait waits for every attacker to end and returns their counters, by
// name.
func (r *Running) Wait() map[string]Counters {
	r.wg.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.results
}
