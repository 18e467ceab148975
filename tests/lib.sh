# tests/lib.sh: shared helpers for integration tests (run-*.sh).
# Source it, then use plan/ok/fail, free_port, start_bg, wait_log.  Every
# process started with start_bg is killed and every temporary file removed on
# any exit path; every wait is bounded, so a broken daemon fails, never hangs.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
HOTLINED="$top_builddir/src/hotlined"
SMSCSIM="$top_builddir/sim/smscsim"
HOTLINECTL="$top_builddir/src/hotlinectl"
# hotlined keeps its configured zone (timezone, default Asia/Shanghai),
# whatever TZ says: the tests' own dates ("date +%y%m%d") use the same one
export TZ=Asia/Shanghai
# hotlinectl speaks the locale's language (hotlinectl(8) ENVIRONMENT): the
# tests read its English, unless they ask for another (run-ctl-zh.sh)
unset LANGUAGE
export LC_MESSAGES=C
[ -z "${LC_ALL:-}" ] || export LC_ALL=C

T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hotlined-test.XXXXXX")
T_PIDS=""
T_N=0
T_FAILED=0

t_cleanup() {
	for p in $T_PIDS; do
		kill -TERM "$p" 2>/dev/null
	done
	sleep 0.2
	for p in $T_PIDS; do
		kill -KILL "$p" 2>/dev/null
	done
	if [ "$T_FAILED" -ne 0 ] && [ -n "${T_KEEP_LOGS:-}" ]; then
		echo "# logs kept in $T_DIR"
	else
		rm -rf "$T_DIR"
	fi
}
trap t_cleanup EXIT
trap 'exit 1' INT TERM

plan() { echo "1..$1"; }
ok() { T_N=$((T_N + 1)); echo "ok $T_N - $*"; }
fail() {
	T_N=$((T_N + 1)); T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_N - $*"
}
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
bail() { echo "Bail out! $*"; exit 1; }
# check "name" command...: ok when the command succeeds.
check() {
	_name=$1; shift
	if "$@"; then ok "$_name"; else fail "$_name"; fi
}
# Print a file's tail into the TAP stream as comments (for failures).
show() { [ -f "$1" ] && sed 's/^/# /' "$1" | tail -n "${2:-40}"; }

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
	python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

# start_bg NAME cmd...: run in the background, output in $T_DIR/NAME.out.
start_bg() {
	_name=$1; shift
	"$@" >"$T_DIR/$_name.out" 2>&1 &
	_pid=$!
	T_PIDS="$T_PIDS $_pid"
	eval "PID_$_name=$_pid"
}

# wait_log FILE REGEX [SECONDS]: wait until an extended regex appears.
wait_log() {
	_deadline=$(( $(date +%s) + ${3:-10} ))
	while [ "$(date +%s)" -le "$_deadline" ]; do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# wait_for SECONDS cmd...: run cmd every 50 ms until it succeeds; 1 when
# SECONDS pass first.  For a condition no log line states.
wait_for() {
	_deadline=$(( $(date +%s) + $1 ))
	shift
	while [ "$(date +%s)" -le "$_deadline" ]; do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# wait_gone PID [SECONDS]: wait until a process has exited.
wait_gone() {
	_deadline=$(( $(date +%s) + ${2:-10} ))
	while [ "$(date +%s)" -le "$_deadline" ]; do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

t_done() {
	[ "$T_FAILED" -eq 0 ]
	exit $?
}

# hotlined_conf DIR SMPP_PORT [EXTRA]: a configuration for tests in DIR
# (database, keys, pid and log inside it), bound to smscsim on SMPP_PORT
# ("-": no smsc block, e.g. Kannel only); EXTRA lines are appended (e.g.
# "max-new-cases-per-hour 0").  HOTLINED_WAL_GATHER=no in the environment
# adds "wal-write-gather no" (the *-nogather.sh runs of the storage tests),
# HOTLINED_CHECKPOINT=inline "checkpoint inline" (the *-inline.sh runs),
# HOTLINED_WAL_SYNC=inline "wal-sync inline" (the *-syncinline.sh runs).
hotlined_conf() {
	mkdir -p "$1"
	cat >"$1/hotlined.conf" <<CONF
database $1/hotlined.db
key-file $1/hotlined.key
pid-file $1/hotlined.pid
log-file $1/hotlined.log
templates $top_srcdir/templates
rules $top_srcdir/etc/hotlined.rules
screen $top_srcdir/etc/hotlined.screen
model none
calendar $top_srcdir/etc/hotlined.calendar
group-commit-delay 2ms
${HOTLINED_WAL_GATHER:+wal-write-gather $HOTLINED_WAL_GATHER}
${HOTLINED_CHECKPOINT:+checkpoint $HOTLINED_CHECKPOINT}
${HOTLINED_WAL_SYNC:+wal-sync $HOTLINED_WAL_SYNC}
${3:-}
CONF
	[ "$2" = - ] || cat >>"$1/hotlined.conf" <<CONF
smsc sim {
	host 127.0.0.1
	port $2
	system-id hotline
	password secret
	enquire-interval 5s
	response-timeout 3s
	reconnect-min 100ms
	reconnect-max 1s
	window 50
	throughput 10000
}
CONF
	chmod 600 "$1/hotlined.conf"	# it holds the SMSC password
}

# kill_starts K CONF [SPREAD FIRST]: start hotlined on CONF K times, each
# killed with SIGKILL after 0.FIRST s to SPREAD - 1 tenths more (default 6
# and 3: 0.3-0.8 s; the moments vary), its output in $T_DIR/hl.out.
kill_starts() {
	_k=0
	while [ $_k -lt "$1" ]; do
		"$HOTLINED" -f -c "$2" >>"$T_DIR/hl.out" 2>&1 &
		_hp=$!
		sleep "0.$(( (_k * 37) % ${3:-6} + ${4:-3} ))"
		kill -KILL "$_hp" 2>/dev/null
		wait "$_hp" 2>/dev/null
		_k=$((_k + 1))
	done
}

# sql DB QUERY: one query against a test database (sqlite3 CLI).
sql() { sqlite3 -batch -noheader -cmd '.timeout 10000' "$1" "$2" 2>/dev/null; }

# acked_citizens FILE: how many numbers smscsim's record FILE shows with an
# acknowledgement (已受理) the SMSC accepted (status 0).
acked_citizens() {
	python3 -c '
import json, sys
seen = set()
for line in open(sys.argv[1]):
    try:
        r = json.loads(line)
    except ValueError:
        continue
    if r.get("status") == 0 and "已受理" in r.get("text", ""):
        seen.add(r.get("dest_hash"))
print(len(seen))' "$1"
}

# status_counter ADMIN_PORT KEY: one counter of "hotlinectl --json status"
# with the office token, as "commits.refused" (0 when absent).
status_counter() {
	"$HOTLINECTL" -s "127.0.0.1:$1" -t "$OFFICE" --json status 2>/dev/null |
	    python3 -c '
import json, sys
o = json.load(sys.stdin)
a, _, b = sys.argv[1].partition(".")
v = o.get(a, {}).get(b) if b else o.get(a)
print(0 if v is None else int(v))' "$2"
}

# need_kannel: Debian's bearerbox and smsbox ($BEARERBOX, $SMSBOX), or skip.
need_kannel() {
	command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
	BEARERBOX=${BEARERBOX:-/usr/sbin/bearerbox}
	SMSBOX=${SMSBOX:-/usr/sbin/smsbox}
	[ -x "$BEARERBOX" ] && [ -x "$SMSBOX" ] ||
	    skip_all "Kannel not installed (apt-get install kannel)"
}

# records_with FILE REGEX: how many smscsim JSON records match.
records_with() { grep -Ec -- "$2" "$1" 2>/dev/null || true; }

# Conversations through smscsim: $sent is its JSON record of what was sent.
# sms_to LAST4 REGEX: how many SMS to the number ending LAST4 match REGEX
sms_to() { grep "\"dest_last4\":\"$1\"" "$sent" 2>/dev/null | grep -Ec -- "$2" || true; }
# wait_sms LAST4 REGEX COUNT [TRIES]: until that many were sent (TRIES x 50 ms)
wait_sms() {
	for _i in $(seq 1 "${4:-200}"); do
		[ "$(sms_to "$1" "$2")" -ge "$3" ] && return 0
		sleep 0.05
	done
	return 1
}
# survey_src LAST4 N: the source address of the Nth survey SMS to LAST4
survey_src() {
	grep "\"dest_last4\":\"$1\"" "$sent" | grep '请对案件' | sed -n "${2}p" |
	    python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["source_addr"])'
}
# sms_text LAST4 N: the whole text of the Nth SMS sent to LAST4
sms_text() {
	grep "\"dest_last4\":\"$1\"" "$sent" | sed -n "${2}p" |
	    python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["text"])'
}
# says LAST4 N WANT: the Nth SMS to LAST4 arrives and reads exactly WANT
# (whole text: a substring cannot see an empty case number); a diff else
says() {
	wait_sms "$1" . "$2" || { echo "# no SMS $2 to $1"; return 1; }
	_got=$(sms_text "$1" "$2")
	[ "$_got" = "$3" ] && return 0
	printf '# want: %s\n# got:  %s\n' "$3" "$_got"
	return 1
}
# same_text NAME WANT GOT: 0 when equal, else the diff as TAP comments
# (whole texts, several lines: a screen, a transcript)
same_text() {
	[ "$2" = "$3" ] && return 0
	printf '%s\n' "$2" >"$T_DIR/want"
	printf '%s\n' "$3" >"$T_DIR/got"
	echo "# $1: want (<) and got (>) differ"
	diff "$T_DIR/want" "$T_DIR/got" | sed 's/^/# /'
	return 1
}
# is_eventually WANT DB QUERY [TRIES]: the query answers WANT within TRIES
# x 50 ms (default 5 s; the sqlite3 CLI may meet the daemon's write lock:
# retry, never sleep long)
is_eventually() {
	for _i in $(seq 1 "${4:-100}"); do
		[ "$(sql "$2" "$3")" = "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# office_survey_conf PORT TOKENS: write TOKENS (one office token, $OFFICE)
# and print an admin block on PORT with it and a survey block that sends
# at once, without quiet hours: for tests that close cases and answer
# surveys through the admin API.
OFFICE=office-token-0123456789abcdef
office_survey_conf() {
	printf 'ops\toffice\t%s\n' "$OFFICE" >"$2"
	chmod 600 "$2"
	cat <<CONF
admin {
	port $1
	tokens-file $2
}
survey {
	delay 0
	quiet-start 00:00
	quiet-end 00:00
}
CONF
}

# status_get PORT TOKEN KEY.KEY...: one value of the admin API's
# GET /v1/status (nothing when it cannot be read).
status_get() {
	python3 - "$@" <<'PY' 2>/dev/null
import json, sys, urllib.request
port, token, path = sys.argv[1], sys.argv[2], sys.argv[3]
r = urllib.request.Request("http://127.0.0.1:%s/v1/status" % port,
    headers={"Authorization": "Bearer " + token})
v = json.load(urllib.request.urlopen(r, timeout=5))
for k in path.split("."):
    v = v[k]
print(v)
PY
}

# has_test_clock: the daemon was built with --enable-test-clock, so
# HOTLINED_CLOCK_OFFSET moves its clock (CI's builds; never production).
has_test_clock() { "$HOTLINED" -V 2>/dev/null | grep -q ' test-clock$'; }
# skip_n N REASON: N planned checks skipped, each saying why.
skip_n() {
	_k=$1; shift
	while [ "$_k" -gt 0 ]; do
		T_N=$((T_N + 1)); echo "ok $T_N # SKIP $*"; _k=$((_k - 1))
	done
}

# kannel_block DIR PORT [EXTRA]: print a kannel block listening on PORT,
# its sendsms going nowhere (a port nothing listens on), the password in
# DIR/pass; EXTRA lines go inside the block.
kannel_block() {
	printf 'pw\n' >"$1/pass"
	chmod 600 "$1/pass"
	cat <<CONF
kannel {
	enabled yes
	port $2
	sendsms-url http://127.0.0.1:$(free_port)/cgi-bin/sendsms
	sendsms-user hotlined
	sendsms-password-file $1/pass
${3:-}
}
CONF
}
