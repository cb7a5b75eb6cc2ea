package identity

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestHome(t *testing.T) {
	userHome, err := os.UserHomeDir()
	if err != nil {
		t.Skipf("no user home: %v", err)
	}
	tests := []struct {
		flag, env, want string
	}{
		{"/flag", "/env", "/flag"},
		{"", "/env", "/env"},
		{"", "", filepath.Join(userHome, ".nport")},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Setenv(HomeEnv, tt.env)
			got, err := Home(tt.flag)
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v, want %q, nil", got, err, tt.want)
			}
		})
	}
}

func TestStoreCreateLoad(t *testing.T) {
	s := Store{Dir: t.TempDir()}
	id, err := s.Create("@alice")
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	got, err := s.Load("@alice")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got.Name != "@alice" || !got.Key.Equal(id.Key) {
		t.Errorf("got %v, want %v", got, id)
	}
	if runtime.GOOS != "windows" {
		assertPerm(t, s.Path("@alice"), 0o600)
		assertPerm(t, s.KeysDir(), 0o700)
	}
	data, err := os.ReadFile(s.Path("@alice"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# nport identity @alice", `name = "@alice"`, `public = "` + id.Public().String() + `"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("got key file\n%s\nwant it to contain %q", data, want)
		}
	}
	if _, err := s.Create("@alice"); !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), "already has a key") {
		t.Errorf("got %v creating twice, want an already-exists refusal", err)
	}
	if again, err := s.Load("@alice"); err != nil || !again.Key.Equal(id.Key) {
		t.Errorf("got %v after a refused Create, want the first key", err)
	}
}

func assertPerm(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != want {
		t.Errorf("got mode %04o for %s, want %04o", got, path, want)
	}
}

func TestLoadRefusesOpenPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no mode bits on windows")
	}
	s := Store{Dir: t.TempDir()}
	if _, err := s.Create("@alice"); err != nil {
		t.Fatal(err)
	}
	path := s.Path("@alice")
	for _, perm := range []fs.FileMode{0o644, 0o640, 0o604, 0o660} {
		t.Run(fmt.Sprintf("%04o", perm), func(t *testing.T) {
			if err := os.Chmod(path, perm); err != nil {
				t.Fatal(err)
			}
			_, err := s.Load("@alice")
			want := fmt.Sprintf("permissions %04o for %q are too open: the key must be readable only by its owner (chmod 600 %s)", perm, path, path)
			if err == nil || err.Error() != want || !errors.Is(err, ErrTooOpen) {
				t.Errorf("got %v, want %q", err, want)
			}
		})
	}
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load("@alice"); err != nil {
		t.Errorf("got %v for mode 0400, want nil", err)
	}
}

func TestLoadRefusesBadFiles(t *testing.T) {
	a, b := mustKey(t), mustKey(t)
	tests := []struct {
		name, content, want string
	}{
		{"mismatch", fmt.Sprintf("name = \"@alice\"\nprivate = %q\npublic = %q\n", a.RevealText(), b.Public()), "does not match"},
		{"other name", fmt.Sprintf("name = \"@bob\"\nprivate = %q\npublic = %q\n", a.RevealText(), a.Public()), `holds "@bob", not @alice`},
		{"public as private", fmt.Sprintf("name = \"@alice\"\nprivate = %q\npublic = %q\n", a.Public(), a.Public()), "that is a public key"},
		{"not toml", "private = \n", "not valid TOML"},
		{"empty", "", `holds "", not @alice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Store{Dir: t.TempDir()}
			writeKeyFile(t, s, "@alice", tt.content)
			if _, err := s.Load("@alice"); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func writeKeyFile(t *testing.T, s Store, name Name, content string) {
	t.Helper()
	if err := os.MkdirAll(s.KeysDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.Path(name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestLoadMissing(t *testing.T) {
	s := Store{Dir: t.TempDir()}
	_, err := s.Load("@nobody")
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "nport keys new @nobody") {
		t.Errorf("got %v, want a not-exist error naming the fix", err)
	}
	if _, err := s.Load("nobody"); err == nil {
		t.Errorf("got nil loading a bad name, want an error")
	}
}

func TestLoadOrCreate(t *testing.T) {
	s := Store{Dir: t.TempDir()}
	first, created, err := s.LoadOrCreate("@relay")
	if err != nil || !created {
		t.Fatalf("LoadOrCreate: %v, created %v; want a new key", err, created)
	}
	second, created, err := s.LoadOrCreate("@relay")
	if err != nil || created || !second.Key.Equal(first.Key) {
		t.Errorf("got %v, %v, created %v; want the key made on the first call", second, err, created)
	}
	if got, want := second.ShareLine(), "@relay "+first.Public().String(); got != want {
		t.Errorf("got share line %q, want %q", got, want)
	}
}

// TestKeyFileElsewhere keeps the key in a file of its own (-k): created
// there, loaded from there, and the home's key directory left alone.
func TestKeyFileElsewhere(t *testing.T) {
	home := t.TempDir()
	file := filepath.Join(t.TempDir(), "sub", "device.key")
	s := Store{Dir: home, File: file}
	first, created, err := s.LoadOrCreate("@dev")
	if err != nil || !created {
		t.Fatalf("LoadOrCreate: %v, created %v; want a new key", err, created)
	}
	again, err := Store{Dir: t.TempDir(), File: file}.Load("@dev")
	if err != nil || !again.Key.Equal(first.Key) {
		t.Errorf("got %v, %v; want the key written to %s", again, err, file)
	}
	if _, err := os.Stat(Store{Dir: home}.KeysDir()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the home's key directory was touched: %v", err)
	}
	if _, err := s.Load("@other"); err == nil {
		t.Error("the file of @dev loaded as @other")
	}
}

func TestList(t *testing.T) {
	s := Store{Dir: t.TempDir()}
	if ids, err := s.List(); err != nil || len(ids) != 0 {
		t.Fatalf("got %v, %v for an empty home, want none, nil", ids, err)
	}
	for _, n := range []Name{"@a", "@a-b", "@zed", "@b"} {
		if _, err := s.Create(n); err != nil {
			t.Fatal(err)
		}
	}
	// Strays that are not key files are skipped.
	for _, stray := range []string{".@x.key.tmp-1", "README", "Bad.key"} {
		if err := os.WriteFile(filepath.Join(s.KeysDir(), stray), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ids, err := s.List()
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	var got []string
	for _, id := range ids {
		got = append(got, string(id.Name))
	}
	if want := "@a @a-b @b @zed"; strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}
