package admin

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"syscall"
	"time"
)

// ErrNoRelay means no relay answers on the socket: none is running.
var ErrNoRelay = errors.New("admin: no relay answers on its admin socket")

// callTimeout bounds one call, the listing of a big directory included.
const callTimeout = 30 * time.Second

// Call sends req to the relay listening at path and returns its
// answer. It fails with an error wrapping ErrNoRelay when there is no
// socket or nothing listens on it.
func Call(path string, req Request) (Response, error) {
	c, err := net.DialTimeout("unix", path, 2*time.Second)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
		return Response{}, fmt.Errorf("%w: %s: %w", ErrNoRelay, path, err)
	}
	if err != nil {
		return Response{}, fmt.Errorf("admin: reach the relay at %s: %w (run the command as the relay's user, with its --home)", path, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(callTimeout))
	if err := json.NewEncoder(c).Encode(req); err != nil {
		return Response{}, fmt.Errorf("admin: send to the relay at %s: %w", path, err)
	}
	in := bufio.NewScanner(c)
	in.Buffer(make([]byte, 4096), maxLine)
	if !in.Scan() {
		return Response{}, fmt.Errorf("admin: the relay at %s closed the socket without an answer: %v (see its log)", path, in.Err())
	}
	var resp Response
	if err := json.Unmarshal(in.Bytes(), &resp); err != nil {
		return Response{}, fmt.Errorf("admin: the relay's answer: %w", err)
	}
	return resp, nil
}
