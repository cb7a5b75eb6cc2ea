package keeper

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/nport/nport/core/identity"
)

// StartTimeout bounds a keeper's start, up to its ready line: a process
// start and a listen, slower under an emulator than on any device.
const StartTimeout = 10 * time.Second

// maxLog is the size above which a keeper's log is rotated when a keeper
// starts: the file is kept as LOG.1, and one before it is dropped.
const maxLog = 1 << 20

// ReadyFD is the descriptor on which a keeper started by Start reports
// that it listens: the first of cmd.ExtraFiles.
const ReadyFD = 3

// readyLine is what a keeper writes on ReadyFD once it listens.
const readyLine = "ready"

// Start runs this program again with args (the keeper's applet and
// flags) in a session of its own, logging to the file logPath, and waits
// until it reports on ReadyFD that it listens. The keeper goes on running
// when this process ends. It returns the keeper's process id.
func Start(args []string, logPath string) (int, error) {
	exe, err := selfExe()
	if err != nil {
		return 0, fmt.Errorf("find this program to start the session keeper: %w", err)
	}
	log, err := openLog(logPath)
	if err != nil {
		return 0, err
	}
	defer log.Close() // the keeper holds its own descriptor
	r, w, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	// Its standard error is a file: it never dies of a closed terminal
	// or pipe (SIGPIPE) as it would writing to the daemon's.
	cmd := &exec.Cmd{Path: exe, Args: append([]string{"nport"}, args...), Dir: "/",
		Stdout: log, Stderr: log, ExtraFiles: []*os.File{w}, SysProcAttr: detach()}
	err = cmd.Start()
	w.Close()
	if err != nil {
		return 0, fmt.Errorf("start the session keeper: %w", err)
	}
	go cmd.Wait() // reaped here while this process lives, by init after
	if err := awaitReady(r, StartTimeout); err != nil {
		_ = cmd.Process.Kill()
		return 0, fmt.Errorf("the session keeper did not start (its log: %s): %w", logPath, err)
	}
	return cmd.Process.Pid, nil
}

// awaitReady reads the keeper's ready line from r.
func awaitReady(r *os.File, timeout time.Duration) error {
	_ = r.SetReadDeadline(time.Now().Add(timeout))
	line, err := bufio.NewReader(r).ReadString('\n')
	switch {
	case strings.TrimSpace(line) == readyLine:
		return nil
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("no ready line within %v", timeout)
	case err != nil:
		return errors.New("it exited before it was ready")
	}
	return fmt.Errorf("unexpected ready line %q", strings.TrimSpace(line))
}

// Ready is what a keeper started by Start calls once it listens, with
// the descriptor it was told to report on (ReadyFD).
func Ready(fd int) {
	f := os.NewFile(uintptr(fd), "ready")
	if f == nil {
		return
	}
	fmt.Fprintln(f, readyLine)
	f.Close()
}

// openLog opens a keeper's log for appending, readable by its owner only,
// after moving it aside if it grew above maxLog.
func openLog(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create the session keeper's log directory: %w", err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() > maxLog {
		_ = os.Rename(path, path+".1")
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the session keeper's log: %w", err)
	}
	return f, nil
}

// LogPath is the log of the keepers of a daemon identity and device:
// HOME/logs/keeper-@NAME.DEVICE.log, shared by a draining keeper and the
// keeper that follows it.
func LogPath(home string, name identity.Name, device string) string {
	return filepath.Join(home, "logs", "keeper-"+string(name)+"."+device+".log")
}
