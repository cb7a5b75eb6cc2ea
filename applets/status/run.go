package status

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/nport/nport/core/metrics"
	"github.com/nport/nport/core/status"
)

// Config is one `nport status`.
type Config struct {
	// Addrs are the --metrics addresses to read.
	Addrs []string
	// Explicit says the addresses were given: one that does not answer is
	// then an error, not passed over.
	Explicit bool
	JSON     bool
	Timeout  time.Duration
	Out, Err io.Writer
}

// result is what one address answered.
type result struct {
	addr string
	snap metrics.Snapshot
	err  error
}

// Run reads every address at once and prints what they answered, in the
// order given. It fails when an address given does not answer, or when
// none of the default ones does.
func Run(ctx context.Context, cfg Config) error {
	results := make([]result, len(cfg.Addrs))
	var wg sync.WaitGroup
	for i, a := range cfg.Addrs {
		wg.Go(func() {
			snap, err := status.Fetch(ctx, a, cfg.Timeout)
			results[i] = result{a, snap, err}
		})
	}
	wg.Wait()
	var ok []result
	var errs []error
	for _, r := range results {
		if r.err == nil {
			ok = append(ok, r)
		} else if cfg.Explicit {
			errs = append(errs, r.err)
		}
	}
	if cfg.JSON {
		writeJSON(cfg.Out, ok)
	} else {
		writeTables(cfg.Out, ok)
	}
	if len(ok) == 0 && !cfg.Explicit {
		return fmt.Errorf("nothing answers on %s: start the relay, rendezvous or daemon with --metrics ADDR, and give that ADDR", strings.Join(cfg.Addrs, ", "))
	}
	return errors.Join(errs...)
}

// entry is one address in the JSON output.
type entry struct {
	Addr string `json:"addr"`
	metrics.Snapshot
}

func writeJSON(w io.Writer, rs []result) {
	out := make([]entry, 0, len(rs))
	for _, r := range rs {
		out = append(out, entry{r.addr, r.snap})
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	fmt.Fprintf(w, "%s\n", b)
}
