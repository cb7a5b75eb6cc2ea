package session

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestTokenText(t *testing.T) {
	tok := NewToken()
	text, err := tok.MarshalText()
	if err != nil || len(text) != tokenTextLen {
		t.Fatalf("got %q, %v, want 43 characters", text, err)
	}
	back, err := ParseToken(string(text))
	if err != nil || !back.Equal(tok) {
		t.Fatalf("got %v, want the token back", err)
	}
	if TokenFromRaw(tok.Raw()) != tok || tok.IsZero() || !(Token{}).IsZero() {
		t.Errorf("got Raw/TokenFromRaw/IsZero wrong")
	}
	var body struct{ Token Token }
	if err := json.Unmarshal([]byte(`{"Token":"`+string(text)+`"}`), &body); err != nil || !body.Token.Equal(tok) {
		t.Errorf("got %v, want the token from JSON", err)
	}
}

func TestParseTokenRefuses(t *testing.T) {
	for _, in := range []string{"", "abc", strings.Repeat("A", 42), strings.Repeat("A", 44), strings.Repeat("+", 43), strings.Repeat("A", 42) + "B"} {
		t.Run(in, func(t *testing.T) {
			if _, err := ParseToken(in); err == nil || (len(in) > 3 && strings.Contains(err.Error(), in)) {
				t.Errorf("got %v, want an error that does not repeat the input", err)
			}
		})
	}
}

func TestTokenNeverPrints(t *testing.T) {
	tok := NewToken()
	text, _ := tok.MarshalText()
	raw := fmt.Sprintf("%x", tok[:])
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "token", tok)
	outs := []string{logged.String(), tok.String()}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%d", "%q"} {
		outs = append(outs, fmt.Sprintf(verb, tok), fmt.Sprintf(verb, struct{ T Token }{tok}))
	}
	for _, out := range outs {
		if strings.Contains(out, string(text)) || strings.Contains(out, raw[:16]) {
			t.Errorf("got %q, which shows the token", out)
		}
	}
	if tok.String() != "token:<redacted>" {
		t.Errorf("got %q, want token:<redacted>", tok.String())
	}
}
