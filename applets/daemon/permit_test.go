package daemon

import "testing"

func TestPermits(t *testing.T) {
	p, err := ParsePermits([]string{"localhost:22", "*:8080", "db.lan:*"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		target string
		want   bool
	}{
		{"localhost:22", true},
		{"LOCALHOST:22", true},
		{"localhost:23", false},
		{"10.0.0.1:8080", true},
		{"db.lan:5432", true},
		{"other:5432", false},
		{"garbage", false},
	}
	for _, tt := range tests {
		if got := p.Allows(tt.target); got != tt.want {
			t.Errorf("Allows(%q): got %v, want %v", tt.target, got, tt.want)
		}
	}
	if _, err := ParsePermits([]string{"nohostport"}); err == nil {
		t.Error("got no error for an entry without a port, want one")
	}
}
