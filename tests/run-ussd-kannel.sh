#!/bin/sh
# USSD *12345# behind the real Kannel from Debian: smscsim is the USSD
# gateway bearerbox binds to; the TLVs travel as SMPP meta-data (the
# smpp-tlv groups of the shipped etc/kannel/kannel.conf, %D in the
# get-url), and the screens go back through sendsms with meta-data=, each
# one SMS (smsbox would split a longer text into parts no handset shows
# as a screen).  Every screen is compared whole with the TLVs smscsim
# decoded; an abort ends the session; no dial makes a case.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_kannel
plan 12

d="$T_DIR/h"
k="$T_DIR/k"
sport=$(free_port) hport=$(free_port)
kadmin=$(free_port) kbox=$(free_port) ksend=$(free_port)
sh "$top_srcdir/tests/kannel-conf.sh" "$k" "$sport" "$hport" "$kadmin" \
    "$kbox" "$ksend" || bail "cannot write kannel.conf"
hotlined_conf "$d" - "$(cat "$k/hotlined-kannel.conf")"
sent="$T_DIR/sent.jsonl"
ussd() { printf 'ussd from=%s to=*12345# op=%s dialog=%s text=%s\n' "$1" "$2" "$3" "$4" >&3; }
# screen LAST4 N "OP DIALOG END PARTS" TEXT: the Nth screen to LAST4, whole
screen() {
	wait_sms "$1" . "$2" 300 || { echo "# no screen $2 to $1"; return 1; }
	_got=$(grep "\"dest_last4\":\"$1\"" "$sent" | sed -n "${2}p" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
print(r.get("ussd_service_op"), r.get("its_dialog"), r.get("its_end"), r["parts"])
print(r["text"])')
	same_text "screen $2 to $1" "$3
$4" "$_got"
}
MENU='12345热线
1 查询我的诉求
2 评价已办结诉求
3 热线联系方式
回复数字选择'

mkfifo "$T_DIR/mo"
start_bg sim sh -c "exec '$SMSCSIM' -p $sport -i -o '$sent' -d 100 <'$T_DIR/mo'"
exec 3>"$T_DIR/mo"
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
wait_log "$T_DIR/hl.out" 'kannel +listening' 10 || bail "hotlined did not start"
start_bg bearerbox "$BEARERBOX" -v 1 "$k/kannel.conf"
check "bearerbox binds to the SMSC" wait_log "$T_DIR/sim.out" \
    'session [0-9]+ bound transceiver' 20
start_bg smsbox "$SMSBOX" -v 1 "$k/kannel.conf"
check "smsbox connects" wait_log "$T_DIR/smsbox.out" \
    'Connected to bearerbox' 15

ussd 13800130041 1 41 '*12345#'
check "a dial through Kannel: the menu, USSR request with the dialog" \
    screen 0041 1 "2 41 0 1" "$MENU"
ussd 13800130041 18 41 1
check "a choice through Kannel" screen 0041 2 "2 41 0 1" \
    "本号码没有登记过诉求。发短信至12345即可反映诉求。
00 返回"
ussd 13800130041 18 41 00
# a citizen reads a screen before the next key: Kannel's smsbox may hand
# two texts sent at once to hotlined in either order
check "00 through Kannel: back to the menu" screen 0041 3 "2 41 0 1" "$MENU"
ussd 13800130041 18 41 3
check "the last screen: PSSR response, end bit, one SMS" \
    screen 0041 4 "17 41 1 1" "12345热线（24小时）
电话、短信：12345
网站：www.heyuan.gov.cn
紧急情况请拨110/119/120"
check "hotlined saw it as USSD on the kannel bearer" wait_log \
    "$T_DIR/hl.out" 'ussd +end bearer=kannel msisdn=138\*\*\*\*0041~[a-z]{4} session=41 reason=done' 5
ussd 13800130042 1 42 '*12345#'
screen 0042 1 "2 42 0 1" "$MENU" >/dev/null
ussd 13800130042 129 42 ''
check "an abort (0x81) through Kannel ends the session" wait_log \
    "$T_DIR/hl.out" 'ussd +end bearer=kannel msisdn=138\*\*\*\*0042~[a-z]{4} session=42 reason=abort' 20
check "and is not answered" test "$(sms_to 0042 .)" = 1
check "no dial made a case" test \
    "$(sql "$d/hotlined.db" "SELECT count(*) FROM cases")" = 0
check "hotlined is still running" kill -0 "$PID_hl"
check "no full phone number in hotlined's log" sh -c \
    "! grep -Eq '138001300[0-9][0-9]' '$T_DIR/hl.out' '$d/hotlined.log'"
t_done
