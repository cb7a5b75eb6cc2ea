package status

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

// FuzzReadRequest feeds the request reader anything: it returns a request
// or an error, never panics, and never reads past MaxHead.
func FuzzReadRequest(f *testing.F) {
	for _, seed := range []string{
		"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
		"HEAD /metrics HTTP/1.0\r\n\r\n",
		"GET /status.json?x=1 HTTP/1.1\r\nHost: [::1]:9722\r\nX: y\r\n\r\n",
		"POST / HTTP/1.1\r\n\r\n",
		"GET / HTTP/2\r\n\r\n",
		"\x16\x03\x01\x00",
		"GET / HTTP/1.1\r\nHost: a\r\n continued\r\n\r\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		src := strings.NewReader(in + strings.Repeat("x", MaxHead))
		req, err := readRequest(bufio.NewReaderSize(io.LimitReader(src, MaxHead), 1024))
		if err == nil && req.method != "GET" && req.method != "HEAD" {
			t.Errorf("accepted method %q", req.method)
		}
		if read := int64(len(in)+MaxHead) - int64(src.Len()); read > MaxHead {
			t.Errorf("read %d bytes, more than MaxHead", read)
		}
	})
}
