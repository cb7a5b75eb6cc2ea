package wire

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRefusalError(t *testing.T) {
	tests := []struct {
		r    Refusal
		want string
	}{
		{Refusal{Code: RefuseNameTaken, Message: "@alice is bound to another key"}, "relay refused: name-taken: @alice is bound to another key"},
		{Refusal{Code: RefuseBadToken, Peer: "rendezvous"}, "rendezvous refused: bad-token"},
		{Refusal{Code: 99, Message: "new"}, "relay refused: refuse-code-99: new"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			var err error = tt.r
			var got Refusal
			if !errors.As(err, &got) || got.Code != tt.r.Code {
				t.Fatalf("errors.As: got %+v, want %+v", got, tt.r)
			}
			if err.Error() != tt.want {
				t.Errorf("got %q, want %q", err.Error(), tt.want)
			}
		})
	}
}

func TestRefuseCodeNames(t *testing.T) {
	seen := map[string]RefuseCode{}
	for c := RefuseUnknown; c <= RefuseBadToken; c++ {
		name := c.String()
		if strings.HasPrefix(name, "refuse-code") {
			t.Errorf("code %d: got %q, want a name", c, name)
		}
		if prev, dup := seen[name]; dup {
			t.Errorf("codes %d and %d: both named %q", prev, c, name)
		}
		seen[name] = c
	}
}

func TestRefusalEncodingKeepsMessageReadable(t *testing.T) {
	tests := []struct {
		name, msg, want string
	}{
		{"invalid utf-8 replaced", "bad \xff byte", "bad \uFFFD byte"},
		{"long cut at a rune", strings.Repeat("é", MaxRefuseMessage), strings.Repeat("é", MaxRefuseMessage/2)},
		{"long cut mid-rune", "x" + strings.Repeat("é", MaxRefuseMessage), "x" + strings.Repeat("é", MaxRefuseMessage/2-1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := mustAppend(Refusal{Code: RefuseLimit, Message: tt.msg})
			got, err := ParseRefuse(b)
			if err != nil {
				t.Fatalf("ParseRefuse: %v", err)
			}
			if got.Message != tt.want || !utf8.ValidString(got.Message) {
				t.Errorf("got %d bytes %.20q..., want %d bytes %.20q...", len(got.Message), got.Message, len(tt.want), tt.want)
			}
		})
	}
}
