#!/bin/sh
# Keeps the nport daemon running on a host with no service manager. The daemon
# reconnects by itself; this loop only restarts it if the process exits.
# Live sessions outlive the daemon, in its session keeper: a process of its
# own session (nport-keeper in ps) that exits by itself
# with its last session, so neither a restart nor Ctrl-C here cuts them.
# Usage: sshnpd.sh @device_identity [daemon flags…]
set -u
: "${NPORT_HOME:=$HOME/.nport}"
export NPORT_HOME
while :; do
	sshnpd --atsign "$@"
	echo "sshnpd exited with $?, restarting in 5 s" >&2
	sleep 5
done
