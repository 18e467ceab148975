#!/bin/sh
# Abuse and loop protection: new cases per number per hour, replies per
# number per hour, and no answer at all to machines (alphanumeric senders,
# the service number itself), so two auto-responders never text each other.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
plan 9

d="$T_DIR/h"
port=$(free_port)
hotlined_conf "$d" "$port" "max-new-cases-per-hour 2
max-replies-per-hour 4"
cat >"$T_DIR/s.scn" <<'SCN'
at=+0.5s from=13800138020 to=12345 text=投诉：一号楼噪音扰民
wait-for=submit
from=13800138020 to=12345 text=投诉：二号楼油烟扰民
wait-for=submit
from=13800138020 to=12345 text=投诉：三号楼违章搭建
wait-for=submit
from=13800138020 to=12345 text=ＣＸ
from=13800138020 to=12345 text=帮助
after=1s from=BANK to=12345 text=您的账户支出100元
from=12345 to=12345 text=投诉：回环测试
from=10086 to=12345 text=尊敬的客户，您本月话费账单已出
from=95588 to=12345 text=您尾号1234的账户入账100元
after=1s from=13800138021 to=12345 text=投诉：路边垃圾没人清理
wait-for=submit
after=1s
SCN
start_bg sim "$SMSCSIM" -p "$port" -s "$T_DIR/s.scn" -o "$T_DIR/sent.jsonl" -d 100
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
check "the control citizen is answered (the scenario ran)" \
    wait_log "$T_DIR/sent.jsonl" '"dest_addr":"138\*\*\*\*8021"' 15
db="$d/hotlined.db"
check "two new cases an hour for one number" \
    test "$(sql "$db" "SELECT count(*) FROM cases WHERE text LIKE '%号楼%'")" = 2
check "the third is told to wait, not registered" \
    wait_log "$T_DIR/hl.out" 'mo +case limit msisdn=138\*\*\*\*8020~[a-z]{4} cases=2' 5
check "replies stop at four an hour for that number" \
    test "$(records_with "$T_DIR/sent.jsonl" '138\*\*\*\*8020')" = 4
check "the limit is logged" grep -Eq 'mo +reply limit msisdn=138\*\*\*\*8020' "$T_DIR/hl.out"
check "no reply to an alphanumeric sender" sh -c "
    grep -Eq 'ignored machine sender msisdn=' '$T_DIR/hl.out' &&
    ! grep -q '\"dest_addr\":\"BANK\\|\"dest_last4\":\"BANK' '$T_DIR/sent.jsonl'"
check "no reply to the service number itself" \
    test "$(records_with "$T_DIR/sent.jsonl" '"dest_last4":"2345"')" = 0
check "machines make no case" \
    test "$(sql "$db" "SELECT count(*) FROM cases WHERE text LIKE '%账%' OR text LIKE '%回环%'")" = 0
check "no reply to short service codes (10086, 95588)" sh -c "
    ! grep -Eq '\"dest_last4\":\"(0086|5588)\"' '$T_DIR/sent.jsonl' &&
    test \$(grep -Ec 'mo +ignored machine sender' '$T_DIR/hl.out') -ge 4"
t_done
