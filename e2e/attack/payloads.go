//go:build linux

package attack

import (
	"crypto/tls"
	"net"
	"sync"
	"time"

	"github.com/nport/nport/wire"
)

// Payload is one kind of garbage: what a scanner, a confused client or a
// fuzzer sends as its first bytes.
type Payload struct {
	Name  string
	Bytes func() []byte // fresh bytes for each socket
}

// Garbage is every payload of the garbage attack. The relay's and the
// rendezvous's first frames are among them, for they are garbage at the
// other port, and a truncated one is garbage at both.
func Garbage() []Payload {
	return []Payload{
		{"random", func() []byte { return randomBytes(1 << 10) }},
		{"http", func() []byte { return []byte(httpRequest) }},
		{"tls-client-hello", tlsClientHello},
		{"oversize-relay-frame", func() []byte { return Oversize(wire.FrameClientHello) }},
		{"oversize-rendezvous-frame", func() []byte { return Oversize(wire.FrameRendezvousHello) }},
		{"truncated-relay-hello", func() []byte { return half(RelayHello()) }},
		{"truncated-rendezvous-hello", func() []byte { return half(RendezvousHello()) }},
		{"relay-hello", RelayHello},
		{"rendezvous-hello", RendezvousHello},
	}
}

// httpRequest is what a web scanner sends first.
const httpRequest = "GET / HTTP/1.1\r\nHost: nport.example\r\nUser-Agent: scanner/1.0\r\n\r\n"

func half(b []byte) []byte { return b[:len(b)/2] }

// tlsClientHello is the first flight of a real TLS client, captured once.
var tlsClientHello = sync.OnceValue(func() []byte {
	client, server := net.Pipe()
	var wg sync.WaitGroup
	wg.Go(func() {
		tls.Client(client, &tls.Config{ServerName: "relay.example"}).Handshake()
	})
	server.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 16<<10)
	n, _ := server.Read(buf)
	client.Close()
	server.Close()
	wg.Wait()
	return buf[:n]
})
