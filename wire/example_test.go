package wire_test

import (
	"bufio"
	"bytes"
	"fmt"

	"github.com/nport/nport/wire"
)

// A client's read loop after Welcome: known frames are decoded, unknown
// ones skipped, so a newer relay may add frames.
func ExampleReader() {
	var conn bytes.Buffer // stands for the relay connection
	w := bufio.NewWriter(&conn)
	for _, p := range []wire.Payload{
		wire.Ping{Data: [8]byte{1}},
		wire.SendStatus{SendID: 7, Status: wire.SendQueued},
	} {
		frame, _ := wire.AppendPayload(nil, p)
		w.Write(frame)
	}
	wire.WriteFrame(w, 0x7e, []byte("a frame from a newer relay"))
	w.Flush()

	r := wire.NewReader(&conn, 0)
	for {
		t, payload, err := r.ReadFrame()
		if err != nil {
			fmt.Println("end:", err)
			return
		}
		switch t {
		case wire.FramePing:
			ping, err := wire.ParsePing(payload)
			fmt.Println("ping, answer with pong", ping.Data[0], err)
		case wire.FrameSendStatus:
			st, err := wire.ParseSendStatus(payload)
			fmt.Println("send", st.SendID, st.Status, err)
		default:
			fmt.Println("skip", t)
		}
	}
	// Output:
	// ping, answer with pong 1 <nil>
	// send 7 queued <nil>
	// skip frame-type-0x7e
	// end: EOF
}
