package npt

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strings"

	"github.com/nport/nport/applets/client"
)

// startBackground is -x in the foreground: it starts a copy of this
// program to set up and serve the tunnel, with its log in a file of the
// home, waits until the copy reports, prints the local port on stdout
// (as NoPorts' npt does, for `PORT=$(npt -x …)`) and what it forwards on
// stderr, and returns.
func startBackground(ctx context.Context, cfg Config) error {
	log, path, err := client.CreateBackgroundLog(cfg.Home, "npt", cfg.Peers)
	if err != nil {
		return err
	}
	defer log.Close() // the copy holds its own descriptor
	line, pid, err := client.StartBackground(ctx, log)
	if err != nil {
		return err
	}
	if msg, ok := strings.CutPrefix(line, "error "); ok {
		return errors.New(msg)
	}
	port, ready, ok := strings.Cut(strings.TrimPrefix(line, "ready "), " ")
	if !ok || !strings.HasPrefix(line, "ready ") {
		return fmt.Errorf("the background tunnel ended before it was ready; its log: %s", path)
	}
	fmt.Fprintln(cfg.Stdout, port)
	fmt.Fprintf(cfg.Stderr, "%s\nserving in the background as process %d; log: %s\n", ready, pid, path)
	return nil
}

// serveBackground is the copy: it sets the tunnel up, reports it or the
// error to the process waiting, and serves.
func serveBackground(ctx context.Context, cfg Config, report *os.File) error {
	f, err := open(ctx, cfg)
	if err != nil {
		fmt.Fprintf(report, "error %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
		report.Close()
		return err
	}
	port := netip.MustParseAddrPort(f.port.Addr().String()).Port()
	return f.serve(ctx, func() {
		fmt.Fprintf(report, "ready %d %s\n", port, f.readyLine())
		report.Close()
	})
}
