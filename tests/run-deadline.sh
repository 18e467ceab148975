#!/bin/sh
# Deadlines follow the calendar file as it is now: a holiday added on a
# case's due date and read on SIGHUP moves the due date of the next case
# of that category, even within the same minute (mo.c keeps one deadline
# per category and minute until the calendar changes).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
plan 6

d="$T_DIR/h"
port=$(free_port)
hotlined_conf "$d" "$port"
y=$(date +%Y)
printf 'year %s\nyear %s\n' "$y" "$((y + 1))" >"$d/calendar"
sed -i "s|^calendar .*|calendar $d/calendar|" "$d/hotlined.conf"
db="$d/hotlined.db"
sent="$T_DIR/sent.jsonl"
mkfifo "$T_DIR/mo"
start_bg sim sh -c "exec '$SMSCSIM' -p $port -i -o '$sent' -d 100 <'$T_DIR/mo'"
exec 3>"$T_DIR/mo"
mo() { printf 'from=%s to=12345 text=%s\n' "$1" "$2" >&3; }
due_of() { sql "$db" "SELECT due FROM cases WHERE text LIKE '%$1%'"; }
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
check "hotlined binds to the SMSC" wait_log "$T_DIR/hl.out" 'smpp +bound smsc=sim' 10

mo 13800138070 "咨询：办理居住证需要哪些材料？"
mo 13800138071 "咨询：居住证续签在哪里办理？"
check "two consultations acknowledged" sh -c "for i in \$(seq 1 100); do
    test \$(grep -c 'HY' '$sent' 2>/dev/null || echo 0) -ge 2 && exit 0; sleep 0.1; done; exit 1"
d1=$(due_of 需要哪些材料)
check "cases of one minute share their due date" test "$d1" = "$(due_of 续签)"

# the due date becomes a holiday
printf 'year %s\nyear %s\nholiday %s %s\t测试\n' "$y" "$((y + 1))" "$d1" "$d1" \
    >"$d/calendar"
kill -HUP "$PID_hl"
check "the calendar is read again" wait_log "$T_DIR/hl.out" 'calendar +reloaded.* days=1' 5
mo 13800138072 "咨询：居住证丢了怎么补办？"
check "the next consultation acknowledged" sh -c "for i in \$(seq 1 100); do
    test \$(grep -c 'HY' '$sent' 2>/dev/null || echo 0) -ge 3 && exit 0; sleep 0.1; done; exit 1"
d2=$(due_of 补办)
check "its due date moves past the new holiday ($d1 -> $d2)" \
    sh -c "test -n '$d2' && test '$d2' \\> '$d1'"
exec 3>&-
t_done
