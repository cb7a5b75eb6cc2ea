# nport tasks. `just --list` shows them.

version := `git describe --tags --always --dirty 2>/dev/null || echo dev`
commit := `git rev-parse --short=12 HEAD 2>/dev/null || echo unknown`
# urfave/cli's man page and Markdown renderers and its "did you mean" suggestions are unused: leaving
# them out keeps the binary small enough for a router (README, Performance).
tags := "urfave_cli_no_docs,urfave_cli_no_suggest"
# Router targets (mips*, arm v5-v7) leave out the relay's cluster backend and its NATS client, 2.6 MB
# of the mipsle binary that a device never uses (README, Dependencies).
router_tags := tags + ",nport_nocluster"
ldflags := "-s -w -X github.com/nport/nport/core/buildinfo.Version=" + version + " -X github.com/nport/nport/core/buildinfo.Commit=" + commit

# Every target of the Distribution list: OS/ARCH[/variant].
targets := "linux/amd64 linux/386 linux/arm/5 linux/arm/6 linux/arm/7 linux/arm64 linux/mips linux/mipsle linux/mips64 linux/mips64le linux/riscv64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"

# Build nport for this machine into build/nport.
build:
    CGO_ENABLED=0 go build -trimpath -tags "{{tags}}" -ldflags "{{ldflags}}" -o build/nport .

# Run the tests, as CI does.
test:
    go test -race ./...

# Run every fuzz target for the given time each.
fuzz time="60s":
    #!/usr/bin/env bash
    set -euo pipefail
    for pkg in $(go list ./...); do
        for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
            echo "== $pkg $target"
            go test -run='^$' -fuzz="^${target}\$" -fuzztime={{time}} -parallel=2 "$pkg"
        done
    done

# Run the benchmarks.
bench pattern=".":
    go test -run='^$' -bench='{{pattern}}' -benchmem ./...

# nport's tunnel side by side with frp's and chisel's on loopback (iperf3, the peers in ../shared/peers).
# `just bench-peers -quick` for a short run; `-count 3` repeats; `-h` lists the flags.
bench-peers *flags:
    go run ./tools/bench-peers {{flags}}

# Cross-compile every target into build/nport-OS-ARCH[-variant], static and stripped.
cross:
    #!/usr/bin/env bash
    set -euo pipefail
    for t in {{targets}}; do
        IFS=/ read -r os arch variant <<<"$t"
        out="build/nport-$os-$arch${variant:+v$variant}"
        [ "$os" = windows ] && out="$out.exe"
        tags="{{tags}}"
        case "$arch" in mips*|arm) tags="{{router_tags}}" ;; esac
        env CGO_ENABLED=0 GOOS="$os" GOARCH="$arch" GOARM="${variant:-}" GOMIPS=softfloat GOMIPS64=softfloat \
            go build -trimpath -tags "$tags" -ldflags "{{ldflags}}" -o "$out" .
        printf '%-32s %8d bytes\n' "$out" "$(stat -c %s "$out")"
    done

# gofmt and go vet, as CI does.
lint:
    test -z "$(gofmt -l $(git ls-files '*.go'))"
    go vet ./...
