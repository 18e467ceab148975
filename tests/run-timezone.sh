#!/bin/sh
# timezone (hotlined.conf(5)): the daemon keeps Beijing time whatever the
# server's TZ.  Under TZ=UTC and TZ=America/New_York, with the daemon
# configured Asia/Shanghai (the default): a case registered at 23:30 UTC
# on a Sunday gets Monday's number (Beijing's day), its survey waits for
# 08:30 Beijing (quiet hours 21:00-08:30 hold in Beijing time), and a text
# received at 10:00 UTC on a Friday (18:00 Beijing, after the office's
# 17:30 cut-off) counts its working days from Monday.  The clock moves
# with HOTLINED_CLOCK_OFFSET (builds configured --enable-test-clock).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
has_test_clock || skip_all "needs the test clock (configure --enable-test-clock)"
plan 13

d="$T_DIR/z"
port=$(free_port)
aport=$(free_port)
mkdir -p "$d"
y=$(date +%Y)
printf 'year %s\nyear %s\n' "$y" "$((y + 1))" >"$d/calendar"
hotlined_conf "$d" "$port" "admin {
	port $aport
	tokens-file $d/tokens
}
survey {
	delay 0
	quiet-start 21:00
	quiet-end 08:30
}"
printf 'ops\toffice\t%s\n' "$OFFICE" >"$d/tokens"
chmod 600 "$d/tokens"
sed -i "s|^calendar .*|calendar $d/calendar|" "$d/hotlined.conf"
db="$d/hotlined.db"
sent="$T_DIR/sent.jsonl"
mkfifo "$T_DIR/mo"
start_bg sim sh -c "exec '$SMSCSIM' -p $port -i -o '$sent' -d 100 <'$T_DIR/mo'"
exec 3>"$T_DIR/mo"
mo() { printf 'from=%s to=12345 text=%s\n' "$1" "$2" >&3; }

# moments, as epoch seconds: the next Sunday 23:30 UTC, and the Friday
# 10:00 UTC after it (the clock only moves forward)
eval "$(python3 -c 'import datetime as D
n = D.datetime.now(D.timezone.utc)
s = (n + D.timedelta(days=(6 - n.weekday()) % 7 or 7)).replace(hour=23,
    minute=30, second=0, microsecond=0)
f = (s + D.timedelta(days=5)).replace(hour=10, minute=0)
print("sun=%d fri=%d now=%d" % (s.timestamp(), f.timestamp(), n.timestamp()))')"
bj() { TZ=Asia/Shanghai date -d "@$1" "+$2"; }

# run TZ N LAST4: one server zone; N numbers the texts apart
run() {
	tz=$1
	start_bg hl env TZ="$tz" HOTLINED_CLOCK_OFFSET=$((sun - now)) \
	    "$HOTLINED" -f -c "$d/hotlined.conf"
	if wait_log "$T_DIR/hl.out" 'smpp +bound smsc=sim' 10 &&
	    wait_log "$T_DIR/hl.out" 'admin +listening' 5; then
		ok "TZ=$tz: started, timezone=Asia/Shanghai in its log"
	else fail "TZ=$tz: started"; show "$T_DIR/hl.out"; fi
	mo "1380013${3}" "咨询：第${2}个问题，图书馆周末开放吗？"
	wait_sms "$3" 'HY' 1
	n=$(sql "$db" "SELECT number FROM cases WHERE text LIKE '%第${2}个问题%'")
	check "TZ=$tz: 23:30 UTC Sunday is Monday in Beijing: $n" \
	    test "${n#HY}" != "$n" -a "$(echo "$n" | cut -c3-8)" = "$(bj "$sun" %y%m%d)"
	check "TZ=$tz: the log's times carry +08:00" grep -Eq \
	    "^[0-9-]+T[0-9:.]+\\+08:00 +info +intake case=$n" "$d/hotlined.log"
	ctl case answer "$n" 周末开放。 >/dev/null
	wait_sms "$3" '已办结' 1
	check "TZ=$tz: the survey waits for 08:30 Beijing" is_eventually 08:30 \
	    "$db" "SELECT strftime('%H:%M', next_attempt_at / 1000, 'unixepoch', '+8 hours') FROM outbox WHERE kind = 'survey' AND case_id = (SELECT id FROM cases WHERE number = '$n')"
	kill -TERM "$PID_hl"; wait_gone "$PID_hl" 10

	start_bg hl env TZ="$tz" HOTLINED_CLOCK_OFFSET=$((fri - now)) \
	    "$HOTLINED" -f -c "$d/hotlined.conf"
	wait_log "$T_DIR/hl.out" 'smpp +bound smsc=sim' 10
	mo "1380013${3}" "咨询：第${2}个晚上的问题，居住证在哪里办理？"
	wait_sms "$3" 'HY' 2
	# 18:00 Friday Beijing: day 0 is Monday, 2 working days: Wednesday
	check "TZ=$tz: the deadline counts Beijing working days" \
	    is_eventually "$(bj $((fri + 5 * 86400)) %Y-%m-%d)" "$db" \
	    "SELECT due FROM cases WHERE text LIKE '%第${2}个晚上%'"
	kill -TERM "$PID_hl"; wait_gone "$PID_hl" 10
	rm -f "$d"/hotlined.db* "$d"/hotlined.key*	# a fresh start
}
run UTC 1 1001
run America/New_York 2 1002

# a zone that does not exist refuses to start, naming it
echo "timezone Asia/Atlantis" >>"$d/hotlined.conf"
check "a missing zone is a configuration error" sh -c \
    "! '$HOTLINED' -t -c '$d/hotlined.conf' >'$T_DIR/t.out' 2>&1"
check "which names the zone and tzdata" grep -q \
    'timezone Asia/Atlantis: no such zone.*tzdata' "$T_DIR/t.out"
check "no full phone number in the log" sh -c "! grep -Eq '1380013[0-9]{4}' '$d/hotlined.log'"
exec 3>&-
t_done
