//go:build unix

package sshdtest

import (
	"os/exec"
	"regexp"
	"strconv"
	"sync"
)

var (
	versionOnce  sync.Once
	major, minor int
)

// opensshVersion returns the version of sshd, or 0.0 if it cannot tell.
func opensshVersion() (int, int) {
	versionOnce.Do(func() {
		// sshd has no version flag; -V is refused with the version on stderr.
		out, _ := exec.Command(SSHD, "-V").CombinedOutput()
		m := regexp.MustCompile(`OpenSSH_(\d+)\.(\d+)`).FindSubmatch(out)
		if m != nil {
			major, _ = strconv.Atoi(string(m[1]))
			minor, _ = strconv.Atoi(string(m[2]))
		}
	})
	return major, minor
}

// extraOptions are settings newer sshd versions need for tests: from 9.8,
// sshd penalises addresses whose connections fail, and tests that break
// sessions on purpose all come from 127.0.0.1.
func extraOptions() []string {
	maj, min := opensshVersion()
	if maj > 9 || (maj == 9 && min >= 8) {
		return []string{"PerSourcePenalties no"}
	}
	return nil
}
