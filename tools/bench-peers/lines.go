//go:build linux

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"time"
)

// keptLines bounds the output kept of one process: enough for its readiness
// line and the reason it failed.
const keptLines = 200

// lineLog is a process's output, line by line, watched for readiness lines.
type lineLog struct {
	mu    sync.Mutex
	lines []string
	seen  int           // lines dropped from the front, so waiters keep their place
	grew  chan struct{} // closed and replaced when a line arrives
	ended chan struct{} // closed when the output ends
	echo  io.Writer     // also receives every line; nil for none
}

func newLineLog(echo io.Writer) *lineLog {
	return &lineLog{grew: make(chan struct{}), ended: make(chan struct{}), echo: echo}
}

func (l *lineLog) read(r io.ReadCloser) {
	defer r.Close()
	defer close(l.ended)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l.add(sc.Text())
	}
	io.Copy(io.Discard, r)
}

func (l *lineLog) add(line string) {
	if l.echo != nil {
		fmt.Fprintln(l.echo, line)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, line)
	if len(l.lines) > keptLines {
		l.lines = l.lines[1:]
		l.seen++
	}
	close(l.grew)
	l.grew = make(chan struct{})
}

// waitFor waits for a line matching re and returns its submatches; it fails
// when the output ends, ctx ends or timeout passes first.
func (l *lineLog) waitFor(ctx context.Context, re *regexp.Regexp, timeout time.Duration) ([]string, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	next := 0 // index of the next line to look at, counted from the first line ever
	over := false
	for {
		l.mu.Lock()
		lines, first, grew := l.lines, l.seen, l.grew
		l.mu.Unlock()
		for next = max(next, first); next < first+len(lines); next++ {
			if m := re.FindStringSubmatch(lines[next-first]); m != nil {
				return m, nil
			}
		}
		if over {
			return nil, fmt.Errorf("its output ended before a line matching %s", re)
		}
		select {
		case <-grew:
		case <-l.ended:
			over = true // look at the last lines once more
		case <-deadline.C:
			return nil, fmt.Errorf("no line matching %s within %v", re, timeout)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// tail is the last n lines, joined with " | ", for a one-line reason.
func (l *lineLog) tail(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	from := max(0, len(l.lines)-n)
	if from == len(l.lines) {
		return "(no output)"
	}
	return strings.Join(l.lines[from:], " | ")
}

// prefixWriter writes each line it gets after a prefix.
type prefixWriter struct {
	prefix string
	w      io.Writer
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	_, err := fmt.Fprintf(p.w, "%s%s", p.prefix, b)
	return len(b), err
}
