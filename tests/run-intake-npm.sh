#!/bin/sh
# The multipart Chinese path through an SMSC nobody here wrote: the npm
# `smpp` 0.5.1 server delivers a long complaint in UCS-2 parts; hotlined
# registers one case and its acknowledgement reaches the peer intact, and
# the peer's receipts (hex ids) are matched to the outbox row.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v node >/dev/null || skip_all "node not installed"
[ -d "$top_srcdir/tests/node_modules/smpp" ] || skip_all "npm ci not run in tests/"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
plan 7

TEXT="我要投诉：幸福花园小区旁边的工地每天晚上十一点以后还在施工，电钻和渣土车的噪音扰民非常严重，已经持续一个多星期了，家里老人和孩子都休息不好，请有关部门尽快处理并答复。😡"
d="$T_DIR/h"
port=$(free_port)
# a long case prefix makes the acknowledgement two UCS-2 parts (one with
# the default HY): the multipart way out is what this test is about
hotlined_conf "$d" "$port" "case-prefix HEYUANHY"
start_bg peer env NODE_PATH="$top_srcdir/tests/node_modules" node \
    "$top_srcdir/tests/peers/citizen.js" "$port" "$TEXT"
wait_log "$T_DIR/peer.out" '^listening' 10 || bail "the npm peer did not start"
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
check "hotlined binds to the npm smpp server" wait_log "$T_DIR/peer.out" '^bind accepted' 10
check "every MO part acknowledged with ESME_ROK" \
    wait_log "$T_DIR/peer.out" "^mo part 2/2 status=0" 10
db="$d/hotlined.db"
check "one case with the whole text, emoji included" sh -c "for i in \$(seq 1 50); do
    test \"\$(sqlite3 '$db' \"SELECT count(*) FROM cases WHERE text = '$TEXT'\")\" = 1 && exit 0; sleep 0.1; done; exit 1"
check "the acknowledgement arrives in UCS-2 parts" wait_log "$T_DIR/peer.out" '^submit part 1/2 dc=8 to=138\*\*\*\*8000' 10
n=$(sqlite3 "$db" "SELECT number FROM cases LIMIT 1")
check "the peer reassembles it intact, with the case number" \
    wait_log "$T_DIR/peer.out" "^mt 【12345热线】.*$n" 10
check "the peer's hex receipt ids reach the outbox row" sh -c "for i in \$(seq 1 50); do
    test \"\$(sqlite3 '$db' 'SELECT state FROM outbox LIMIT 1')\" = 3 && exit 0; sleep 0.1; done; exit 1"
check "no full phone number in hotlined's log" sh -c "! grep -q 13800138000 '$T_DIR/hl.out'"
t_done
