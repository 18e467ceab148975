#!/bin/sh
# Daemon lifecycle: version, foreground start, SIGHUP, SIGTERM.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
plan 4

check "hotlined -V prints the version" sh -c "'$HOTLINED' -V | grep -Eq '^hotlined [0-9]'"

start_bg hl "$HOTLINED" -f
check "starts in the foreground" wait_log "$T_DIR/hl.out" 'info  hotlined started' 5
kill -HUP "$PID_hl"
check "SIGHUP reloads" wait_log "$T_DIR/hl.out" 'hotlined reload' 5
kill -TERM "$PID_hl"
check "SIGTERM stops within 5 s" wait_gone "$PID_hl" 5
t_done
