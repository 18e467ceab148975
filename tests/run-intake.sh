#!/bin/sh
# Citizen SMS to case, end to end over real SMPP on 127.0.0.1: smscsim plays
# the citizens, hotlined registers, refuses, answers; the test reads the
# SMSC's record of what was sent, the operator log and the database.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
plan 24

d="$T_DIR/h"
port=$(free_port)
hotlined_conf "$d" "$port"
cat >"$T_DIR/citizens.scn" <<'SCN'
at=+0.5s from=13800138000 to=12345 text=我要投诉：幸福花园小区旁边的工地每天晚上十一点以后还在施工，电钻和渣土车的噪音扰民非常严重，已经持续一个多星期了，家里老人和孩子都休息不好，之前打过电话也没有人管，请有关部门尽快处理并答复。
wait-for=submit
from=13800138001 to=12345 text=请问新生儿医保怎么办理，需要带什么材料？
wait-for=submit
from=13800138002 to=12345 text=救命！我家楼下着火了，烟很大！
wait-for=submit
from=13800138000 to=12345 text=ＣＸ
wait-for=submit
from=13800138003 to=12345 text=求助：建设路和文明路路口的路灯坏了好几天，晚上很黑，请派人修一下。
resend
wait-for=submit
from=13800138005 to=12345 text=?
wait-for=submit
from=13800138006 to=12345 text=保密 举报某饭店使用过期食材，后厨卫生很差。
wait-for=submit
from=13800138004 to=12345 text=我和公司的劳动纠纷法院已经受理了，能不能帮我催一下判决？
wait-for=submit
from=13800138007 to=12345 text=满意的话我也不会再发了，2 号楼电梯又坏了，物业不管。
wait-for=submit
SCN
start_bg sim "$SMSCSIM" -p "$port" -s "$T_DIR/citizens.scn" -o "$T_DIR/sent.jsonl" -d 200
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
check "hotlined binds to the SMSC" wait_log "$T_DIR/hl.out" 'smpp +bound smsc=sim' 10
check "all nine texts answered" sh -c "for i in \$(seq 1 200); do
    [ \$(wc -l <'$T_DIR/sent.jsonl' 2>/dev/null || echo 0) -ge 9 ] && exit 0; sleep 0.1; done; exit 1"
db="$d/hotlined.db"
# the last text's answer goes out after its commit, and the texts are
# taken in order: once it is sent, every row and log line before it is in
wait_log "$T_DIR/sent.jsonl" '138\*\*\*\*8007' 10 ||
    echo "# the last text (8007) was not answered"

# 1: a long complaint in three UCS-2 parts becomes one case
check "multipart complaint registered as one complaint case" \
    test "$(sql "$db" "SELECT count(*) FROM cases WHERE category='complaint' AND text LIKE '%幸福花园%施工%答复%'")" = 1
n1=$(sql "$db" "SELECT number FROM cases WHERE text LIKE '%幸福花园%' LIMIT 1")
check "case number has prefix, date and sequence" sh -c "echo '$n1' | grep -Eq '^HY[0-9]{6}[0-9]{4}\$'"
check "acknowledgement carries the case number" \
    sh -c "grep -F '$n1' '$T_DIR/sent.jsonl' | grep -q '138\\*\\*\\*\\*8000'"
check "acknowledgement states a due date" sh -c "grep -F '$n1' '$T_DIR/sent.jsonl' | grep -Eq '20[0-9]{2}'"
check "the operator log line names case, masked number, category and due" \
    grep -Eq "intake +case=$n1 msisdn=138\\*\\*\\*\\*8000~[a-z]{4} cat=complaint due=20[0-9]{2}-[0-9]{2}-[0-9]{2}" "$T_DIR/hl.out"

# 2: consultation
check "consultation classified" \
    test "$(sql "$db" "SELECT category FROM cases WHERE text LIKE '%新生儿医保%'")" = consultation

# 3: emergency refused with 119, recorded, no case
check "fire refused, not a case" \
    test "$(sql "$db" "SELECT count(*) FROM cases WHERE text LIKE '%着火%'")" = 0
check "refusal recorded" \
    test "$(sql "$db" "SELECT count(*) FROM refusals WHERE channel='119'")" = 1
check "refusal SMS names 119" sh -c "grep '138\\*\\*\\*\\*8002' '$T_DIR/sent.jsonl' | grep -q 119"
check "the safety screen refused it and raised an alert" \
    test "$(sql "$db" "SELECT r.rule || ' ' || a.verdict || ' ' || a.channel FROM alerts a JOIN refusals r ON r.id = a.refusal_id")" = "screen clear 119"
check "the alert's crit line" grep -Eq 'crit  alert  +raised id=1 verdict=clear channel=119 refusal=[0-9]+ msisdn=138\*\*\*\*8002' "$d/hotlined.log"

# 4: full-width status query lists the sender's own open case
check "full-width CX answered with the sender's case" \
    sh -c "test \$(grep '138\\*\\*\\*\\*8000' '$T_DIR/sent.jsonl' | grep -c '$n1') -ge 2"

# 5: the SMSC's retransmission makes no second case
check "resent MO makes one case" \
    test "$(sql "$db" "SELECT count(*) FROM cases WHERE text LIKE '%路灯坏了%'")" = 1
check "resend logged as duplicate" grep -Eq 'inbound +duplicate' "$T_DIR/hl.out"
check "one reply to the resent MO" \
    test "$(records_with "$T_DIR/sent.jsonl" '138\*\*\*\*8003')" = 1

# 6: "?" gets help, no case
check "question mark answered with help, no case" sh -c \
    "grep '138\\*\\*\\*\\*8005' '$T_DIR/sent.jsonl' | grep -q 'CX' &&
    test \$(sqlite3 '$db' \"SELECT count(*) FROM cases WHERE text='?'\") = 0"

# 7: confidential
check "保密 marks the case confidential" \
    test "$(sql "$db" "SELECT confidential FROM cases WHERE text LIKE '%过期食材%'")" = 1

# 8: litigation refused
check "a matter in court is refused" \
    test "$(sql "$db" "SELECT count(*) FROM refusals WHERE text LIKE '%法院%' OR reason LIKE '%litig%'")" -ge 1

# 9: reads like a survey answer (starts with 满意) but no survey is open:
# a new matter, acknowledged
check "a survey-like text without an open survey is a case" \
    test "$(sql "$db" "SELECT count(*) FROM cases WHERE text LIKE '%电梯又坏了%'")" = 1
check "and acknowledged with its number" sh -c "grep '138\\*\\*\\*\\*8007' '$T_DIR/sent.jsonl' | grep -q HY"

# privacy
check "no full phone number in the log" sh -c "! grep -q 1380013800 '$T_DIR/hl.out' '$d/hotlined.log'"
check "no plaintext phone number in the database file" \
    sh -c "! grep -aq 1380013800 '$db' '$db-wal' 2>/dev/null"
t_done
