package replaystate

import (
	"errors"
	"maps"
	"path/filepath"
	"testing"
	"time"
)

func TestSaveSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "replay.db")
	now := time.Now().UnixMilli()
	s, err := Open(path, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(map[string]int64{"@alice": now, "@bob": now - 5}); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(map[string]int64{"@alice": now - 10, "@bob": now}); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, time.Minute); !errors.Is(err, ErrInUse) {
		t.Errorf("a second open while the first holds it: got %v, want ErrInUse", err)
	}
	s.Close()
	s, err = Open(path, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, want := s.Latest(), map[string]int64{"@alice": now, "@bob": now}; !maps.Equal(got, want) {
		t.Errorf("after reopen: got %v, want %v (a date never goes back)", got, want)
	}
}

func TestOldDatesAreForgotten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "replay.db")
	now := time.Now()
	s, err := Open(path, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	old := now.Add(-2 * time.Minute).UnixMilli()
	if err := s.Save(map[string]int64{"@old": old, "@new": now.UnixMilli()}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(path, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.Latest(); len(got) != 1 || got["@new"] != now.UnixMilli() {
		t.Errorf("got %v, want only @new: @old is outside the window", got)
	}
}
