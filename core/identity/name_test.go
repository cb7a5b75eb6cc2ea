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
			if _, fix, found := strings.Cut(errString(err), "such as "); found {
				if _, err := ParseName(strings.Trim(fix, `"`)); err != nil {
					t.Errorf("the suggestion %s is refused: %v", fix, err)
				}
			}
			if err == nil && n.String() != tt.in {
				t.Errorf("got String() %q, want %q", n.String(), tt.in)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestParseNameSuggests(t *testing.T) {
	for in, want := range map[string]string{
		"alice":      `such as "@alice"`,
		"@Garage Pi": `such as "@garage_pi"`,
		"@@bob":      `such as "@bob"`,
	} {
		if _, err := ParseName(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseName(%q): got %v, want it to suggest %s", in, err, want)
		}
	}
}
