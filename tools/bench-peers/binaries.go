//go:build linux

package main

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// peerNames are the peers' binaries, each shipped as NAME.gz.
var peerNames = []string{"frps", "frpc", "chisel"}

// buildNport builds nport as it is shipped, static and stripped.
func buildNport(ctx context.Context, repo, work string) (string, error) {
	out := filepath.Join(work, "nport")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-tags", releaseTags, "-ldflags", "-s -w", "-o", out, ".")
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build nport in %s: %w\n%s", repo, err, msg)
	}
	return out, nil
}

// unpackPeers unpacks each peer's NAME.gz from dir into cache, unless the
// copy there is already the same (same modification time), and tells which
// are missing.
func unpackPeers(dir, cache string) (map[string]string, map[string]error) {
	found, missing := map[string]string{}, map[string]error{}
	for _, name := range peerNames {
		path, err := unpack(filepath.Join(dir, name+".gz"), filepath.Join(cache, name))
		if err != nil {
			missing[name] = err
			continue
		}
		found[name] = path
	}
	return found, missing
}

func unpack(gz, dest string) (string, error) {
	src, err := os.Stat(gz)
	if err != nil {
		return "", fmt.Errorf("%s not found, so it is skipped: put its linux/amd64 build there, gzipped (see README.md beside it)", gz)
	}
	if dst, err := os.Stat(dest); err == nil && dst.ModTime().Equal(src.ModTime()) {
		return dest, nil
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return "", err
	}
	tmp := dest + ".tmp"
	if err := gunzip(gz, tmp); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("unpack %s: %w", gz, err)
	}
	os.Chtimes(tmp, src.ModTime(), src.ModTime())
	return dest, os.Rename(tmp, dest)
}

func gunzip(gz, dest string) error {
	in, err := os.Open(gz)
	if err != nil {
		return err
	}
	defer in.Close()
	zr, err := gzip.NewReader(in)
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dest, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, zr); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// firstLine is the first line of a program's output to args, for its version.
func firstLine(ctx context.Context, argv ...string) string {
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if err != nil && line == "" {
		return "unknown (" + err.Error() + ")"
	}
	return line
}

// releaseTags are the build tags of every release build (the justfile's).
const releaseTags = "urfave_cli_no_docs,urfave_cli_no_suggest"
