package wire

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestBodiesRoundTripWithSnakeCaseNames(t *testing.T) {
	tok := Encode32(key(1))
	tests := []struct {
		body Body
		want string // the JSON, to pin the field names
	}{
		{&SessionRequest{To: "@garage_pi", Device: "pi"}, `{"to":"@garage_pi","device":"pi"}`},
		{&SessionGrant{Address: "r.example:443", ClientToken: tok, DaemonToken: tok, ExpiresMillis: 30000},
			`{"address":"r.example:443","client_token":"` + tok + `","daemon_token":"` + tok + `","expires_in_ms":30000}`},
		{&TunnelRequest{Device: "pi", Rendezvous: "r:443", Token: tok, Target: "localhost:22", Ephemeral: tok},
			`{"device":"pi","rendezvous":"r:443","token":"` + tok + `","target":"localhost:22","ephemeral":"` + tok + `"}`},
		{&TunnelRequest{Device: "pi", SSHPublicKey: "ssh-ed25519 AAAA", User: "root"},
			`{"device":"pi","rendezvous":"","token":"","target":"","ephemeral":"","ssh_public_key":"ssh-ed25519 AAAA","user":"root"}`},
		{&TunnelReply{Ephemeral: tok}, `{"ephemeral":"` + tok + `"}`},
		{&RefusalBody{Code: RefusalWrongDevice, Message: "this is @garage_pi:pi"}, `{"code":"wrong-device","message":"this is @garage_pi:pi"}`},
		{&PingBody{}, `{}`},
		{&PingBody{Want: "pi"}, `{"want":"pi"}`},
		{&PongBody{Device: "pi", Version: "1.0.0"}, `{"device":"pi","version":"1.0.0"}`},
		{&PongBody{Device: "pi", Version: "1.0.0", OS: "linux", Arch: "mipsle", UptimeMillis: 90500, Targets: []string{"localhost:22", "*:80"}},
			`{"device":"pi","version":"1.0.0","os":"linux","arch":"mipsle","uptime_ms":90500,"targets":["localhost:22","*:80"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.body.MessageType().String(), func(t *testing.T) {
			raw, err := json.Marshal(tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if string(raw) != tt.want {
				t.Errorf("json: got %s, want %s", raw, tt.want)
			}
			got := reflect.New(reflect.TypeOf(tt.body).Elem()).Interface()
			if err := DecodeBody(Message{Type: tt.body.MessageType(), Body: raw}, got); err != nil {
				t.Fatalf("DecodeBody: %v", err)
			}
			if !reflect.DeepEqual(got, tt.body) {
				t.Errorf("got %+v, want %+v", got, tt.body)
			}
		})
	}
}

func TestDecodeBodyIgnoresUnknownFields(t *testing.T) {
	var got TunnelReply
	m := Message{Type: MsgTunnelReply, Body: []byte(` {"ephemeral":"x","from_the_future":[1,2]}`)}
	if err := DecodeBody(m, &got); err != nil || got.Ephemeral != "x" {
		t.Errorf("got %+v, %v; want ephemeral x and no error", got, err)
	}
}

// TestPongBodiesOfOtherVersions reads the pong of an older daemon, which
// has no platform, uptime or targets, and has an older reader (a struct
// with the first two fields only) read a full one.
func TestPongBodiesOfOtherVersions(t *testing.T) {
	var got PongBody
	if err := DecodeBody(Message{Type: MsgPong, Body: []byte(`{"device":"pi","version":"0.9"}`)}, &got); err != nil {
		t.Fatal(err)
	}
	if want := (PongBody{Device: "pi", Version: "0.9"}); !reflect.DeepEqual(got, want) {
		t.Errorf("older pong: got %+v, want %+v", got, want)
	}
	var old struct {
		Device  string `json:"device"`
		Version string `json:"version"`
	}
	full := `{"device":"pi","version":"1.0","os":"linux","arch":"arm","uptime_ms":5,"targets":["localhost:22"]}`
	if err := DecodeBody(Message{Type: MsgPong, Body: []byte(full)}, &old); err != nil || old.Device != "pi" || old.Version != "1.0" {
		t.Errorf("an older reader got %+v, %v; want device pi, version 1.0", old, err)
	}
}

func TestDecodeBodyRefuses(t *testing.T) {
	long := `{"message":"` + strings.Repeat("x", MaxBodyLen) + `"}`
	tests := []struct {
		name string
		typ  MessageType
		body string
		want string
	}{
		{"null", MsgRefusal, `null`, "not a JSON object"},
		{"empty", MsgRefusal, ``, "not a JSON object"},
		{"array", MsgRefusal, `[]`, "not a JSON object"},
		{"trailing garbage", MsgRefusal, `{} x`, "body"},
		{"wrong field type", MsgRefusal, `{"code":1}`, "body"},
		{"too long", MsgRefusal, long, "limit"},
		{"another type", MsgTunnelReply, `{}`, "not a refusal body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got RefusalBody
			err := DecodeBody(Message{Type: tt.typ, Body: []byte(tt.body)}, &got)
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want ErrMalformed naming %q", err, tt.want)
			}
		})
	}
}

func TestEncode32(t *testing.T) {
	k := key(0xf0)
	s := Encode32(k)
	if len(s) != 43 || strings.ContainsAny(s, "+/=") {
		t.Errorf("Encode32: got %q, want 43 base64url characters", s)
	}
	got, err := Decode32(s)
	if err != nil || got != k {
		t.Errorf("Decode32: got %x, %v; want %x", got, err, k)
	}
	bad := []string{"", s + "A", s[:42] + "=", s[:42] + "+", s[:42] + "B" /* non-zero trailing bits */, "\n" + s[:42]}
	for _, b := range bad {
		if _, err := Decode32(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("Decode32(%q): got %v, want ErrMalformed", b, err)
		}
	}
}
