package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// backgroundEnv marks the process that serves a -x tunnel; its value is the
// descriptor on which it reports to the process that started it.
const backgroundEnv = "NPORT_CLIENT_BACKGROUND_FD"

// startBackground runs this program again to set up and serve the tunnel,
// with its log in a file of the home, waits for it to report the local
// port, prints the ssh command on stdout and where the log is on stderr,
// and returns, so `$(sshnp -x …)` gets the command at once while the
// tunnel stays up until it has been idle for --idle-timeout.
func startBackground(ctx context.Context, cfg Config) error {
	log, path, err := CreateBackgroundLog(cfg.Home, "sshnp", cfg.Peers)
	if err != nil {
		return err
	}
	defer log.Close() // the copy holds its own descriptor
	line, pid, err := StartBackground(ctx, log)
	if err != nil {
		return err
	}
	port, err := parseReport(line)
	if err != nil {
		return fmt.Errorf("%w; its log: %s", err, path)
	}
	quoted := SSHArgs(cfg, port)
	for i, a := range quoted {
		quoted[i] = shellQuote(a)
	}
	if _, err := fmt.Fprintln(cfg.Stdout, strings.Join(quoted, " ")); err != nil {
		return err
	}
	if !cfg.Quiet {
		fmt.Fprintf(cfg.Stderr, "serving in the background as process %d; log: %s\n", pid, path)
	}
	return nil
}

// StartBackground runs this program again, as it was started, in a
// session of its own, with its output going to logTo (nil: nowhere), and
// waits for the first line the copy reports on BackgroundReport. It
// returns that line and the copy's process id; the copy goes on running
// after this process exits. `nport tunnel -x` uses it as `sshnp -x` does.
func StartBackground(ctx context.Context, logTo *os.File) (line string, pid int, err error) {
	self, err := os.Executable()
	if err != nil {
		return "", 0, fmt.Errorf("find this program to serve the tunnel: %w", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return "", 0, err
	}
	defer r.Close()
	// Args[0] stays as the person typed it: it picks the applet (sshnp).
	cmd := &exec.Cmd{Path: self, Args: os.Args, Env: append(os.Environ(), backgroundEnv+"=3"), ExtraFiles: []*os.File{w}}
	if logTo != nil {
		cmd.Stdout, cmd.Stderr = logTo, logTo
	}
	detach(cmd)
	err = cmd.Start()
	w.Close()
	if err != nil {
		return "", 0, fmt.Errorf("start the tunnel in the background: %w", err)
	}
	go cmd.Wait()
	report := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		report <- strings.TrimSpace(line)
	}()
	select {
	case line = <-report:
		return line, cmd.Process.Pid, nil
	case <-ctx.Done():
		cmd.Process.Kill()
		return "", 0, ctx.Err()
	}
}

// BackgroundReport is, in a copy that StartBackground started, the
// descriptor on which to report one line to the process waiting for it;
// nil in any other process.
func BackgroundReport() *os.File {
	fd, err := strconv.Atoi(os.Getenv(backgroundEnv))
	if err != nil || fd < 3 {
		return nil
	}
	return os.NewFile(uintptr(fd), "report")
}

func parseReport(line string) (int, error) {
	if msg, ok := strings.CutPrefix(line, "error "); ok {
		return 0, errors.New(msg)
	}
	port, err := strconv.Atoi(strings.TrimPrefix(line, "port "))
	if err != nil || !strings.HasPrefix(line, "port ") {
		return 0, fmt.Errorf("the background tunnel ended before it was ready")
	}
	return port, nil
}

// serveBackground is the background process: it sets the tunnel up,
// reports the port or the error, and serves until the tunnel is idle.
func serveBackground(ctx context.Context, cfg Config) error {
	out := BackgroundReport()
	if out == nil {
		return errors.New("background tunnel: no report descriptor")
	}
	ln, s, err := listenAndConnect(ctx, cfg)
	if err != nil {
		fmt.Fprintf(out, "error %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
		out.Close()
		return err
	}
	defer ln.Close()
	defer s.Close()
	fmt.Fprintf(out, "port %d\n", ln.Addr().(*net.TCPAddr).Port)
	out.Close()
	err = s.Tunnel.ServeListener(ctx, ln)
	if cfg.Logger != nil {
		cfg.Logger.Info("background tunnel ended", "session", s.ID.Short(), "reason", err)
	}
	return nil
}

func listenAndConnect(ctx context.Context, cfg Config) (net.Listener, *Session, error) {
	ln, err := listen(cfg)
	if err != nil {
		return nil, nil, err
	}
	s, err := Connect(ctx, cfg)
	if err != nil {
		ln.Close()
		return nil, nil, err
	}
	return ln, s, nil
}
