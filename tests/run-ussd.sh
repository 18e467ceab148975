#!/bin/sh
# USSD *12345# against smscsim, as a citizen dials and chooses: every
# screen compared whole (menu, my cases paged, a case's detail, the cases
# awaiting an evaluation, the scale, a bad choice, the confirmation), the
# TLVs of each answer (USSR request 2 with the dialog, PSSR response 17
# with the end bit on the last screen), the evaluation in the database
# when its confirmation arrives (hotlined killed -9 at that moment), a
# user abort (0x81), a session that times out (ussd-timeout 4s, a bounded
# wait for the log line), a choice after either told that the session
# ended, and that no dial, choice or abort ever made a case or an SMS.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
plan 27

d="$T_DIR/u"
port=$(free_port)
aport=$(free_port)
mkdir -p "$d"
hotlined_conf "$d" "$port" "service-number 12345
ussd-timeout 4s
$(office_survey_conf "$aport" "$d/tokens")"
db="$d/hotlined.db"
sent="$T_DIR/sent.jsonl"
mo() { printf 'from=%s to=12345 text=%s\n' "$1" "$2" >&3; }
# dial NUM DIALOG / choose NUM DIALOG TEXT / abort NUM DIALOG
dial() { printf 'ussd from=%s to=*12345# op=1 dialog=%s text=*12345#\n' "$1" "$2" >&3; }
choose() { printf 'ussd from=%s to=*12345# op=18 dialog=%s text=%s\n' "$1" "$2" "$3" >&3; }
abort() { printf 'ussd from=%s to=*12345# op=129 dialog=%s text=\n' "$1" "$2" >&3; }
# ussd_field LAST4 N FIELD: a field of the Nth USSD submit to LAST4
ussd_field() {
	python3 - "$sent" "$1" "$2" "$3" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
u = [r for r in recs if r.get("dest_last4") == sys.argv[2] and r.get("service_type") == "USSD"]
n = int(sys.argv[3])
print(u[n - 1].get(sys.argv[4], "") if len(u) >= n else "")
PY
}
ussd_count() { grep "\"dest_last4\":\"$1\"" "$sent" 2>/dev/null | grep -c '"service_type":"USSD"' || true; }
# screen LAST4 N WANT: the Nth screen to LAST4 arrives and reads WANT whole
screen() {
	for _i in $(seq 1 200); do
		[ "$(ussd_count "$1")" -ge "$2" ] && break
		sleep 0.05
	done
	_got=$(ussd_field "$1" "$2" text)
	same_text "screen $2 to $1" "$3" "$_got"
}
# tlvs LAST4 N WANT: "op dialog end" of the Nth screen
tlvs() {
	_got="$(ussd_field "$1" "$2" ussd_service_op) $(ussd_field "$1" "$2" its_dialog) $(ussd_field "$1" "$2" its_end)"
	[ "$_got" = "$3" ] && return 0
	printf '# want: %s\n# got:  %s\n' "$3" "$_got"
	return 1
}
casenum() { sql "$db" "SELECT number FROM cases WHERE text LIKE '%$1%' ORDER BY id LIMIT 1"; }

MENU='12345热线
1 查询我的诉求
2 评价已办结诉求
3 热线联系方式
回复数字选择'
BAD='输入有误，请按屏幕上的数字选择。
回复任意键返回'
GONE='会话已结束，请重新拨打*12345#。'

mkfifo "$T_DIR/mo"
start_bg sim sh -c "exec '$SMSCSIM' -p $port -i -o '$sent' -d 100 <'$T_DIR/mo'"
exec 3>"$T_DIR/mo"
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
check "hotlined binds and serves the admin API" wait_log "$T_DIR/hl.out" \
    'admin +listening' 10
wait_log "$T_DIR/hl.out" 'smpp +bound smsc=sim' 10

# --- citizen 0011: three matters by SMS, one of them answered (closed)
mo 13800130011 "咨询：办理居住证需要带哪些材料？"
wait_sms 0011 'HY' 1
mo 13800130011 "路灯坏了，晚上很黑，在河源大道东。"
wait_sms 0011 'HY' 2
mo 13800130011 "建议公园增加垃圾桶。"
wait_sms 0011 'HY' 3
a=$(casenum 居住证)
b=$(casenum 路灯)
c=$(casenum 垃圾桶)
mmdd() { sql "$db" "SELECT substr(due, 6) FROM cases WHERE number = '$1'"; }
ctl case answer "$a" 带身份证和租房合同到派出所办理。 >/dev/null
wait_sms 0011 '请对案件' 1
cases0=$(sql "$db" "SELECT count(*) FROM cases")
sms0=$(grep -c '"dest_last4":"0011"' "$sent")
out0=$(sql "$db" "SELECT count(*) FROM outbox")

dial 13800130011 11
check "a dial gets the menu" screen 0011 1 "$MENU"
check "the menu keeps the session open: USSR request, dialog, no end bit" \
    tlvs 0011 1 "2 11 0"
choose 13800130011 11 1
check "my cases: newest first, state and due date, paged" screen 0011 2 \
    "我的诉求（1/2）
1 $c 已受理 期限$(mmdd "$c")
2 $b 已受理 期限$(mmdd "$b")
0 下一页
00 返回"
choose 13800130011 11 0
check "page 2: numbered on, no next page" screen 0011 3 \
    "我的诉求（2/2）
3 $a 已办结 期限$(mmdd "$a")
00 返回"
choose 13800130011 11 3
check "a case's detail" screen 0011 4 "案件$a
类别：咨询
状态：已办结
办结期限：$(sql "$db" "SELECT due FROM cases WHERE number = '$a'")
00 返回"
choose 13800130011 11 00
choose 13800130011 11 00
check "00 goes back twice: the menu" screen 0011 6 "$MENU"
choose 13800130011 11 2
check "the cases awaiting an evaluation" screen 0011 7 "待评价诉求（1/1）
1 $a 咨询
00 返回"
choose 13800130011 11 1
check "the scale" screen 0011 8 "评价案件$a：
1 满意
2 基本满意
3 不满意
00 返回"
choose 13800130011 11 9
check "a bad choice is said so" screen 0011 9 "$BAD"
choose 13800130011 11 x
choose 13800130011 11 2
check "the confirmation of 基本满意" screen 0011 11 \
    "感谢您对案件${a}的评价，我们将持续改进服务。"
# the confirmation went out after COMMIT: killed the moment it arrives,
# the daemon leaves the evaluation in the database
kill -KILL "$PID_hl"
wait_gone "$PID_hl" 5
check "killed (-9) as the confirmation arrives, the evaluation is stored" \
    test "$(sql "$db" "SELECT s.state || '|' || s.score || '|' || s.raw FROM surveys s JOIN cases c ON c.id = s.case_id WHERE c.number = '$a'")" = "3|2|2"
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
wait_log "$T_DIR/hl.out" 'smpp +bound smsc=sim' 10
check "the last screen ends it: PSSR response, end bit" \
    tlvs 0011 11 "17 11 1"
check "the screens came from the dialled code as USSD" test \
    "$(ussd_field 0011 11 source_addr)/$(ussd_field 0011 11 data_coding)" = "*12345#/8"
choose 13800130011 11 1
check "a choice after the last screen and a restart: the session ended" \
    screen 0011 12 "$GONE"

# --- paging and the contact screen for 0012
dial 13800130012 12
check "a second citizen's dial, in its own session" screen 0012 1 "$MENU"
choose 13800130012 12 1
check "no cases: said so" screen 0012 2 "本号码没有登记过诉求。发短信至12345即可反映诉求。
00 返回"
choose 13800130012 12 00
choose 13800130012 12 3
check "how to reach the hotline" screen 0012 4 "12345热线（24小时）
电话、短信：12345
网站：www.heyuan.gov.cn
紧急情况请拨110/119/120"

# --- a user abort, then a timeout
dial 13800130013 13
screen 0013 1 "$MENU" >/dev/null
abort 13800130013 13
check "a user abort (0x81) ends the session" wait_log "$T_DIR/hl.out" \
    'ussd +end bearer=sim msisdn=138\*\*\*\*0013~[a-z]{4} session=13 reason=abort' 10
choose 13800130013 13 1
check "and a choice after it is told the session ended" screen 0013 2 "$GONE"
dial 13800130014 14
screen 0014 1 "$MENU" >/dev/null
check "an idle session ends at ussd-timeout" wait_log "$T_DIR/hl.out" \
    'ussd +end bearer=sim msisdn=138\*\*\*\*0014~[a-z]{4} session=14 reason=timeout' 15
choose 13800130014 14 2
check "a choice after the timeout: the session has ended" \
    screen 0014 2 "$GONE"

# --- what the dials did not do
check "no dial, choice or abort made a case" test \
    "$(sql "$db" "SELECT count(*) FROM cases")" = "$cases0"
check "nor an SMS: everything to 0011 since is a screen" test \
    "$(grep -c '"dest_last4":"0011"' "$sent")" = "$((sms0 + 12))"
check "nothing went through the outbox since the first dial" test \
    "$(sql "$db" "SELECT count(*) FROM outbox")" = "$out0"
check "hotlined is still running" kill -0 "$PID_hl"
check "no full phone number in the log" sh -c \
    "! grep -Eq '138001300[0-9][0-9]' '$T_DIR/hl.out' '$d/hotlined.log'"
t_done
