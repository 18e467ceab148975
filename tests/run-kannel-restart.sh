#!/bin/sh
# Kannel restarted mid-stream: hotlined behind Debian's bearerbox + smsbox
# (the shipped kannel.conf, as in run-kannel.sh) while smscsim offers a
# paced stream of MOs; in the middle of it both boxes are stopped and
# started again.  Afterwards every MO the SMSC offered is a case exactly
# once and every citizen is acknowledged (hotlined's sendsms calls that met
# Kannel down are retried by the outbox).  Prints what it tried and lost.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_kannel
N=${KANNEL_RESTART_N:-80}
plan 7

d="$T_DIR/h"
k="$T_DIR/k"
sport=$(free_port) hport=$(free_port)
sh "$top_srcdir/tests/kannel-conf.sh" "$k" "$sport" "$hport" "$(free_port)" \
    "$(free_port)" "$(free_port)" || bail "cannot write kannel.conf"
hotlined_conf "$d" - "max-new-cases-per-hour 0
max-replies-per-hour 0
$(cat "$k/hotlined-kannel.conf")"
db="$d/hotlined.db"
start_kannel() {
	: >"$T_DIR/bearerbox.out"
	: >"$T_DIR/smsbox.out"
	start_bg bearerbox "$BEARERBOX" -v 1 "$k/kannel.conf"
	wait_log "$T_DIR/bearerbox.out" 'Start-up done' 20 || return 1
	start_bg smsbox "$SMSBOX" -v 1 "$k/kannel.conf"
	wait_log "$T_DIR/smsbox.out" 'Connected to bearerbox' 20
}
# start_bg names its output through a global that check() uses too
started() { if start_kannel; then ok "$1"; else fail "$1"; fi; }
stop_kannel() {
	kill -TERM "$PID_smsbox" "$PID_bearerbox"
	wait_gone "$PID_smsbox" 20 && wait_gone "$PID_bearerbox" 20
}

mkfifo "$T_DIR/mo"
start_bg sim sh -c "exec '$SMSCSIM' -p $sport -i -o '$T_DIR/sent.jsonl' -d 100 <'$T_DIR/mo'"
exec 3>"$T_DIR/mo"
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
wait_log "$T_DIR/hl.out" 'kannel +listening' 10 || bail "hotlined did not start"
started "Kannel starts"

i=0
while [ $i -lt "$N" ]; do
	printf 'after=50ms from=1380013%04d to=12345 text=投诉：人民路%d号门口下水道堵塞，请疏通。\n' \
	    $((7000 + i)) "$i" >&3
	i=$((i + 1))
done
# stop both boxes once a third of the stream is in
check "the stream is under way" is_eventually 1 "$db" \
    "SELECT count(*) >= $((N / 3)) FROM cases" 400
check "both boxes stop mid-stream" stop_kannel
inflight=$(sql "$db" "SELECT count(*) FROM cases")
started "and start again"
echo "# restarted with $inflight of $N cases in"
check "every MO offered is a case, none twice" is_eventually "$N $N" "$db" \
    "SELECT count(*) || ' ' || count(DISTINCT text) FROM cases" 1200
check "nothing left queued or in flight" is_eventually 0 "$db" \
    "SELECT count(*) FROM outbox WHERE state IN (0, 1)" 1200
acked=$(acked_citizens "$T_DIR/sent.jsonl")
echo "# kannel-restart: tried=$N cases=$(sql "$db" "SELECT count(DISTINCT text) FROM cases") acknowledged=$acked lost=$((N - $(sql "$db" "SELECT count(DISTINCT text) FROM cases")))"
check "every citizen is acknowledged" test "$acked" -eq "$N"
exec 3>&-
t_done
