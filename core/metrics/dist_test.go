package metrics

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

var metricName = regexp.MustCompile(`nport_[a-z_]+`)

// TestDashboardNamesOurMetrics checks that the Grafana dashboard is valid
// JSON whose queries name only metrics nport writes.
func TestDashboardNamesOurMetrics(t *testing.T) {
	b, err := os.ReadFile("../../dist/grafana/nport.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("dist/grafana/nport.json: %v", err)
	}
	queries := 0
	for _, p := range dash.Panels {
		for _, q := range p.Targets {
			queries++
			for _, name := range metricName.FindAllString(q.Expr, -1) {
				family := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
				if help[family] == "" {
					t.Errorf("the dashboard queries %s, which nport does not write: %s", name, q.Expr)
				}
			}
		}
	}
	if queries < 10 {
		t.Errorf("the dashboard has %d queries, want the metrics' panels", queries)
	}
}

// TestMetricsAreDocumented checks that docs/metrics.md names every metric
// nport writes.
func TestMetricsAreDocumented(t *testing.T) {
	b, err := os.ReadFile("../../docs/metrics.md")
	if err != nil {
		t.Fatal(err)
	}
	for family := range help {
		if !strings.Contains(string(b), "`"+family+"`") {
			t.Errorf("docs/metrics.md does not name %s", family)
		}
	}
}
