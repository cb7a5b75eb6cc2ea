package client

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// keepLogs is how long the logs of background tunnels are kept: a new
// one removes those of its kind older than this.
const keepLogs = 7 * 24 * time.Hour

// CreateBackgroundLog creates the log file of a background tunnel (-x),
// HOME/logs/KIND-DEVICE_IDENTITY.DEVICE-TIME-PID.log, readable by its
// owner only, and removes the logs of the same kind older than a week so
// that they do not pile up. `sshnp -x` and `npt -x` log there.
func CreateBackgroundLog(home, kind string, p Peers) (*os.File, string, error) {
	dir := filepath.Join(home, "logs")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", fmt.Errorf("create the log directory: %w", err)
	}
	pruneLogs(dir, kind)
	name := fmt.Sprintf("%s-%s.%s-%s-%d.log", kind, strings.TrimPrefix(p.To, "@"), p.Device, time.Now().Format("20060102-150405"), os.Getpid())
	path := filepath.Join(dir, filepath.Base(name))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, "", fmt.Errorf("create the background tunnel's log: %w", err)
	}
	return f, path, nil
}

// pruneLogs removes the logs of kind in dir last written before keepLogs.
func pruneLogs(dir, kind string) {
	old, _ := filepath.Glob(filepath.Join(dir, kind+"-*.log"))
	for _, path := range old {
		if fi, err := os.Stat(path); err == nil && time.Since(fi.ModTime()) > keepLogs {
			_ = os.Remove(path)
		}
	}
}
