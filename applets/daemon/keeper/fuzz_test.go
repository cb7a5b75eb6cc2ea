package keeper

import (
	"bufio"
	"bytes"
	"testing"
)

// FuzzRequest feeds the keeper's request decoder and the hand-off check
// arbitrary lines: a refusal, never a crash.
func FuzzRequest(f *testing.F) {
	f.Add([]byte(`{"v":1,"op":"hello"}` + "\n"))
	f.Add([]byte(`{"v":1,"op":"handoff","handoff":{"session":"0b9f2c1e-5d3a-4e7b-9c21-6f0a8d4e3b12","manager":"@alice","buffer_size":-1}}` + "\n"))
	f.Add([]byte("{\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lc := &lineConn{r: bufio.NewReaderSize(bytes.NewReader(data), 16)}
		var req request
		if lc.read(&req) == nil && req.Handoff != nil {
			_ = req.Handoff.Check()
		}
	})
}
