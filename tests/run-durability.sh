#!/bin/sh
# Nothing acknowledged is lost: hotlined is killed with SIGKILL again and
# again while smscsim offers a bounded load; afterwards every MO the SMSC
# saw acknowledged is in the database exactly once, and every citizen got
# an acknowledgement.  smscsim resends what was not acknowledged after each
# reconnect, as real SMSCs do.  checkpoint-pages 100: the WAL is
# checkpointed (by the thread, or inline in run-durability-inline.sh)
# many times during the load, so kills land in the middle of some.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
N=${DURABILITY_N:-400}
KILLS=${DURABILITY_KILLS:-6}
plan 7

d="$T_DIR/h"
port=$(free_port)
hotlined_conf "$d" "$port" "max-replies-per-hour 0
max-new-cases-per-hour 0
checkpoint-pages 100"
i=0
{
	echo "at=+0.3s"
	while [ $i -lt $N ]; do
		printf 'from=1380013%04d to=12345 text=投诉：幸福花园%d号楼楼下餐馆油烟和噪音扰民，请处理。\n' "$i" "$i"
		i=$((i + 1))
	done
	echo "wait-for=ack"
	echo "after=3s"
	echo "exit"
} >"$T_DIR/load.scn"
start_bg sim "$SMSCSIM" -p "$port" -s "$T_DIR/load.scn" -o "$T_DIR/sent.jsonl" -d 100 -w 20

kill_starts "$KILLS" "$d/hotlined.conf"
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
check "smscsim saw every MO acknowledged and finished (bounded)" wait_gone "$PID_sim" 120
kill -TERM "$PID_hl"
check "hotlined stops cleanly after the load" wait_gone "$PID_hl" 15
# a start killed before it opened the store logs neither line
threads=$(grep -c "store *checkpoint thread started" "$d/hotlined.log")
started=$(grep -c "hotlined started" "$d/hotlined.log")
[ "${HOTLINED_CHECKPOINT:-thread}" = inline ] && want=0 || want=$started
echo "# checkpoint ${HOTLINED_CHECKPOINT:-thread}: thread started" \
    "$threads times, hotlined $started"
check "each start checkpoints as configured" \
    test "$started" -ge 1 -a "$threads" -ge "$want" -a \
    \( "$want" -gt 0 -o "$threads" -eq 0 \)

db="$d/hotlined.db"
cases=$(sql "$db" "SELECT count(*) FROM cases")
distinct=$(sql "$db" "SELECT count(DISTINCT text) FROM cases")
echo "# cases=$cases distinct=$distinct of $N, kills=$KILLS"
check "every acknowledged MO is a case" test "$distinct" -eq "$N"
check "no MO became two cases" test "$cases" -eq "$distinct"
acked=$(acked_citizens "$T_DIR/sent.jsonl")
echo "# citizens acknowledged=$acked"
check "every citizen received an acknowledgement" test "$acked" -eq "$N"
check "nothing left queued or in flight" \
    test "$(sql "$db" "SELECT count(*) FROM outbox WHERE state IN (0, 1)")" -eq 0
t_done
