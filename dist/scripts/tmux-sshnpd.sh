#!/bin/sh
# Starts the daemon loop of sshnpd.sh in a detached tmux session named sshnpd,
# so its logs can be looked at with `tmux attach -t sshnpd`. The session
# keeper that carries live sessions runs outside tmux's session: killing the
# tmux session stops the daemon, not the sessions, which end by themselves.
# Usage: tmux-sshnpd.sh @device_identity [daemon flags…]
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
tmux has-session -t sshnpd 2>/dev/null && { echo "tmux session sshnpd already runs" >&2; exit 1; }
tmux new-session -d -s sshnpd "$dir/sshnpd.sh $*"
