#!/bin/sh
# The status page (issue 15): GET /status behind a token (header, ?token=
# or the hotlined_token cookie), in Chinese and English, loaded in
# headless Chromium (Debian's chromium) whose DOM must show the counts
# this test made: cases and refusals today, the open alert, the outbox,
# the link.  STATUS_PNG=FILE keeps Chromium's screenshot (doc/).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
plan 17

d="$T_DIR/h"
port=$(free_port)
aport=$(free_port)
mkdir -p "$d"
hotlined_conf "$d" "$port" "$(office_survey_conf "$aport" "$d/tokens")"
db="$d/hotlined.db"
cat >"$T_DIR/s.scn" <<'SCN'
from=13800138091 to=12345 text=我要投诉：幸福花园小区旁边的工地每天晚上十一点以后还在施工，噪音扰民，请尽快处理。
from=13800138092 to=12345 text=请问新生儿医保怎么办理，需要带什么材料？
from=13800138093 to=12345 text=我和公司的劳动纠纷法院已经受理了，能不能帮我催一下判决？
from=13800138094 to=12345 text=救命！我家楼下着火了，烟很大！
from=13800138095 to=12345 text=求助：建设路和文明路路口的路灯坏了好几天，晚上很黑，请派人修一下。
SCN
start_bg sim "$SMSCSIM" -p "$port" -s "$T_DIR/s.scn" -o "$T_DIR/sent.jsonl"
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
log="$T_DIR/hl.out"
status_is() { test "$(head -n 1 "$T_DIR/$1.out")" = "$2"; }
check "five texts handled" is_eventually 5 "$db" \
    "SELECT (SELECT COUNT(*) FROM cases) + (SELECT COUNT(*) FROM refusals)"
cases=$(sql "$db" "SELECT COUNT(*) FROM cases")
refusals=$(sql "$db" "SELECT COUNT(*) FROM refusals")
alerts=$(sql "$db" "SELECT COUNT(*) FROM alerts WHERE acked_at IS NULL")
echo "# cases=$cases refusals=$refusals alerts=$alerts"

req noauth GET /status
check "no token: 401" status_is noauth 401
req hdr GET /status -t "$OFFICE"
check "a bearer token: 200, HTML" sh -c "status_is() { :; };
    head -n 1 '$T_DIR/hdr.out' | grep -qx 200 &&
    grep -q '^<!DOCTYPE html>' '$T_DIR/hdr.out'"
req cookie GET /status -H "Cookie: theme=dark; hotlined_token=$OFFICE"
check "the hotlined_token cookie: 200" status_is cookie 200
req badtok GET "/status?token=wrong-token-0123456789"
check "a wrong ?token=: 401" status_is badtok 401
req badlang GET "/status?lang=fr" -t "$OFFICE"
check "lang=fr: 400" status_is badlang 400
req en GET "/status?lang=en" -t "$OFFICE"
check "lang=en: English only" sh -c "
    grep -q 'hotline SMS gateway status' '$T_DIR/en.out' &&
    ! grep -q '热线' '$T_DIR/en.out'"
req post POST /status -t "$OFFICE" -b '{}'
check "read-only: POST is 405" status_is post 405
check "plain HTML: no script, nothing from elsewhere" sh -c "
    ! grep -Eiq '<script|src=|href=\"?https?:|@import' '$T_DIR/hdr.out'"
check "no phone number on the page" sh -c \
    "! grep -Eq '1380013|138\*\*\*\*' '$T_DIR/hdr.out'"

if ! command -v chromium >/dev/null 2>&1; then
	skip_n 7 "chromium not installed (Debian package chromium)"
	t_done
fi
url="http://127.0.0.1:$aport/status?token=$OFFICE"
chrome() {
	timeout 60 chromium --headless --no-sandbox --disable-gpu \
	    --no-first-run --user-data-dir="$T_DIR/chrome" "$@" \
	    2>>"$T_DIR/chrome.err"
}
chrome --dump-dom "$url" >"$T_DIR/dom.html"
check "Chromium loads the page" grep -q 'id="cases-today"' "$T_DIR/dom.html"
# td NAME: the number Chromium's DOM shows in <td id=NAME>
td() { sed -n "s/.*<td id=\"$1\">\([0-9]*\)<.*/\1/p" "$T_DIR/dom.html"; }
check "it shows today's cases ($cases)" test "$(td cases-today)" = "$cases"
check "it shows today's refusals ($refusals)" \
    test "$(td refusals-today)" = "$refusals"
check "it shows the open alert ($alerts)" test "$(td alerts-open)" = "$alerts"
check "it shows the link bound" grep -Eq '<th>sim</th><td class="ok">bound</td>' \
    "$T_DIR/dom.html"
check "the chart shows the texts received" python3 - "$T_DIR/dom.html" <<'PY'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
n = [int(t) for t in re.findall(r'<rect class="mo"[^>]*><title>(\d+)</title>', dom)]
sys.exit(0 if len(n) == 60 and sum(n) == 5 else 1)
PY
chrome --window-size=900,1000 --hide-scrollbars \
    --screenshot="$T_DIR/status.png" "$url&lang=both" >/dev/null
check "a screenshot is made" test -s "$T_DIR/status.png"
[ -n "${STATUS_PNG:-}" ] && cp "$T_DIR/status.png" "$STATUS_PNG"
t_done
