#!/bin/sh
# SIGKILL x20 under load, against an independent SMPP peer (the npm `smpp`
# package, tests/peers/moload.js) that tracks every MO itself: afterwards
# every MO it saw acknowledged is a case exactly once, and whatever was
# killed unacknowledged came again and was taken.  Reports what it tried
# and what was lost (0) and duplicated (0).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
command -v node >/dev/null || skip_all "node not installed"
[ -d "$top_srcdir/tests/node_modules/smpp" ] || skip_all "npm ci not run in tests/"
N=${KILL_N:-300}
KILLS=${KILL_TIMES:-20}
plan 5

d="$T_DIR/h"
port=$(free_port)
hotlined_conf "$d" "$port" "max-replies-per-hour 0
max-new-cases-per-hour 0"
db="$d/hotlined.db"
start_bg peer env NODE_PATH="$top_srcdir/tests/node_modules" node \
    "$top_srcdir/tests/peers/moload.js" "$port" "$N"
wait_log "$T_DIR/peer.out" '^listening' 10

kill_starts "$KILLS" "$d/hotlined.conf" 5 2
binds=$(grep -c '^bind$' "$T_DIR/peer.out")
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
check "the peer saw all $N MOs acknowledged (bounded)" \
    wait_log "$T_DIR/peer.out" "^done acked=$N " 90
# counted with the daemon stopped: no write lock in the way
kill -TERM "$PID_hl" 2>/dev/null
wait_gone "$PID_hl" 15
cases=$(sql "$db" "SELECT count(*) FROM cases")
distinct=$(sql "$db" "SELECT count(DISTINCT text) FROM cases")
echo "# $KILLS SIGKILLs, $binds binds before the last start; $(grep '^done' "$T_DIR/peer.out"); cases=$cases distinct=$distinct: lost $((N - distinct)), duplicated $((cases - distinct))"
check "the peer's $KILLS binds under load were real (it was killed mid-load)" \
    test "$binds" -ge 2
check "every acknowledged MO is a case: 0 lost" test "$distinct" = "$N"
check "none twice: 0 duplicate cases" test "$cases" = "$N"
check "the store is intact after the kills" test \
    "$(sql "$db" "PRAGMA integrity_check")" = ok
t_done
