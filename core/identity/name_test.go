package identity

import (
	"strings"
	"testing"
)

func TestParseName(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"@alice", true},
		{"@garage_pi", true},
		{"@a-1_b", true},
		{"@" + strings.Repeat("x", MaxNameLen), true},
		{"@" + strings.Repeat("x", MaxNameLen+1), false},
		{"@", false},
		{"", false},
		{"alice", false},
		{"@Alice", false},
		{"@al ice", false},
		{"@al.ice", false},
		{"@@alice", false},
		{"@alicé", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, err := ParseName(tt.in)
			if got := err == nil; got != tt.ok {
				t.Fatalf("ParseName(%q) ok = %v, want %v (err %v)", tt.in, got, tt.ok, err)
			}
			if err != nil && !strings.Contains(err.Error(), "a-z, 0-9, _ or -") {
				t.Errorf("got error %q, want it to state the rule", err)
			}
			if err == nil && n.String() != tt.in {
				t.Errorf("got String() %q, want %q", n.String(), tt.in)
			}
		})
	}
}
