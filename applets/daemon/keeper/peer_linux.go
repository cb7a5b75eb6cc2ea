package keeper

import (
	"fmt"
	"net"
	"os"
	"syscall"
)

// checkPeer refuses a connection from a process of another user than the
// keeper's: the socket's directory already keeps them out, unless its
// mode was loosened.
func checkPeer(c net.Conn) error {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return nil
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return err
	}
	var cred *syscall.Ucred
	var credErr error
	if err := raw.Control(func(fd uintptr) {
		cred, credErr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil {
		return err
	}
	if credErr != nil {
		return credErr
	}
	if int(cred.Uid) != os.Getuid() {
		return fmt.Errorf("a process of user %d, not the keeper's %d", cred.Uid, os.Getuid())
	}
	return nil
}
