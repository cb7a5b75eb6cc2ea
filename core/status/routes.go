package status

import (
	"bytes"
	"encoding/json"
)

// Content types of the responses.
const (
	typeText = "text/plain; version=0.0.4; charset=utf-8"
	typeJSON = "application/json"
	typeHTML = "text/html; charset=utf-8"
)

// route answers a request with a status, a content type and a body.
func (s *Server) route(req request) (int, string, []byte) {
	switch req.path {
	case "/metrics":
		var b bytes.Buffer
		s.reg.WritePrometheus(&b)
		return 200, typeText, b.Bytes()
	case "/status.json":
		b, err := json.MarshalIndent(s.reg.Snapshot(), "", "  ")
		if err != nil {
			return 500, "text/plain; charset=utf-8", []byte(err.Error())
		}
		return 200, typeJSON, append(b, '\n')
	case "/":
		return 200, typeHTML, Page(s.reg.Snapshot())
	}
	return 404, "text/plain; charset=utf-8", []byte("not found: try /, /metrics or /status.json\n")
}
