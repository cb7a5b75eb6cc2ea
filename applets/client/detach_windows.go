package client

import "os/exec"

// detach does nothing on Windows, where a child outlives its console's
// parent process anyway.
func detach(*exec.Cmd) {}
