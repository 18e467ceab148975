#!/bin/sh
# hotlined behind the real Kannel from Debian: smscsim is the SMSC that
# bearerbox binds to, smsbox calls hotlined's get-url for every text and
# takes hotlined's SMS on sendsms, bearerbox brings the delivery reports
# back through the dlr-url.  Kannel runs the shipped etc/kannel/kannel.conf
# (tests/kannel-conf.sh only changes ports and paths).
#
# Through the whole chain: a Chinese multipart complaint registers a case
# and its acknowledgement reaches the SMSC intact in UCS-2; a status query;
# delivery reports update the outbox; a survey reply to the extension code
# matches its case; hotlined down while Kannel retries loses nothing;
# smsbox restarted mid-stream loses nothing.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
need_kannel
N_DOWN=${KANNEL_N_DOWN:-8}
N_STREAM=${KANNEL_N_STREAM:-60}
plan 36

d="$T_DIR/h"
k="$T_DIR/k"
sport=$(free_port) hport=$(free_port) aport=$(free_port)
kadmin=$(free_port) kbox=$(free_port) ksend=$(free_port)
sh "$top_srcdir/tests/kannel-conf.sh" "$k" "$sport" "$hport" "$kadmin" \
    "$kbox" "$ksend" || bail "cannot write kannel.conf"
# Kannel refuses to send to one prefix (its answer: 400, "denied"); the
# sendsms-user group is the last of the file
echo "black-list-regex = ^1380013877" >>"$k/kannel.conf"
hotlined_conf "$d" - "service-number 12345
extension-digits 4
max-new-cases-per-hour 0
max-replies-per-hour 0
$(office_survey_conf "$aport" "$d.tokens")
$(cat "$k/hotlined-kannel.conf")"
db="$d/hotlined.db"
sent="$T_DIR/sent.jsonl"
mo() { printf 'from=%s to=%s text=%s\n' "$1" "$2" "$3" >&3; }
start_hotlined() {
	start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
	wait_log "$T_DIR/hl.out" 'kannel +listening' 10
}
start_smsbox() {
	: >"$T_DIR/smsbox.out"
	start_bg smsbox "$SMSBOX" -v 1 "$k/kannel.conf"
	wait_log "$T_DIR/smsbox.out" 'Connected to bearerbox' 15
}

mkfifo "$T_DIR/mo"
start_bg sim sh -c "exec '$SMSCSIM' -p $sport -i -o '$sent' -d 100 <'$T_DIR/mo'"
exec 3>"$T_DIR/mo"
start_bg bearerbox "$BEARERBOX" -v 1 "$k/kannel.conf"
check "bearerbox binds to the SMSC" wait_log "$T_DIR/sim.out" \
    'bound transceiver' 20
if start_smsbox; then ok "smsbox connects to bearerbox"
else fail "smsbox connects to bearerbox"; fi
if start_hotlined; then ok "hotlined listens for smsbox"
else fail "hotlined listens for smsbox"; fi

# --- a long Chinese complaint in several UCS-2 parts -> one case
long='我要投诉：幸福花园小区旁边的工地每天晚上十一点以后还在施工，电钻和渣土车的噪音扰民非常严重，已经持续一个多星期了，家里老人和孩子都休息不好，之前打过电话也没有人管，请有关部门尽快处理并答复。'
mo 13800138020 12345 "$long"
check "the acknowledgement reaches the SMSC" wait_sms 8020 'HY' 1 300
n=$(sql "$db" "SELECT number FROM cases WHERE text LIKE '%幸福花园%'")
check "the multipart complaint is one complaint case" \
    test "$(sql "$db" "SELECT count(*) || category FROM cases WHERE text LIKE '%幸福花园%'")" = 1complaint
check "the case holds the text exactly as the citizen wrote it" \
    test "$(sql "$db" "SELECT text FROM cases WHERE number = '$n'")" = "$long"
check "the text came in through kannel (recorded)" \
    test "$(sql "$db" "SELECT smsc FROM inbound ORDER BY id LIMIT 1")" = kannel
ack=$(sql "$db" "SELECT text FROM outbox WHERE case_id = (SELECT id FROM cases WHERE number = '$n') AND kind = 'ack'")
check "the acknowledgement arrives in UCS-2, intact" python3 -c '
import json, sys
want = sys.argv[2]
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("dest_last4") == "8020" and r.get("text") == want and \
       r.get("data_coding") == 8:
        sys.exit(0)
sys.exit(1)' "$sent" "$ack"
check "the acknowledgement names the case" sh -c "echo '$ack' | grep -q '$n'"

# --- a status query through the chain
mo 13800138020 12345 "查询"
check "the status query is answered with the case" wait_sms 8020 "$n" 2

# --- delivery reports reach the outbox rows
check "the acknowledgement's report is in its outbox row" is_eventually \
    DELIVRD "$db" "SELECT receipt_stat FROM outbox WHERE case_id = (SELECT id FROM cases WHERE number = '$n') AND kind = 'ack'" 200
check "every SMS sent through kannel is delivered" is_eventually 0 "$db" \
    "SELECT count(*) FROM outbox WHERE smsc = 'kannel' AND coalesce(receipt_stat, '') <> 'DELIVRD'" 200

# --- the survey: from 12345 + extension code, the reply comes back to it
ctl case answer "$n" 工地已责令整改，夜间停止施工。 >"$T_DIR/close.out" 2>&1
check "the office answers and closes the case (Art. 9)" grep -Eq "$n.*(answered|closed)" "$T_DIR/close.out" ||
    show "$T_DIR/close.out"
check "the result SMS goes out through kannel" wait_sms 8020 '已办结' 1
check "the survey SMS goes out through kannel" wait_sms 8020 '请对案件' 1
src=$(survey_src 8020 1)
check "sent from 12345 plus the extension code" \
    sh -c "echo '$src' | grep -Eq '^12345[0-9]{4}\$'"
mo 13800138020 "$src" "３ 太慢了"
check "the reply to the extension code is recorded on its case" \
    is_eventually "3 太慢了" "$db" "SELECT score || ' ' || comment FROM surveys WHERE case_id = (SELECT id FROM cases WHERE number = '$n')" 200

# --- Kannel's answers to sendsms: refused for good, queued for later
mo 13800138770 12345 "求助：前进路下水道堵塞，污水漫到人行道上。"
check "an SMS Kannel refuses for good fails its outbox row (no retry)" \
    is_eventually 4 "$db" "SELECT state FROM outbox WHERE kind = 'ack' AND last_error LIKE 'kannel: 400%'" 200
mo 13800138760 12345 "求助：胜利路公交站牌被撞倒了，请尽快修复。"
check "another citizen's case is acknowledged" wait_sms 8760 '已受理' 1 300
# the SMSC drops every session right after its bind: bearerbox keeps
# reconnecting, and takes SMS for later
printf 'fault close-after=1\n' >&3
check "bearerbox loses its SMSC link" wait_log "$T_DIR/bearerbox.out" \
    'SMPP\[carrier\].*(closed|Couldn|error|shutdown|disconnect)' 10
nq=$(sql "$db" "SELECT number FROM cases WHERE text LIKE '%胜利路%'")
ctl case answer "$nq" 已安排疏通下水道。 >/dev/null 2>&1
check "without an SMSC link Kannel queues the result (3: Queued), the row is sent" \
    wait_log "$d/hotlined.log" 'kannel +queued id=' 10
printf 'fault clear\n' >&3
check "once the link is back it is delivered and reported" is_eventually \
    DELIVRD "$db" "SELECT receipt_stat FROM outbox WHERE kind = 'result' AND case_id = (SELECT id FROM cases WHERE number = '$nq')" 400

# --- hotlined down: smsbox retries (http-request-retry), nothing is lost
kill -TERM "$PID_hl"
check "hotlined stops" wait_gone "$PID_hl" 15
i=0
while [ $i -lt "$N_DOWN" ]; do
	mo "1380013$(printf %04d $((9100 + i)))" 12345 "投诉：光明路$i号路灯不亮，请维修。"
	i=$((i + 1))
done
check "smsbox meets the closed door and keeps retrying" \
    wait_log "$T_DIR/smsbox.out" 'retry|Couldn|failed|refused' 20
start_hotlined >/dev/null
check "every text sent while hotlined was down becomes a case" \
    is_eventually "$N_DOWN" "$db" "SELECT count(*) FROM cases WHERE text LIKE '投诉：光明路%'" 400
check "and each of those citizens is acknowledged" sh -c "
    for i in \$(seq 1 300); do
        [ \$(grep -c '\"dest_last4\":\"91' '$sent') -ge $N_DOWN ] && exit 0
        sleep 0.05; done; exit 1"

# --- smsbox restarted mid-stream: every text the SMSC saw acknowledged
i=0
while [ $i -lt "$N_STREAM" ]; do
	printf 'after=40ms from=1380013%04d to=12345 text=投诉：和平街%d号门口垃圾堆积，请清运。\n' \
	    $((9300 + i)) "$i" >&3
	i=$((i + 1))
done
# mid-stream: once the first few texts of the stream are cases
wait_for 20 sh -c "[ \$(sqlite3 '$db' \"SELECT count(*) FROM cases WHERE text LIKE '投诉：和平街%'\" 2>/dev/null || echo 0) -ge 3 ]" ||
    echo "# the stream had not begun after 20 s"
kill -TERM "$PID_smsbox"
wait_gone "$PID_smsbox" 15
if start_smsbox; then ok "smsbox restarts mid-stream"
else fail "smsbox restarts mid-stream"; fi
check "every text of the stream is a case, none twice" is_eventually \
    "$N_STREAM $N_STREAM" "$db" "SELECT count(*) || ' ' || count(DISTINCT text) FROM cases WHERE text LIKE '投诉：和平街%'" 600
echo "# stream cases: $(sql "$db" "SELECT count(*) FROM cases WHERE text LIKE '投诉：和平街%'") of $N_STREAM"
# acknowledgements that met smsbox's sendsms port closed were retried
check "and every one of those citizens is acknowledged, retries included" \
    is_eventually "$N_STREAM" "$db" "SELECT count(*) FROM outbox o JOIN cases c ON c.id = o.case_id WHERE o.kind = 'ack' AND o.state IN (2, 3) AND c.text LIKE '投诉：和平街%'" 600

# sendsms with smsbox down: a temporary failure, retried with backoff
kill -TERM "$PID_smsbox"
wait_gone "$PID_smsbox" 15
nr=$(sql "$db" "SELECT number FROM cases WHERE text LIKE '投诉：和平街0号%'")
ctl case answer "$nr" 垃圾已清运。 >/dev/null 2>&1
check "a result that meets smsbox down is retried, not failed" \
    wait_log "$d/hotlined.log" 'outbox +retry id=[0-9]+ error="kannel: no answer' 10
start_smsbox >/dev/null
check "and delivered once smsbox is back" is_eventually DELIVRD "$db" \
    "SELECT receipt_stat FROM outbox WHERE kind = 'result' AND case_id = (SELECT id FROM cases WHERE number = '$nr')" 600
# status_ok N: the daemon's counters show N texts in and N SMS out by kannel
status_ok() {
	ctl --json status >"$T_DIR/status.json" 2>&1 && python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
k, n = s["kannel"], int(sys.argv[2])
sys.exit(0 if k["listening"] and k["texts"] >= n and
         k["sendsms_accepted"] >= n and s["smsc_bound"] == 0 and
         s["outbox"]["receipts"] > 0 else 1)' "$T_DIR/status.json" "$1"
}
status_eventually() {
	for _i in $(seq 1 50); do status_ok "$1" && return 0; sleep 0.1; done
	return 1
}
check "hotlinectl status counts what came through kannel" \
    status_eventually $((N_STREAM + N_DOWN))
ctl status >"$T_DIR/status.out" 2>&1
check "and shows them in its table" grep -q kannel "$T_DIR/status.out"
check "no phone number in hotlined's log" sh -c \
    "! grep -Eq '1380013[0-9]{4}' '$d/hotlined.log' '$T_DIR/hl.out'"
kill -TERM "$PID_hl"
check "hotlined stops cleanly" wait_gone "$PID_hl" 15
[ "$T_FAILED" -eq 0 ] || show "$T_DIR/hl.out" 30	# masked; Kannel logs numbers
check "no sanitizer report from the daemon (--enable-sanitizers builds)" \
    sh -c "! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error' '$T_DIR/hl.out'"
t_done
