package status

import (
	"fmt"
	"strings"
	"time"

	"github.com/nport/nport/core/metrics"
)

// Size of the chart, in pixels.
const (
	chartWidth  = 720
	panelHeight = 90
	margin      = 56 // left margin, for the axis labels
)

// Chart draws the history of snap as an inline SVG: what is live above
// (sessions, or a relay's connections), what moved per sample below
// (bytes, or a relay's messages), the last hour from left to right.
func Chart(snap metrics.Snapshot) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg id="chart" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s and %s over the last hour">`,
		chartWidth, 2*panelHeight+30, chartWidth, 2*panelHeight+30, snap.HistoryLive, snap.HistoryMoved)
	live := make([]point, len(snap.History))
	moved := make([]point, len(snap.History))
	for i, s := range snap.History {
		live[i] = point{s.Time, float64(s.Live)}
		moved[i] = point{s.Time, float64(s.Moved)}
	}
	count := func(v float64) string { return fmt.Sprintf("%.0f", v) }
	movedFormat := count
	if snap.HistoryMoved == "bytes" {
		movedFormat = func(v float64) string { return Bytes(int64(v)) }
	}
	panel(&b, 4, snap.HistoryLive, snap.Now, live, "#2b6cb0", count)
	panel(&b, panelHeight+18, snap.HistoryMoved+"/10s", snap.Now, moved, "#2f855a", movedFormat)
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10" fill="#888">-60 min</text><text x="%d" y="%d" font-size="10" fill="#888" text-anchor="end">now</text>`,
		margin, 2*panelHeight+28, chartWidth-4, 2*panelHeight+28)
	b.WriteString("</svg>")
	return b.String()
}

// point is one value of a series at a time.
type point struct {
	t time.Time
	v float64
}

// panel draws one series at top, scaled to its largest value, placed by
// time: the right edge is now, the left one metrics.HistorySpan before.
func panel(b *strings.Builder, top int, label string, now time.Time, pts []point, color string, format func(float64) string) {
	peak := 0.0
	for _, p := range pts {
		peak = max(peak, p.v)
	}
	scale := max(peak, 1)
	plotW := float64(chartWidth - margin - 4)
	bottom := float64(top + panelHeight - 10)
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="%.0f" height="%d" fill="#f7f7f7"/>`, margin, top, plotW, panelHeight-10)
	fmt.Fprintf(b, `<text x="2" y="%d" font-size="10" fill="#555">%s</text><text x="2" y="%.0f" font-size="10" fill="#888">0</text>`,
		top+10, label, bottom-2)
	fmt.Fprintf(b, `<text x="2" y="%d" font-size="10" fill="#888">max %s</text>`, top+24, format(peak))
	var line strings.Builder
	span := metrics.HistorySpan.Seconds()
	for _, p := range pts {
		ago := now.Sub(p.t).Seconds()
		if ago > span {
			continue
		}
		x := float64(margin) + plotW*(1-ago/span)
		y := bottom - p.v/scale*float64(panelHeight-16)
		fmt.Fprintf(&line, "%.1f,%.1f ", x, y)
	}
	if line.Len() > 0 {
		fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>`, color, strings.TrimSpace(line.String()))
	}
}
