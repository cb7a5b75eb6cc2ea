#!/bin/sh
# Starts the daemon loop of sshnpd.sh in a detached tmux session named sshnpd,
# so its logs can be looked at with `tmux attach -t sshnpd`.
# Usage: tmux-sshnpd.sh @device_identity [daemon flags…]
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
tmux has-session -t sshnpd 2>/dev/null && { echo "tmux session sshnpd already runs" >&2; exit 1; }
tmux new-session -d -s sshnpd "$dir/sshnpd.sh $*"
