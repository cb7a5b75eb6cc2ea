package session

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

var canonical = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestNewID(t *testing.T) {
	seen := make(map[ID]bool)
	for range 100 {
		id := NewID()
		if !canonical.MatchString(id.String()) {
			t.Fatalf("got %s, want the version 4 layout", id)
		}
		if seen[id] {
			t.Fatalf("got %s twice", id)
		}
		seen[id] = true
	}
}

func TestParseID(t *testing.T) {
	tests := []struct {
		in, want string // want "" means an error
	}{
		{"0b9f2c1e-5d3a-4e7b-9c21-6f0a8d4e3b12", "0b9f2c1e-5d3a-4e7b-9c21-6f0a8d4e3b12"},
		{"0B9F2C1E-5D3A-4E7B-9C21-6F0A8D4E3B12", "0b9f2c1e-5d3a-4e7b-9c21-6f0a8d4e3b12"},
		{"00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000"},
		{"0b9f2c1e5d3a4e7b9c216f0a8d4e3b12", ""},
		{"0b9f2c1e-5d3a-4e7b-9c21-6f0a8d4e3b1", ""},
		{"0b9f2c1e-5d3a-4e7b-9c21_6f0a8d4e3b12", ""},
		{"0b9f2c1g-5d3a-4e7b-9c21-6f0a8d4e3b12", ""},
		{"{b9f2c1e-5d3a-4e7b-9c21-6f0a8d4e3b12}", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			id, err := ParseID(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("got %s, want an error", id)
				}
				return
			}
			if err != nil || id.String() != tt.want {
				t.Fatalf("got %s, %v, want %s, nil", id, err, tt.want)
			}
		})
	}
}

func TestIDText(t *testing.T) {
	id := NewID()
	if got := id.Short(); got != id.String()[:8] {
		t.Errorf("got Short() %q, want %q", got, id.String()[:8])
	}
	if id.IsZero() || !(ID{}).IsZero() {
		t.Errorf("got IsZero wrong")
	}
	b, err := json.Marshal(map[string]ID{"session": id})
	if err != nil || !strings.Contains(string(b), id.String()) {
		t.Fatalf("got %s, %v, want the canonical form in JSON", b, err)
	}
	var back map[string]ID
	if err := json.Unmarshal(b, &back); err != nil || back["session"] != id {
		t.Errorf("got %v, %v, want %s", back, err, id)
	}
}
