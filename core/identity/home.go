package identity

import (
	"fmt"
	"os"
	"path/filepath"
)

// HomeEnv names the environment variable that sets the nport home.
const HomeEnv = "NPORT_HOME"

// Home returns the nport home directory: flagValue if it is set (the
// --home flag), else $NPORT_HOME, else ~/.nport. It does not create it.
func Home(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if env := os.Getenv(HomeEnv); env != "" {
		return env, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("identity: cannot tell where the nport home is: set --home or %s: %w", HomeEnv, err)
	}
	return filepath.Join(home, ".nport"), nil
}
