//go:build !linux

package keeper

import "net"

// checkPeer leaves the socket's directory, readable by its owner only, to
// keep other users out.
func checkPeer(net.Conn) error { return nil }
