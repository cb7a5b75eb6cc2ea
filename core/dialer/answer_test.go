package dialer

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestReadAnswer(t *testing.T) {
	tests := []struct {
		name, in   string
		wantStatus string // "" for an error
		wantErr    string
		rest       string // what stays buffered after the header
	}{
		{"established", "HTTP/1.1 200 Connection established\r\n\r\n", "200 Connection established", "", ""},
		{"no reason", "HTTP/1.0 200\r\n\r\nhi", "200", "", "hi"},
		{"bare LF and fields", "HTTP/1.1 407 Auth\nProxy-Authenticate: Basic\n\tfolded\n\nx", "407 Auth", "", "x"},
		{"another protocol", "SSH-2.0-OpenSSH_9.6\r\n", "", "not an HTTP/1 answer", ""},
		{"HTTP/2", "HTTP/2 200\r\n\r\n", "", "not an HTTP/1 answer", ""},
		{"short code", "HTTP/1.1 20\r\n\r\n", "", "malformed status line", ""},
		{"long code", "HTTP/1.1 2000 OK\r\n\r\n", "", "malformed status line", ""},
		{"signed code", "HTTP/1.1 +20 OK\r\n\r\n", "", "malformed status code", ""},
		{"field without a colon", "HTTP/1.1 200 OK\r\nnonsense\r\n\r\n", "", "malformed header line", ""},
		{"space in a field name", "HTTP/1.1 200 OK\r\nX A: b\r\n\r\n", "", "malformed header line", ""},
		{"folded first line", "HTTP/1.1 200 OK\r\n x\r\n\r\n", "", "malformed header line", ""},
		{"cut short", "HTTP/1.1 200 OK\r\nX-A: b\r\n", "", "unexpected EOF", ""},
		{"nothing", "", "", "unexpected EOF", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := bufio.NewReader(strings.NewReader(tt.in))
			got, err := readAnswer(br)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %+v, %v, want an error with %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got.status != tt.wantStatus {
				t.Fatalf("got %+v, %v, want status %q", got, err, tt.wantStatus)
			}
			if rest, _ := io.ReadAll(br); string(rest) != tt.rest {
				t.Errorf("got %q after the header, want %q", rest, tt.rest)
			}
		})
	}
}

func TestConnectRefusesAHugeHeader(t *testing.T) {
	huge := "HTTP/1.1 200 OK\r\nX-Pad: " + strings.Repeat("a", maxConnectHeader) + "\r\n\r\n"
	_, err := connect(t.Context(), &scriptedConn{answer: bytes.NewReader([]byte(huge))}, &proxyURL{addr: "proxy:3128", source: "--proxy"}, "relay:7020")
	if err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("got %v, want an error about the header's length", err)
	}
}
