#!/bin/sh
# Art. 23(4): a result SMS the network reports undeliverable flags its case
# and leaves an audit event; acknowledgements that fail flag nothing.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
plan 4

d="$T_DIR/h"
port=$(free_port)
aport=$(free_port)
mkdir -p "$d"
printf 'ops office %s\n' "$OFFICE" >"$d/tokens"
chmod 600 "$d/tokens"
hotlined_conf "$d" "$port" "admin {
	listen 127.0.0.1
	port $aport
	tokens-file $d/tokens
}"
printf 'at=+0.5s from=13800138030 to=12345 text=投诉：小区门口的垃圾桶满了没人清理\nwait-for=submit\n' >"$T_DIR/s.scn"
# every receipt says UNDELIV
start_bg sim "$SMSCSIM" -p "$port" -s "$T_DIR/s.scn" -o "$T_DIR/sent.jsonl" -d 100 -r UNDELIV
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
db="$d/hotlined.db"
check "the case is registered" \
    wait_log "$T_DIR/hl.out" 'intake +case=HY[0-9]+ msisdn=138\*\*\*\*8030' 10
# the log line is written inside the transaction: wait for the commit
n=""
for _ in $(seq 1 100); do
	n=$(sql "$db" "SELECT number FROM cases LIMIT 1")
	[ -n "$n" ] && break
	sleep 0.1
done
check "the office answers it" sh -c "'$HOTLINECTL' -s 127.0.0.1:$aport -t $OFFICE case answer '$n' 已安排环卫工人清理。 >/dev/null"
check "the undeliverable result flags the case" sh -c "for i in \$(seq 1 100); do
    test \"\$(sqlite3 '$db' \"SELECT flags & 4 FROM cases WHERE number = '$n'\")\" = 4 && exit 0; sleep 0.1; done; exit 1"
check "and is an audit event of the case" \
    test "$(sql "$db" "SELECT count(*) FROM audit WHERE action = 'notify.failed'")" = 1
t_done
