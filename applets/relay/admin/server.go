package admin

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// idleTimeout closes a client of the socket that sends nothing for so
// long.
const idleTimeout = time.Minute

// Server is a listening admin socket.
type Server struct {
	ln   net.Listener
	path string
	ops  Ops
	log  *slog.Logger

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// Listen opens the admin socket at path. A socket left there by a relay
// that crashed is replaced: the caller holds the database's lock, so no
// other relay of this home is running.
func Listen(path string, ops Ops, log *slog.Logger) (*Server, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	if st, err := os.Lstat(path); err == nil && st.Mode().Type() == fs.ModeSocket {
		os.Remove(path)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	s := &Server{ln: ln, path: path, ops: ops, log: log, conns: make(map[net.Conn]struct{})}
	s.wg.Go(s.accept)
	return s, nil
}

// Path returns the socket's path.
func (s *Server) Path() string { return s.path }

// Close stops listening, removes the socket, ends every client and waits
// for their goroutines.
func (s *Server) Close() error {
	err := s.ln.Close() // a unix listener removes its file
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *Server) accept() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				s.log.Warn("admin socket: accept failed; operator commands fall back to the database", "err", err)
			}
			return
		}
		s.mu.Lock()
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Go(func() { s.serve(c) })
	}
}

// serve answers one client's requests, a line each, until it hangs up.
func (s *Server) serve(c net.Conn) {
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
	}()
	in := bufio.NewScanner(c)
	in.Buffer(make([]byte, 4096), maxLine)
	enc := json.NewEncoder(c)
	for c.SetReadDeadline(time.Now().Add(idleTimeout)); in.Scan(); c.SetReadDeadline(time.Now().Add(idleTimeout)) {
		var req Request
		resp := Response{Error: "bad request: want one JSON object a line, as {\"op\":\"list\"}"}
		if err := json.Unmarshal(in.Bytes(), &req); err == nil {
			resp = s.ops.Do(req)
			s.log.Info("operator command", "op", req.Op, "name", req.Name, "err", resp.Error)
		}
		if err := enc.Encode(resp); err != nil {
			return
		}
	}
}
