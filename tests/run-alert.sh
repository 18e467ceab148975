#!/bin/sh
# The safety screen end to end (issue 11, Art. 8(1)) over real SMPP on
# 127.0.0.1: a clear emergency (self-harm) is refused with 110, 120 and
# 12356 in one SMS, no case; a possible one (a wages complaint with a
# threat to jump) is registered and its acknowledgement begins with the
# advice; an ordinary text raises nothing.  Each emergency leaves an alert
# row and a crit line after the commit; hotlinectl alert list / show / ack
# (audited: who, when, what was done; once only; roles), alert citizen
# (the number to call back, audited first); an alert left
# unacknowledged is logged again after alert-repeat (the clock moved with
# HOTLINED_CLOCK_OFFSET across a restart, never slept for), and again at
# that interval; an acknowledged one never.  Texts compared whole.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
has_test_clock || skip_all "moves the clock: needs a build configured --enable-test-clock"
plan 48

AUDIT=audit-token-0123456789abcdef
d="$T_DIR/a"
port=$(free_port)
aport=$(free_port)
mkdir -p "$d"
office_survey_conf "$aport" "$d/tokens" >"$d/admin.conf"
printf 'aud\tauditor\t%s\n' "$AUDIT" >>"$d/tokens"
hotlined_conf "$d" "$port" "alert-repeat 1m
max-replies-per-hour 2
$(cat "$d/admin.conf")"
db="$d/hotlined.db"
log="$d/hotlined.log"
sent="$T_DIR/sent.jsonl"
mo() { printf 'from=%s to=%s text=%s\n' "$1" "$2" "$3" >&3; }
# text_to LAST4: the text of the last SMS sent to the number ending LAST4
text_to() {
	grep "\"dest_last4\":\"$1\"" "$sent" | tail -n 1 |
	    python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["text"])'
}

mkfifo "$T_DIR/mo"
start_bg sim sh -c "exec '$SMSCSIM' -p $port -i -o '$sent' -d 100 <'$T_DIR/mo'"
exec 3>"$T_DIR/mo"
if start_daemon; then ok "hotlined binds and serves the admin API"
else fail "hotlined binds and serves the admin API"; fi

# --- a clear emergency: refused, one SMS, the right channels first
mo 13800138051 12345 "我不想活了，今晚就结束这一切"
check "the clear emergency is answered" wait_sms 8051 '12356' 1
check "with the self-harm refusal, whole" test "$(text_to 8051)" = \
    "【12345热线】生命最重要。有危险请立即拨打110或120；心理援助热线12356，随时可拨打。12345不受理紧急求助。"
check "in one SMS" test "$(grep '"dest_last4":"8051"' "$sent" | tail -n 1 |
    python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["parts"])')" = 1
check "refused, not a case" sh -c "
	test \$(sqlite3 '$db' \"SELECT count(*) FROM cases WHERE text LIKE '%不想活%'\") = 0 &&
	test \$(sqlite3 '$db' \"SELECT channel FROM refusals WHERE text LIKE '%不想活%'\") = selfharm"
check "the alert row: verdict, channel, masked number, the refusal" \
    is_eventually "clear|selfharm|1|1|" "$db" \
    "SELECT verdict, channel, msisdn_mask GLOB '138[*][*][*][*]8051~[a-z][a-z][a-z][a-z]', refusal_id IS NOT NULL, case_id FROM alerts WHERE id = 1"
check "a crit line once committed, masked" wait_log "$log" \
    'crit  alert  +raised id=1 verdict=clear channel=selfharm refusal=[0-9]+ msisdn=138\*\*\*\*8051~[a-z]{4} word=[^ ]+ age=0s logs=1: call back' 5

# --- a possible emergency: registered AND advised first
mo 13800138052 12345 "投诉老板拖欠工资三个月，再不给钱我就跳楼"
check "the possible emergency is acknowledged" wait_sms 8052 'HY' 1
n=$(sql "$db" "SELECT number FROM cases WHERE text LIKE '%拖欠工资%'")
due=$(sql "$db" "SELECT due FROM cases WHERE number = '$n'")
check "registered as a case as usual" test -n "$n"
check "the acknowledgement begins with the advice, whole" test "$(text_to 8052)" = \
    "【紧急提示】如您或身边的人有轻生念头，请立即拨打110或120，心理援助热线12356。【12345热线】已受理，案件号$n，投诉举报，${due}前答复。查询回复CX $n"
check "the alert names the case" is_eventually "possible|selfharm|$n" "$db" \
    "SELECT a.verdict, a.channel, c.number FROM alerts a JOIN cases c ON c.id = a.case_id WHERE a.id = 2"
check "its crit line names the case" wait_log "$log" \
    "crit  alert  +raised id=2 verdict=possible channel=selfharm case=$n msisdn=138\\*\\*\\*\\*8052" 5

# --- an ordinary text: nothing
mo 13800138053 12345 "小区门口的路灯坏了一个星期了"
check "an ordinary text is acknowledged" wait_sms 8053 'HY' 1
check "and raises no alert" test "$(sql "$db" "SELECT count(*) FROM alerts")" = 2

# --- the operator's view
run list ctl --json alert list
check "alert list: both open, newest first" sh -c "
	test '$(jget list count)' = 2 && test '$(jget list alerts.0.id)' = 2 &&
	test '$(jget list alerts.0.case)' = '$n' && test '$(jget list alerts.1.msisdn | cut -c1-11)' = '138****8051'"
run table ctl alert list
check "alert list as a table" grep -Eq '^1 +[0-9T:.+-]+ +clear +selfharm +138\*\*\*\*8051~[a-z]{4} +- +[0-9]+ +1 +yes' "$T_DIR/table.out"
run status ctl --json status
check "status counts the alerts" sh -c "
	test '$(jget status alerts.open)' = 2 && test '$(jget status alerts.raised)' = 2"
run aud "$HOTLINECTL" -s "127.0.0.1:$aport" -t "$AUDIT" alert ack 1 x
check "an auditor may not acknowledge (403)" sh -c "test $rc -eq 1 && grep -q forbidden '$T_DIR/aud.out'"
run ack ctl --json alert ack 1 "已回电，本人在家人陪同下，已联系社区跟进"
check "the office acknowledges with what was done" sh -c "
	test $rc -eq 0 && test '$(jget ack open)' = false && test '$(jget ack acked_by)' = ops &&
	test '$(jget ack note)' = '已回电，本人在家人陪同下，已联系社区跟进'"
check "the acknowledgement is audited: who, what" test "$(sql "$db" \
    "SELECT actor || ' ' || detail FROM audit WHERE action = 'alert.ack'")" = \
    'ops {"id":1,"note":"已回电，本人在家人陪同下，已联系社区跟进"}'
run again ctl alert ack 1 again
check "an alert is acknowledged once (409)" sh -c "test $rc -eq 1 && grep -q conflict '$T_DIR/again.out'"
run unknown ctl alert ack 99 x
check "an unknown alert (404)" sh -c "test $rc -eq 1 && grep -q not_found '$T_DIR/unknown.out'"
run badid ctl alert ack 1x x
check "a malformed id is a usage error" test "$rc" -eq 2
run nonote ctl alert ack 2
check "a note is required" test "$rc" -eq 2
run open ctl --json alert list
run all ctl --json alert list --all
check "one open, two in all" sh -c "test '$(jget open count)' = 1 && test '$(jget all count)' = 2"
run show ctl --json alert show 2
check "alert show gives the citizen's text" test "$(jget show text)" = "投诉老板拖欠工资三个月，再不给钱我就跳楼"

run cit ctl alert citizen 1 "回电确认本人安全"
check "alert citizen: the number to call back (refused: no case to read it from)" \
    sh -c "test $rc -eq 0 && grep -Eq '^msisdn +13800138051\$' '$T_DIR/cit.out'"
check "the read is audited first: who and why, never the number" test "$(sql "$db" \
    "SELECT actor || ' ' || detail FROM audit WHERE action = 'msisdn-read'")" = \
    'ops {"alert":1,"reason":"回电确认本人安全"}'
run citaud "$HOTLINECTL" -s "127.0.0.1:$aport" -t "$AUDIT" alert citizen 1 x
check "an auditor never reads a number (403)" sh -c "test $rc -eq 1 && grep -q forbidden '$T_DIR/citaud.out'"
run citnum ctl alert citizen 1 "call 13800138051"
check "a reason holding the number is refused" sh -c "test $rc -eq 1 && grep -q 'must not hold the phone number' '$T_DIR/citnum.out'"

# --- hostile requests
req h1 GET /v1/alerts/abc -t "$OFFICE"
check "a malformed alert id (400)" st_code h1 400 bad_request
req h2 GET '/v1/alerts?all=2' -t "$OFFICE"
check "all must be 0 or 1 (400)" st_code h2 400 bad_request
req h3 GET '/v1/alerts?open=1' -t "$OFFICE"
check "an unknown query parameter (400)" st_code h3 400 bad_request
req h4 POST /v1/alerts/2/ack -t "$OFFICE" -b '{"note":"x","who":"me"}'
check "an unknown field (400)" st_code h4 400 bad_request
req h5 POST /v1/alerts/2/ack -t "$OFFICE" -b '{"note":""}'
check "an empty note (400)" st_code h5 400 bad_request
req h6 POST /v1/alerts/2/ack -t "$OFFICE" -b '{"note":"a\u0001b"}'
check "a note with a control character (400)" st_code h6 400 bad_request
req h7 POST /v1/alerts/2/ack -t "$OFFICE" -g bytes
check "a body that is not UTF-8 (400)" sh -c "head -n 1 '$T_DIR/h7.out' | grep -q '^400'"
check "alert 2 is still open after all that" is_eventually "" "$db" \
    "SELECT acked_at FROM alerts WHERE id = 2"

# --- left unacknowledged: logged again, and again at that interval
kill -TERM "$PID_hl"
wait_gone "$PID_hl" 10
: >"$T_DIR/hl.out"
if start_daemon "HOTLINED_CLOCK_OFFSET=90"; then ok "restarted 90 s later"
else fail "restarted 90 s later"; fi
check "the open alert is logged again after alert-repeat" wait_log "$T_DIR/hl.out" \
    "crit  alert  +unacknowledged id=2 verdict=possible channel=selfharm case=$n msisdn=138\\*\\*\\*\\*8052~[a-z]{4} word=[^ ]+ age=(9[0-9]|[1-9][0-9]{2,})s logs=2" 10
check "the acknowledged one is not" sh -c "! grep -q 'unacknowledged id=1 ' '$T_DIR/hl.out'"
kill -TERM "$PID_hl"
wait_gone "$PID_hl" 10
: >"$T_DIR/hl.out"
start_daemon "HOTLINED_CLOCK_OFFSET=100" >/dev/null
check "the first check after a start says what waits" wait_log "$T_DIR/hl.out" \
    'info  alert  +started open=1 due=0 repeat=60s' 10
check "not again before the interval has passed" sh -c "! grep -q 'unacknowledged id=2' '$T_DIR/hl.out'"
kill -TERM "$PID_hl"
wait_gone "$PID_hl" 10
start_daemon "HOTLINED_CLOCK_OFFSET=160" >/dev/null
check "again once it has" wait_log "$T_DIR/hl.out" 'unacknowledged id=2 .* logs=3' 10

# --- the reply limit never silences an emergency (nor a new case's
# acknowledgement: a command is what it stops here)
mo 13800138054 12345 "小区东门的路灯坏了"
mo 13800138054 12345 "小区西门的井盖松了"
check "two replies within the limit" wait_sms 8054 'HY' 2
mo 13800138054 12345 "CX"
check "a third ordinary text is not answered (max-replies-per-hour 2)" \
    wait_log "$T_DIR/hl.out" 'mo +reply limit msisdn=138\*\*\*\*8054~[a-z]{4} kind=status replies=2' 10
mo 13800138054 12345 "家里厨房着火了"
check "an emergency is answered whatever the limit" wait_sms 8054 '119' 1
check "no full phone number in the log" sh -c "! grep -q 1380013805 '$T_DIR/hl.out' '$log'"
t_done
