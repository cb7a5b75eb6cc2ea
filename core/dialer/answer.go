package dialer

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// statusProxyAuthRequired is the status of a proxy that wants credentials.
const statusProxyAuthRequired = 407

// answer is what the dialer uses of a proxy's answer to CONNECT: a tunnel
// needs none of the header's fields.
type answer struct {
	code   int
	status string // the code and its reason, "407 Proxy Authentication Required"
}

// readAnswer reads an HTTP/1.x status line and header, up to the empty
// line that ends them, and checks their form. What follows stays in br.
func readAnswer(br *bufio.Reader) (answer, error) {
	line, err := readLine(br)
	if err != nil {
		return answer{}, err
	}
	ans, err := parseStatus(line)
	if err != nil {
		return answer{}, err
	}
	for first := true; ; first = false {
		line, err := readLine(br)
		switch {
		case err != nil:
			return answer{}, err
		case line == "":
			return ans, nil
		case !validField(line, first):
			return answer{}, fmt.Errorf("malformed header line %q", clip(line))
		}
	}
}

// readLine reads one line and drops its CRLF or LF.
func readLine(br *bufio.Reader) (string, error) {
	line, err := br.ReadString('\n')
	if errors.Is(err, io.EOF) {
		return "", io.ErrUnexpectedEOF
	}
	if err != nil {
		return "", err
	}
	line = strings.TrimSuffix(line, "\n")
	return strings.TrimSuffix(line, "\r"), nil
}

// parseStatus reads "HTTP/1.x 200 reason".
func parseStatus(line string) (answer, error) {
	proto, status, _ := strings.Cut(line, " ")
	if len(proto) != len("HTTP/1.1") || !strings.HasPrefix(proto, "HTTP/1.") || !isDigit(proto[7]) {
		return answer{}, fmt.Errorf("not an HTTP/1 answer: %q", clip(line))
	}
	if len(status) < 3 || len(status) > 3 && status[3] != ' ' {
		return answer{}, fmt.Errorf("malformed status line %q", clip(line))
	}
	code := 0
	for i := 0; i < 3; i++ {
		if !isDigit(status[i]) {
			return answer{}, fmt.Errorf("malformed status code in %q", clip(line))
		}
		code = code*10 + int(status[i]-'0')
	}
	return answer{code: code, status: status}, nil
}

// validField reports whether line is "Name: value", or the continuation
// of the field before it (a line that starts with a space or a tab).
func validField(line string, first bool) bool {
	if line[0] == ' ' || line[0] == '\t' {
		return !first
	}
	name, _, ok := strings.Cut(line, ":")
	if !ok || name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isAlnum(c) && !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}

// clip shortens what a proxy sent before it goes into an error.
func clip(s string) string {
	const limit = 64
	if len(s) > limit {
		return s[:limit] + "…"
	}
	return s
}
