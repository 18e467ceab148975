#!/bin/sh
# A hostile SMSC that never reads (the npm smpp package as the peer,
# tests/peers/smsc.js noread): once bound it stops reading and floods
# enquire_link, 32 MiB of them, so every answer hotlined writes piles up.
# hotlined must stay small (its output is bounded, reading stops) and drop
# the link although the peer keeps sending; the next session is served as
# usual, and its MO becomes a case; its receipt for an id nobody sent is
# answered at once.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
PEER="$top_srcdir/tests/peers/smsc.js"
command -v node >/dev/null 2>&1 || skip_all "node not found"
[ -d "$top_srcdir/tests/node_modules/smpp" ] ||
    skip_all "tests/node_modules missing (run npm ci in tests/)"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
MB=${NOREAD_MB:-64}
plan 9

port=$(free_port)
d="$T_DIR/h"
hotlined_conf "$d" "$port" "max-replies-per-hour 0
max-new-cases-per-hour 0"
NOREAD_MB=$MB start_bg peer node "$PEER" "$port" noread \
    "投诉：前进路的路灯坏了一个星期，晚上很黑，请尽快修理。"
wait_log "$T_DIR/peer.out" 'listening' 10 || bail "npm smpp peer did not start"
# a sanitizer build keeps freed memory in quarantine: keep it small here
ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=1" \
    start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
wait_log "$T_DIR/hl.out" 'smpp +bound' 10 || bail "hotlined did not bind"
base=$(awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$PID_hl/status")

check "the peer stops reading and floods" \
    wait_log "$T_DIR/peer.out" 'session 1 reading stopped' 10
check "hotlined stops reading once its output is full" \
    wait_log "$T_DIR/hl.out" 'output full bytes=[0-9]+, reading paused' 30
check "and drops the link although the peer keeps sending" \
    wait_log "$T_DIR/hl.out" 'disconnected smsc=sim reason=peer-not-reading' 30
hwm=$(awk '/^VmHWM:/ { print int($2 / 1024) }' "/proc/$PID_hl/status")
echo "# flooded ${MB} MiB of enquire_link; hotlined RSS ${base} MiB when bound, peak ${hwm} MiB"
check "hotlined's memory stayed bounded (peak < RSS when bound + 24 MiB)" \
    test "$hwm" -lt $((base + 24))
check "the next session's MO is acknowledged" \
    wait_log "$T_DIR/peer.out" 'session 2 mo resp status=0' 20
check "and is a case" is_eventually 1 "$d/hotlined.db" \
    "SELECT count(*) FROM cases WHERE text LIKE '投诉：前进路%'" 100
# a receipt for an unknown id holds no window slot: answered before the
# 5 s during which it is matched again are over, logged as the SMSC sent it
check "a receipt for an unknown id is answered at once" \
    wait_log "$T_DIR/peer.out" 'receipt 00AbC123 resp status=0' 20
check "before hotlined gives up matching it" \
    test "$(grep -c 'msgid=00AbC123 bearer=sim after' "$T_DIR/hl.out")" -eq 0
check "the log names the id as the SMSC sent it" \
    wait_log "$T_DIR/hl.out" 'receipt for unknown msgid=00AbC123 bearer=sim after 5s: dropped' 20
echo "# noread: tried=1 MO lost=$((1 - $(sql "$d/hotlined.db" "SELECT count(*) FROM cases")))"
t_done
