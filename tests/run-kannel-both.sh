#!/bin/sh
# Both ways in at once: one carrier bound directly (smscsim A), another
# behind Kannel (smscsim B <- bearerbox <- smsbox <- hotlined).  Texts from
# either become cases alike; each citizen is answered through the way they
# wrote in (A's citizens through A, B's through Kannel), and so are the
# later result and survey of their case.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
need_kannel
plan 15

d="$T_DIR/h"
k="$T_DIR/k"
aport=$(free_port) bport=$(free_port) hport=$(free_port) apiport=$(free_port)
sh "$top_srcdir/tests/kannel-conf.sh" "$k" "$bport" "$hport" "$(free_port)" \
    "$(free_port)" "$(free_port)" || bail "cannot write kannel.conf"
hotlined_conf "$d" "$aport" "max-new-cases-per-hour 0
max-replies-per-hour 0
$(office_survey_conf "$apiport" "$d.tokens")
$(cat "$k/hotlined-kannel.conf")"
db="$d/hotlined.db"
sa="$T_DIR/a.jsonl" sb="$T_DIR/b.jsonl"
# count FILE LAST4 REGEX: SMS to the number ending LAST4 in one SMSC's record
count() { grep "\"dest_last4\":\"$2\"" "$1" 2>/dev/null | grep -Ec -- "$3" || true; }
eventually() {
	for _i in $(seq 1 300); do
		[ "$(count "$1" "$2" "$3")" -ge "$4" ] && return 0
		sleep 0.05
	done
	return 1
}

mkfifo "$T_DIR/a" "$T_DIR/b"
start_bg sima sh -c "exec '$SMSCSIM' -p $aport -i -o '$sa' -d 100 <'$T_DIR/a'"
start_bg simb sh -c "exec '$SMSCSIM' -p $bport -i -o '$sb' -d 100 <'$T_DIR/b'"
exec 3>"$T_DIR/a" 4>"$T_DIR/b"
start_bg bearerbox "$BEARERBOX" -v 1 "$k/kannel.conf"
wait_log "$T_DIR/simb.out" 'bound transceiver' 20
start_bg smsbox "$SMSBOX" -v 1 "$k/kannel.conf"
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
check "Kannel's smsbox is connected" wait_log "$T_DIR/smsbox.out" \
    'Connected to bearerbox' 15
check "hotlined binds to carrier A" wait_log "$T_DIR/hl.out" \
    'smpp +bound smsc=sim' 10
check "and listens for Kannel" grep -Eq 'kannel +listening' "$T_DIR/hl.out"

printf 'from=13800138040 to=12345 text=投诉：青年路菜市场门口占道经营，车辆无法通行。\n' >&3
printf 'from=13800138041 to=12345 text=投诉：东风路夜市油烟扰民，晚上无法开窗。\n' >&4
check "carrier A's citizen is answered" eventually "$sa" 8040 '已受理' 1
check "Kannel's citizen is answered" eventually "$sb" 8041 '已受理' 1
check "both texts are cases, recorded with their way in" test \
    "$(sql "$db" "SELECT group_concat(i.smsc, ',') FROM (SELECT i.smsc FROM cases c JOIN inbound i ON i.id = c.inbound_id ORDER BY i.smsc) i")" = "kannel,sim"
check "A's citizen got nothing through Kannel" test "$(count "$sb" 8040 .)" = 0
check "Kannel's citizen got nothing through A" test "$(count "$sa" 8041 .)" = 0

# a status query each: answered the same way again
printf 'from=13800138040 to=12345 text=CX\n' >&3
printf 'from=13800138041 to=12345 text=CX\n' >&4
check "A's status query answered through A" eventually "$sa" 8040 'HY' 2
check "Kannel's status query answered through Kannel" eventually "$sb" 8041 'HY' 2

# later SMS of a case follow the text that opened it
nb=$(sql "$db" "SELECT number FROM cases WHERE text LIKE '%东风路%'")
"$HOTLINECTL" -s "127.0.0.1:$apiport" -t "$OFFICE" case answer "$nb" \
    已责令夜市商户安装油烟净化设备。 >/dev/null 2>&1
check "the result of Kannel's case goes out through Kannel" \
    eventually "$sb" 8041 '已办结' 1
check "and its survey too" eventually "$sb" 8041 '请对案件' 1
check "nothing of that case went through A" test "$(count "$sa" 8041 .)" = 0
kill -TERM "$PID_hl"
check "hotlined stops cleanly" wait_gone "$PID_hl" 15
check "no sanitizer report from the daemon (--enable-sanitizers builds)" \
    sh -c "! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error' '$T_DIR/hl.out'"
[ "$T_FAILED" -eq 0 ] || show "$T_DIR/hl.out" 30
t_done
