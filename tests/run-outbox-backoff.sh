#!/bin/sh
# A citizen with two SMS queued whose first is throttled: while the first
# waits for its retry the outbox does not spin (it used to re-fire at once,
# an empty transaction per loop turn, for the whole backoff).  Counted, not
# timed: the store transactions (GET /v1/status commits.batches) between
# the retry and the first SMS going out at last.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
plan 5

d="$T_DIR/h"
port=$(free_port)
aport=$(free_port)
mkdir -p "$d"
hotlined_conf "$d" "$port" "$(office_survey_conf "$aport" "$d/tokens")"
# throttle every submit for 2 s: the first acknowledgement retries after
# the 5 s backoff, the second waits behind it
cat >"$T_DIR/s.scn" <<'SCN'
fault throttle-for=2s
at=+0.3s from=13800138041 to=12345 text=投诉：小区门口的路灯坏了一个月
from=13800138041 to=12345 text=咨询：社保卡丢了到哪里补办
wait-for=submit:3
SCN
start_bg sim "$SMSCSIM" -p "$port" -s "$T_DIR/s.scn" -o "$T_DIR/sent.jsonl"
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
sent="$T_DIR/sent.jsonl"

check "the first acknowledgement is throttled and retried" \
    wait_log "$T_DIR/hl.out" 'outbox +retry id=[0-9]+ error=' 10
a=$(status_get "$aport" "$OFFICE" commits.batches)
check "both acknowledgements go out once the backoff is over" \
    wait_sms 8041 '"status":0' 2 300
b=$(status_get "$aport" "$OFFICE" commits.batches)
n=$(( ${b:-999999} - ${a:-0} ))
echo "# store transactions during the backoff: $n (a=$a b=$b)"
# a tick a second and what the retry itself commits: a few dozen at most
# on any machine; spinning made hundreds of thousands
check "no spinning: under 100 transactions during the backoff" \
    test -n "$a" -a -n "$b" -a "$n" -lt 100
check "the first SMS went out before the second" python3 - "$sent" <<'PY'
import json, sys
ok = [json.loads(l) for l in open(sys.argv[1]) if '"status":0' in l]
ok = [r["text"] for r in ok if r.get("dest_last4") == "8041"]
sys.exit(0 if len(ok) == 2 and "投诉举报" in ok[0] and "咨询" in ok[1]
    else 1)
PY
check "nothing lost: 2 SMS to the citizen, none failed" \
    test "$(sms_to 8041 '"status":0')" = 2
t_done
