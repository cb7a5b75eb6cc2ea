//go:build linux

package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// report prints the markdown report: the table, the per-process split, the
// reasons for the missing figures, how each figure is taken, the versions
// and the commands.
func report(w io.Writer, b *bench, r *results) {
	fn := &footnotes{}
	fmt.Fprintf(w, "## Tunnels side by side\n\n%d run(s) of each tunnel, one after the other; each cell is the median", b.opts.count)
	if b.opts.count > 1 {
		fmt.Fprint(w, " (lowest–highest)")
	}
	fmt.Fprint(w, ".\n\n")
	mainTable(w, r, fn)
	procTable(w, r, fn)
	fn.print(w)
	method(w, b)
	notes(w, "Versions", b.versions)
	commands(w, b)
}

func mainTable(w io.Writer, r *results, fn *footnotes) {
	fmt.Fprintf(w, "| | %s |\n|---%s|\n", strings.Join(r.tunnels, " | "), strings.Repeat("|--:", len(r.tunnels)))
	for _, key := range figureOrder {
		cells := []string{key}
		for _, t := range r.tunnels {
			cells = append(cells, cell(r.series(t, key), digits(key), t, fn))
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	fmt.Fprintln(w)
}

func procTable(w io.Writer, r *results, fn *footnotes) {
	fmt.Fprint(w, "Per process (the CPU time is the one of the CPU figure's transfer):\n\n")
	fmt.Fprint(w, "| tunnel | process | CPU per GiB (s) | share of the CPU | RSS idle (MiB) | RSS peak (MiB) |\n|---|---|--:|--:|--:|--:|\n")
	for _, t := range r.tunnels {
		total := median(r.series(t, figCPU).vals)
		for _, p := range r.procs(t) {
			cpu := r.series(t, procKey(procCPU, p))
			share := "—"
			if len(cpu.vals) > 0 && total > 0 {
				share = fmt.Sprintf("%.0f %%", 100*median(slices.Clone(cpu.vals))/total)
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", t, p, cell(cpu, 2, t, fn), share,
				cell(r.series(t, procKey(procIdle, p)), 1, t, fn), cell(r.series(t, procKey(procPeak, p)), 1, t, fn))
		}
	}
	fmt.Fprintln(w)
}

// digits is how many decimals a figure is shown with, by its unit.
func digits(key string) int {
	switch {
	case strings.HasSuffix(key, "(µs)"):
		return 0
	case strings.HasSuffix(key, "(MiB)"):
		return 1
	}
	return 2
}

// cell is a series as a table cell: the median, the range over several
// runs, and a note for the runs that gave no value.
func cell(s series, digits int, tunnel string, fn *footnotes) string {
	var text string
	switch {
	case len(s.vals) == 0 && s.na:
		return "n/a"
	case len(s.vals) == 0 && len(s.errs) == 0:
		return "not run"
	case len(s.vals) == 0:
		text = "—"
	case len(s.vals) == 1:
		text = fmt.Sprintf("%.*f", digits, s.vals[0])
	default:
		text = fmt.Sprintf("%.*f (%.*f–%.*f)", digits, median(s.vals), digits, slices.Min(s.vals), digits, slices.Max(s.vals))
	}
	for _, err := range s.errs {
		text += fmt.Sprintf(" [%d]", fn.number(tunnel, err.Error()))
	}
	return text
}

// footnotes number the reasons for missing figures, each once, with the
// tunnels it applies to.
type footnotes struct {
	reasons []string
	tunnels [][]string
}

func (f *footnotes) number(tunnel, reason string) int {
	reason = strings.Join(strings.Fields(reason), " ")
	i := slices.Index(f.reasons, reason)
	if i < 0 {
		f.reasons, f.tunnels = append(f.reasons, reason), append(f.tunnels, nil)
		i = len(f.reasons) - 1
	}
	if !slices.Contains(f.tunnels[i], tunnel) {
		f.tunnels[i] = append(f.tunnels[i], tunnel)
	}
	return i + 1
}

func (f *footnotes) print(w io.Writer) {
	if len(f.reasons) == 0 {
		return
	}
	fmt.Fprint(w, "Figures missing:\n\n")
	for i, r := range f.reasons {
		fmt.Fprintf(w, "%d. %s: %s\n", i+1, strings.Join(f.tunnels[i], ", "), r)
	}
	fmt.Fprintln(w)
}
