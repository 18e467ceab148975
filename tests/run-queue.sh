#!/bin/sh
# Queue and link control (issue 15): hotlinectl smsc stop|start and queue
# list|show|hold|release|retry|cancel against a daemon whose SMSC
# throttles every submit, so that the answers stay queued.  A held row is
# never sent until released, a cancelled one never, and the cancel is on
# the audit chain; a stopped link stays down across a reload.  Hostile
# inputs to the new routes: bad ids, wrong methods, oversized bodies.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
plan 40

d="$T_DIR/h"
port=$(free_port)
aport=$(free_port)
AUDIT=audit-token-0123456789abcdef
mkdir -p "$d"
hotlined_conf "$d" "$port" "$(office_survey_conf "$aport" "$d/tokens")"
printf 'aud\tauditor\t%s\n' "$AUDIT" >>"$d/tokens"
chmod 600 "$d/tokens"
HELP='【12345热线】直接发送诉求即可登记，含"保密"将保密办理，已登记的案件发"保密 案件号"。查询：CX或查询 [案件号]；补充：BC或补充 案件号 内容；帮助：HELP或帮助；退订回访：TD或退订。'
status_is() { test "$(head -n 1 "$T_DIR/$1.out")" = "$2"; }
# row LAST4: the outbox id of the SMS to a number ending in LAST4
row() {
	ctl --json queue list --state "${2:-waiting}" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["rows"]:
    if r["msisdn"].startswith("138****" + sys.argv[1]):
        print(r["id"]); break' "$1"
}
state_of() {
	ctl --json queue show "$1" | python3 -c \
	    'import json,sys; print(json.load(sys.stdin)["state"])'
}

# three citizens ask for help; the SMSC throttles every answer for now
cat >"$T_DIR/s.scn" <<'SCN'
fault throttle-for=600s
from=13800138061 to=12345 text=帮助
from=13800138062 to=12345 text=帮助
from=13800138063 to=12345 text=帮助
wait 600s
SCN
start_bg sim "$SMSCSIM" -p "$port" -s "$T_DIR/s.scn" -o "$T_DIR/sent1.jsonl"
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
log="$T_DIR/hl.out"
check "start-up logs the backlog it found" \
    wait_log "$log" 'outbox +backlog queued=0 held=0 oldest-age=0s' 10
check "the answers are throttled and wait for their retry" \
    wait_log "$log" 'outbox +retry id=3 ' 10

run_ctl() { _n=$1; shift; ctl "$@" >"$T_DIR/$_n.out" 2>&1; rc=$?; }
run_ctl list1 smsc list
check "smsc list shows the link bound" grep -Eq '^sim +bound +no ' \
    "$T_DIR/list1.out"
run_ctl stop smsc stop sim
check "smsc stop: answered stopped" sh -c "test $rc = 0 &&
    grep -Eq '^state +stopped' '$T_DIR/stop.out'"
check "the link unbinds cleanly" \
    wait_log "$log" 'smsc +sim stopped: unbound, stays down' 10
run_ctl stop2 smsc stop sim
check "smsc stop again: 409, exit 1" sh -c "test $rc = 1 &&
    grep -q 'already stopped' '$T_DIR/stop2.out'"
kill -HUP "$PID_hl"
wait_log "$log" 'hotlined reloaded' 10
run_ctl list2 smsc list
check "a reload leaves it stopped" grep -Eq '^sim +disconnected|^sim +closed' \
    "$T_DIR/list2.out"

a=$(row 8061); b=$(row 8062); c=$(row 8063)
echo "# rows a=$a b=$b c=$c"
run_ctl lst queue list
check "queue list: three waiting rows, numbers masked" sh -c "
    test \$(grep -Ec '^[0-9]+ +queued +help +- +138\*\*\*\*806[123]~' '$T_DIR/lst.out') = 3"
check "queue list prints no full number" sh -c \
    "! grep -q '1380013806' '$T_DIR/lst.out'"
run_ctl hold queue hold "$a"
check "queue hold: the row is held" test "$(state_of "$a")" = held
run_ctl st status
check "hotlinectl status shows the backlog" sh -c "
    grep -Eq '^outbox-queued +2$' '$T_DIR/st.out' &&
    grep -Eq '^outbox-held +1$' '$T_DIR/st.out' &&
    grep -Eq '^outbox-oldest-age-s +[0-9]+$' '$T_DIR/st.out'"
run_ctl hold2 queue hold "$a"
check "hold twice: 409 conflict, exit 1" sh -c "test $rc = 1 &&
    grep -q 'conflict' '$T_DIR/hold2.out'"
run_ctl cancel0 queue cancel "$b"
check "cancel without a reason is a usage error (2)" test "$rc" = 2
run_ctl cancel queue cancel "$b" "citizen asked by phone not to be texted"
check "queue cancel: the row is cancelled" test "$(state_of "$b")" = cancelled
check "the cancel is on the audit trail, with the reason" sh -c "
    sqlite3 '$d/hotlined.db' \"SELECT actor, action, detail FROM audit
    WHERE action = 'outbox.cancel'\" | grep -q 'ops|outbox.cancel|.*citizen asked by phone'"
# a restart: the backlog is logged, the link binds again (a stop lives in
# memory only), held and cancelled rows stay as they were
kill -TERM "$PID_hl"
wait_gone "$PID_hl" 10
start_bg hl2 "$HOTLINED" -f -c "$d/hotlined.conf"
PID_hl=$PID_hl2
log="$T_DIR/hl2.out"
check "a restart logs the backlog it found" wait_log "$log" \
    'outbox +backlog queued=1 held=1 oldest-age=[0-9]+s' 10
check "a restart binds a stopped link again" \
    wait_log "$log" 'smpp +bound smsc=sim' 10
run_ctl stop3 smsc stop sim
check "stopped again" wait_log "$log" 'smsc +sim stopped: unbound' 10
run_ctl retry queue retry "$c"
check "queue retry: due now" sh -c "test $rc = 0 && test \
    \$(sqlite3 '$d/hotlined.db' 'SELECT next_attempt_at <= $(date +%s)000 + 1000 FROM outbox WHERE id = $c') = 1"
run_ctl retryb queue retry "$b"
check "retry of a cancelled row: 409" test "$rc" = 1
run_ctl show queue show "$c"
check "queue show: text whole, number masked" sh -c "
    grep -Fq 'text             $HELP' '$T_DIR/show.out' &&
    grep -Eq '^msisdn +138\*\*\*\*8063~' '$T_DIR/show.out'"
req metrics GET /metrics -t "$OFFICE"
check "/metrics counts the held row" \
    grep -q '^hotlined_outbox_messages{state="held"} 1$' "$T_DIR/metrics.out"

# the SMSC comes back without throttling; the link is started again
kill "$PID_sim"
wait_gone "$PID_sim" 5
start_bg sim2 "$SMSCSIM" -p "$port" -o "$T_DIR/sent.jsonl"
sent="$T_DIR/sent.jsonl"
run_ctl start smsc start sim
check "smsc start: binds again" sh -c "test $rc = 0 &&
    grep -Eq '^state +started' '$T_DIR/start.out'"
check "the retried row goes out, whole text" says 8063 1 "$HELP"
check "the held row is not sent while held" sh -c \
    "test \$(grep -c '\"dest_last4\":\"8061\"' '$sent') = 0 && test $(state_of "$a") = held"
run_ctl release queue release "$a"
check "queue release: queued again" sh -c "test $rc = 0 &&
    grep -Eq '^state +queued' '$T_DIR/release.out'"
check "the released row goes out, whole text" says 8061 1 "$HELP"
check "the cancelled row never goes out" \
    test "$(grep -c '"dest_last4":"8062"' "$sent")" = 0
run_ctl verify audit verify
check "the audit chain verifies after the cancel" sh -c \
    "test $rc = 0 && grep -q intact '$T_DIR/verify.out'"

# hostile inputs
req bad1 POST /v1/outbox/abc/hold -t "$OFFICE" -b '{}'
check "a non-numeric id: 404" status_is bad1 404
req bad2 POST /v1/outbox/99999999999999999999999/hold -t "$OFFICE" -b '{}'
check "an id past 2^63: 404" status_is bad2 404
req bad3 GET /v1/outbox/1/hold -t "$OFFICE"
check "GET on a POST route: 405" status_is bad3 405
req bad4 POST /v1/outbox/$a/cancel -t "$OFFICE" -g big:70000
check "an oversized body: 413" status_is bad4 413
req bad5 POST /v1/outbox/$a/cancel -t "$OFFICE" -b '{"reason":"a\nb"}'
check "a reason on two lines: 400" status_is bad5 400
req bad6 POST /v1/outbox/$a/hold -t "$AUDIT" -b '{}'
check "an auditor may not hold: 403" status_is bad6 403
req bad7 POST /v1/smsc/nosuch/stop -t "$OFFICE" -b '{}'
check "an unknown link: 404" status_is bad7 404
req bad8 GET '/v1/outbox?state=bogus' -t "$OFFICE"
check "an unknown state: 400" status_is bad8 400
req bad9 GET '/v1/outbox?limit=100000' -t "$OFFICE"
check "a limit out of range: 400" status_is bad9 400
check "hotlined is still running" kill -0 "$PID_hl"
check "no full phone number in the log" sh -c \
    "! grep -Eq '1380013806[0-9]' '$T_DIR/hl.out' '$log'"
t_done
