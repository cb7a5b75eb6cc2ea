package client

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestShortDuration(t *testing.T) {
	tests := map[time.Duration]string{
		0:                                     "0s",
		42*time.Second + 900*time.Millisecond: "42s",
		5*time.Minute + 7*time.Second:         "5m07s",
		3*time.Hour + 2*time.Minute:           "3h02m",
		12*24*time.Hour + 4*time.Hour + 59*time.Minute: "12d04h",
	}
	for d, want := range tests {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%v): got %s, want %s", d, got, want)
		}
	}
}

var listed = []Device{
	{Name: "pi", Identity: "@garage", Version: "1.2.0", OS: "linux", Arch: "arm", Uptime: 90 * time.Second,
		Targets: []string{"localhost:22", "*:80"}, Group: "shed", Sessions: 2, RTT: 1500 * time.Microsecond, Known: true},
	{Name: "old", Identity: "@garage", Version: "0.9.0", RTT: 12 * time.Millisecond},
}

func TestDevicesTable(t *testing.T) {
	var b bytes.Buffer
	if err := writeDevicesTable(&b, listed); err != nil {
		t.Fatal(err)
	}
	want := "DEVICE  GROUP  IDENTITY  VERSION  PLATFORM   UPTIME  SESSIONS  RTT     TARGETS\n" +
		"pi      shed   @garage   1.2.0    linux/arm  1m30s   2         1.5ms   localhost:22,*:80\n" +
		"old     -      @garage   0.9.0    -          -       -         12.0ms  -\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestDevicesJSON(t *testing.T) {
	var b bytes.Buffer
	if err := writeDevicesJSON(&b, listed); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(strings.Fields(b.String()), "")
	want := `[{"device":"pi","group":"shed","identity":"@garage","version":"1.2.0","os":"linux","arch":"arm","uptime_seconds":90,"sessions":2,"rtt_seconds":0.0015,"targets":["localhost:22","*:80"]},` +
		`{"device":"old","group":"","identity":"@garage","version":"0.9.0","os":null,"arch":null,"uptime_seconds":null,"sessions":null,"rtt_seconds":0.012,"targets":null}]`
	if got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	b.Reset()
	if err := writeDevicesJSON(&b, nil); err != nil || b.String() != "[]\n" {
		t.Errorf("no devices: got %q, %v; want an empty array", b.String(), err)
	}
}

func TestMissing(t *testing.T) {
	devices := func(names ...string) []Device {
		var ds []Device
		for _, n := range names {
			ds = append(ds, Device{Name: n})
		}
		return ds
	}
	tests := []struct {
		name string
		list listing
		err  error
		want string // "" for no verdict
	}{
		{"others only", listing{devices: devices("a", "b", "b")}, nil, `no device "nosuch" under @garage; its devices: a, b (see --list-devices)`},
		{"found", listing{devices: devices("a", "nosuch")}, nil, ""},
		{"nobody", listing{}, nil, ""},
		{"a busy one may be it", listing{devices: devices("a"), busy: 1}, nil, ""},
		{"the ping failed", listing{devices: devices("a")}, errors.New("offline"), ""},
	}
	c := &connector{cfg: Config{Peers: Peers{Device: "nosuch"}}, to: "@garage"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &probe{done: make(chan struct{}), list: tt.list, err: tt.err}
			if err := c.missing(p); err != nil {
				t.Fatalf("a probe still running gave %v, want no verdict", err)
			}
			close(p.done)
			err := c.missing(p)
			if got := errText(err); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
