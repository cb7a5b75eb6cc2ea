//go:build !unix

package directory

import "os"

// lockFile does nothing where flock does not exist: the relay runs on
// unix systems, and on others a claim racing a removal may lose one.
func lockFile(*os.File) error { return nil }
