package relay

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"github.com/nport/nport/applets/relay/directory"
	"github.com/nport/nport/applets/relay/store"
)

// importDirectory moves the text directory file of an older relay into an
// empty database, then renames the file to directory.imported. A file
// beside a database that has names is left alone.
func importDirectory(log *slog.Logger, home string, st *store.Store) error {
	path := directory.FileName(home)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if st.Count() > 0 {
		log.Info("directory file ignored: the directory is in the database", "file", path, "database", st.Path())
		return nil
	}
	bindings, err := directory.ReadFile(path)
	if err != nil {
		return fmt.Errorf("import the directory file: %w", err)
	}
	if err := st.Import(bindings); err != nil {
		return err
	}
	if err := os.Rename(path, path+".imported"); err != nil {
		return fmt.Errorf("imported %s, but could not rename it: %w (rename or remove it by hand)", path, err)
	}
	os.Remove(path + ".lock") // the old file's writers' lock
	log.Info("imported the directory file into the database", "names", len(bindings), "file", path+".imported", "database", st.Path())
	return nil
}
