//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
)

// bench is one invocation: the binaries, the processes it runs, and what
// the report tells besides the figures.
type bench struct {
	opts      options
	work      string // temporary folder: nport's build, homes, configuration files
	nport     string
	peers     map[string]string // name → unpacked binary
	missing   map[string]error  // name → why it is not there
	iperf3    string            // "" when not installed
	sup       *supervisor
	recording bool     // commands are noted during the first run only
	commands  []string // command lines run, in order, without repeats
	configs   []note   // configuration files written
	versions  []note
}

// note is a named text for the report.
type note struct{ name, text string }

// prepare builds nport, unpacks the peers and finds iperf3.
func prepare(ctx context.Context, opts options) (*bench, error) {
	work, err := os.MkdirTemp("", "nport-bench-peers-")
	if err != nil {
		return nil, err
	}
	b := &bench{opts: opts, work: work, sup: &supervisor{verbose: opts.verbose}, recording: true}
	b.progress("building nport")
	if b.nport, err = buildNport(ctx, opts.repo, work); err != nil {
		os.RemoveAll(work)
		return nil, err
	}
	b.peers, b.missing = unpackPeers(opts.peers, opts.cache)
	for name, err := range b.missing {
		b.progress("%s: %v", name, err)
	}
	if b.iperf3, err = exec.LookPath("iperf3"); err != nil {
		b.iperf3 = ""
		b.progress("%s; the throughput and CPU figures are left out", iperfInstall)
	}
	b.versions = versions(ctx, b)
	return b, nil
}

// close stops whatever still runs and removes the temporary folder.
func (b *bench) close() {
	b.sup.stopAll()
	os.RemoveAll(b.work)
}

// progress tells what is going on, on stderr: stdout is the report.
func (b *bench) progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench-peers: "+format+"\n", args...)
}

// record notes a command line for the report. The iperf3 commands are the
// same for every tunnel but for their ports, given to be written as $TARGET
// (where iperf3's server listens) and $PORT (where the tunnel offers it).
func (b *bench) record(cmd string, target, port int) {
	cmd = strings.ReplaceAll(cmd, b.work, "$WORK")
	if target != 0 {
		cmd = strings.ReplaceAll(cmd, fmt.Sprintf("-p %d", target), "-p $TARGET")
		cmd = strings.ReplaceAll(cmd, fmt.Sprintf("-p %d", port), "-p $PORT")
	}
	if b.recording && !slices.Contains(b.commands, cmd) {
		b.commands = append(b.commands, cmd)
	}
}

// writeConfig writes a configuration file and notes it for the report.
func (b *bench) writeConfig(path, text string) (string, error) {
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return "", err
	}
	name := strings.ReplaceAll(path, b.work, "$WORK")
	if b.recording {
		b.configs = append(b.configs, note{name, text})
	}
	return path, nil
}

// peer is the path of a peer's binary, "" when it is missing.
func (b *bench) peer(name string) string { return b.peers[name] }

// missingPeer says which of names are missing, and why.
func (b *bench) missingPeer(names ...string) error {
	var why []string
	for _, n := range names {
		if err := b.missing[n]; err != nil {
			why = append(why, err.Error())
		}
	}
	return fmt.Errorf("%s", strings.Join(why, "; "))
}
