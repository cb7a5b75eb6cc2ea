package status

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/nport/nport/core/metrics"
)

// MaxBody bounds a response Fetch reads.
const MaxBody = 8 << 20

// Fetch reads the status.json of the process serving at addr (HOST:PORT,
// or a PORT on 127.0.0.1), within timeout.
func Fetch(ctx context.Context, addr string, timeout time.Duration) (metrics.Snapshot, error) {
	var snap metrics.Snapshot
	body, err := Get(ctx, addr, "/status.json", timeout)
	if err != nil {
		return snap, err
	}
	if err := json.Unmarshal(body, &snap); err != nil {
		return snap, fmt.Errorf("%s: status.json: %w (is it an nport --metrics address?)", addr, err)
	}
	return snap, nil
}

// Get fetches path from the status server at addr and returns the body
// of a 200 response.
func Get(ctx context.Context, addr, path string, timeout time.Duration) ([]byte, error) {
	addr, err := normalize(addr)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (is the relay, rendezvous or daemon running with --metrics %s?)", addr, err, addr)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Now()) })
	defer stop()
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\nUser-Agent: nport-status\r\n\r\n", path, addr)
	return readResponse(bufio.NewReader(io.LimitReader(c, MaxBody+MaxHead)), addr)
}

func readResponse(br *bufio.Reader, addr string) ([]byte, error) {
	tp := textproto.NewReader(br)
	line, err := tp.ReadLine()
	if err != nil {
		return nil, fmt.Errorf("%s: no answer: %w", addr, err)
	}
	_, rest, _ := strings.Cut(line, " ")
	code, _, _ := strings.Cut(rest, " ")
	hdr, err := tp.ReadMIMEHeader()
	if err != nil {
		return nil, fmt.Errorf("%s: bad answer: %w", addr, err)
	}
	body, err := io.ReadAll(br)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", addr, err)
	}
	if n, err := strconv.Atoi(hdr.Get("Content-Length")); err == nil && n != len(body) {
		return nil, fmt.Errorf("%s: answer cut short: %d of %d bytes", addr, len(body), n)
	}
	if code != "200" {
		return nil, fmt.Errorf("%s: %s: %s", addr, rest, strings.TrimSpace(string(body)))
	}
	return body, nil
}
