#!/bin/sh
# Art. 18 and 19 over a running hotlined and its admin API: a unit asks
# for an extension, the office refuses, the unit asks again, the office
# approves; the due date moves and the citizen gets the whole "extended"
# SMS; who may ask, see and decide; one pending a case; hostile bodies.
# Then publication: a citizen's "保密 HY…", the office's not-for-
# publication flag and its own confidentiality keep cases out of
# hotlinectl publish; the office cannot lift the citizen's request.
# Audited; the audit chain verifies; no full number in the log.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
plan 45

A=13800138051			# the case that is extended
B=13800138052			# asks for confidentiality after registration
C=13800138053			# a case the office marks not for publication
D=13800138054			# a plain case, published
F=13800138055			# a request that lapses
d="$T_DIR/x"
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

# says_one LAST4 REGEX WANT: the one SMS to LAST4 matching REGEX reads WANT
says_one() {
	wait_sms "$1" "$2" 1 || { echo "# no SMS to $1"; return 1; }
	_got=$(grep "\"dest_last4\":\"$1\"" "$sent" | grep -E -- "$2" |
	    python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["text"])')
	[ "$_got" = "$3" ] && return 0
	printf '# want: %s\n# got:  %s\n' "$3" "$_got"
	return 1
}
mo() { printf 'from=%s to=%s text=%s\n' "$1" "$2" "$3" >&3; }
events() {
	sql "$db" "SELECT count(*) FROM audit WHERE action = '$1'
	    AND case_id = (SELECT id FROM cases WHERE number = '$2')"
}

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
mo "$A" 12345 "投诉：建设路自来水管爆裂两天了，整条街停水。"
mo "$B" 12345 "投诉：和平路夜市烧烤油烟太大，窗户都不敢开。"
mo "$C" 12345 "投诉：文明路网吧半夜还有未成年人进出。"
mo "$D" 12345 "投诉：东环路路灯坏了一个星期，晚上很黑。"
n=$(wait_case 自来水管)
b=$(wait_case 油烟)
c=$(wait_case 网吧)
e=$(wait_case 路灯)
check "four cases registered" test -n "$n" -a -n "$b" -a -n "$c" -a -n "$e"
due0=$(sql "$db" "SELECT due FROM cases WHERE number = '$n'")
as "$OFFICE" case dispatch "$n" HB-WATER >/dev/null 2>&1

# --- the unit asks; nothing moves yet
run ask1 as "$WATER" extension request "$n" 3 需要更换主管道
check "the lead unit asks: exit 0, request 1 pending" \
    rc_is ask1 0 "^request 1: case $n, unit HB-WATER, due $due0 -> .*, pending\$"
check "the due date has not moved" \
    test "$(sql "$db" "SELECT due FROM cases WHERE number = '$n'")" = "$due0"
run ask2 as "$WATER" extension request "$n" 2 再申请
check "a second request while one is pending: 409 conflict" \
    rc_is ask2 1 'pending already.*HTTP 409 conflict'
run road as "$ROAD" extension request "$n" 3 x
check "another unit: 404 (the case does not exist for it)" \
    rc_is road 1 'HTTP 404 not_found'
run offask as "$OFFICE" extension request "$n" 3 x
check "the office does not ask, it extends: 403" \
    rc_is offask 1 'case extend.*HTTP 403 forbidden'
run unitext as "$WATER" case extend "$n" 3 自己延期
check "the unit can no longer extend by itself: 403, ask the office" \
    rc_is unitext 1 'ask the office \(extension request.*HTTP 403 forbidden'

# --- hostile bodies and ids
P="/v1/cases/$n/extension-request"
for body in '{}' '{"reason":"x"}' '{"days":2,"due":"2099-12-20","reason":"x"}' \
    '{"days":"3","reason":"x"}' '{"days":0,"reason":"x"}' \
    '{"days":61,"reason":"x"}' '{"days":3.5,"reason":"x"}' \
    '{"due":"2026-02-30","reason":"x"}' '{"due":"20261230","reason":"x"}' \
    '{"days":3,"reason":""}' '{"days":3,"reason":"a\u0001b"}' \
    '{"days":3,"reason":"x","unit":"HB-ROAD"}' '{"days":3,"reason":["x"]}'; do
	req hostile POST "$P" -t "$WATER" -b "$body"
	st_code hostile 400 bad_request || { echo "# $body"; break; }
done
check "13 malformed request bodies: 400 bad_request each" st_code hostile 400 bad_request
req h_arr POST "$P" -t "$WATER" -b '[]'
check "a body that is no object: 400" st_code h_arr 400 bad_request
req h_nest POST "$P" -t "$WATER" -g nest:64
check "a body nested 64 deep: 400" st_code h_nest 400 bad_request
req h_big POST "$P" -t "$WATER" -g big:2000000
check "a 2 MB body: 413" test "$(head -n 1 "$T_DIR/h_big.out")" = 413
req h_id GET /v1/extensions/1x -t "$OFFICE"
check "a malformed request id: 400" st_code h_id 400 bad_request
req h_id0 GET /v1/extensions/99999999999999999999 -t "$OFFICE"
check "an id out of range: 400" st_code h_id0 400 bad_request
req h_q GET '/v1/extensions?state=maybe' -t "$OFFICE"
check "an unknown state: 400" st_code h_q 400 bad_request
check "none of them recorded anything" \
    test "$(sql "$db" "SELECT count(*) FROM extension_requests")" = 1

# --- who sees the requests
run l_off as "$OFFICE" --json extension list
check "the office lists the pending request" sh -c "
	test \"\$(python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); print(o[\"count\"], o[\"requests\"][0][\"case\"], o[\"requests\"][0][\"reason\"])' '$T_DIR/l_off.out')\" = '1 $n 需要更换主管道'"
run l_road as "$ROAD" --json extension list --all
check "another unit lists none" test "$(jget l_road count)" = 0
run s_road as "$ROAD" extension show 1
check "... and cannot read it: 404" rc_is s_road 1 'HTTP 404 not_found'
run l_aud as "$AUDIT" --json extension list
check "the auditor lists it" test "$(jget l_aud count)" = 1
run show as "$OFFICE" --json case show "$n"
check "case show names the pending request" test "$(jget show extension_request)" = 1

# --- the office decides
run w_appr as "$WATER" extension approve 1
check "a unit cannot decide: 403" rc_is w_appr 1 'HTTP 403 forbidden'
req r_noreason POST /v1/extensions/1/refuse -t "$OFFICE" -b '{}'
check "a refusal without a reason: 400" st_code r_noreason 400 bad_request
run refuse as "$OFFICE" extension refuse 1 先联系自来水公司抢修
check "the office refuses: exit 0, refused with its reason" \
    rc_is refuse 0 "^request 1: .*, refused \(先联系自来水公司抢修\)\$"
run w_show as "$WATER" --json extension show 1
check "the unit reads the refusal and its reason" sh -c "
	test '$(jget w_show state)' = refused &&
	test '$(jget w_show decision)' = 先联系自来水公司抢修"
run ask3 as "$WATER" extension request "$n" 3 自来水公司排期后天抢修
check "the unit asks again" rc_is ask3 0 '^request 2: .*pending$'
run approve as "$OFFICE" --json extension approve 2 同意
check "the office approves" sh -c "test $rc -eq 0 &&
	test '$(jget approve state)' = approved"
due1=$(sql "$db" "SELECT due FROM cases WHERE number = '$n'")
check "the due date moved to the date asked for" sh -c "
	test '$due1' = '$(jget approve due)' && test '$due1' \> '$due0' &&
	test '$(sql "$db" "SELECT due_original FROM cases WHERE number = '$n'")' = '$due0'"
check "the citizen is told the new date, the whole text" says 8051 2 \
    "【12345热线】您的诉求${n}因情况复杂，经市热线办批准延期办理，办结期限延至${due1}，感谢理解。"
run again as "$OFFICE" extension approve 2
check "approving again: 409 conflict" rc_is again 1 'HTTP 409 conflict'
check "audited: two requests, one extension, two decisions" sh -c "
	test $(events case.extension-request "$n") = 2 &&
	test $(events case.extend "$n") = 1 &&
	test $(events case.extension-decide "$n") = 2"

# --- a request lapses when its case leaves the unit
mo "$F" 12345 "投诉：解放路井盖松动，车一过就响。"
f=$(wait_case 井盖)
as "$OFFICE" case dispatch "$f" HB-WATER >/dev/null 2>&1
as "$WATER" extension request "$f" 2 需要协调 >/dev/null 2>&1
as "$WATER" case return "$f" 不属于本单位职责 >/dev/null 2>&1
run lapsed as "$OFFICE" --json extension list --state lapsed
check "returned, its pending request lapses, decided by nobody" sh -c "
	test $rc -eq 0 && test '$(jget lapsed count)' = 1 &&
	test '$(jget lapsed requests 0 case)' = '$f' &&
	test '$(jget lapsed requests 0 decided_by)' = system:lapse &&
	test '$(jget lapsed requests 0 decision)' = return"
run pend as "$OFFICE" --json extension list
check "... and nothing waits for the office" sh -c "
	test $rc -eq 0 && test '$(jget pend count)' = 0"

# --- Art. 19: confidentiality and publication
# (asked before the result: a survey held for quiet hours would hold
# every later SMS to the number, as the outbox keeps each number's order)
mo "$B" 12345 "保密 $b"
check "the citizen's 保密 is answered, the whole text" says_one 8052 保密处理 \
    "【12345热线】案件${b}已按您的要求保密处理，您的个人信息和诉求内容不会公开。"
for x in "$b" "$c" "$e"; do
	as "$OFFICE" case answer "$x" 已处理完毕。 >/dev/null 2>&1
done
run np as "$OFFICE" case nopublish "$c" on 涉及未成年人
check "the office marks a case not for publication" \
    rc_is np 0 "^$c: not confidential, not for publication\$"
run lift as "$OFFICE" case confidential "$b" off 误设
check "the office cannot lift the citizen's confidentiality: 409" \
    rc_is lift 1 'the citizen asked.*HTTP 409 conflict'
run oc as "$OFFICE" --json case confidential "$e" on 涉及举报人
check "the office's own confidentiality" sh -c "test $rc -eq 0 &&
	test '$(jget oc confidential_by)' = office"
run oc2 as "$OFFICE" case confidential "$e" off 核实后可公开
check "... which it may lift" rc_is oc2 0 "^$e: not confidential, may be published\$"
run unitc as "$WATER" case confidential "$n" on x
check "a unit cannot set the flags: 403" rc_is unitc 1 'HTTP 403 forbidden'
for body in '{"reason":"x"}' '{"set":"yes","reason":"x"}' '{"set":1,"reason":"x"}' \
    '{"set":true}' '{"set":true,"reason":""}' '{"set":true,"reason":"x","by":"citizen"}'; do
	req hflag POST "/v1/cases/$c/confidential" -t "$OFFICE" -b "$body"
	st_code hflag 400 bad_request || { echo "# $body"; break; }
done
check "6 malformed flag bodies: 400 each" st_code hflag 400 bad_request
today=$(date +%F)
run pub as "$OFFICE" publish --from "$today" --to "$today" --format json -o "$T_DIR/pub.json"
check "publish lists the plain case only" sh -c "test $rc -eq 0 &&
	grep -q '$e' '$T_DIR/pub.json' && ! grep -q '$b' '$T_DIR/pub.json' &&
	! grep -q '$c' '$T_DIR/pub.json' && ! grep -q '$n' '$T_DIR/pub.json'"
check "audited: the citizen's request, the office's three changes" sh -c "
	test $(events case.confidential "$b") = 1 &&
	test $(events case.nopublish "$c") = 1 &&
	test $(events case.confidential "$e") = 2"

run verify as "$AUDIT" audit verify
check "hotlinectl audit verify: intact" rc_is verify 0 '^audit trail intact$'
check "the daemon's log never holds a number whole" sh -c "
	! grep -Eq '$A|$B|$C|$D' '$log' '$T_DIR/hl.out'"
kill -TERM "$PID_hl"
check "the daemon stops" wait_gone "$PID_hl" 10
exec 3>&-
t_done
