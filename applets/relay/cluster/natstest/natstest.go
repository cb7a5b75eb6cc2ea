// Package natstest runs real nats-server processes with JetStream for
// tests: one server, or a cluster of several on 127.0.0.1, each of which
// can be stopped and started again on the same ports and storage, as a
// crash and a restart of its host would. A test skips with a message
// when nats-server is not installed.
package natstest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/nport/nport/core/proctest"
)

// Debian's nats-server package installs it here; PATH is searched first.
const debianPath = "/usr/sbin/nats-server"

// readyTimeout bounds the wait for a server, and for a cluster's
// JetStream to elect its leader.
const readyTimeout = 30 * time.Second

var ready = regexp.MustCompile(`Server is ready`)

// Path returns nats-server's path, or skips the test when it is missing.
func Path(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("nats-server"); err == nil {
		return p
	}
	if _, err := os.Stat(debianPath); err == nil {
		return debianPath
	}
	t.Skip("nats-server is not installed (Debian: apt-get install nats-server); skipping the cluster test")
	return ""
}

// Server is one nats-server of a Cluster.
type Server struct {
	t      testing.TB
	path   string
	Name   string
	Port   int    // the client port
	URL    string // nats://127.0.0.1:PORT
	config string // the config file
	proc   *proctest.Proc
}

// Cluster is one or more nats-servers with JetStream, routed together.
type Cluster struct {
	Servers []*Server
}

// Start runs n servers (1 for a single server, 3 for a cluster that keeps
// JetStream through the loss of one) and waits until JetStream answers.
func Start(t testing.TB, n int) *Cluster {
	t.Helper()
	path := Path(t)
	dir := t.TempDir()
	clients, routes := freePorts(t, n), freePorts(t, n)
	var routeURLs []string
	for _, p := range routes {
		routeURLs = append(routeURLs, fmt.Sprintf("nats://127.0.0.1:%d", p))
	}
	c := &Cluster{}
	for i := range n {
		s := &Server{t: t, path: path, Name: fmt.Sprintf("n%d", i+1), Port: clients[i]}
		s.URL = fmt.Sprintf("nats://127.0.0.1:%d", s.Port)
		s.config = filepath.Join(dir, s.Name+".conf")
		conf := fmt.Sprintf("server_name: %s\nlisten: 127.0.0.1:%d\njetstream {\n  store_dir: %q\n  max_memory_store: 64MB\n  max_file_store: 1GB\n}\n",
			s.Name, s.Port, filepath.Join(dir, s.Name))
		if n > 1 {
			conf += fmt.Sprintf("cluster {\n  name: nport\n  listen: 127.0.0.1:%d\n  routes: [%s]\n}\n", routes[i], strings.Join(routeURLs, ", "))
		}
		if err := os.WriteFile(s.config, []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		c.Servers = append(c.Servers, s)
	}
	for _, s := range c.Servers {
		s.start()
	}
	c.WaitJetStream()
	return c
}

// URLs returns the client URLs of every server, comma-separated, as
// `nport relay --cluster` takes them.
func (c *Cluster) URLs() string {
	var urls []string
	for _, s := range c.Servers {
		urls = append(urls, s.URL)
	}
	return strings.Join(urls, ",")
}

// WaitJetStream waits until JetStream answers on every server: in a
// cluster, once its servers have elected a leader. It asks again every
// tenth of a second, as a client would, for readiness has no log line
// that every server prints.
func (c *Cluster) WaitJetStream() {
	t := c.Servers[0].t
	t.Helper()
	deadline := time.Now().Add(readyTimeout)
	for _, s := range c.Servers {
		var err error
		for time.Now().Before(deadline) {
			if err = s.jetStreamAnswers(); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("JetStream of %s did not answer within %v: %v; output:\n%s", s.Name, readyTimeout, err, s.Output())
		}
	}
}

// jetStreamAnswers asks the server for the account's JetStream usage.
func (s *Server) jetStreamAnswers() error {
	nc, err := nats.Connect(s.URL, nats.Timeout(time.Second))
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err = js.AccountInfo(ctx)
	return err
}

// start runs the server and waits until it says it is ready.
func (s *Server) start() {
	s.t.Helper()
	s.proc = proctest.Start(s.t, s.path, nil, "-c", s.config)
	s.proc.WaitFor(ready, readyTimeout)
}

// Kill ends the server at once, as a crash would.
func (s *Server) Kill() { s.proc.Kill() }

// Restart starts a killed server again, on its ports and storage.
func (s *Server) Restart() { s.start() }

// Output is everything the server logged.
func (s *Server) Output() string { return s.proc.Output() }

// freePorts returns n TCP ports that were free a moment ago.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	var lns []net.Listener
	var ports []int
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	for _, ln := range lns {
		ln.Close()
	}
	return ports
}
