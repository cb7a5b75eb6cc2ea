package identity

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
)

func TestParsePublicKey(t *testing.T) {
	k := mustKey(t)
	pub := k.Public().String()
	tests := []struct {
		name string
		in   string
		want string // substring of the error, "" for success
	}{
		{"valid", pub, ""},
		{"spaces", "  " + pub + "\n", ""},
		{"private", k.RevealText(), "that is a private key, not a public one"},
		{"other prefix", "ssh-ed25519:AAAA", "not an nport public key (it starts with \"ssh-ed25519:\""},
		{"no prefix", "AAAAC3NzaC1lZDI1NTE5", "not an nport public key (got 20 characters"},
		{"empty", "", "got an empty string"},
		{"short", pub[:len(pub)-1], "has 42 characters"},
		{"long", pub + "A", "has 44 characters"},
		{"bad base64", PublicPrefix + strings.Repeat("*", textLen), "not valid base64url"},
		{"std base64", PublicPrefix + strings.Repeat("+", textLen), "not valid base64url"},
		{"zero", PublicPrefix + strings.Repeat("A", textLen), "low order"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePublicKey(tt.in)
			if tt.want == "" {
				if err != nil || !got.Equal(k.Public()) {
					t.Fatalf("got %v, %v, want %v, nil", got, err, k.Public())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestParsePrivateKey(t *testing.T) {
	k := mustKey(t)
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"valid", k.RevealText(), ""},
		{"public", k.Public().String(), "that is a public key, not a private one"},
		{"other", "-----BEGIN OPENSSH PRIVATE KEY-----", "not an nport private key (got 35 characters"},
		{"short", PrivatePrefix + "AAAA", "has 4 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePrivateKey(tt.in)
			if tt.want == "" {
				if err != nil || !got.Equal(k) || !got.Public().Equal(k.Public()) {
					t.Fatalf("got %v, want the same key back", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestPublicKeyText(t *testing.T) {
	pub := mustKey(t).Public()
	if got := pub.String(); !regexp.MustCompile(`^nport-pub:[A-Za-z0-9_-]{43}$`).MatchString(got) {
		t.Errorf("got String() %q, want nport-pub: and 43 base64url characters", got)
	}
	if got := pub.Fingerprint(); !regexp.MustCompile(`^fp:[0-9a-f]{16}$`).MatchString(got) {
		t.Errorf("got Fingerprint() %q, want fp: and 16 hex digits", got)
	}
	type doc struct{ Key PublicKey }
	b, err := json.Marshal(doc{pub})
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	if want := `{"Key":"` + pub.String() + `"}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
	var back doc
	if err := json.Unmarshal(b, &back); err != nil || !back.Key.Equal(pub) {
		t.Errorf("got %v, %v, want %v, nil", back.Key, err, pub)
	}
	if err := json.Unmarshal([]byte(`{"Key":"nport-priv:x"}`), &back); err == nil {
		t.Errorf("got nil error unmarshaling a private prefix, want one")
	}
}

func TestPrivateKeyNeverPrints(t *testing.T) {
	k := mustKey(t)
	secret := strings.TrimPrefix(k.RevealText(), PrivatePrefix)
	id := Identity{Name: "@alice", Key: k}
	// fmt prints unexported fields without calling their methods.
	type holder struct {
		key    PrivateKey
		shared SharedKey
	}
	hidden := holder{k, k.Shared(mustKey(t).Public())}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		outs = append(outs, fmt.Sprintf(verb, k), fmt.Sprintf(verb, id), fmt.Sprintf(verb, &k), fmt.Sprintf(verb, hidden))
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "key", k, "shared", k.Shared(k.Public()))
	outs = append(outs, logged.String(), fmt.Sprintf("%x", k.Shared(k.Public())))
	for _, out := range outs {
		if strings.Contains(out, secret) || strings.Contains(out, fmt.Sprintf("%x", (*k.p).k[:4])) || strings.Contains(out, fmt.Sprint((*k.p).k[:4])[1:12]) {
			t.Errorf("got %q, which shows the private key", out)
		}
	}
	if got := k.String(); got != "nport-priv:<redacted>" {
		t.Errorf("got %q, want nport-priv:<redacted>", got)
	}
}

func TestPublicKeyLogValue(t *testing.T) {
	pub := mustKey(t).Public()
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "peer", pub)
	if !strings.Contains(logged.String(), "peer="+pub.Fingerprint()) {
		t.Errorf("got %q, want peer=%s", logged.String(), pub.Fingerprint())
	}
}
