//go:build linux

package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nport/nport/core/nettest"
)

func TestPercentile(t *testing.T) {
	nettest.NoLeaks(t)
	took := make([]time.Duration, 100)
	for i := range took {
		took[i] = time.Duration(100-i) * time.Microsecond // unsorted on purpose
	}
	if got := percentile(took, 0.50); got != 50*time.Microsecond {
		t.Errorf("p50: got %v, want 50µs", got)
	}
	if got := percentile(took, 0.99); got != 99*time.Microsecond {
		t.Errorf("p99: got %v, want 99µs", got)
	}
	if got := percentile([]time.Duration{7}, 0.99); got != 7 {
		t.Errorf("p99 of one: got %v, want 7ns", got)
	}
}

func TestMedian(t *testing.T) {
	nettest.NoLeaks(t)
	for _, c := range []struct {
		vals []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(c.vals); got != c.want {
			t.Errorf("median of %v: got %v, want %v", c.vals, got, c.want)
		}
	}
}

func TestCell(t *testing.T) {
	nettest.NoLeaks(t)
	fn := &footnotes{}
	broken := errors.New("frps exited")
	for _, c := range []struct {
		s    series
		want string
	}{
		{series{vals: []float64{1.234}}, "1.23"},
		{series{vals: []float64{3, 1, 2}}, "2.00 (1.00–3.00)"},
		{series{errs: []error{broken}}, "— [1]"},
		{series{vals: []float64{1}, errs: []error{broken}}, "1.00 [1]"},
		{series{na: true}, "n/a"},
		{series{}, "not run"},
	} {
		if got := cell(c.s, 2, "frp", fn); got != c.want {
			t.Errorf("cell of %+v: got %q, want %q", c.s, got, c.want)
		}
	}
	cell(series{errs: []error{broken}}, 2, "chisel", fn)
	var out strings.Builder
	fn.print(&out)
	if want := "1. frp, chisel: frps exited\n"; !strings.Contains(out.String(), want) {
		t.Errorf("footnotes: got %q, want one line %q", out.String(), want)
	}
}

func TestQuickKeepsWhatIsGiven(t *testing.T) {
	nettest.NoLeaks(t)
	o, err := parseFlags([]string{"-quick", "-bytes", "1G", "-only", "nport,frp"})
	if err != nil {
		t.Fatal(err)
	}
	if o.duration != time.Second || o.bytes != "1G" || o.rtts != 2000 || strings.Join(o.tunnels, ",") != "nport,frp" {
		t.Errorf("got -time %v -bytes %s -rtts %d -only %v, want 1s 1G 2000 [nport frp]", o.duration, o.bytes, o.rtts, o.tunnels)
	}
	if _, err := parseFlags([]string{"-only", "ngrok"}); err == nil {
		t.Error("an unknown tunnel: got no error")
	}
}
