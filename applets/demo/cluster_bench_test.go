//go:build !nport_nocluster

package demo

import (
	"context"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/nport/nport/applets/client"
	"github.com/nport/nport/applets/relay"
	"github.com/nport/nport/applets/relay/cluster/natstest"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/logging"
)

// clusterBenchWorld is benchWorld on two relays of a cluster over a
// 3-node NATS cluster (nats-server processes): the rendezvous and the
// daemon on relay A, the client's config on relay B.
func clusterBenchWorld(b *testing.B) (context.Context, client.Config) {
	nats := natstest.Start(b, 3)
	home := b.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	d := &demo{cfg: Config{Out: io.Discard, SSHAddr: "127.0.0.1:1"}, home: home, log: logging.Discard(), start: time.Now(), failed: make(chan error, 4)}
	b.Cleanup(func() { cancel(); d.wg.Wait(); os.RemoveAll(home) })
	relayA := d.startClusterRelay(b, ctx, "relay-a", nats.Servers[0].URL)
	relayB := d.startClusterRelay(b, ctx, "relay-b", nats.Servers[1].URL)
	tgt, err := d.target(ctx)
	if err == nil {
		err = d.startRendezvous(ctx, relayA)
	}
	if err == nil {
		err = d.startDaemon(ctx, relayA, tgt)
	}
	if err != nil {
		b.Fatal(err)
	}
	return ctx, d.clientConfig(relayB, tgt)
}

// startClusterRelay runs a relay of the cluster on natsURL.
func (d *demo) startClusterRelay(b *testing.B, ctx context.Context, role, natsURL string) string {
	ready := make(chan struct{})
	var addr string
	cfg := relay.Defaults()
	cfg.Listen, cfg.Home, cfg.Logger, cfg.Cluster = "127.0.0.1:0", d.dir(role), d.log, natsURL
	cfg.Ready = func(a net.Addr, _ identity.PublicKey) { addr = a.String(); close(ready) }
	d.background(ctx, role, func(ctx context.Context) error { return relay.Run(ctx, cfg) })
	if err := d.await(ctx, role, ready); err != nil {
		b.Fatal(err)
	}
	return addr
}

// BenchmarkClusterSessionSetup is BenchmarkSessionSetup with the client
// on another relay of the cluster than the rendezvous and the daemon
// (run with -benchtime=100x, beside BenchmarkSessionSetup for the
// single-relay figure).
func BenchmarkClusterSessionSetup(b *testing.B) {
	ctx, cfg := clusterBenchWorld(b)
	benchSetups(b, ctx, cfg)
}
