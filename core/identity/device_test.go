package identity

import (
	"strings"
	"testing"
)

func TestCheckDevice(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string // empty: accepted
	}{
		{"default", ""},
		{"garage_pi", ""},
		{"router2", ""},
		{strings.Repeat("x", MaxDeviceLen), ""},
		{strings.Repeat("x", MaxDeviceLen+1), `want 1 to 36 of a-z, 0-9 and _, such as "` + strings.Repeat("x", MaxDeviceLen) + `"`},
		{"", `bad device name "": want 1 to 36 of a-z, 0-9 and _`},
		{"My Device!", `bad device name "My Device!": want 1 to 36 of a-z, 0-9 and _, such as "my_device"`},
		{"garage-pi", `such as "garage_pi"`},
		{"Pi", `such as "pi"`},
		{"!!!", `bad device name "!!!": want 1 to 36 of a-z, 0-9 and _`},
		{"a/../b", `such as "a_b"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			err := CheckDevice(tt.in)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("got %v, want the name accepted", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "such as") && strings.Count(err.Error(), "such as") != 1 {
				t.Errorf("got %q, want one suggestion", err)
			}
		})
	}
}

// FuzzCheckDevice checks that every suggestion CheckDevice makes is a
// name it accepts.
func FuzzCheckDevice(f *testing.F) {
	for _, s := range []string{"My Device!", "garage-pi", "", "_a_", strings.Repeat("Ab-", 20)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if fix := plainName(s, deviceByte, MaxDeviceLen); fix != "" {
			if err := CheckDevice(fix); err != nil {
				t.Errorf("suggestion %q for %q is refused: %v", fix, s, err)
			}
		}
	})
}
