#!/bin/sh
# The audited read of a citizen's phone number (issue 5, Art. 19, 22,
# 23(10)) over a running hotlined: MOs through smscsim become cases, then
# "hotlinectl case citizen" as the office, the lead unit, another unit, an
# auditor; a confidential case; the reason required and kept in the audit
# event; unknown and malformed case numbers; the daemon's log masks the
# number and never holds it whole; the audit chain verifies afterwards.
# No full number is printed: outputs go to files and are grepped.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
plan 33

A=13800138041			# the citizen of the plain case
B=13800138042			# the citizen who asked for confidentiality
d="$T_DIR/c"
port=$(free_port)
aport=$(free_port)
mkdir -p "$d"
api_tokens "$d/tokens"
hotlined_conf "$d" "$port" "service-number 12345
admin {
	port $aport
	tokens-file $d/tokens
}"
db="$d/hotlined.db"
log="$d/hotlined.log"
sent="$T_DIR/sent.jsonl"

# reads NUMBER: msisdn-read events of a case in the database
reads() {
	sql "$db" "SELECT count(*) FROM audit WHERE action = 'msisdn-read'
	    AND case_id = (SELECT id FROM cases WHERE number = '$1')"
}
mo() { printf 'from=%s to=%s text=%s\n' "$1" "$2" "$3" >&3; }

mkfifo "$T_DIR/mo"
start_bg sim sh -c "exec '$SMSCSIM' -p $port -i -o '$sent' -d 100 <'$T_DIR/mo'"
exec 3>"$T_DIR/mo"
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
if wait_log "$T_DIR/hl.out" 'smpp +bound smsc=sim' 10 &&
    wait_log "$T_DIR/hl.out" 'admin +listening' 5; then
	ok "hotlined binds and serves the admin API"
else
	fail "hotlined binds and serves the admin API"
	show "$T_DIR/hl.out"
fi
as "$OFFICE" unit add HB-WATER 水务局 >/dev/null 2>&1
as "$OFFICE" unit add HB-ROAD 公路局 >/dev/null 2>&1
mo "$A" 12345 "投诉：兴源路路灯坏了一个星期，晚上很黑。"
mo "$B" 12345 "保密 举报某小区工地夜间施工噪音扰民。"
n=$(wait_case 路灯)
m=$(wait_case 夜间施工)
check "two cases registered" test -n "$n" -a -n "$m"
check "the second is confidential" \
    test "$(sql "$db" "SELECT confidential FROM cases WHERE number = '$m'")" = 1

# --- the office reads, with a reason; the read is audited
run off_tab as "$OFFICE" case citizen "$n" 回访核实路灯位置
check "office: hotlinectl case citizen exits 0" rc_is off_tab 0
check "the table shows the case and the full number" sh -c "
	grep -Eq '^case +$n\$' '$T_DIR/off_tab.out' &&
	grep -Eq '^msisdn +$A\$' '$T_DIR/off_tab.out' &&
	grep -Eq '^confidential +no\$' '$T_DIR/off_tab.out'"
run off_json as "$OFFICE" --json case citizen "$n" --reason 电话回访
check "--json: {case, msisdn} for scripts" sh -c "
	test $rc -eq 0 && test '$(jget off_json case)' = '$n' &&
	test '$(jget off_json msisdn)' = '$A'"
check "two reads, two msisdn-read events" test "$(reads "$n")" = 2
run show as "$OFFICE" --json case show "$n"
check "case show lists the read: actor ops, its reason" python3 -c '
import json, sys
ev = [e for e in json.load(open(sys.argv[1]))["history"]["events"]
      if e["action"] == "msisdn-read"]
sys.exit(0 if len(ev) == 2 and ev[0]["actor"] == "ops" and
         ev[0]["detail"]["reason"] == "回访核实路灯位置" and
         ev[1]["detail"]["reason"] == "电话回访" else 1)' "$T_DIR/show.out"
check "case show itself holds no number" sh -c "! grep -q '$A' '$T_DIR/show.out'"
check "the read is logged with the number masked" grep -Eq \
    "admin +msisdn-read case=$n token=ops msisdn=138\*\*\*\*8041~[a-z]{4}\$" "$log"
check "the request is logged with route and case" grep -Eq \
    "admin +request token=ops method=GET route=/v1/cases/:number/citizen status=200 case=$n ms=" "$log"

# --- the reason: required, and never the number itself
run noreason as "$OFFICE" case citizen "$n"
check "hotlinectl without a reason: usage, exit 2" rc_is noreason 2 'missing argument'
req raw_noreason GET "/v1/cases/$n/citizen" -t "$OFFICE"
check "the API without a reason: 400 bad_request" st_code raw_noreason 400 bad_request
run numreason as "$OFFICE" case citizen "$n" "核对 138 0013 8041 是否本人"
check "a reason holding the number: exit 1, 400" rc_is numreason 1 'must not hold the phone number.*HTTP 400'
check "refused reads leave no event" test "$(reads "$n")" = 2

# --- who may not
run aud as "$AUDIT" case citizen "$n" 审计
check "auditor: exit 1, 403 forbidden" rc_is aud 1 'role auditor may not GET /v1/cases/:number/citizen \(HTTP 403 forbidden\)'
run water_pre as "$WATER" case citizen "$n" 上门
check "a unit before dispatch: 404 not_found" rc_is water_pre 1 'HTTP 404 not_found'
as "$OFFICE" case dispatch "$n" HB-WATER >/dev/null 2>&1
as "$OFFICE" case dispatch "$m" HB-WATER >/dev/null 2>&1
run road as "$ROAD" case citizen "$n" 上门
check "another unit: 404 not_found (the case does not exist for it)" \
    rc_is road 1 'HTTP 404 not_found'
run water as "$WATER" --json case citizen "$n" 上门维修前电话联系
check "the lead unit reads the number of its case" sh -c "
	test $rc -eq 0 && test '$(jget water msisdn)' = '$A'"
check "... audited under the unit's token" test "$(sql "$db" \
    "SELECT actor FROM audit WHERE action = 'msisdn-read' ORDER BY id DESC LIMIT 1")" = water
run water_conf as "$WATER" case citizen "$m" 上门
check "a confidential case: the lead unit is refused (403)" \
    rc_is water_conf 1 'confidential \(Art. 19\).*HTTP 403 forbidden'
run off_conf as "$OFFICE" --json case citizen "$m" 核实举报细节
check "a confidential case: the office reads it" sh -c "
	test $rc -eq 0 && test '$(jget off_conf msisdn)' = '$B' &&
	test '$(jget off_conf confidential)' = true"
check "the confidential read is logged masked" grep -Eq \
    "admin +msisdn-read case=$m token=ops msisdn=138\*\*\*\*8042~[a-z]{4}\$" "$log"

# --- unknown and malformed case numbers
run unknown as "$OFFICE" case citizen HY0001010001 核实
check "an unknown case: exit 1, 404 not_found" rc_is unknown 1 'HTTP 404 not_found'
req raw_bad GET '/v1/cases/HY-1/citizen?reason=x' -t "$OFFICE"
check "a malformed case number: 400 bad_request" st_code raw_bad 400 bad_request
run ctl_bad as "$OFFICE" case citizen 'HY/../1' 核实
check "hotlinectl refuses a malformed number itself: exit 2" \
    rc_is ctl_bad 2 'a case number is letters and digits'
req raw_post POST "/v1/cases/$n/citizen" -t "$OFFICE" -b '{}'
check "POST: 405 method_not_allowed" st_code raw_post 405 method_not_allowed

# --- what is left behind
check "four successful reads, four events in all" test "$(sql "$db" \
    "SELECT count(*) FROM audit WHERE action = 'msisdn-read'")" = 4
check "no audit detail holds a number" test "$(sql "$db" \
    "SELECT count(*) FROM audit WHERE detail LIKE '%0013804%'")" = 0
run verify as "$AUDIT" audit verify
check "hotlinectl audit verify: intact after the reads" rc_is verify 0 '^audit trail intact$'
check "the daemon's log never holds either number whole" sh -c "
	! grep -Eq '$A|$B' '$log' && ! grep -Eq '$A|$B' '$T_DIR/hl.out'"

kill -TERM "$PID_hl"
check "the daemon stops" wait_gone "$PID_hl" 10
check "no sanitizer report from the daemon (--enable-sanitizers builds)" \
    sh -c "! grep -Eq 'Sanitizer|runtime error' '$T_DIR/hl.out'"
exec 3>&-
t_done
