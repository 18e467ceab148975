#!/bin/sh
# Honest health (issue 15): /v1/health and "hotlinectl health" say ok,
# degraded or failing with reasons, and hotlinectl exits 0, 1 or 2.
# Daemon A: ok, then its link stopped (degraded), then its store made
# read-only (failing, HTTP 503).  Daemon B: an old queue, too little disk
# (health-disk-min), next year missing from the calendar in November.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
plan 19

year=$(date +%Y)
# a calendar that declares this year and the next: nothing missing
cal="$T_DIR/both.calendar"
printf 'year %s\nyear %s\n' "$year" $((year + 1)) >"$cal"
chmod 644 "$cal"

d="$T_DIR/a"
port=$(free_port)
aport=$(free_port)
mkdir -p "$d"
hotlined_conf "$d" "$port" "$(office_survey_conf "$aport" "$d/tokens")"
sed -i "s|^calendar .*|calendar $cal|" "$d/hotlined.conf"
# a text every 0.3 s for 30 s at most: writes that meet the fault below
i=100
while [ $i -lt 200 ]; do
	echo "after=0.3s from=13800138$i to=12345 text=帮助"
	i=$((i + 1))
done >"$T_DIR/a.scn"
start_bg sim "$SMSCSIM" -p "$port" -s "$T_DIR/a.scn" -o "$T_DIR/sent.jsonl"
start_bg hl env HOTLINED_TEST_EROFS="$T_DIR/readonly" "$HOTLINED" -f \
    -c "$d/hotlined.conf"
log="$T_DIR/hl.out"
wait_log "$log" 'smpp +bound smsc=sim' 10 || bail "no bind"
hc() { "$HOTLINECTL" -s "127.0.0.1:$1" "$@" >"$T_DIR/hc.out" 2>&1; rc=$?; }
health() { _p=$1; shift; "$HOTLINECTL" -s "127.0.0.1:$_p" "$@" health \
    >"$T_DIR/hc.out" 2>&1; rc=$?; }

health "$aport"
check "all well: hotlinectl health says ok, exit 0" sh -c \
    "test $rc = 0 && test \"\$(cat '$T_DIR/hc.out')\" = ok"
health "$aport" --json
check "the JSON shape: status, checked_at, reasons[]" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) == {"status", "checked_at", "reasons"}, d
assert d["status"] == "ok" and d["reasons"] == [], d' "$T_DIR/hc.out"
python3 "$REQPY" "$aport" GET /v1/health >"$T_DIR/raw.out" 2>&1
check "GET /v1/health needs no token: 200" test "$(head -n 1 "$T_DIR/raw.out")" = 200

"$HOTLINECTL" -s "127.0.0.1:$aport" -t "$OFFICE" smsc stop sim >/dev/null 2>&1
wait_log "$log" 'smsc +sim stopped' 10
health "$aport"
check "link stopped: degraded, exit 1" sh -c "test $rc = 1 &&
    head -n 1 '$T_DIR/hc.out' | grep -qx degraded"
check "the reason names the link" \
    grep -Eq '^  degraded link: smsc sim is stopped by an operator' "$T_DIR/hc.out"
python3 "$REQPY" "$aport" GET /v1/health >"$T_DIR/raw.out" 2>&1
check "degraded is still HTTP 200" test "$(head -n 1 "$T_DIR/raw.out")" = 200
"$HOTLINECTL" -s "127.0.0.1:$aport" -t "$OFFICE" smsc start sim >/dev/null 2>&1
wait_log "$log" 'smsc +sim started' 10

# the store refuses writes: the next text's batch fails
: >"$T_DIR/readonly"
wait_log "$log" 'commit +failing at=' 10
health "$aport"
check "store read-only: failing, exit 2" sh -c "test $rc = 2 &&
    head -n 1 '$T_DIR/hc.out' | grep -qx failing"
check "the reason names the failing commits" \
    grep -q '^  failing commit: commits are failing' "$T_DIR/hc.out"
python3 "$REQPY" "$aport" GET /v1/health >"$T_DIR/raw.out" 2>&1
check "failing is HTTP 503 for load balancers" \
    test "$(head -n 1 "$T_DIR/raw.out")" = 503
check "no path leaks into the reasons" sh -c "! grep -q '$T_DIR' '$T_DIR/raw.out'"
rm -f "$T_DIR/readonly"
"$HOTLINECTL" -s 127.0.0.1:1 health >/dev/null 2>&1
check "no daemon: exit 3" test $? = 3

# --- daemon B: old queue, little disk, next year missing in November ----
d="$T_DIR/b"
port=$(free_port)
aport=$(free_port)
mkdir -p "$d"
cal1="$T_DIR/one.calendar"
printf 'year %s\n' "$year" >"$cal1"
hotlined_conf "$d" "$port" "$(office_survey_conf "$aport" "$d/tokens" |
    awk '{ print } /tokens-file/ { print "\thealth-outbox-age 1s";
    print "\thealth-disk-min 1000000g" }')"
sed -i "s|^calendar .*|calendar $cal1|" "$d/hotlined.conf"
cat >"$T_DIR/b.scn" <<'SCN'
fault throttle-for=600s
from=13800138071 to=12345 text=帮助
wait 600s
SCN
off=""
if has_test_clock; then
	# the middle of November this year, local time
	off=$(( $(date -d "$year-11-15 12:00" +%s) - $(date +%s) ))
fi
start_bg sim2 "$SMSCSIM" -p "$port" -s "$T_DIR/b.scn" -o "$T_DIR/sent2.jsonl"
start_bg hlb env HOTLINED_CLOCK_OFFSET="${off:-0}" "$HOTLINED" -f \
    -c "$d/hotlined.conf"
logb="$T_DIR/hlb.out"
check "B starts" wait_log "$logb" 'hotlined started' 10
wait_log "$logb" 'outbox +retry id=1 ' 10
for i in $(seq 1 60); do
	health "$aport"
	grep -q 'outbox:' "$T_DIR/hc.out" && break
	sleep 0.1
done
check "an SMS queued longer than health-outbox-age: degraded" sh -c \
    "test $rc = 1 && grep -Eq '^  degraded outbox: the oldest of 1 queued SMS has waited [0-9]+s \(health-outbox-age 1s\)' '$T_DIR/hc.out'"
check "less free disk than health-disk-min: degraded" \
    grep -Eq '^  degraded disk: [0-9]+ MiB free for the database \(health-disk-min [0-9]+ MiB\)' "$T_DIR/hc.out"
if [ -n "$off" ]; then
	check "November without next year's holidays: degraded" \
	    grep -q "^  degraded calendar: the calendar lacks next year ($((year + 1)))" "$T_DIR/hc.out"
	check "start-up warns of the missing year" \
	    grep -Eq "warn +calendar year $((year + 1)) missing from .*add the State Council's holidays" "$logb"
else
	skip_n 2 "no test clock: November cannot be made"
fi
check "B's log shows no full phone number" sh -c \
    "! grep -Eq '1380013807[0-9]' '$logb'"
check "A's log shows no full phone number" sh -c \
    "! grep -Eq '1380013[0-9]{4}' '$log'"
check "both still run" sh -c "kill -0 $PID_hl && kill -0 $PID_hlb"
t_done
