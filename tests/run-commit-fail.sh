#!/bin/sh
# The store cannot commit (a full disk, here a file-size limit set on the
# running daemon with prlimit(1): every write fails) while smscsim keeps
# offering MOs and resends each refused one at once.  hotlined must not
# spin: input is refused with a pause, the failure is logged once, every
# failed try counted, no case is logged that was rolled back; once the
# limit is lifted the commits recover by themselves and every MO offered
# is a case exactly once, every citizen acknowledged.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
command -v prlimit >/dev/null || skip_all "prlimit (util-linux) not installed"
N1=${COMMIT_FAIL_N1:-200}
N2=${COMMIT_FAIL_N2:-200}
plan 13

d="$T_DIR/h"
db="$d/hotlined.db"
port=$(free_port) aport=$(free_port)
hotlined_conf "$d" "$port" "max-replies-per-hour 0
max-new-cases-per-hour 0
$(office_survey_conf "$aport" "$d.tokens")"
# the limit holds for every file the daemon writes: its log goes to a
# pipe instead, and the log file is one that never grows
sed -i 's|^log-file .*|log-file /dev/null|' "$d/hotlined.conf"
status_key() { status_counter "$aport" "$1"; }
# wait_status KEY MIN: until the counter is at least MIN (bounded, 20 s)
wait_status() {
	for _i in $(seq 1 400); do
		[ "$(status_key "$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}
mos() {
	_i=0
	while [ "$_i" -lt "$2" ]; do
		printf 'from=1380013%04d to=12345 text=投诉：和平街%d号门口垃圾堆积，请清运。\n' \
		    $(($1 + _i)) $(($1 + _i)) >&3
		_i=$((_i + 1))
	done
}

mkfifo "$T_DIR/mo"
start_bg sim sh -c "exec '$SMSCSIM' -p $port -i -o '$T_DIR/sent.jsonl' -d 100 -w 20 <'$T_DIR/mo'"
exec 3>"$T_DIR/mo"
"$HOTLINED" -f -c "$d/hotlined.conf" 2>&1 | cat >"$T_DIR/hl.out" &
T_PIDS="$T_PIDS $!"
wait_log "$T_DIR/hl.out" 'smpp +bound' 10 || bail "hotlined did not bind"
hp=$(cat "$d/hotlined.pid")
T_PIDS="$T_PIDS $hp"

mos 0 "$N1"
check "first $N1 MOs are cases" is_eventually "$N1" "$db" \
    "SELECT count(*) FROM cases" 600

prlimit --pid "$hp" --fsize=4096: || bail "prlimit failed"
mos "$N1" "$N2"
check "the failure is noticed" wait_log "$T_DIR/hl.out" 'commit +failing' 20
# the daemon's own lines: the test's status polls log a request each
own_lines() { grep -Ecv 'admin +request' "$T_DIR/hl.out"; }
before=$(own_lines)
# hotlined's CPU time in clock ticks (a figure for the log, not asserted)
cpu() { awk '{ print $14 + $15 }' "/proc/$hp/stat"; }
c0=$(cpu) t0=$(date +%s%N)
check "while it lasts, input is refused (counted)" \
    wait_status commits.refused 100
after=$(own_lines)
c1=$(cpu) t1=$(date +%s%N)
echo "# cpu while failing: $(( (c1 - c0) * 1000 / $(getconf CLK_TCK) )) ms in $(( (t1 - t0) / 1000000 )) ms"
refused=$(status_key commits.refused)
lines=$((after - before))
echo "# while failing: refused=$refused log lines=$lines"
check "no storm: far fewer log lines than refusals" \
    test "$lines" -lt 40 -a "$lines" -lt "$refused"
check "the failure is logged once" \
    test "$(grep -Ec 'commit +failing' "$T_DIR/hl.out")" -eq 1
check "status says failing" test "$(status_key commits.failing)" -eq 1

prlimit --pid "$hp" --fsize=unlimited: || bail "prlimit failed"
check "the commits recover by themselves" \
    wait_log "$T_DIR/hl.out" 'commit +recovered after=[0-9]+ms failed=[1-9]' 20
check "every MO offered is a case, none twice" is_eventually \
    "$((N1 + N2)) $((N1 + N2))" "$db" \
    "SELECT count(*) || ' ' || count(DISTINCT text) FROM cases" 600
check "every citizen is acknowledged" is_eventually 0 "$db" \
    "SELECT count(*) FROM outbox WHERE state IN (0, 1)" 600
acked=$(acked_citizens "$T_DIR/sent.jsonl")
failed=$(status_key commits.failed)
echo "# tried=$((N1 + N2)) refused=$refused failed-commits=$failed acknowledged=$acked lost=$((N1 + N2 - $(sql "$db" "SELECT count(DISTINCT text) FROM cases")))"
check "every citizen got the acknowledgement" test "$acked" -eq $((N1 + N2))
logged=$(grep -Ec 'intake +case=' "$T_DIR/hl.out")
echo "# intake lines=$logged cases=$(sql "$db" "SELECT count(*) FROM cases")"
check "the log shows exactly the committed cases" \
    test "$logged" -eq "$(sql "$db" "SELECT count(*) FROM cases")"
check "each failed try is counted" test "$failed" -ge 2
check "status: no longer failing" test "$(status_key commits.failing)" -eq 0
exec 3>&-
t_done
