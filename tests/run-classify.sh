#!/bin/sh
# Unsure means a person decides (issue 11), end to end over real SMPP: a
# rule forces "category unclassified" (as the classifier does when it is
# unsure); the citizen's acknowledgement promises no category, only the
# day the office will classify by; the case waits in the queue (working
# time waited), cannot be dispatched, answers CX without a deadline.  Days
# later (HOTLINED_CLOCK_OFFSET) the overdue scan presses the office, an
# operator classifies it, and the citizen gets one SMS with the category
# and the due date counted from receipt on the calendar's working days (a
# holiday and a make-up working day on the way).  A correction is told
# again; every label is an exported example without numbers.  Errors:
# unknown case, unknown category, "unclassified", a closed case, a unit.
# Every text the citizen receives is compared whole.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
has_test_clock || skip_all "moves the clock: needs a build configured --enable-test-clock"
plan 40

UNIT=unit-secret-0123456789ab
d="$T_DIR/u"
port=$(free_port)
aport=$(free_port)
mkdir -p "$d"
db="$d/hotlined.db"
sent="$T_DIR/sent.jsonl"

# Receipt R: a Thursday 10:00 local, a week or more ahead.  The calendar
# makes the Monday after R a holiday and the Saturday after that a
# make-up working day; dates.py prints what the rules of
# hotlined.calendar(5) say, counted here independently of the daemon.
python3 - "$d" >"$d/dates" <<'PY'
import datetime as dt, sys, time
now = dt.datetime.now()
r = (now + dt.timedelta(days=7)).replace(hour=10, minute=0, second=0,
                                         microsecond=0)
while r.weekday() != 3:
    r += dt.timedelta(days=1)
hol = (r + dt.timedelta(days=4)).date()          # Monday
mkup = (r + dt.timedelta(days=9)).date()         # Saturday
years = sorted({r.year, (r + dt.timedelta(days=60)).year})
with open(sys.argv[1] + "/calendar", "w") as f:
    for y in years:
        f.write("year %d\n" % y)
    f.write("holiday %s %s\t测试假日\n" % (hol, hol))
    f.write("workday %s\t测试调休\n" % mkup)
def work(d):
    return d == mkup or (d.weekday() < 5 and d != hol)
def add(d, n):
    while n > 0:
        d += dt.timedelta(days=1)
        n -= work(d)
    return d
day0 = r.date()                                  # a working day, 10:00
later = (r + dt.timedelta(days=5)).replace(hour=9)   # Tuesday 09:00
print("OFF1=%d" % int(r.timestamp() - time.time()))
print("OFF2=%d" % int(later.timestamp() - time.time()))
print("CLASSIFY_DUE=%s" % add(day0, 1))          # classify-days 1
print("DUE_COMPLAINT=%s" % add(day0, 10))
print("DUE_SUGGESTION=%s" % add(day0, 10))
# working minutes from R to later: Thu 14 h, Fri 24 h, Tue 9 h
print("WAITED=%d" % ((14 + 24 + 9) * 60))
PY
. "$d/dates"

printf 'ops\toffice\t%s\nwater\tunit\t%s\tHB-WATER\n' "$OFFICE" "$UNIT" \
    >"$d/tokens"
chmod 600 "$d/tokens"
# the shipped rules, with one that forces unclassified tried first
{ echo "rule unsure-test category unclassified any 情况说明"
  cat "$top_srcdir/etc/hotlined.rules"; } >"$d/rules"
hotlined_conf "$d" "$port" "service-number 12345
admin {
	port $aport
	tokens-file $d/tokens
}"
sed -i "s|^rules .*|rules $d/rules|; s|^calendar .*|calendar $d/calendar|" \
    "$d/hotlined.conf"

uctl() { "$HOTLINECTL" -s "127.0.0.1:$aport" -t "$UNIT" "$@"; }
mo() { printf 'from=%s to=12345 text=%s\n' "$1" "$2" >&3; }
# texts LAST4: every SMS text sent to the number ending LAST4, one a line
texts() {
	python3 -c 'import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("dest_last4") == sys.argv[2]:
        print(r["text"])' "$sent" "$1" 2>/dev/null
}
# got LAST4 TEXT [TRIES]: that whole text was sent to LAST4
got() {
	for _i in $(seq 1 "${3:-200}"); do
		texts "$1" | grep -qxF -- "$2" && return 0
		sleep 0.05
	done
	return 1
}
said() { grep -Eq -- "$2" "$T_DIR/$1.out"; }
start_daemon() {
	start_bg hl env "HOTLINED_CLOCK_OFFSET=$1" "$HOTLINED" -f \
	    -c "$d/hotlined.conf"
	wait_log "$T_DIR/hl.out" 'smpp +bound smsc=sim' 10 &&
	    wait_log "$T_DIR/hl.out" 'admin +listening' 5
}

mkfifo "$T_DIR/mo"
start_bg sim sh -c "exec '$SMSCSIM' -p $port -i -o '$sent' -d 100 <'$T_DIR/mo'"
exec 3>"$T_DIR/mo"
if start_daemon "$OFF1"; then ok "hotlined starts on the day of receipt"
else fail "hotlined starts on the day of receipt"; fi

# --- unsure: registered, no category promised
mo 13800138090 "关于小区门口那件事，我写了份情况说明，联系电话13800138095，请看一下。"
check "the case is acknowledged" wait_sms 8090 'HY' 1
n=$(sql "$db" "SELECT number FROM cases ORDER BY id DESC LIMIT 1")
check "registered as unclassified, due the day the office classifies by" \
    test "$(sql "$db" "SELECT category || ' ' || due FROM cases WHERE number = '$n'")" = "unclassified $CLASSIFY_DUE"
check "the acknowledgement promises no category and no deadline (whole text)" \
    got 8090 "【12345热线】已受理，案件号$n。我们将于$CLASSIFY_DUE前确定诉求类别和办理时限，并短信告知您。"
check "the operator log says cat=unclassified" \
    grep -Eq "intake +case=$n msisdn=138\\*\\*\\*\\*8090~[a-z]{4} cat=unclassified due=$CLASSIFY_DUE .*rule=unsure-test" "$T_DIR/hl.out"
mo 13800138090 "CX $n"
check "CX of the case names no deadline (whole text)" \
    got 8090 "【12345热线】案件$n当前状态：已受理，类别待定，将于$CLASSIFY_DUE前确定类别和办理时限并短信告知您。"
mo 13800138090 "CX"
check "CX lists it as 待分类 (whole text)" \
    got 8090 "【12345热线】您有1件诉求正在办理：$n 已受理 待分类。查询详情请回复\"CX 案件号\"。"

# --- the queue, the status, what the office may not do yet
run queue ctl case queue
check "the queue lists it" sh -c "test $rc = 0 && grep -q '^$n ' '$T_DIR/queue.out' && grep -q '(1 waiting)' '$T_DIR/queue.out'"
run status ctl --json status
check "status counts one waiting" python3 -c 'import json,sys
s = json.load(open(sys.argv[1]))["unclassified"]
sys.exit(s["waiting"] != 1 or s["oldest_received_at"] is None)' "$T_DIR/status.out"
ctl unit add HB-WATER 水务局 >/dev/null
run early ctl case dispatch "$n" HB-WATER
check "it cannot be dispatched before it is classified (409)" \
    sh -c "test $rc = 1 && grep -q 'unclassified: classify it first' '$T_DIR/early.out' && grep -q conflict '$T_DIR/early.out'"

# --- days later: Tuesday, past the classification day
kill -TERM "$PID_hl"
wait_gone "$PID_hl" 10
if start_daemon "$OFF2"; then ok "hotlined restarts five days later"
else fail "hotlined restarts five days later"; fi
check "the overdue scan presses the office" \
    wait_log "$T_DIR/hl.out" "notify overdue case=$n due=$CLASSIFY_DUE" 10
check "supervised as overdue" test "$(field "$n" supervision)" = overdue
run queue2 ctl --json case queue
check "working time waited: not the weekend, not the holiday" python3 -c 'import json,sys
c = json.load(open(sys.argv[1]))["cases"][0]
w = int(sys.argv[2])
sys.exit(not (c["number"] == sys.argv[3] and w <= c["waited_minutes"] < w + 10
    and c["waited_workdays"] == 2 and c["overdue"] is True))' \
    "$T_DIR/queue2.out" "$WAITED" "$n"

# --- classify errors
run e1 ctl case classify HY9901010001 complaint
check "unknown case: not found" sh -c "test $rc = 1 && grep -q 'no case HY9901010001' '$T_DIR/e1.out'"
run e2 ctl case classify "$n" complain
check "unknown category: bad request naming the categories" \
    sh -c "test $rc = 1 && grep -q \"unknown category 'complain' (consultation, help\" '$T_DIR/e2.out'"
run e3 ctl case classify "$n" unclassified
check "classifying to unclassified is refused" \
    sh -c "test $rc = 1 && grep -q 'not unclassified' '$T_DIR/e3.out'"
run e4 uctl case classify "$n" complaint
check "a unit may not classify (403)" sh -c "test $rc = 1 && grep -q forbidden '$T_DIR/e4.out'"
mo 13800138091 "咨询：图书馆周末开放吗？"
check "another citizen's consultation" wait_sms 8091 'HY' 1
c2=$(sql "$db" "SELECT number FROM cases WHERE text LIKE '%图书馆%'")
ctl case answer "$c2" 周末开放，9:00至17:00。 >/dev/null
run e5 ctl case classify "$c2" complaint
check "a closed case cannot be classified (409)" \
    sh -c "test $rc = 1 && grep -q 'cannot classify case $c2: it is answered' '$T_DIR/e5.out'"
check "no refused classification told anyone" test "$(texts 8090 | grep -c 已确定为)" = 0
run e6 ctl case classify "$n"
check "CATEGORY is required (usage)" test "$rc" = 2
run e7 ctl case queue --limit
check "case queue --limit needs a value (usage)" test "$rc" = 2
run e8 ctl case labels --after -1
check "case labels --after takes an id (usage)" test "$rc" = 2
run e9 ctl case queue --limit 0
check "a limit of 0 is the server's bad request" \
    sh -c "test $rc = 1 && grep -q 'limit: a number from 1 to 200' '$T_DIR/e9.out'"

# --- the office classifies: due from receipt, one SMS
run cl ctl case classify "$n" complaint 经核实属投诉
check "classified; the due date is counted from receipt" \
    sh -c "test $rc = 0 && grep -qx '$n: complaint, due $DUE_COMPLAINT' '$T_DIR/cl.out'"
check "the citizen is told category and due date (whole text)" \
    got 8090 "【12345热线】案件$n已确定为投诉举报类，将于$DUE_COMPLAINT前答复。查询回复CX $n"
sleep 0.5
check "exactly one SMS" test "$(texts 8090 | grep -c 已确定为)" = 1
check "the overdue supervision ended" test "$(field "$n" supervised)" = false
run queue3 ctl case queue
check "the queue is empty" grep -qx '(0 waiting)' "$T_DIR/queue3.out"
check "audited: who, from what, to what" \
    test "$(sql "$db" "SELECT actor || ' ' || json_extract(detail, '$.previous') || ' ' || json_extract(detail, '$.category') || ' ' || json_extract(detail, '$.text') FROM audit WHERE action = 'case.classify'")" = "office:ops unclassified complaint 经核实属投诉"
run labels ctl case labels
check "the label is an example for training, the number in the text masked" \
    test "$rc $(cat "$T_DIR/labels.out")" = '0 {"text":"关于小区门口那件事，我写了份情况说明，联系电话***********，请看一下。","label":"complaint"}'

# --- a correction is told again and replaces the example
run cl2 ctl case classify "$n" suggestion
check "reclassified as a suggestion" sh -c "test $rc = 0 && grep -qx '$n: suggestion, due $DUE_SUGGESTION' '$T_DIR/cl2.out'"
check "the citizen is told the correction (whole text)" \
    got 8090 "【12345热线】案件$n已确定为意见建议类，将于$DUE_SUGGESTION前答复。查询回复CX $n"
run labels2 ctl case labels
check "two labels kept, the latest exported" sh -c "
    test \"\$(sqlite3 '$db' 'SELECT COUNT(*) FROM case_labels')\" = 2 &&
    test \$(wc -l <'$T_DIR/labels2.out') = 1 &&
    grep -q '\"label\":\"suggestion\"' '$T_DIR/labels2.out'"
run cf ctl case classify "$n" suggestion 复核无误
check "the same category again is a confirmation: a label, no SMS" sh -c "
    grep -qx '$n: suggestion, due $DUE_SUGGESTION (confirmed)' '$T_DIR/cf.out' &&
    test \"\$(sqlite3 '$db' 'SELECT COUNT(*) FROM case_labels')\" = 3"
sleep 0.5
check "still two classification SMS" test "$(texts 8090 | grep -c 已确定为)" = 2
run dis ctl case dispatch "$n" HB-WATER
check "now it can be dispatched" test "$rc" = 0

run verify ctl audit verify
check "audit verify: intact" grep -q intact "$T_DIR/verify.out"
check "no full phone number of a citizen in the log" \
    sh -c "! grep -Eq '1380013809[01]' '$T_DIR/hl.out' '$d/hotlined.log'"
exec 3>&-
t_done
