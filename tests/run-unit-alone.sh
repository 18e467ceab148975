#!/bin/sh
# One unit of work fails in a batch of many.  One MO is a consultation the
# knowledge base answers: its case is registered, then lifecycle_apply()
# closes it as answered -- and a trigger the test adds to the database
# refuses that update (a store error half-way through the unit, inside
# the lifecycle, where a nested transaction used to roll the whole batch
# back).  That MO alone is undone and answered with a temporary error;
# every other MO of its batch is a case and acknowledged, no batch fails.
# Once the trigger is gone, the SMSC's resend of it is answered from the
# knowledge base like any other.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
N=${UNIT_ALONE_N:-60}
BAD=$((N / 2))
plan 12

d="$T_DIR/h"
db="$d/hotlined.db"
port=$(free_port) aport=$(free_port)
hotlined_conf "$d" "$port" "max-replies-per-hour 0
max-new-cases-per-hour 0
$(office_survey_conf "$aport" "$d.tokens")"
status_key() { status_counter "$aport" "$1"; }

mkfifo "$T_DIR/mo"
start_bg sim sh -c "exec '$SMSCSIM' -p $port -i -o '$T_DIR/sent.jsonl' -w 20 <'$T_DIR/mo'"
exec 3>"$T_DIR/mo"
"$HOTLINED" -f -c "$d/hotlined.conf" 2>&1 | cat >"$T_DIR/hl.out" &
T_PIDS="$T_PIDS $!"
wait_log "$T_DIR/hl.out" 'smpp +bound' 10 || bail "hotlined did not bind"
T_PIDS="$T_PIDS $(cat "$d/hotlined.pid")"

"$HOTLINECTL" -s "127.0.0.1:$aport" -t "$OFFICE" kb add "社保费,缴费" \
    "社保费可通过粤税通小程序或银行代扣缴纳。" >/dev/null ||
    bail "cannot add the knowledge base entry"
sql "$db" "CREATE TRIGGER test_refuse BEFORE UPDATE OF state ON cases
    WHEN NEW.state = 'answered'
    BEGIN SELECT RAISE(ABORT, 'test: answer refused'); END;" ||
    bail "cannot add the trigger"
_i=0
while [ "$_i" -lt "$N" ]; do
	if [ "$_i" -eq "$BAD" ]; then
		printf 'from=1380013%04d to=12345 text=请问社保费怎么缴费？\n' \
		    "$_i" >&3
	else
		printf 'from=1380013%04d to=12345 text=投诉：和平街%d号门口垃圾堆积，请清运。\n' \
		    "$_i" "$_i" >&3
	fi
	_i=$((_i + 1))
done

check "every other MO is a case" is_eventually $((N - 1)) "$db" \
    "SELECT count(*) FROM cases" 600
check "the refused one was undone alone, answered a temporary error" \
    wait_log "$T_DIR/hl.out" 'inbound +not stored bearer=' 20
check "and nothing of it remains: no case, no inbound row" test \
    "$(sql "$db" "SELECT (SELECT count(*) FROM cases WHERE text LIKE '%社保费%')
    + (SELECT count(*) FROM inbound WHERE text LIKE '%社保费%')")" -eq 0
check "every other citizen is acknowledged" is_eventually 0 "$db" \
    "SELECT count(*) FROM outbox WHERE state IN (0, 1)" 600
acked=$(acked_citizens "$T_DIR/sent.jsonl")
echo "# acknowledged=$acked of $N, largest batch=$(status_key commits.largest)"
check "... on the SMSC too" test "$acked" -eq $((N - 1))
check "no batch failed" test "$(status_key commits.failed)" -eq 0
check "batches held several messages" test "$(status_key commits.largest)" -gt 1
# wal-sync thread (the default): the thread made the syncs, none is left
unsynced_none() { [ "$(status_key commits.unsynced)" -eq 0 ]; }
check "the sync thread made the batches' syncs" test "$(status_key commits.syncs)" -gt 0
check "no batch is left unsynced" wait_for 10 unsynced_none
check "the log shows exactly the committed cases" \
    test "$(grep -Ec 'intake +case=' "$T_DIR/hl.out")" -eq $((N - 1))

sql "$db" "DROP TRIGGER test_refuse" || bail "cannot drop the trigger"
check "the resend is answered once the fault is gone" is_eventually answered \
    "$db" "SELECT state FROM cases WHERE text LIKE '%社保费%'" 600
check "and acknowledged" is_eventually 0 "$db" \
    "SELECT count(*) FROM outbox WHERE state IN (0, 1)" 600
exec 3>&-
t_done
