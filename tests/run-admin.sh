#!/bin/sh
# Admin API and hotlinectl against a running hotlined: tokens and roles,
# run-time log level, JSON errors for unknown routes, wrong methods and
# hostile bodies and headers, the request log, token reload on SIGHUP, and
# hotlinectl's argument checks and exit codes (0 ok, 1 server, 2 usage,
# 3 connection).  Raw requests go through tests/data/admin/req.py.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
plan 100

UNIT=unit-secret-0123456789ab

# status_is NAME CODE: the raw request NAME got HTTP CODE.
status_is() { test "$(head -n 1 "$T_DIR/$1.out")" = "$2"; }
# st_code NAME STATUS CODE: both.
st_code() { status_is "$1" "$2" && json_code "$1" "$3"; }
# json_code NAME CODE: its body is {"error":{"code":CODE,...}}.
json_code() {
	python3 -c 'import json,sys
d = json.loads(open(sys.argv[1]).read().split("\n", 1)[1])
sys.exit(0 if d["error"]["code"] == sys.argv[2] and
    isinstance(d["error"]["message"], str) else 1)' "$T_DIR/$1.out" "$2"
}
ctl() { "$HOTLINECTL" -s "127.0.0.1:$port" "$@"; }

d="$T_DIR/a"
mkdir -p "$d/db" "$d/templates"
: >"$d/rules"
: >"$d/calendar"
port=$(free_port)
cat >"$d/tokens" <<EOF
# run-admin.sh tokens: NAME ROLE SECRET [UNIT]
ops	office	$OFFICE
hb	unit	$UNIT	HB-WATER
aud	auditor	$AUDIT
EOF
chmod 600 "$d/tokens"
cat >"$d/hotlined.conf" <<EOF
# written by run-admin.sh
database $d/db/hotlined.db
key-file $d/db/hotlined.key
pid-file $d/hotlined.pid
log-file $d/hotlined.log
templates $top_srcdir/templates
rules $top_srcdir/etc/hotlined.rules
screen $top_srcdir/etc/hotlined.screen
model none
calendar $top_srcdir/etc/hotlined.calendar
shutdown-timeout 3s
smsc main {
	host 127.0.0.1
	port 2775
}
admin {
	port $port
	tokens-file tokens
	max-body 2k
}
EOF
log="$d/hotlined.log"

# --- -t and start-up refusals
run t_good "$HOTLINED" -t -c "$d/hotlined.conf"
check "-t accepts the tokens file" rc_is t_good 0 '^configuration OK$'
cp "$d/tokens" "$d/tokens.good"
printf 'ops office %s\nops auditor %s\nx admin %s\n' "$OFFICE" "$AUDIT" \
    "$UNIT" >"$d/tokens"
run t_bad "$HOTLINED" -t -c "$d/hotlined.conf"
check "-t reports each bad tokens line with file:line" sh -c "
	test $rc -eq 1 &&
	grep -q 'tokens:2: token ops: duplicate name (first at line 1)' '$T_DIR/t_bad.out' &&
	grep -q 'tokens:3: token x: unknown role' '$T_DIR/t_bad.out'"
run r_bad "$HOTLINED" -f -c "$d/hotlined.conf"
check "refuses to start with a bad tokens file, every error" sh -c "
	test $rc -eq 1 &&
	grep -q 'refusing to start: .*tokens:2: token ops: duplicate name' '$T_DIR/r_bad.out' &&
	grep -q 'refusing to start: .*tokens:3: token x: unknown role' '$T_DIR/r_bad.out'"
cp "$d/tokens.good" "$d/tokens"
chmod 644 "$d/tokens"
run r_mode "$HOTLINED" -f -c "$d/hotlined.conf"
check "refuses to start with a tokens file readable by others" rc_is r_mode 1 \
    'tokens-file .* is accessible by group or others \(mode 0644'
chmod 600 "$d/tokens"

# --- start
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
check "the admin API listens on the configured port" \
    wait_log "$log" "admin +listening addr=127.0.0.1 port=$port tls=no tokens=3" 5
wait_log "$log" 'hotlined started' 5

# --- health and status
req health GET /v1/health
# no SMSC listens here: the link is down (degraded, run-health.sh)
check "GET /v1/health needs no token" sh -c "
	head -n 1 '$T_DIR/health.out' | grep -qx 200 && grep -q '\"status\":\"degraded\"' '$T_DIR/health.out'"
run status ctl -t "$OFFICE" status
check "hotlinectl status prints a table" rc_is status 0 '^version +[0-9]+\.[0-9]'
check "status shows the store open" \
    grep -Eq '^store +open$' "$T_DIR/status.out"
run status_json ctl --json -t "$AUDIT" status
check "hotlinectl --json status is JSON with the version" sh -c "
	test $rc -eq 0 && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d[\"version\"] and d[\"uptime_s\"] >= 0 and \"smsc_bound\" in d else 1)' '$T_DIR/status_json.out'"
run status_env env HOTLINECTL_TOKEN="$UNIT" "$HOTLINECTL" -s "127.0.0.1:$port" status
check "HOTLINECTL_TOKEN gives the token" rc_is status_env 0 '^log-level +info$'

# --- authentication and roles
req noauth GET /v1/status
check "no token: 401" status_is noauth 401
check "no token: JSON error unauthorized" json_code noauth unauthorized
req badauth GET /v1/status -t wrong-secret-0000000000
check "unknown token: 401 unauthorized" st_code badauth 401 unauthorized
req basic GET /v1/status -H 'Authorization:Basic b3BzOnB3'
check "a non-Bearer Authorization: 401" status_is basic 401
run ctl_badtok ctl -t wrong-secret-0000000000 status
check "hotlinectl with an unknown token exits 1 with the message" rc_is ctl_badtok 1 \
    'unknown or malformed token \(HTTP 401 unauthorized\)'
req aud_put PUT /v1/log-level -t "$AUDIT" -b '{"level":"debug"}'
check "auditor PUT /v1/log-level: 403" status_is aud_put 403
check "auditor PUT /v1/log-level: JSON error forbidden" json_code aud_put forbidden
run ctl_aud ctl -t "$AUDIT" log-level debug
check "hotlinectl log-level as auditor exits 1, says forbidden" rc_is ctl_aud 1 \
    'role auditor may not PUT /v1/log-level \(HTTP 403 forbidden\)'
run ctl_aud_get ctl -t "$AUDIT" log-level
check "an auditor may read the log level" rc_is ctl_aud_get 0 '^level +info$'
req unit_verify GET /v1/audit/verify -t "$UNIT"
check "a unit may not verify the audit trail: 403" status_is unit_verify 403
check "the 403 is logged with the token name" \
    wait_log "$log" 'admin +request token=hb method=GET route=/v1/audit/verify status=403 ms=[0-9]+' 5

# --- db check (issue 12): roles, the query, and the answer
req unit_dbcheck GET /v1/db/check -t "$UNIT"
check "a unit may not check the database: 403" status_is unit_dbcheck 403
req bad_dbcheck GET '/v1/db/check?quick=2' -t "$OFFICE"
check "db check?quick=2: 400 bad_request" st_code bad_dbcheck 400 bad_request
req odd_dbcheck GET '/v1/db/check?full=1' -t "$OFFICE"
check "db check with an unknown parameter: 400 bad_request" st_code odd_dbcheck 400 bad_request
run ctl_dbcheck ctl -t "$AUDIT" db check --quick
check "hotlinectl db check --quick as auditor: intact" rc_is ctl_dbcheck 0 '^database intact$'
run ctl_dbcheck_bad ctl -t "$AUDIT" db check --full
check "hotlinectl db check --full: usage, exit 2" rc_is ctl_dbcheck_bad 2

# --- log level at run time (issue 2)
req dbg_before GET /v1/status -t "$OFFICE"
check "no debug line at level info" sh -c "! grep -q ' debug ' '$log'"
run ctl_debug ctl -t "$OFFICE" log-level debug
check "hotlinectl log-level debug as office" rc_is ctl_debug 0 '^level +debug$'
check "the change is logged with who made it" \
    grep -Eq 'admin +log-level level=debug was=info token=ops' "$log"
check "the request is logged on one line" \
    grep -Eq 'admin +request token=ops method=PUT route=/v1/log-level status=200 ms=[0-9]+$' "$log"
req dbg_after GET /v1/status -t "$OFFICE"
check "debug lines appear after the change" \
    wait_log "$log" ' debug admin +dispatch route=/v1/status token=ops role=office' 5
run ctl_getlvl ctl --json -t "$OFFICE" log-level
check "GET /v1/log-level says debug" grep -q '"level": "debug"' "$T_DIR/ctl_getlvl.out"
run ctl_info ctl -t "$OFFICE" log-level info
ndebug=$(grep -c ' debug ' "$log")
req dbg_gone GET /v1/status -t "$OFFICE"
wait_log "$log" 'route=/v1/status status=200' 5
check "back at info, no more debug lines" sh -c "
	test $rc -eq 0 && test \$(grep -c ' debug ' '$log') -eq $ndebug"
req lvl_bad PUT /v1/log-level -t "$OFFICE" -b '{"level":"loud"}'
check "an unknown level: 400 bad_request" st_code lvl_bad 400 bad_request
req lvl_type PUT /v1/log-level -t "$OFFICE" -b '{"level":3}'
check "a level of the wrong type: 400 bad_request" json_code lvl_type bad_request
req lvl_extra PUT /v1/log-level -t "$OFFICE" -b '{"level":"info","x":1}'
check "an unknown field: 400 bad_request" json_code lvl_extra bad_request
req lvl_arr PUT /v1/log-level -t "$OFFICE" -b '["info"]'
check "an array where an object is expected: 400" st_code lvl_arr 400 bad_request
check "... saying an object is expected" grep -q 'must be a JSON object' "$T_DIR/lvl_arr.out"
req lvl_empty PUT /v1/log-level -t "$OFFICE" -b ''
check "an empty body: 400 bad_request" json_code lvl_empty bad_request
req lvl_ct PUT /v1/log-level -t "$OFFICE" -b '{"level":"info"}' -H 'Content-Type:text/plain'
check "a non-JSON Content-Type: 400 bad_request" json_code lvl_ct bad_request

# --- routes and methods
req nope GET /v1/nope -t "$OFFICE"
check "an unknown route: 404" status_is nope 404
check "an unknown route: JSON error not_found" json_code nope not_found
req nope_noauth GET /etc/passwd
check "an unknown route without a token: 404 not_found" json_code nope_noauth not_found
req del DELETE /v1/health
check "a wrong method: 405" status_is del 405
check "a wrong method: JSON error method_not_allowed" json_code del method_not_allowed
req post POST /v1/log-level -t "$OFFICE" -b '{}'
check "405 names the methods the route takes" grep -q 'takes GET, PUT' "$T_DIR/post.out"
req longpath GET "/v1/$(printf '%0600d' 0)" -t "$OFFICE"
check "a 600-byte path: 404" json_code longpath not_found

# --- hostile bodies and headers
req big PUT /v1/log-level -t "$OFFICE" -g big:3000
check "a body over max-body: 413" status_is big 413
check "a body over max-body: JSON error too_large" json_code big too_large
req huge PUT /v1/log-level -t "$OFFICE" -g big:300000
check "a body far over max-body: 413 from evhttp" status_is huge 413
req malformed PUT /v1/log-level -t "$OFFICE" -b '{"level":"debug"'
check "malformed JSON: 400 bad_request" st_code malformed 400 bad_request
req nested PUT /v1/log-level -t "$OFFICE" -g nest:1000
check "JSON nested 1000 deep: 400 bad_request" json_code nested bad_request
check "the nesting error says why" grep -q 'nested deeper than 16' "$T_DIR/nested.out"
req nul PUT /v1/log-level -t "$OFFICE" -g nul
check "a NUL byte in the body: 400 bad_request" json_code nul bad_request
req latin1 PUT /v1/log-level -t "$OFFICE" -g latin1
check "Latin-1 (not UTF-8) in the body: 400 bad_request" json_code latin1 bad_request
req bytes PUT /v1/log-level -t "$OFFICE" -g bytes
check "invalid UTF-8 bytes: 400 bad_request" json_code bytes bad_request
req bighdr GET /v1/status -t "$OFFICE" -H 'X-Pad:big:20000'
check "20 kB of headers: refused with 4xx (or the connection closed)" sh -c "
	head -n 1 '$T_DIR/bighdr.out' | grep -Eqx '4[0-9][0-9]|ERR .*'"
req query GET '/v1/cases/HY1?msisdn=13800138000' -t "$OFFICE"
check "query parameters are refused: 400" json_code query bad_request
req badnum GET '/v1/cases/HY%2F..%2F1' -t "$OFFICE"
check "a case number that is not one: 400" json_code badnum bad_request
req alive GET /v1/health
check "still serving after all that" status_is alive 200

# --- case and audit routes over the daemon's store
req case404 GET /v1/cases/HY2611260001 -t "$OFFICE"
check "an unknown case: 404 not_found" st_code case404 404 not_found
check "the case request is logged with case=" \
    wait_log "$log" 'admin +request token=ops method=GET route=/v1/cases/:number status=404 case=HY2611260001 ms=' 5
run ctl_case ctl -t "$OFFICE" case show HY2611260001
check "hotlinectl case show of an unknown case: exit 1 with the server's message" \
    rc_is ctl_case 1 'HTTP 404 not_found'
run ctl_case_json ctl --json -t "$OFFICE" case show HY2611260001
check "--json prints the error object" sh -c "
	test $rc -eq 1 && python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))[\"error\"][\"code\"] == \"not_found\" else 1)' '$T_DIR/ctl_case_json.out'"
run ctl_audit ctl -t "$AUDIT" audit verify
check "hotlinectl audit verify on the daemon's store: intact, exit 0" rc_is ctl_audit 0 ''

# --- the log holds no secrets and no phone numbers
check "no token secret in the log" sh -c "
	! grep -Eq '$OFFICE|$UNIT|$AUDIT|wrong-secret' '$log'"
check "no phone number in the log" sh -c "! grep -q 13800138000 '$log'"

# --- TLS: a second daemon with tls yes, a self-signed certificate
if command -v openssl >/dev/null 2>&1 &&
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$d/admin.key" -out "$d/admin.pem" >/dev/null 2>&1; then
	chmod 600 "$d/admin.key"
	tport=$(free_port)
	sed -e "s|^pid-file .*|pid-file $d/tls.pid|" \
	    -e "s|^log-file .*|log-file $d/tls.log|" \
	    -e "s|^database .*|database $d/db/tls.db|" \
	    -e "s|^key-file .*|key-file $d/db/tls.key|" \
	    -e "s|^	port $port\$|	port $tport\\
	tls yes\\
	tls-cert admin.pem\\
	tls-key admin.key|" "$d/hotlined.conf" >"$d/tls.conf"
	start_bg tls "$HOTLINED" -f -c "$d/tls.conf"
	check "TLS: the API listens with tls=yes" \
	    wait_log "$d/tls.log" "admin +listening addr=127.0.0.1 port=$tport tls=yes" 5
	mport=$port
	port=$tport
	req tls_health GET /v1/health -k "$d/admin.pem"
	check "TLS: GET /v1/health over HTTPS" status_is tls_health 200
	req tls_status GET /v1/status -t "$OFFICE" -k "$d/admin.pem"
	check "TLS: a token works over HTTPS" status_is tls_status 200
	run tls_ctl "$HOTLINECTL" -s "https://127.0.0.1:$tport" --ca "$d/admin.pem" \
	    -t "$OFFICE" status
	check "TLS: hotlinectl over https:// with --ca" rc_is tls_ctl 0 '^version'
	run tls_noca env -u HOTLINECTL_CA "$HOTLINECTL" -s "https://127.0.0.1:$tport" \
	    -t "$OFFICE" status
	check "TLS: an untrusted certificate: exit 3" rc_is tls_noca 3 'TLS failed'
	req tls_plain GET /v1/health
	check "TLS: plain HTTP gets no HTTP answer" sh -c "
		head -n 1 '$T_DIR/tls_plain.out' | grep -q '^ERR'"
	port=$mport
	kill -TERM "$PID_tls"
	check "TLS: the daemon stops" wait_gone "$PID_tls" 5
else
	for _i in 1 2 3 4 5 6 7; do ok "# SKIP TLS: no openssl command"; done
fi

# --- tokens reload on SIGHUP
NEW=new-token-secret-99999999
hash=$(printf '%s\n' "$NEW" | "$HOTLINECTL" hash-token)
check "hotlinectl hash-token prints the sha256: form" sh -c "
	test '$hash' = \"sha256:\$(printf '%s' '$NEW' | python3 -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')\""
printf 'ops2 office %s\n' "$hash" >>"$d/tokens"
kill -HUP "$PID_hl"
check "SIGHUP reloads the tokens" wait_log "$log" 'admin +tokens reloaded count=4' 5
run newtok ctl -t "$NEW" status
check "a token added by hash works after the reload" rc_is newtok 0 '^version'
printf 'broken line\n' >>"$d/tokens"
kill -HUP "$PID_hl"
check "a broken tokens file is refused on reload" \
    wait_log "$log" 'admin +tokens reload failed, keeping 4 tokens' 5
check "the reload error names file and line" grep -Eq 'admin +tokens .*tokens:6: expected NAME ROLE SECRET' "$log"
run oldtok ctl -t "$NEW" status
check "the old tokens stay in force" rc_is oldtok 0

# --- hotlinectl arguments (exit 2) and connection errors (exit 3)
run u_none "$HOTLINECTL"
check "no command: usage, exit 2" rc_is u_none 2 '^usage: hotlinectl'
run u_unknown ctl -t "$OFFICE" frobnicate
check "unknown command: exit 2" rc_is u_unknown 2 "unknown command 'frobnicate'"
run u_ctrl ctl -t "$OFFICE" "$(printf 'x\033[2Jy')"
check "control characters in an argument are not echoed" sh -c "
	test $rc -eq 2 && grep -q \"unknown command 'x?\[2Jy'\" '$T_DIR/u_ctrl.out'"
run u_sub ctl -t "$OFFICE" case delete HY1
check "unknown subcommand: exit 2" rc_is u_sub 2 "unknown subcommand 'delete'; case takes:"
run u_nosub ctl -t "$OFFICE" audit
check "missing subcommand: exit 2" rc_is u_nosub 2 'missing subcommand'
run u_missing ctl -t "$OFFICE" case show
check "missing argument: exit 2" rc_is u_missing 2 'missing argument: case show NUMBER'
run u_many ctl -t "$OFFICE" status now
check "too many arguments: exit 2" rc_is u_many 2 'too many arguments: status'
run u_long ctl -t "$OFFICE" case show "$(printf '%0300d' 1)"
check "an oversized argument: exit 2" rc_is u_long 2 'longer than [0-9]+ bytes'
run u_num ctl -t "$OFFICE" case show '../../v1/health'
check "a case number with slashes: exit 2" rc_is u_num 2 'a case number is letters and digits'
run u_level ctl -t "$OFFICE" log-level LOUD
check "an unknown level: exit 2 before any request" rc_is u_level 2 'LEVEL must be'
run u_server "$HOTLINECTL" -s '127.0.0.1:99999' -t "$OFFICE" status
check "a bad server port: exit 2" rc_is u_server 2 'bad server address'
run u_server2 "$HOTLINECTL" -s 'ho st:1' -t "$OFFICE" status
check "a bad server host: exit 2" rc_is u_server2 2 'bad server address'
run u_notok env -u HOTLINECTL_TOKEN "$HOTLINECTL" -s "127.0.0.1:$port" status
check "no token anywhere: exit 2" rc_is u_notok 2 'no token: use -t, -T or HOTLINECTL_TOKEN'
run u_badtok ctl -t "$(printf 'abc\ndef')" status
check "a token with a newline: exit 2" rc_is u_badtok 2 'only printable ASCII'
printf '%s\n' "$OFFICE" >"$d/ctl.token"
chmod 644 "$d/ctl.token"
run u_tokmode ctl -T "$d/ctl.token" status
check "a token file readable by others: exit 2" rc_is u_tokmode 2 'accessible by group or others'
chmod 600 "$d/ctl.token"
run tokfile ctl -T "$d/ctl.token" status
check "-T reads the token from a 0600 file" rc_is tokfile 0 '^version'
run u_opt "$HOTLINECTL" --frob status
check "an unknown option: exit 2" rc_is u_opt 2 'usage:'
cport=$(free_port)
run refused "$HOTLINECTL" -s "127.0.0.1:$cport" -t "$OFFICE" status
check "connection refused: exit 3 and says so" rc_is refused 3 \
    "cannot connect to 127.0.0.1:$cport: Connection refused"

# --- shutdown
kill -TERM "$PID_hl"
check "SIGTERM stops the API and the daemon" wait_gone "$PID_hl" 5
check "the stop is logged" grep -Eq 'admin +stopped' "$log"
t_done
