package applets

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

func testRegistry(ran *[]string) *Registry {
	cmd := func(name string) *cli.Command {
		return &cli.Command{Name: name, Usage: name + " usage", Action: func(c *cli.Context) error {
			*ran = append(*ran, name+" "+strings.Join(c.Args().Slice(), " "))
			return nil
		}}
	}
	return NewRegistry(
		Applet{Command: cmd("relay")},
		Applet{Command: cmd("daemon"), Links: []string{"sshnpd"}},
		Applet{Command: withHost(cmd("client"), ran), Links: []string{"sshnp"}},
	)
}

// withHost gives cmd a -h flag of its own, as sshnp's -h names the
// rendezvous.
func withHost(cmd *cli.Command, ran *[]string) *cli.Command {
	cmd.Flags = []cli.Flag{&cli.StringFlag{Name: "host", Aliases: []string{"h"}}}
	cmd.Action = func(c *cli.Context) error {
		run := "client " + strings.Join(c.Args().Slice(), " ")
		if c.IsSet("host") {
			run += " host=" + c.String("host")
		}
		*ran = append(*ran, run)
		return nil
	}
	return cmd
}

func TestDispatch(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantRun  []string
		wantCode int
		wantErr  string
	}{
		{"link name", []string{"/usr/bin/sshnpd", "x"}, []string{"daemon x"}, 0, ""},
		{"link name with .exe", []string{`sshnp.exe`}, []string{"client "}, 0, ""},
		{"applet name as argv0", []string{"relay"}, []string{"relay "}, 0, ""},
		{"first argument", []string{"nport", "client", "a", "b"}, []string{"client a b"}, 0, ""},
		{"unknown applet", []string{"nport", "bogus"}, nil, ExitUsage, "applets: client, daemon, install, relay"},
		{"link names are not applets of nport", []string{"nport", "sshnpd"}, []string{"daemon "}, 0, ""},
		{"no applet", []string{"nport"}, nil, ExitUsage, ""},
		{"-h is help where it means nothing else", []string{"nport", "relay", "-h"}, nil, 0, ""},
		{"-h after -- is an argument", []string{"nport", "relay", "--", "-h"}, []string{"relay -h"}, 0, ""},
		{"-h as the applet's own flag", []string{"sshnp", "-h", "@rv", "x"}, []string{"client x host=@rv"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ran []string
			var out, errOut bytes.Buffer
			code := testRegistry(&ran).Main(context.Background(), tt.args, Stdio{Out: &out, Err: &errOut})
			if code != tt.wantCode {
				t.Errorf("got exit %d, want %d (stderr %q)", code, tt.wantCode, errOut.String())
			}
			if !reflect.DeepEqual(ran, tt.wantRun) {
				t.Errorf("got runs %q, want %q", ran, tt.wantRun)
			}
			if !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("stderr %q, want it to contain %q", errOut.String(), tt.wantErr)
			}
		})
	}
}

func TestDuplicateNamePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("got no panic for a duplicate name, want one")
		}
	}()
	NewRegistry(Applet{Command: &cli.Command{Name: "a"}}, Applet{Command: &cli.Command{Name: "b"}, Links: []string{"a"}})
}

func TestNamesSorted(t *testing.T) {
	var ran []string
	if got, want := testRegistry(&ran).Names(), []string{"client", "daemon", "install", "relay"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestLinks(t *testing.T) {
	var ran []string
	if got, want := testRegistry(&ran).Links(), []string{"sshnp", "sshnpd"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
