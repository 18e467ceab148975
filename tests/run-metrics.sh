#!/bin/sh
# GET /metrics (issue 15): Prometheus text format 0.0.4, parsed line by
# line; its counters agree with the database after a small load (cases by
# category, refusals by reason, SMS sent); the histograms add up; the
# token it needs, and metrics-auth none; hostile requests.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
plan 19

d="$T_DIR/h"
port=$(free_port)
aport=$(free_port)
mkdir -p "$d"
hotlined_conf "$d" "$port" "$(office_survey_conf "$aport" "$d/tokens")"
db="$d/hotlined.db"
cat >"$T_DIR/s.scn" <<'SCN'
from=13800138081 to=12345 text=我要投诉：幸福花园小区旁边的工地每天晚上十一点以后还在施工，噪音扰民，请尽快处理。
from=13800138082 to=12345 text=请问新生儿医保怎么办理，需要带什么材料？
from=13800138083 to=12345 text=我和公司的劳动纠纷法院已经受理了，能不能帮我催一下判决？
from=13800138084 to=12345 text=帮助
from=13800138085 to=12345 text=求助：建设路和文明路路口的路灯坏了好几天，晚上很黑，请派人修一下。
SCN
start_bg sim "$SMSCSIM" -p "$port" -s "$T_DIR/s.scn" -o "$T_DIR/sent.jsonl"
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
sent="$T_DIR/sent.jsonl"
status_is() { test "$(head -n 1 "$T_DIR/$1.out")" = "$2"; }
answered() {
	for _i in $(seq 1 200); do
		_n=$(grep -c '"status":0' "$sent" 2>/dev/null)
		[ "${_n:-0}" -ge 5 ] && return 0
		sleep 0.05
	done
	return 1
}
check "five answers go out" answered
is_eventually 5 "$db" "SELECT COUNT(*) FROM outbox WHERE state >= 2" ||
    echo "# not every row sent yet"

req m GET /metrics -t "$OFFICE"
check "GET /metrics: 200" status_is m 200
# the body without req.py's status line
sed 1d "$T_DIR/m.out" >"$T_DIR/metrics.txt"
check "text format 0.0.4: every sample parses, every family typed once" \
    python3 - "$T_DIR/metrics.txt" <<'PY'
import re, sys
sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)'
    r'(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"'
    r'(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? '
    r'(-?[0-9.]+(?:e[+-]?[0-9]+)?|\+Inf|NaN)$')
types, seen = {}, set()
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if line.startswith("# TYPE "):
        _, _, name, kind = line.split(" ")
        assert name not in types, "typed twice: " + name
        assert kind in ("counter", "gauge", "histogram"), line
        types[name] = kind
        continue
    if line.startswith("# HELP ") or line == "":
        continue
    m = sample.match(line)
    assert m, "bad line: " + line
    name = m.group(1)
    base = re.sub(r'_(bucket|sum|count)$', '', name)
    assert name in types or (base in types and types[base] == "histogram"), \
        "untyped: " + name
    seen.add(base if base in types else name)
assert len(seen) >= 20, seen
PY
# value NAME [LABELS]: one sample's value
value() {
	python3 - "$T_DIR/metrics.txt" "$1" "${2:-}" <<'PY'
import sys
key = sys.argv[2] + ("{" + sys.argv[3] + "}" if sys.argv[3] else "")
for line in open(sys.argv[1], encoding="utf-8"):
    if line.rsplit(" ", 1)[0] == key:
        print(line.rsplit(" ", 1)[1].strip())
PY
}
check "five texts received" test "$(value hotlined_mo_received_total)" = 5
check "cases by category agree with the database" python3 - \
    "$T_DIR/metrics.txt" "$db" <<'PY'
import re, sqlite3, sys
got = {}
for l in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r'hotlined_cases_registered_total\{category="(.*)"\} (\d+)', l)
    if m:
        got[m.group(1)] = int(m.group(2))
db = sqlite3.connect(sys.argv[2])
want = dict(db.execute("SELECT category, COUNT(*) FROM cases GROUP BY 1"))
assert got == want and sum(want.values()) >= 3, (got, want)
PY
check "refusals by reason agree with the database" python3 - \
    "$T_DIR/metrics.txt" "$db" <<'PY'
import re, sqlite3, sys
got = {}
for l in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r'hotlined_mo_refused_total\{reason="(.*)"\} (\d+)', l)
    if m:
        got[m.group(1)] = int(m.group(2))
db = sqlite3.connect(sys.argv[2])
want = dict(db.execute("SELECT reason, COUNT(*) FROM refusals GROUP BY 1"))
assert got == want and sum(want.values()) == 1, (got, want)
PY
check "accepted = received - refused - ignored" \
    test "$(value hotlined_mo_accepted_total)" = 4
check "SMS sent agree with the outbox" test "$(value hotlined_mt_total \
    'outcome="sent"')" = "$(sql "$db" "SELECT COUNT(*) FROM outbox WHERE state >= 2")"
check "the link is up, its submits counted" sh -c "
    test '$(value hotlined_smsc_up 'smsc="sim"')' = 1 &&
    test '$(value hotlined_smsc_submits_total 'smsc="sim"')' -ge 5"
check "histograms: +Inf bucket = count = commits" sh -c "
    test '$(value hotlined_commit_batch_size_bucket 'le="+Inf"')' = '$(value hotlined_commits_total)' &&
    test '$(value hotlined_commit_duration_seconds_count)' = '$(value hotlined_commits_total)' &&
    test '$(value hotlined_commits_total)' -ge 1"
check "the sync thread's syncs counted, its waiting batches a gauge" sh -c "
    test '$(value hotlined_wal_syncs_total)' -ge 1 &&
    test '$(value hotlined_commits_unsynced)' -ge 0"
# v24: the numbers above citizens' mark are held in memory (no pass yet)
check "citizens lagging: the numbers with rows above the mark" test \
    "$(value hotlined_citizens_lagging)" = "$(sql "$db" "SELECT COUNT(DISTINCT
    h) FROM (SELECT msisdn_hash h FROM cases WHERE id > (SELECT last_case
    FROM citizens_mark) AND length(msisdn_hash) = 32 UNION ALL SELECT
    msisdn_hash FROM outbox WHERE id > (SELECT last_out FROM citizens_mark)
    AND length(msisdn_hash) = 32)")" -a "$(value hotlined_citizens_lagging)" \
    -ge 1 -a "$(value hotlined_citizens_passes_total)" = 0
"$HOTLINECTL" -s "127.0.0.1:$aport" -t "$OFFICE" status >"$T_DIR/status.txt"
check "hotlinectl status shows them, after the commits" sh -c "
    grep -q '^citizens-lagging  *$(value hotlined_citizens_lagging)\$' \
    '$T_DIR/status.txt' &&
    grep -q '^citizens-passes  *0\$' '$T_DIR/status.txt' &&
    grep -A3 '^commits-unsynced ' '$T_DIR/status.txt' |
    grep -q '^citizens-frozen  *0\$'"
check "process gauges and build info" sh -c "
    test '$(value process_resident_memory_bytes)' -gt 1000000 &&
    test '$(value process_open_fds)' -gt 3 &&
    grep -q '^hotlined_build_info{version=\"[0-9.]*\"} 1$' '$T_DIR/metrics.txt'"

req noauth GET /metrics
check "no token: 401" status_is noauth 401
req post POST /metrics -t "$OFFICE" -b '{}'
check "POST /metrics: 405" status_is post 405
req q GET '/metrics?x=1' -t "$OFFICE"
check "a query string: 400" status_is q 400

# metrics-auth none: a scraper needs no token (loopback listener)
d2="$T_DIR/h2"
aport2=$(free_port)
mkdir -p "$d2"
hotlined_conf "$d2" "$port" "$(office_survey_conf "$aport2" "$d2/tokens" |
    awk '{ print } /tokens-file/ { print "\tmetrics-auth none" }')"
start_bg hl2 "$HOTLINED" -f -c "$d2/hotlined.conf"
wait_log "$T_DIR/hl2.out" 'admin +listening' 10
python3 "$REQPY" "$aport2" GET /metrics >"$T_DIR/open.out" 2>&1
check "metrics-auth none: 200 without a token" sh -c "
    status_is() { test \"\$(head -n 1 '$T_DIR/open.out')\" = 200; }; status_is &&
    grep -q '^hotlined_mo_received_total 0$' '$T_DIR/open.out'"
check "no full phone number in the metrics or the log" sh -c \
    "! grep -Eq '1380013808[0-9]' '$T_DIR/metrics.txt' '$T_DIR/hl.out'"
t_done
