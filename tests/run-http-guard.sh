#!/bin/sh
# The HTTP listeners (admin API, Kannel get-url) against hostile clients:
# long Chinese texts through a GET (the header limit matches our own text
# limit, and what is refused is logged), a client that trickles its
# request (closed by request-timeout, the daemon answering others
# meanwhile), a flood held at max-connections, and exact Content-Types.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
plan 24

d="$T_DIR/h"
hport=$(free_port) aport=$(free_port)
mkdir -p "$d"
hotlined_conf "$d" - "max-new-cases-per-hour 0
$(kannel_block "$d" "$hport" "	max-connections 4
	request-timeout 30s")
$(office_survey_conf "$aport" "$d/tokens")"
sed -i "s|^	tokens-file .*|&\\
	request-timeout 1s|" "$d/hotlined.conf"
db="$d/hotlined.db"
HTTPC="python3 $top_srcdir/tests/peers/httpc.py"
REQ="python3 $top_srcdir/tests/data/admin/req.py"
log="$d/hotlined.log"
cases() { sql "$db" "SELECT count(*) FROM cases"; }
# mo_path FILE LAST2 CHARS: a get-url path for a text of CHARS Chinese
# characters (9 bytes each on the wire) from 13800138 0LAST2
mo_path() {
	python3 -c 'import sys, urllib.parse
t = ("投诉：" + "路灯不亮噪音扰民" * 2000)[:int(sys.argv[2])]
print("/kannel/mo?from=138001380%s&to=12345&charset=UTF-8&coding=0&text=%s" %
    (sys.argv[1], urllib.parse.quote(t)))' "$2" "$3" >"$1"
}
health() { test "$($REQ "$aport" GET /v1/health | head -n 1)" = 200; }

# a soft open-file limit below what the caps need (64 + 4 + 64 reserved):
# raised at start, as far as the hard limit allows
start_bg hl sh -c "ulimit -Sn 100 && exec '$HOTLINED' -f -c '$d/hotlined.conf'"
wait_log "$T_DIR/hl.out" 'admin +listening' 10
check "hotlined listens for smsbox and the admin API" \
    grep -Eq 'kannel +listening' "$T_DIR/hl.out"
if [ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge 132 ]; then
	check "the soft open-file limit is raised for the caps" grep -Eq \
	    'open-file limit raised from 100 to 132 for max-connections' "$T_DIR/hl.out"
else
	skip_n 1 "the hard open-file limit is below 132"
fi

# --- item 8: long texts through a GET
n0=$(cases)
mo_path "$T_DIR/p1000" 41 1000
check "a GET with 1,000 Chinese characters (9 KiB of URL) is taken: 200" \
    test "$($HTTPC get "$hport" "$T_DIR/p1000")" = 200
mo_path "$T_DIR/p5000" 42 5000
check "a GET with 5,000 Chinese characters (45 KiB of URL) is taken: 200" \
    test "$($HTTPC get "$hport" "$T_DIR/p5000")" = 200
check "both are cases, with their whole text" is_eventually 2 "$db" \
    "SELECT count(*) FROM cases WHERE length(text) >= 1000"
mo_path "$T_DIR/p6000" 43 6000
check "6,000 characters (over the 16 KiB text limit): our own 400" \
    test "$($HTTPC get "$hport" "$T_DIR/p6000")" = 400
check "... logged by the listener with its reason" \
    grep -Eq 'kannel +refused route=mo status=400' "$log"
python3 -c 'print("/kannel/mo?text=" + "%E8" * 24000)' >"$T_DIR/p72k"
check "a 72 KiB request line: evhttp's 400" \
    test "$($HTTPC get "$hport" "$T_DIR/p72k")" = 400
check "... logged, not silent" grep -Eq \
    'kannel +refused by the HTTP layer status=400 .*reason="request line and headers too large" max-headers=65536' "$log"
check "... and in the status figures" test \
    "$(status_get "$aport" "$OFFICE" http.kannel.refused)" -ge 1
check "the admin API's 8 KiB limit refuses and logs the same way" sh -c "
    test \"\$($HTTPC get $aport '$T_DIR/p72k')\" = 400 &&
    grep -Eq 'admin +refused by the HTTP layer status=400' '$log'"
check "nothing refused became a case" test "$(cases)" = $((n0 + 2))

# --- slow headers: a byte every 0.2 s, never a whole request
$HTTPC slow "$aport" 0.2 60 >"$T_DIR/slow.out" 2>&1 &
slow=$!
check "the daemon answers others while a client trickles" health
wait "$slow"
echo "# slow client: $(cat "$T_DIR/slow.out") (60 bytes would take 12 s)"
check "the trickling client is closed by request-timeout (1 s)" \
    grep -Eq '^closed after ([0-9]|[1-4][0-9]) bytes$' "$T_DIR/slow.out"
check "... logged with what it had sent" \
    grep -Eq 'admin +request-timeout peer=127\.0\.0\.1 bytes=[0-9]+ after=1000ms, closed' "$log"
check "... and counted" test \
    "$(status_get "$aport" "$OFFICE" http.admin.request_timeouts)" -ge 1

# --- a flood held at max-connections 4
rm -f "$T_DIR/stop"
$HTTPC hold "$hport" 20 "$T_DIR/stop" 20 >"$T_DIR/hold.out" 2>&1 &
holder=$!
check "a client opens 20 connections to the Kannel listener" \
    wait_log "$T_DIR/hold.out" '^held 20$' 10
check "hotlined takes 4 of them, the rest wait in the backlog" \
    wait_log "$log" 'kannel +at max-connections=4' 10
kopen=$(status_get "$aport" "$OFFICE" http.kannel.open)
kcap=$(status_get "$aport" "$OFFICE" http.kannel.at_cap)
echo "# flood: 20 connections tried, kannel open=$kopen at_cap=$kcap"
check "status: 4 open, the cap counted" test "$kopen" = 4 -a "${kcap:-0}" -ge 1
check "the admin API answers meanwhile" health
touch "$T_DIR/stop"
wait "$holder"
mo_path "$T_DIR/p10" 44 10
check "once they close, smsbox is served again" \
    test "$($HTTPC get "$hport" "$T_DIR/p10")" = 200

# --- exact Content-Type
check "Content-Type application/jsonp is refused: 400" test "$($REQ "$aport" \
    PUT /v1/log-level -t "$OFFICE" -b '{"level":"info"}' \
    -H 'Content-Type:application/jsonp' | head -n 1)" = 400
check "application/json; charset=utf-8 is taken: 200" test "$($REQ "$aport" \
    PUT /v1/log-level -t "$OFFICE" -b '{"level":"info"}' \
    -H 'Content-Type:application/json; charset=utf-8' | head -n 1)" = 200
check "no phone number in the log" sh -c \
    "! grep -Eq '1380013[0-9]{4}' '$T_DIR/hl.out' '$log'"
t_done
