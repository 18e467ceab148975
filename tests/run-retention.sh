#!/bin/sh
# retention-days and "hotlinectl retention apply [--dry-run]": cases
# closed longer ago than the period lose their texts and numbers, with
# their inbound and outbox rows; open and recent cases keep theirs; the
# run is one audited event naming the cases, and "audit verify" stays
# intact.  Tampering is still found afterwards: an erased row written
# again, the re-attestation index forged, an untouched row changed.
# Bad periods and a missing period are refused.  The clock moves with
# HOTLINED_CLOCK_OFFSET (builds configured --enable-test-clock).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
has_test_clock || skip_all "needs the test clock (configure --enable-test-clock)"
plan 24

d="$T_DIR/h"
port=$(free_port)
aport=$(free_port)
hotlined_conf "$d" "$port" "retention-days 30
$(office_survey_conf "$aport" "$T_DIR/tokens")"
db="$d/hotlined.db"
sent="$T_DIR/sent.jsonl"
mkfifo "$T_DIR/mo"
start_bg sim sh -c "exec '$SMSCSIM' -p $port -i -o '$sent' -d 100 <'$T_DIR/mo'"
exec 3>"$T_DIR/mo"
mo() { printf 'from=%s to=12345 text=%s\n' "$1" "$2" >&3; }
start() {
	start_bg hl env HOTLINED_CLOCK_OFFSET=${1:-0} "$HOTLINED" -f -c "$d/hotlined.conf"
	wait_log "$T_DIR/hl.out" 'smpp +bound smsc=sim' 10 &&
	    wait_log "$T_DIR/hl.out" 'admin +listening' 5
}
stop() { kill -TERM "$PID_hl"; wait_gone "$PID_hl" 10; : >"$T_DIR/hl.out"; }
num() { sql "$db" "SELECT number FROM cases WHERE text LIKE '%$1%'"; }

if start; then ok "hotlined starts"; else fail "hotlined starts"; fi
mo 13800132001 "投诉：幸福路夜间施工噪音太大，影响休息。"
mo 13800132002 "咨询：老年卡在哪里办理？"
mo 13800132003 "建议：公园多设几个饮水点。"
wait_sms 2001 HY 1; wait_sms 2002 HY 1; wait_sms 2003 HY 1
a=$(num 施工噪音); b=$(num 老年卡); c=$(num 饮水点)
mo 13800132001 "补充$a：每晚十一点以后还在施工。"
wait_sms 2001 . 2
ctl case answer "$a" "已责令施工单位夜间停工。" >/dev/null
ctl case answer "$b" "请到社区服务中心办理。" >/dev/null
wait_sms 2001 '已办结' 1; wait_sms 2002 '已办结' 1
check "dry run today: nothing is old enough" sh -c \
    "'$HOTLINECTL' -s 127.0.0.1:$aport -t $OFFICE retention apply --dry-run | grep -q '^0 closed cases older than 30 days'"
stop

# 31 days later
if start $((31 * 86400)); then ok "restarted 31 days later"; else fail "restarted 31 days later"; fi
check "dry run: the two closed cases" sh -c \
    "'$HOTLINECTL' -s 127.0.0.1:$aport -t $OFFICE retention apply --dry-run | grep -q '^2 closed cases older than 30 days'"
check "nothing erased by a dry run" test "$(sql "$db" "SELECT count(*) FROM cases WHERE text = ''")" = 0
ctl retention apply >"$T_DIR/apply.out" 2>&1
check "apply erases two cases" grep -q '^erased the texts and numbers of 2 closed cases' "$T_DIR/apply.out"
sed 's/^/# /' "$T_DIR/apply.out"
check "their texts and numbers are gone" test "$(sql "$db" "SELECT count(*) FROM cases WHERE number IN ('$a', '$b') AND text = '' AND length(msisdn_enc) = 0 AND length(msisdn_hash) = 0")" = 2
check "the open case keeps its text and number" test "$(sql "$db" "SELECT count(*) FROM cases WHERE number = '$c' AND text LIKE '%饮水点%' AND length(msisdn_enc) > 0")" = 1
check "their inbound rows, supplement included, are blank" test "$(sql "$db" "SELECT count(*) FROM inbound WHERE text LIKE '%施工%' OR text LIKE '%老年卡%'")" = 0
check "their outbox rows are blank" test "$(sql "$db" "SELECT count(*) FROM outbox WHERE case_id IN (SELECT id FROM cases WHERE number IN ('$a', '$b')) AND (text != '' OR length(msisdn_enc) > 0)")" = 0
check "the supplement's text is gone" test "$(sql "$db" "SELECT count(*) FROM supplements WHERE text LIKE '%十一点%'")" = 0
check "one audited event names the cases" test "$(sql "$db" "SELECT count(*) FROM audit WHERE action = 'retention' AND actor = 'ops' AND detail LIKE '%cases=$a,$b %'")" = 1
check "audit verify: intact after retention" sh -c \
    "'$HOTLINECTL' -s 127.0.0.1:$aport -t $OFFICE audit verify | grep -q 'audit trail intact'"
ctl retention apply >"$T_DIR/apply2.out" 2>&1
check "a second run finds nothing more" grep -q 'of 0 closed cases' "$T_DIR/apply2.out"
ctl case answer "$c" "已转园林部门研究。" >/dev/null
stop

# tampering after retention, on copies, verified offline
verify() { "$HOTLINECTL" audit verify --db "$1" --key "$d/hotlined.key" >"$T_DIR/v.out" 2>&1; }
check "the database verifies intact offline" verify "$db"
t() { cp "$db" "$T_DIR/t.db"; sqlite3 "$T_DIR/t.db" "$1"; ! verify "$T_DIR/t.db" && grep -q 'broken' "$T_DIR/v.out"; }
check "an erased inbound row written again is detected" \
    t "UPDATE inbound SET text = '伪造' WHERE id = (SELECT inbound_id FROM cases WHERE number = '$a')"
check "an erased outbox row written again is detected" \
    t "UPDATE outbox SET text = '伪造' WHERE case_id = (SELECT id FROM cases WHERE number = '$b')"
check "a forged re-attestation index is detected" \
    t "DELETE FROM audit_reattest WHERE event = (SELECT min(event) FROM audit_reattest)"
check "a kept row changed is detected" \
    t "UPDATE inbound SET text = '伪造' WHERE text LIKE '%饮水点%'"

# a row changed before a run stops it: never attested again
start $((62 * 86400)) >/dev/null
sql "$db" "UPDATE outbox SET text = '伪造' WHERE case_id = (SELECT id FROM cases WHERE number = '$c') AND kind = 'ack'"
ctl retention apply >"$T_DIR/apply4.out" 2>&1
check "a row changed before the run stops it" sh -c \
    "test $? -ne 0 && grep -q 'no longer matches its rows' '$T_DIR/apply4.out'"
check "and the case keeps its text" test "$(sql "$db" "SELECT count(*) FROM cases WHERE number = '$c' AND text LIKE '%饮水点%'")" = 1
stop

# refusals
sed -i 's/^retention-days 30$/retention-days 7/' "$d/hotlined.conf"
check "a period under 30 days is a configuration error" sh -c \
    "! '$HOTLINED' -t -c '$d/hotlined.conf' >'$T_DIR/t.out' 2>&1 && grep -q 'retention-days 7 is under 30' '$T_DIR/t.out'"
sed -i 's/^retention-days 7$/retention-days 0/' "$d/hotlined.conf"
start $((31 * 86400)) >/dev/null
ctl retention apply >"$T_DIR/apply3.out" 2>&1
check "without a period, nothing is erased and the reply says why" sh -c \
    "test $? -ne 0 && grep -q 'no retention period: set retention-days' '$T_DIR/apply3.out'"
check "no full phone number in the log" sh -c "! grep -Eq '1380013[0-9]{4}' '$d/hotlined.log' '$T_DIR'/*.out"
exec 3>&-
t_done
