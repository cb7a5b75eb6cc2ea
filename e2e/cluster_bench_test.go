//go:build linux && !nport_nocluster

package e2e

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/nport/nport/applets/relay/cluster/natstest"
	"github.com/nport/nport/core/identity"
	"github.com/nport/nport/core/proctest"
	"github.com/nport/nport/core/relayconn"
)

// BenchmarkClusterIdleIdentities connects 10,000 identities, each with
// its own connection, spread over three relay processes of a cluster on a
// 3-node NATS cluster (and, for comparison, to one relay on its own), and
// reports the relays' resident memory per connection (run with
// -benchtime=1x).
func BenchmarkClusterIdleIdentities(b *testing.B) {
	b.Run("single", func(b *testing.B) { benchIdle(b, []string{""}) })
	b.Run("cluster", func(b *testing.B) {
		nats := natstest.Start(b, 3)
		var urls []string
		for _, s := range nats.Servers {
			urls = append(urls, s.URL)
		}
		benchIdle(b, urls)
	})
}

// benchIdle runs one relay per NATS URL ("": one relay on its own) and
// connects the idle identities to them in turn.
func benchIdle(b *testing.B, natsURLs []string) {
	const idle = 10_000
	bin := proctest.Binary(b)
	var relays []*proctest.Proc
	var addrs []string
	for _, url := range natsURLs {
		env := []string{identity.HomeEnv + "=" + b.TempDir(), "NPORT_RELAY="}
		args := []string{"relay", "--listen", "127.0.0.1:0", "--claim-rate", "0", "--max-connections", "20000", "--log-format", "json"}
		if url != "" {
			args = append(args, "--cluster", url)
		}
		p := proctest.Start(b, bin, env, args...)
		relays = append(relays, p)
		addrs = append(addrs, p.WaitFor(relayReady, readyTimeout)[1])
	}
	for b.Loop() {
		before := totalRSS(b, relays)
		conns := make([]*relayconn.Conn, 0, idle)
		for i := range idle {
			key, err := identity.GenerateKey()
			if err != nil {
				b.Fatal(err)
			}
			c, err := dialRelay(addrs[i%len(addrs)], identity.Identity{Name: identity.Name(fmt.Sprintf("@idle%d", i)), Key: key})
			if err != nil {
				b.Fatalf("identity %d: %v", i, err)
			}
			conns = append(conns, c)
		}
		after := totalRSS(b, relays)
		b.ReportMetric(float64(after-before)/idle, "rss-bytes/conn")
		b.ReportMetric(float64(after)/(1<<20), "rss-MiB-total")
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/idle, "ms/connect")
		for _, c := range conns {
			c.Close()
		}
	}
}

// dialRelay connects id to a relay, trusting whatever key it proves.
func dialRelay(addr string, id identity.Identity) (*relayconn.Conn, error) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return relayconn.Handshake(context.Background(), nc, relayconn.ClientConfig{
		Identity:      id,
		CheckRelayKey: func(identity.PublicKey) error { return nil },
	})
}

// totalRSS adds up the resident memory of processes.
func totalRSS(b *testing.B, procs []*proctest.Proc) int64 {
	var total int64
	for _, p := range procs {
		rss, err := p.RSS()
		if err != nil {
			b.Fatal(errors.Join(errors.New("read a relay's resident memory"), err))
		}
		total += rss
	}
	return total
}
