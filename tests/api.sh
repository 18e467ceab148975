# tests/api.sh: helpers of the tests that drive a running hotlined through
# its admin API and hotlinectl.  Source it after lib.sh; a script may
# redefine any of these after sourcing.  The functions read the script's
# $d (the daemon's directory), $aport (the admin port; run-admin.sh's
# daemon serves it on $port), $db and $OFFICE.  Outputs go to files under
# $T_DIR, never to the TAP stream, so no number is printed whole.

OFFICE=office-secret-0123456789
WATER=water-secret-0123456789a
ROAD=road-secret-0123456789ab
AUDIT=audit-secret-0123456789
REQPY="$top_srcdir/tests/data/admin/req.py"

# api_tokens FILE: the office, two units (HB-WATER, HB-ROAD), an auditor
api_tokens() {
	printf 'ops\toffice\t%s\nwater\tunit\t%s\tHB-WATER\n' \
	    "$OFFICE" "$WATER" >"$1"
	printf 'road\tunit\t%s\tHB-ROAD\naud\tauditor\t%s\n' \
	    "$ROAD" "$AUDIT" >>"$1"
	chmod 600 "$1"
}

# run NAME cmd...: run to completion, output in $T_DIR/NAME.out, status
# in $rc.
run() {
	_n=$1; shift
	"$@" >"$T_DIR/$_n.out" 2>&1
	rc=$?
}
# rc_is NAME CODE [REGEX]: the run NAME exited CODE and said REGEX.
rc_is() {
	test "$rc" -eq "$2" || return 1
	[ -z "${3:-}" ] || grep -Eq -- "$3" "$T_DIR/$1.out"
}
# ctl cmd...: hotlinectl as the office; as TOKEN cmd...: with that token
ctl() { as "$OFFICE" "$@"; }
as() {
	_t=$1; shift
	"$HOTLINECTL" -s "127.0.0.1:${aport:-$port}" -t "$_t" "$@"
}
# req NAME METHOD PATH [req.py options]: a raw request; status line first.
req() {
	_n=$1; shift
	python3 "$REQPY" "${aport:-$port}" "$@" >"$T_DIR/$_n.out" 2>&1
}
# st_code NAME STATUS CODE: the raw request got STATUS with error CODE.
st_code() {
	test "$(head -n 1 "$T_DIR/$1.out")" = "$2" &&
	    grep -q "\"code\":\"$3\"" "$T_DIR/$1.out"
}
# jget NAME KEY...: a value inside the JSON in NAME's output, one key or
# list index an argument (or dotted: a.0.b); booleans as true/false.
jget() {
	_f=$1; shift
	python3 -c 'import json,sys
v = json.load(open(sys.argv[1]))
for k in ".".join(sys.argv[2:]).split("."):
    v = v[int(k)] if isinstance(v, list) else v.get(k)
print("" if v is None else str(v).lower() if isinstance(v, bool) else v)' \
	    "$T_DIR/$_f.out" "$@"
}
# field NUMBER KEY: a field of the case as "hotlinectl --json" shows it
field() {
	ctl --json case show "$1" | python3 -c 'import json,sys
v = json.load(sys.stdin).get(sys.argv[1])
print("" if v is None else str(v).lower() if isinstance(v, bool) else v)' "$2"
}
# wait_case TEXT: the number of the case whose text holds TEXT (10 s)
wait_case() {
	for _i in $(seq 1 200); do
		_c=$(sql "$db" "SELECT number FROM cases WHERE text LIKE '%$1%'")
		[ -n "$_c" ] && { echo "$_c"; return 0; }
		sleep 0.05
	done
	return 1
}
# start_daemon [VAR=VALUE]: hotlined on $d/hotlined.conf, bound to the
# simulator and serving the admin API; stop_daemon: TERM and wait.
start_daemon() {
	start_bg hl env ${1:-} "$HOTLINED" -f -c "$d/hotlined.conf"
	wait_log "$T_DIR/hl.out" 'smpp +bound smsc=sim' 10 &&
	    wait_log "$T_DIR/hl.out" 'admin +listening' 5
}
stop_daemon() {
	kill -TERM "$PID_hl" 2>/dev/null
	wait_gone "$PID_hl" 10
}
