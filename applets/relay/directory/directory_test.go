package directory_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nport/nport/applets/relay/directory"
	"github.com/nport/nport/applets/relay/directory/directorytest"
)

func TestMemoryContract(t *testing.T) { directorytest.Run(t, &directory.Memory{}) }

func TestReadFile(t *testing.T) {
	alice, bob := directorytest.NewKey(t), directorytest.NewKey(t)
	tests := []struct {
		name, content, err string
		want               []directory.Binding
	}{
		{"two names, comments", "# header\n@bob " + bob.String() + " # the pi\n\n@alice " + alice.String() + "\n", "",
			[]directory.Binding{{Name: "@alice", Key: alice}, {Name: "@bob", Key: bob}}},
		{"bad key", "@alice nport-pub:xyz\n", "line 1", nil},
		{"bad name", "# header\nAlice " + alice.String() + "\n", "line 2", nil},
		{"extra field", "@alice " + alice.String() + " extra\n", "fields", nil},
		{"two keys", "@alice " + alice.String() + "\n@alice " + bob.String() + "\n", "another key than line 1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "directory")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := directory.ReadFile(path)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("got %v, want an error containing %q", err, tt.err)
				}
				return
			}
			if err != nil || len(got) != len(tt.want) {
				t.Fatalf("got %v, %v; want %d bindings", got, err, len(tt.want))
			}
			for i := range got {
				if got[i].Name != tt.want[i].Name || !got[i].Key.Equal(tt.want[i].Key) {
					t.Errorf("[%d]: got %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}
