#!/bin/sh
# Supervision that reaches the units (notice.h, issue 16), over real SMPP
# (smscsim) and a real webhook receiver on 127.0.0.1
# (tests/webhook-receiver.py): the units' contacts and webhook set through
# hotlinectl, bad ones refused; a dispatch told to the lead unit's and the
# co-unit's handlers word for word; the webhook failing its first two
# attempts, hotlined restarted in between, delivered on the third with the
# same Idempotency-Key and a valid signature; a confidential case's text
# never in the webhook; an efficiency complaint told to the discipline
# contact, not the handlers (Art. 10); then the clock moved
# (HOTLINED_CLOCK_OFFSET, one restart each): the reminder one working day
# before the due date, the overdue notice, the escalation escalate-after
# working days late (supervised like the office would, audited, the duty
# number told), nothing sent twice on another restart; and a case closed
# and reopened for re-handling, told to the handler and the leader.
# Before the clock moves, the unit's extension requests (Art. 18): a
# refusal and an approval, each told to the handler word for word and to
# the webhook (kind "extension", the new due date).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
has_test_clock || skip_all "needs --enable-test-clock"
plan 46

d="$T_DIR/n"
port=$(free_port)
aport=$(free_port)
wport=$(free_port)
mkdir -p "$d"
printf 'ops\toffice\t%s\nwater\tunit\t%s\tHB-WATER\n' "$OFFICE" "$WATER" \
    >"$d/tokens"
chmod 600 "$d/tokens"
hotlined_conf "$d" "$port" "service-number 12345
log-level debug
escalate-after 2
survey {
	quiet-start 00:00
	quiet-end 00:00
}
admin {
	port $aport
	tokens-file $d/tokens
}"
db="$d/hotlined.db"
sent="$T_DIR/sent.jsonl"
hooks="$T_DIR/hooks.jsonl"
mo() { printf 'from=%s to=%s text=%s\n' "$1" "$2" "$3" >&3; }
# has_sms LAST4 WANT: some SMS to LAST4 reads exactly WANT (5 s)
has_sms() {
	for _i in $(seq 1 100); do
		grep "\"dest_last4\":\"$1\"" "$sent" 2>/dev/null | python3 -c '
import json, sys
want = sys.argv[1]
sys.exit(0 if any(json.loads(l)["text"] == want for l in sys.stdin) else 1)
' "$2" && return 0
		sleep 0.05
	done
	echo "# no SMS to $1 reads: $2"
	grep "\"dest_last4\":\"$1\"" "$sent" | python3 -c '
import json, sys
for l in sys.stdin: print("# got:", json.loads(l)["text"])'
	return 1
}
# restart NAME [ENV]: stop hotlined and start it again (ENV: its clock)
restart() {
	stop_daemon
	if start_daemon "${2:-}"; then ok "$1"; else fail "$1"; fi
}
# hook N EXPR: a Python expression over the Nth request r the receiver got
hook() {
	python3 -c '
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
r = rs[int(sys.argv[2]) - 1] if len(rs) >= int(sys.argv[2]) else None
sys.exit(0 if r is not None and eval(sys.argv[3]) else 1)' "$hooks" "$1" "$2"
}
hooks_n() { [ -f "$hooks" ] && wc -l <"$hooks" | tr -d ' ' || echo 0; }
# at_workday DUE N: seconds from now to 10:00 on the Nth working day
# after DUE (N < 0: before it), Monday to Friday
at_workday() {
	python3 -c '
import datetime, sys, time
d = datetime.date.fromisoformat(sys.argv[1]); n = int(sys.argv[2])
step = 1 if n > 0 else -1
while n:
    d += datetime.timedelta(days=step)
    if d.weekday() < 5: n -= step
t = time.mktime(datetime.datetime(d.year, d.month, d.day, 10).timetuple())
print(int(t - time.time()))' "$1" "$2"
}

mkfifo "$T_DIR/mo"
start_bg sim sh -c "exec '$SMSCSIM' -p $port -i -o '$sent' -d 100 <'$T_DIR/mo'"
exec 3>"$T_DIR/mo"
if start_daemon; then ok "hotlined binds and serves the admin API"
else fail "hotlined binds and serves the admin API"; fi

# --- contacts and webhook, bad ones refused --------------------------------
ctl unit add HB-WATER 水务局 >/dev/null && ctl unit add HB-ROAD 公路局 >/dev/null
add_contacts() {
	ctl contact add HB-WATER handler 13800138101 张三 &&
	    ctl contact add HB-WATER leader 13800138102 &&
	    ctl contact add HB-WATER discipline 13800138103 &&
	    ctl contact add HB-ROAD handler 13800138104 &&
	    ctl contact add office duty 13800138109
} >/dev/null
check "contacts added: handler, leader, discipline, co-unit, duty" \
    add_contacts
ctl contact add HB-WATER boss 13800138105 >/dev/null 2>&1; r1=$?
ctl contact add HB-WATER handler 1380abc >/dev/null 2>&1; r2=$?
ctl contact add HB-NONE handler 13800138105 >/dev/null 2>&1; r3=$?
ctl contact add office handler 13800138105 >/dev/null 2>&1; r4=$?
ctl contact add HB-WATER handler 13800138101 >/dev/null 2>&1; r5=$?
check "bad role, number, unit, office role and a duplicate are refused" \
    test "$r1$r2$r3$r4$r5" = 11111
ctl contact list >"$T_DIR/contacts.out"
check "the contacts are listed, numbers masked" sh -c "
	test \$(grep -c 'HB-WATER' '$T_DIR/contacts.out') = 3 &&
	grep -q 'office *duty' '$T_DIR/contacts.out' &&
	! grep -q '13800138101' '$T_DIR/contacts.out'"
check "no contact's number is stored in the clear" test \
    "$(sql "$db" "SELECT COUNT(*) FROM unit_contacts WHERE CAST(msisdn_enc AS TEXT) LIKE '%138001381%'")" = 0
ctl webhook set HB-WATER ftp://127.0.0.1/x >/dev/null 2>&1; r1=$?
ctl webhook set HB-WATER 'http://user@127.0.0.1/x' >/dev/null 2>&1; r2=$?
check "a webhook URL that is not http://host/path is refused" test "$r1$r2" = 11
ctl --json webhook set HB-WATER "http://127.0.0.1:$wport/hook/water" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])' \
    >"$T_DIR/secret"
check "the webhook is set and its secret shown once" \
    test "$(wc -c <"$T_DIR/secret")" -eq 41
start_bg recv python3 "$top_srcdir/tests/webhook-receiver.py" "$wport" \
    "$T_DIR/secret" "$hooks" 2
wait_for 5 python3 -c "import socket; socket.create_connection(('127.0.0.1', $wport))" 2>/dev/null

# --- dispatch: lead and co-unit told, word for word -------------------------
mo 13800138010 12345 "投诉：人民路自来水管爆裂，水漫到马路上，请尽快派人处理。"
wait_sms 8010 'HY' 1
n1=$(sql "$db" "SELECT number FROM cases ORDER BY id DESC LIMIT 1")
ctl case classify "$n1" complaint >/dev/null
ctl case dispatch "$n1" HB-WATER HB-ROAD >/dev/null
due1=$(field "$n1" due)
check "the lead unit's handler reads the dispatch" has_sms 8101 \
    "【12345热线】水务局：$n1（投诉举报）已派贵单位办理，期限$due1，请登录热线系统查看。"
check "the co-unit's handler reads it with its own name" has_sms 8104 \
    "【12345热线】公路局：$n1（投诉举报）已派贵单位办理，期限$due1，请登录热线系统查看。"
check "the leader and the discipline contact are not told of a dispatch" \
    test "$(sms_to 8102 .)$(sms_to 8103 .)" = 00
check "no unit SMS holds the citizen's text or number" test \
    "$(grep -E '"dest_last4":"81' "$sent" | grep -Ec '自来水管|13800138010')" = 0

# --- the webhook: fails twice, a restart between, delivered the third time --
check "the first attempt fails (503) and is retried" \
    wait_log "$T_DIR/hl.out" 'webhook retry id=1 unit=HB-WATER status=503 attempt=1' 10
restart "hotlined restarted with the delivery pending"
check "the delivery completes after the restart" \
    wait_log "$T_DIR/hl.out" 'webhook delivered id=1 .* attempt=3' 15
check "three attempts, the first two answered 503" \
    hook 1 'len(rs) == 3 and r["attempt"] == "1" and r["status"] == 503 and rs[1]["status"] == 503'
check "every attempt is signed with the unit's secret, same key" \
    hook 3 'all(x["sig_ok"] and x["key"] == rs[0]["key"] for x in rs) and r["attempt"] == "3" and r["status"] == 200 and r["path"] == "/hook/water"'
check "the body: the notice, the case, its text for the lead unit" \
    hook 3 "r['body']['notice'] == 'dispatch' and r['body']['case'] == '$n1' and r['body']['role'] == 'lead' and r['body']['due'] == '$due1' and r['body']['text'].startswith('投诉：人民路') and r['body']['confidential'] is False and r['key'] == r['body']['id'] and r['type'] == 'application/json'"
ctl webhook list HB-WATER >"$T_DIR/hooks.out"
check "hotlinectl webhook list shows it delivered" \
    grep -Eq "$n1 +dispatch +delivered +3 +200" "$T_DIR/hooks.out"

# --- a confidential case: its text never reaches the webhook -----------------
mo 13800138011 12345 "保密，投诉：小区物业乱收停车费，每月多收两百元，请核查。"
wait_sms 8011 'HY' 1
n2=$(sql "$db" "SELECT number FROM cases ORDER BY id DESC LIMIT 1")
ctl case classify "$n2" complaint >/dev/null
ctl case dispatch "$n2" HB-WATER >/dev/null
check "a confidential case: the handler is told as for any case" has_sms 8101 \
    "【12345热线】水务局：$n2（投诉举报）已派贵单位办理，期限$(field "$n2" due)，请登录热线系统查看。"
wait_log "$T_DIR/hl.out" 'webhook delivered id=2 ' 10
check "the webhook says confidential and carries no text" \
    hook 4 "r['body']['case'] == '$n2' and r['body']['confidential'] is True and 'text' not in r['body'] and r['sig_ok']"

# --- an efficiency complaint goes to the discipline contact (Art. 10) --------
mo 13800138012 12345 "投诉：水务局窗口工作人员态度恶劣，办事拖拉，多次推诿。"
wait_sms 8012 'HY' 1
n3=$(sql "$db" "SELECT number FROM cases ORDER BY id DESC LIMIT 1")
ctl case classify "$n3" efficiency >/dev/null
ctl case dispatch "$n3" HB-WATER >/dev/null
due3=$(field "$n3" due)
check "the discipline contact reads the efficiency complaint" has_sms 8103 \
    "【12345热线】水务局：$n3（效能投诉）已派贵单位办理，期限$due3，请登录热线系统查看。"
check "the handlers never hear of it" test "$(sms_to 8101 "$n3")" = 0

# --- an extension request decided: the unit that asked is told (Art. 18) ----
wctl() { "$HOTLINECTL" -s "127.0.0.1:$aport" -t "$WATER" "$@"; }
# ask CASE: the water unit asks for 3 more working days; the request id
ask() {
	wctl extension request "$1" 3 管网改造需协调交通管制 |
	    sed -n 's/^request \([0-9]*\):.*/\1/p'
}
due2=$(field "$n2" due)
r1=$(ask "$n2")
ctl extension refuse "$r1" 请先安排抢修，交通管制由区政府协调。 >/dev/null
check "the unit asks for more time, the office refuses with its reason" \
    test -n "$r1" -a "$(sql "$db" "SELECT state FROM extension_requests WHERE id = $r1")" = refused
check "the handler reads the refusal and the reason, word for word" \
    has_sms 8101 "【12345热线】水务局：$n2延期未获批准，请按原期限办结。理由：请先安排抢修，交通管制由区政府协调。"
r2=$(ask "$n2")
ctl extension approve "$r2" >/dev/null
due2x=$(field "$n2" due)
check "asked again, the office approves: the due date moves" \
    test -n "$r2" -a "$due2x" != "$due2"
check "the handler reads the approval with the new due date" \
    has_sms 8101 "【12345热线】水务局：$n2（投诉举报）延期申请已批准，办结期限延至$due2x。"
check "the leader is not told of extension decisions" \
    test "$(sms_to 8102 "$n2")" = 0
ext_hook() {
	python3 -c 'import json, sys
sys.exit(0 if any(b.get("notice") == "extension" and
    b.get("case") == sys.argv[2] and b.get("due") == sys.argv[3] and
    b["extension"]["decision"] == "approved" and
    b["extension"]["due_before"] == sys.argv[4]
    for b in (json.loads(l)["body"] for l in open(sys.argv[1]))) else 1)' \
	    "$hooks" "$@"
}
check "the webhook carries the kind and the new due date" \
    wait_for 10 ext_hook "$n2" "$due2x" "$due2"

# --- the clock moves: due tomorrow, overdue, escalated -----------------------
restart "restarted one working day before the due date" \
    "HOTLINED_CLOCK_OFFSET=$(at_workday "$due1" -1)"
check "the handler is reminded the day before" has_sms 8101 \
    "【12345热线】水务局：$n1（投诉举报）将于$due1到期，请按时办结反馈。"
check "the leader is not reminded yet" test "$(sms_to 8102 "$n1")" = 0
restart "restarted one working day after the due date" \
    "HOTLINED_CLOCK_OFFSET=$(at_workday "$due1" 1)"
check "the handler reads the overdue notice" has_sms 8101 \
    "【12345热线】水务局：$n1（投诉举报）已超办结期限$due1，请立即办理反馈。"
check "so does the leader" has_sms 8102 \
    "【12345热线】水务局：$n1（投诉举报）已超办结期限$due1，请立即办理反馈。"
wait_log "$T_DIR/hl.out" 'notify overdue scan count=' 10
check "not supervised yet: escalate-after is 2 working days" \
    test "$(field "$n1" supervised)" = false
restart "restarted two working days after the due date" \
    "HOTLINED_CLOCK_OFFSET=$(at_workday "$due1" 2)"
check "the leader reads the supervision (督办)" has_sms 8102 \
    "【12345热线】水务局：$n1（投诉举报）因超期未办结被督办，期限$due1，请抓紧办理反馈。"
check "the office's duty number is told of the escalation" has_sms 8109 \
    "【12345热线】值班：$n1（投诉举报）水务局超期2个工作日（期限$due1），已自动督办。"
check "supervised as overdue, audited like the office's supervision" \
    test "$(sql "$db" "SELECT COUNT(*) FROM audit a JOIN cases c ON c.id = a.case_id WHERE c.number = '$n1' AND a.action = 'case.supervise' AND a.actor = 'system:overdue'")" = 1
supervised_hook() {
	python3 -c 'import json, sys
sys.exit(0 if any(b.get("notice") == "supervised" and
    b.get("supervision") == "overdue" and b.get("case") == sys.argv[2]
    for b in (json.loads(l)["body"] for l in open(sys.argv[1]))) else 1)' \
	    "$hooks" "$1"
}
check "the supervision reaches the webhook" wait_for 10 supervised_hook "$n1"
unit_sms=$(grep -Ec '"dest_last4":"81' "$sent")
unit_rows=$(sql "$db" "SELECT COUNT(*) FROM outbox WHERE kind = 'unit'")
restart "restarted at the same time again" \
    "HOTLINED_CLOCK_OFFSET=$(at_workday "$due1" 2)"
wait_log "$T_DIR/hl.out" 'notify overdue scan count=' 10
check "nothing is sent twice" test "$(grep -Ec '"dest_last4":"81' "$sent")" = "$unit_sms"
check "nothing is queued twice" test \
    "$(sql "$db" "SELECT COUNT(*) FROM outbox WHERE kind = 'unit'")" = "$unit_rows"
# --- closed, then reopened for re-handling (重办) -----------------------------
ctl case close "$n1" 已抢修完毕，恢复供水。 >/dev/null
ctl case reopen "$n1" 市民反映仍然漏水 >/dev/null
check "the handler reads the re-handling" has_sms 8101 \
    "【12345热线】水务局：$n1（投诉举报）已退回重办，请登录热线系统查看并尽快反馈。"
check "so does the leader" has_sms 8102 \
    "【12345热线】水务局：$n1（投诉举报）已退回重办，请登录热线系统查看并尽快反馈。"
check "no full phone number in the log" sh -c \
    "! grep -Eq '1380013[0-9]{4}' '$T_DIR/hl.out' '$d/hotlined.log'"
t_done
