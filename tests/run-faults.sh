#!/bin/sh
# Resource faults, each bounded in count and time, each saying what it
# tried and what was lost (always 0): the daemon out of file descriptors
# (ulimit -n 48) under connection floods on the admin API and the Kannel
# listener while citizens keep texting, then a storm of SIGHUPs.  Counted,
# not timed: accept errors (each pauses its listener 1 s) against the
# seconds the flood lasted, MOs acknowledged against rows in the store.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
plan 14

d="$T_DIR/h"
port=$(free_port) aport=$(free_port) hport=$(free_port)
mkdir -p "$d"
hotlined_conf "$d" "$port" "max-new-cases-per-hour 0
max-replies-per-hour 0
$(kannel_block "$d" "$hport")
$(office_survey_conf "$aport" "$d/tokens")"
db="$d/hotlined.db"
log="$d/hotlined.log"
HTTPC="python3 $top_srcdir/tests/peers/httpc.py"
sent="$T_DIR/sent.jsonl"
health() { python3 "$top_srcdir/tests/data/admin/req.py" "$aport" GET \
    /v1/health 2>/dev/null | head -n 1; }
inbound() { sql "$db" "SELECT count(*) FROM inbound"; }
# mos FIRST COUNT: COUNT MOs from 1380013FIRST.. into smscsim's stdin
mos() {
	_i=0
	while [ $_i -lt "$2" ]; do
		printf 'from=1380013%04d to=12345 text=投诉：%d号楼电梯又坏了\n' \
		    $(($1 + _i)) $((_i + 1)) >&3
		_i=$((_i + 1))
	done
}

mkfifo "$T_DIR/mo"
start_bg sim sh -c "exec '$SMSCSIM' -p $port -i -o '$sent' <'$T_DIR/mo'"
exec 3>"$T_DIR/mo"
start_bg hl sh -c "ulimit -n 48 && exec '$HOTLINED' -f -c '$d/hotlined.conf'"
wait_log "$T_DIR/hl.out" 'smpp +bound smsc=sim' 10
check "the caps above the file limit are warned about at start" \
    grep -Eq 'max-connections=[0-9]+: .*above the open-file limit 48' "$log"

# --- out of descriptors: both listeners flooded, citizens keep texting
rm -f "$T_DIR/stop"
t0=$(date +%s)
$HTTPC hold "$hport" 120 "$T_DIR/stop" 30 >"$T_DIR/hold1.out" 2>&1 &
h1=$!
$HTTPC hold "$aport" 120 "$T_DIR/stop" 30 >"$T_DIR/hold2.out" 2>&1 &
h2=$!
check "the floods run the daemon out of descriptors" \
    wait_log "$log" '(kannel|admin) +accept failed error="Too many open files"' 15
mos 100 20
check "every MO sent meanwhile is stored and acknowledged" \
    is_eventually 20 "$db" "SELECT count(*) FROM inbound" 300
touch "$T_DIR/stop"
wait "$h1" "$h2"
t1=$(date +%s)
check "the admin API answers once the flood is gone" sh -c "
    for i in \$(seq 1 100); do
        test \"\$(python3 '$top_srcdir/tests/data/admin/req.py' $aport GET /v1/health 2>/dev/null | head -n 1)\" = 200 && exit 0
        sleep 0.1
    done; exit 1"
check "and says it accepts again" wait_log "$log" \
    '(kannel|admin) +accepting again, accept errors so far=[0-9]+' 10
ke=$(status_get "$aport" "$OFFICE" http.kannel.accept_errors)
ae=$(status_get "$aport" "$OFFICE" http.admin.accept_errors)
# errors go on while the backlog drains: count to this read; a pause of
# 1 s after each makes at most one per started second, +1 for rounding
secs=$(($(date +%s) - t0 + 2))
echo "# flood: $(cat "$T_DIR/hold1.out") on kannel, $(cat "$T_DIR/hold2.out") on admin for $((t1 - t0))s, errors counted over ${secs}s: accept errors kannel=$ke admin=$ae; 20 MOs sent, $((20 - $(inbound))) lost"
# each error pauses its listener 1 s: at most one a second, plus the one
# that starts the episode (spinning made hundreds of thousands)
check "accept errors are paused, not spun: at most one a second each" \
    test "${ke:-999999}" -le "$secs" -a "${ae:-999999}" -le "$secs"
check "a line a minute per listener at most, not one per error" test \
    "$(grep -Ec 'accept failed' "$log")" -le 2
check "nothing lost: 20 MOs, 20 stored, each once" test "$(sql "$db" \
    "SELECT count(DISTINCT source_hash) FROM inbound WHERE id <= (SELECT MIN(id) + 19 FROM inbound)")" = 20
check "every citizen got an acknowledgement" is_eventually 20 "$db" \
    "SELECT count(*) FROM outbox WHERE kind = 'ack' AND state >= 2" 200

# --- a SIGHUP storm while citizens text
pid=$(cat "$d/hotlined.pid" 2>/dev/null || echo "$PID_hl")
mos 200 20
k=0
while [ $k -lt 100 ]; do
	kill -HUP "$pid" 2>/dev/null || break
	k=$((k + 1))
	[ $((k % 10)) -eq 0 ] && sleep 0.05
done
check "100 SIGHUPs sent, the daemon still runs" sh -c "test $k = 100 && kill -0 $pid"
check "it reloaded (signals may coalesce, never crash)" \
    wait_log "$log" 'hotlined +reloaded hooks=' 10
check "every MO sent during the storm is stored" \
    is_eventually 40 "$db" "SELECT count(*) FROM inbound" 300
echo "# SIGHUP storm: $k signals, $(grep -c 'hotlined *reloaded hooks=' "$log") reloads; 20 MOs sent, $((40 - $(inbound))) lost"
check "the admin API answers after the storm" test "$(health)" = 200
check "no phone number in the log" sh -c \
    "! grep -Eq '1380013[0-9]{4}' '$T_DIR/hl.out' '$log'"
exec 3>&-
t_done
