#!/bin/sh
# citizens lags behind the rows (v24): with the map frozen every 8
# numbers, hotlined writes citizens in passes all through a load of 30
# citizens writing again and again (an MO every 25 ms), and is killed
# with SIGKILL in the middle of them, again and again.  Afterwards every case and SMS is
# chained to its number's row before it (a map read again wrongly after
# a kill would chain a new row past one), what is on the disk leaves no
# number stale below citizens' mark, and nothing acknowledged is lost.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
N=240
KILLS=5
plan 9

d="$T_DIR/h"
port=$(free_port)
hotlined_conf "$d" "$port" "max-replies-per-hour 0
max-new-cases-per-hour 0
checkpoint-pages 100"
i=0
{
	echo "at=+0.3s"
	while [ $i -lt $N ]; do
		printf 'from=138001%05d to=12345 after=25ms text=投诉：幸福花园%d号楼楼下餐馆油烟和噪音扰民，请处理。\n' \
		    "$((i % 30))" "$i"
		i=$((i + 1))
	done
	echo "wait-for=ack"
	echo "after=3s"
	echo "exit"
} >"$T_DIR/load.scn"
start_bg sim "$SMSCSIM" -p "$port" -s "$T_DIR/load.scn" -o "$T_DIR/sent.jsonl" -d 100 -w 20

export HOTLINED_TEST_CITIZENS_FREEZE=8
kill_starts "$KILLS" "$d/hotlined.conf"
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
check "smscsim saw every MO acknowledged and finished (bounded)" wait_gone "$PID_sim" 120

# each start after a kill read the rows above the mark again
above=$(grep -c 'store  *citizens: [0-9]* numbers above the mark' "$d/hotlined.log")
echo "# starts that read numbers above citizens' mark: $above"
grep 'store  *citizens:' "$d/hotlined.log" | cut -c31-110 | sed 's/^/# /'
check "kills left numbers above the mark, read again at the next start" \
    test "$above" -ge 2
db="$d/hotlined.db"
distinct=$(sql "$db" "SELECT count(DISTINCT text) FROM cases")
echo "# cases=$(sql "$db" "SELECT count(*) FROM cases") distinct=$distinct of $N, kills=$KILLS"
check "every acknowledged MO is a case, once" test "$distinct" -eq "$N" -a \
    "$(sql "$db" "SELECT count(*) FROM cases")" -eq "$N"
check "passes ran (the mark moved)" test "$(sql "$db" \
    "SELECT last_case FROM citizens_mark")" -gt 0
check "each case is chained to its number's case before it" test "$(sql "$db" \
    "SELECT count(*) FROM cases c WHERE length(msisdn_hash) = 32 AND
    prev_case IS NOT (SELECT max(id) FROM cases p WHERE p.msisdn_hash =
    c.msisdn_hash AND p.id < c.id)")" = 0
check "each SMS is chained to its number's SMS before it" test "$(sql "$db" \
    "SELECT count(*) FROM outbox o WHERE length(msisdn_hash) = 32 AND
    prev_out IS NOT (SELECT max(id) FROM outbox p WHERE p.msisdn_hash =
    o.msisdn_hash AND p.id < o.id)")" = 0
check "no number is stale in citizens below the mark" test "$(sql "$db" "
    SELECT (SELECT count(*) FROM (SELECT msisdn_hash h, max(id) m FROM cases
    WHERE length(msisdn_hash) = 32 GROUP BY h) g WHERE NOT EXISTS (SELECT 1
    FROM cases WHERE msisdn_hash = g.h AND id > (SELECT last_case FROM
    citizens_mark)) AND g.m IS NOT (SELECT last_case FROM citizens WHERE
    msisdn_hash = g.h)) + (SELECT count(*) FROM (SELECT msisdn_hash h,
    max(id) m FROM outbox WHERE length(msisdn_hash) = 32 GROUP BY h) g WHERE
    NOT EXISTS (SELECT 1 FROM outbox WHERE msisdn_hash = g.h AND id >
    (SELECT last_out FROM citizens_mark)) AND g.m IS NOT (SELECT last_out
    FROM citizens WHERE msisdn_hash = g.h))")" = 0
check "every citizen received an acknowledgement, one for each MO" \
    test "$(acked_citizens "$T_DIR/sent.jsonl")" -eq 30 -a "$(sql "$db" \
    "SELECT count(*) FROM outbox WHERE kind = 'ack'")" -eq "$N"
kill -TERM "$PID_hl"
check "hotlined stops cleanly after the load" wait_gone "$PID_hl" 15
t_done
