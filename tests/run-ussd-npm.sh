#!/bin/sh
# USSD through another SMPP implementation: the npm `smpp` package as a
# gateway that names sessions by user_message_reference (ussd-session
# user-message-reference), aborts with its vendor op 0x82 and takes 32 as
# our abort on timeout (tests/peers/ussd.js).  Two sessions of one number
# live side by side under two references; service_type "USSD" without
# the op TLV is a dial, then a choice; every screen is compared whole with
# the TLVs the peer decoded (op, reference copied back, no receipt asked).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
PEER="$top_srcdir/tests/peers/ussd.js"
command -v node >/dev/null 2>&1 || skip_all "node not found"
[ -d "$top_srcdir/tests/node_modules/smpp" ] ||
    skip_all "tests/node_modules missing (run npm ci in tests/)"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
plan 18

port=$(free_port)
d="$T_DIR/n"
# long enough that a loaded machine (load 14 seen) never ends a session
# between two steps; the idle check waits for it, bounded
hotlined_conf "$d" "$port" "ussd-timeout 8s"
# the dialect goes inside the smsc block
sed -i 's/^	window 50$/	window 50\
	ussd-session user-message-reference\
	ussd-in-abort 0x82\
	ussd-out-abort 32/' "$d/hotlined.conf"
out="$T_DIR/peer.out"
mkfifo "$T_DIR/in"
start_bg peer sh -c "exec node '$PEER' $port <'$T_DIR/in'"
exec 3>"$T_DIR/in"
wait_log "$out" 'listening' 10 || bail "npm smpp peer did not start"
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
check "hotlined binds to the npm peer" wait_log "$out" 'bind accepted' 10
# msg FROM UMR OP TEXT (OP "-": no ussd_service_op TLV)
msg() {
	if [ "$3" = - ]; then
		printf '{"from":"%s","umr":%s,"text":"%s"}\n' "$1" "$2" "$4" >&3
	else
		printf '{"from":"%s","umr":%s,"op":%s,"text":"%s"}\n' "$1" "$2" "$3" "$4" >&3
	fi
}
# field N KEY: KEY of the Nth screen the peer got
field() {
	python3 - "$out" "$1" "$2" <<'PY'
import json, sys
s = [json.loads(l[7:]) for l in open(sys.argv[1]) if l.startswith("screen ")]
n = int(sys.argv[2])
print(s[n - 1][sys.argv[3]] if len(s) >= n else "")
PY
}
nscreens() { grep -c '^screen ' "$out" 2>/dev/null || true; }
# screen N "OP UMR TO" TEXT: the Nth screen reads TEXT whole, with these TLVs
screen() {
	for _i in $(seq 1 200); do
		[ "$(nscreens)" -ge "$1" ] && break
		sleep 0.05
	done
	_got="$(field "$1" op) $(field "$1" umr) $(field "$1" to)
$(field "$1" text)"
	same_text "screen $1" "$2
$3" "$_got"
}
MENU='12345热线
1 查询我的诉求
2 评价已办结诉求
3 热线联系方式
回复数字选择'
GONE='会话已结束，请重新拨打*12345#。'
CONTACT='12345热线（24小时）
电话、短信：12345
网站：www.heyuan.gov.cn
紧急情况请拨110/119/120'

msg 13800130021 501 1 '*12345#'
check "a dial (PSSR indication 1): the menu, USSR request 2, reference 501" \
    screen 1 "2 501 138****0021" "$MENU"
msg 13800130021 501 18 1
check "a choice (USSR confirm 18) in session 501" \
    screen 2 "2 501 138****0021" "本号码没有登记过诉求。发短信至12345即可反映诉求。
00 返回"
msg 13800130021 502 1 '*12345#'
check "the same number dials again: a second session, 502" \
    screen 3 "2 502 138****0021" "$MENU"
msg 13800130021 502 18 3
check "502 ends with PSSR response 17, reference copied" \
    screen 4 "17 502 138****0021" "$CONTACT"
msg 13800130021 501 18 00
check "501 was not touched by 502: back to its menu" \
    screen 5 "2 501 138****0021" "$MENU"
msg 13800130021 501 130 ''
check "the vendor abort 0x82 ends 501" wait_log "$T_DIR/hl.out" \
    'ussd +end bearer=sim msisdn=138\*\*\*\*0021~[a-z]{4} session=501 reason=abort' 10
msg 13800130021 501 18 1
check "a choice after the abort: told it ended (17)" \
    screen 6 "17 501 138****0021" "$GONE"
msg 13800130022 7 - '*12345#'
check "service_type USSD without the op TLV is a dial" \
    screen 7 "2 7 138****0022" "$MENU"
msg 13800130022 7 - 3
check "and then a choice" screen 8 "17 7 138****0022" "$CONTACT"
check "screens are USSD, UCS-2, from the dialled code, no receipt asked" \
    test "$(field 8 st)/$(field 8 dc)/$(field 8 from)/$(field 8 rd)" = "USSD/8/*12345#/0"
check "no its_session_info invented for a gateway that sent none" \
    test "$(field 8 its)" = None
msg 13800130023 9 1 '*12345#'
screen 9 "2 9 138****0023" "$MENU" >/dev/null
check "an idle session ends at ussd-timeout" wait_log "$T_DIR/hl.out" \
    'ussd +end bearer=sim msisdn=138\*\*\*\*0023~[a-z]{4} session=9 reason=timeout' 25
check "with our abort op 32, reference 9, no text" \
    screen 10 "32 9 138****0023" ""
check "every USSD message was acknowledged with status 0" test \
    "$(grep -c "^resp .* status=0$" "$out")" = 10
check "no dial or choice made a case" test \
    "$(sql "$d/hotlined.db" "SELECT count(*) FROM cases")" = 0
check "hotlined is still running" kill -0 "$PID_hl"
check "no full phone number in the log" sh -c \
    "! grep -Eq '138001300[0-9][0-9]' '$T_DIR/hl.out' '$d/hotlined.log' '$out'"
t_done
