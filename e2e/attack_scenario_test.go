//go:build linux

package e2e

import (
	"context"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/procfs"
	"github.com/nport/nport/core/proctest"
	"github.com/nport/nport/e2e/attack"
)

// scenario is an attack on a world's relay and rendezvous, all attackers
// at once, and the honest sessions run while it lasts.
type scenario struct {
	duration time.Duration // every attacker's time bound
	idle     int           // idle sockets held open at each port
	slow     int           // slowloris sockets at each port
	garbage  int           // garbage sockets sent to each port
	claims   int           // fresh names claimed
	senders  int           // identities of the send flood
	messages int           // sends of each
	honest   int           // honest sessions, spread over the attack
}

// fullAttack is the attack of the test and the benchmark. 15 s is longer
// than the servers' 10 s handshake deadline, so each idle and slow socket
// is cut and replaced at least once, and short enough for CI under -race.
var fullAttack = scenario{
	duration: 15 * time.Second,
	idle:     attack.DefaultIdleSockets,
	slow:     attack.DefaultSlowSockets,
	garbage:  attack.DefaultGarbageCount,
	claims:   attack.DefaultClaimCount,
	senders:  attack.DefaultSenders,
	messages: attack.DefaultMessages,
	honest:   20,
}

// Where the attack comes from: every attacker has addresses of its own,
// in 127.0.1.0/24 where no other test binds, and the idle sockets come
// from 127.0.0.1 too, where the honest parties are, so that limits per
// source address alone cannot keep them apart.
var (
	idleSources    = attack.Loopback(netip.MustParseAddr("127.0.1.2"), 8).With(attack.Localhost)
	slowSources    = attack.Loopback(netip.MustParseAddr("127.0.1.10"), 2)
	garbageSources = attack.Loopback(netip.MustParseAddr("127.0.1.12"), 2)
	claimSources   = attack.Loopback(netip.MustParseAddr("127.0.1.20"), 1)
	senderSources  = attack.Loopback(netip.MustParseAddr("127.0.1.30"), 20) // one per sender
)

// attackReadyTimeout bounds the attack's ramp-up: thousands of sockets
// opened, twenty identities welcomed.
const attackReadyTimeout = 30 * time.Second

// attackers are the scenario's attackers against w, by name.
func (sc scenario) attackers(t testing.TB, w *world) map[string]attack.Attacker {
	relayKey, err := identity.ParsePublicKey(w.relayKey)
	if err != nil {
		t.Fatal(err)
	}
	b := func(count int) attack.Bounds { return attack.Bounds{Duration: sc.duration, Count: count} }
	return map[string]attack.Attacker{
		"idle relay":           &attack.Idle{Addr: w.relay, Sockets: sc.idle, Sources: idleSources, Bounds: b(0)},
		"idle rendezvous":      &attack.Idle{Addr: w.rvAddr, Sockets: sc.idle, Sources: idleSources, Bounds: b(0)},
		"slowloris relay":      &attack.Slowloris{Addr: w.relay, Hello: attack.RelayHello, Sockets: sc.slow, Sources: slowSources, Bounds: b(0)},
		"slowloris rendezvous": &attack.Slowloris{Addr: w.rvAddr, Hello: attack.RendezvousHello, Sockets: sc.slow, Sources: slowSources, Bounds: b(0)},
		"garbage relay":        &attack.GarbageFlood{Addr: w.relay, Sources: garbageSources, Bounds: b(sc.garbage)},
		"garbage rendezvous":   &attack.GarbageFlood{Addr: w.rvAddr, Sources: garbageSources, Bounds: b(sc.garbage)},
		"claim flood":          &attack.ClaimFlood{Relay: w.relay, RelayKey: relayKey, Sources: claimSources, Bounds: b(sc.claims)},
		"send flood": &attack.SendFlood{Relay: w.relay, RelayKey: relayKey, To: device, Senders: sc.senders,
			Messages: sc.messages, Sources: senderSources, Bounds: b(sc.senders * sc.messages)},
	}
}

// outcome is what a run of a scenario left behind.
type outcome struct {
	end      time.Time                  // when the attackers' time bound ran out
	rampUp   time.Duration              // from the start to full strength
	counters map[string]attack.Counters // by attacker
	honest   []honestRun
	peaks    map[string]usage // by server, over the attack
	// fdsBefore and fdsAfter are the test process's own descriptors
	// before the attack and once its attackers have returned.
	fdsBefore, fdsAfter int
}

// run runs the scenario against w: the attackers, a sampler of the
// servers' resources, and once the attack is at full strength the honest
// sessions, spread over what is left of it. It returns when every
// attacker has ended.
func (sc scenario) run(t testing.TB, w *world) outcome {
	t.Helper()
	attackers, honest := sc.attackers(t, w), w.honestRuns(t, sc.honest)
	out := outcome{fdsBefore: selfFDs(t), end: time.Now().Add(sc.duration)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := startSampler(map[string]*proctest.Proc{"relay": w.relayP, "rendezvous": w.rv, "daemon": w.daemon})
	running := attack.Start(ctx, attackers)
	readyCtx, readyCancel := context.WithTimeout(ctx, attackReadyTimeout)
	err := running.Ready(readyCtx)
	readyCancel()
	out.rampUp = sc.duration - time.Until(out.end)
	if err == nil {
		out.honest = w.runHonest(honest, out.end.Add(-honestRoom))
	} else {
		cancel()
	}
	out.counters = running.Wait()
	out.peaks = s.stop()
	out.fdsAfter = selfFDs(t)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// selfFDs counts the test process's file descriptors.
func selfFDs(t testing.TB) int {
	n, err := procfs.FDCount(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	return n
}
