package relay

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/nport/nport/applets/relay/admin"
	"github.com/nport/nport/applets/relay/directory"
	"github.com/nport/nport/applets/relay/store"
	"github.com/nport/nport/core/logging"
)

// operate runs an operator's request on the relay of home: through its
// admin socket when it runs, on its database otherwise.
func operate(home string, req admin.Request) (admin.Response, error) {
	sock := admin.SocketName(home)
	resp, err := admin.Call(sock, req)
	if errors.Is(err, admin.ErrNoRelay) {
		resp, err = operateOffline(home, req)
	}
	if err != nil {
		return admin.Response{}, err
	}
	if resp.Error != "" {
		return admin.Response{}, errors.New(resp.Error)
	}
	return resp, nil
}

// operateOffline opens the database of a relay that is not running.
func operateOffline(home string, req admin.Request) (admin.Response, error) {
	path := store.FileName(home)
	if req.Op != admin.OpInvite && !exists(path) && !exists(directory.FileName(home)) {
		return admin.Response{}, fmt.Errorf("no relay has run with the home %s (no %s): give the relay's --home", home, path)
	}
	st, err := store.Open(path, store.Options{LockTimeout: time.Second})
	if errors.Is(err, store.ErrLocked) {
		return admin.Response{}, fmt.Errorf("a relay seems to be running with this home, but it does not answer on %s: run the command as the relay's user, or stop the relay first: %w", admin.SocketName(home), err)
	}
	if err != nil {
		return admin.Response{}, err
	}
	defer st.Close()
	if err := importDirectory(logging.Discard(), home, st); err != nil {
		return admin.Response{}, err
	}
	return admin.Ops{Store: st}.Do(req), nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
