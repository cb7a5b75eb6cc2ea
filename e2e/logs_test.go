//go:build linux

package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nport/nport/core/proctest"
	"github.com/nport/nport/core/sshdtest"
)

// stdioSessions is how many ProxyCommand sessions TestSessionLogs runs:
// the daemon's false "cut" warning came in about one of three.
const stdioSessions = 10

// TestSessionLogs runs the sessions a person runs (ssh with the client as
// its ProxyCommand, ssh run by the client, a forwarded port ended with
// Ctrl-C) and reads every log line of every process: each JSON line holds
// each key once, in snake_case, with durations as Go duration strings,
// and a session that ends as sessions do warns nobody.
func TestSessionLogs(t *testing.T) {
	w := newWorld(t, options{rvArgs: []string{"-m", alice}})
	var sessions []string // ids, as the clients log them
	var clientLogs []string
	for range stdioSessions {
		proxy := shellJoin(w.clientArgs(alice, "--stdio"))
		args := append([]string{sshdtest.SSH}, w.sshd.SSHArgs()...)
		args = append(args, "-o", "ProxyCommand="+proxy, w.sshd.User+"@device-alias", "echo ok")
		r := run(t, command(args, w.clientEnv(alice)), runTimeout)
		mustSucceed(t, "ssh with ProxyCommand", r)
		sessions = append(sessions, sessionsIn(t, r.stderr)...)
		clientLogs = append(clientLogs, r.stderr)
	}
	r := w.runClient(alice, "--ssh", w.sshWrapper(t, "echo ok"))
	mustSucceed(t, "ssh run by the client", r)
	sessions = append(sessions, sessionsIn(t, r.stderr)...)
	clientLogs = append(clientLogs, r.stderr)

	argv := w.clientArgs(alice, "--forward")
	fwd := proctest.Start(t, argv[0], w.clientEnv(alice), argv[1:]...)
	sessions = append(sessions, fwd.WaitFor(regexp.MustCompile(`^nport client ready: listen=\S+ session=(\S+)$`), runTimeout)[1])
	fwd.Cmd.Process.Signal(syscall.SIGINT)
	if code := fwd.Wait(runTimeout); code != 0 {
		t.Errorf("client --forward ended by Ctrl-C: exit %d, want 0; output:\n%s", code, fwd.Output())
	}
	clientLogs = append(clientLogs, fwd.Output())

	if len(sessions) != stdioSessions+2 {
		t.Errorf("got %d session ids from the clients' logs, want %d", len(sessions), stdioSessions+2)
	}
	for _, id := range sessions {
		w.daemon.WaitFor(regexp.MustCompile(`"msg":"session ended".*"session":"`+id+`"`), logTimeout)
		w.rv.WaitFor(regexp.MustCompile(`"msg":"session ended".*"session":"`+id+`"`), logTimeout)
	}
	logs := map[string]string{"relay": w.relayP.Output(), "rendezvous": w.rv.Output(), "daemon": w.daemon.Output(),
		"clients": strings.Join(clientLogs, "\n")}
	for who, out := range logs {
		checkLogLines(t, who, out)
	}
}

// sessionsIn returns the ids of the sessions whose tunnel a client's log
// says ended.
func sessionsIn(t *testing.T, log string) []string {
	var ids []string
	for _, m := range regexp.MustCompile(`"msg":"tunnel ended".*?"session":"([0-9a-f]+)"`).FindAllStringSubmatch(log, -1) {
		ids = append(ids, m[1])
	}
	if len(ids) != 1 {
		t.Errorf("got %d tunnel ends in a client's log, want 1:\n%s", len(ids), log)
	}
	return ids
}

// durationKeys are the keys whose values are durations.
var durationKeys = []string{"took", "after", "keepalive", "duration", "ttl", "idle_timeout", "handshake_timeout",
	"session_ttl", "retry_in", "up_for"}

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// checkLogLines checks every JSON line of a process's output.
func checkLogLines(t *testing.T, who, out string) {
	t.Helper()
	lines := 0
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		lines++
		keys, err := jsonKeys(line)
		if err != nil {
			t.Errorf("%s: %v in %s", who, err, line)
			continue
		}
		var rec map[string]any
		json.Unmarshal([]byte(line), &rec)
		if level := rec["level"]; level != "INFO" && level != "DEBUG" {
			t.Errorf("%s logged %s after sessions that all ended as sessions do: %s", who, level, line)
		}
		for _, k := range keys {
			if !snakeCase.MatchString(k) {
				t.Errorf("%s: key %q is not snake_case in %s", who, k, line)
			}
		}
		for _, k := range durationKeys {
			if v, ok := rec[k]; ok {
				if s, isString := v.(string); !isString || !validDuration(s) {
					t.Errorf("%s: %s is %v, want a duration string such as \"1.2s\" in %s", who, k, v, line)
				}
			}
		}
	}
	if lines == 0 {
		t.Errorf("%s logged no JSON line", who)
	}
}

func validDuration(s string) bool {
	_, err := time.ParseDuration(s)
	return err == nil
}

// jsonKeys returns every key of a JSON object, nested ones with their
// path, and an error if an object holds a key twice.
func jsonKeys(line string) ([]string, error) {
	dec := json.NewDecoder(strings.NewReader(line))
	var keys []string
	var walk func(path string) error
	walk = func(path string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				key := k.(string)
				if seen[key] {
					return fmt.Errorf("key %q twice in one object", path+key)
				}
				seen[key] = true
				keys = append(keys, key)
				if err := walk(path + key + "."); err != nil {
					return err
				}
			}
			_, err = dec.Token() // '}'
			return err
		case json.Delim('['):
			for dec.More() {
				if err := walk(path); err != nil {
					return err
				}
			}
			_, err = dec.Token() // ']'
			return err
		}
		return nil
	}
	if err := walk(""); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("more after the object: %v", err)
	}
	return keys, nil
}
