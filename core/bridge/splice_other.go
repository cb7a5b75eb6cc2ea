//go:build !linux

package bridge

import "net"

// canSplice is false off Linux: TCPConn.ReadFrom falls back to io.Copy with
// a fresh buffer per call there, so the pooled loop is the better choice.
func canSplice(a, b net.Conn) bool { return false }

// spliceCopy is never called when canSplice is false.
func (br *Bridge) spliceCopy(h *half) error { return br.bufferCopy(h) }
