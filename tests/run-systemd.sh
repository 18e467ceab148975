#!/bin/sh
# hotlined under systemd, without systemd (issue 15): NOTIFY_SOCKET is a
# unix datagram socket this test reads, as systemd would.  READY=1 once
# the database is open and the listeners bound, RELOADING=1 then READY=1
# around SIGHUP, STOPPING=1 at SIGTERM, WATCHDOG=1 when WATCHDOG_USEC asks;
# a daemon that refuses to start never says READY=1.  JOURNAL_STREAM
# naming stderr: the log reaches it with "<N>" syslog priorities.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
grep -q '^#define HAVE_LIBSYSTEMD 1' "$top_builddir/config.h" 2>/dev/null ||
    skip_all "built without libsystemd (apt-get install libsystemd-dev)"
plan 13

d="$T_DIR/h"
aport=$(free_port)
hotlined_conf "$d" "$(free_port)" "admin {
	port $aport
	tokens-file $T_DIR/tokens
}"
printf 'ops\toffice\toffice-secret-0123456789\n' >"$T_DIR/tokens"
chmod 600 "$T_DIR/tokens"
sock="$T_DIR/notify.sock"
got="$T_DIR/notify.txt"

# a bounded listener: every datagram a line in $got, for at most 60 s
start_bg notify python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(0.5)
end = time.time() + 60
with open(sys.argv[2], "a") as f:
    while time.time() < end:
        try:
            m = s.recv(4096)
        except socket.timeout:
            continue
        for line in m.decode().splitlines():
            f.write(line + "\n")
        f.flush()
' "$sock" "$got"
for _i in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.05; done

# "a then b" in $got, in that order (the first a, a later b)
in_order() {
	awk -v a="$1" -v b="$2" '$0 == a && !sa { sa = NR; next }
	    sa && $0 == b { ok = 1 } END { exit !ok }' "$got"
}

# the stderr file is the "journal stream": JOURNAL_STREAM names it
: >"$T_DIR/journal"
js=$(stat -c '%d:%i' "$T_DIR/journal")
NOTIFY_SOCKET="$sock" WATCHDOG_USEC=400000 JOURNAL_STREAM="$js" \
    "$HOTLINED" -f -c "$d/hotlined.conf" >>"$T_DIR/journal" 2>&1 &
hl=$!
T_PIDS="$T_PIDS $hl"
check "READY=1 once started" wait_log "$got" '^READY=1$' 10
check "READY=1 comes after the database and the listeners" \
    grep -q 'hotlined started' "$d/hotlined.log"
check "the admin listener is bound when READY=1 is sent" python3 -c '
import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2).close()' "$aport"
check "WATCHDOG=1 from the loop when systemd asks" \
    wait_log "$got" '^WATCHDOG=1$' 5
kill -HUP "$hl"
check "SIGHUP: RELOADING=1 then READY=1" sh -c "
	for i in \$(seq 1 100); do
		awk -v a=RELOADING=1 -v b=READY=1 '\$0 == a && !sa { sa = NR; next }
		    sa && \$0 == b { ok = 1 } END { exit !ok }' '$got' && exit 0
		sleep 0.05
	done; exit 1"
kill -TERM "$hl"
check "SIGTERM: STOPPING=1" wait_log "$got" '^STOPPING=1$' 5
check "hotlined stops" wait_gone "$hl" 10
check "STOPPING=1 after READY=1" in_order READY=1 STOPPING=1

# the journal: priority prefix, no time stamp (the journal has its own)
check "journal lines carry their priority" \
    grep -Eq '^<6>info  hotlined started version=' "$T_DIR/journal"
check "no time stamp on journal lines" sh -c "
	! grep -Eq '^<[0-7]>[0-9]{4}-' '$T_DIR/journal'"
check "the log file keeps its time stamps" \
    grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T.* info  hotlined started' "$d/hotlined.log"

# a refusal never says READY=1
: >"$got"
hotlined_conf "$T_DIR/bad" "$(free_port)" "database $T_DIR/missing/dir/hotlined.db"
sed -i '0,/^database /{/^database /d}' "$T_DIR/bad/hotlined.conf"
NOTIFY_SOCKET="$sock" "$HOTLINED" -f -c "$T_DIR/bad/hotlined.conf" \
    >"$T_DIR/bad.out" 2>&1
check "a refused start exits 1" test $? -eq 1
check "and never says READY=1" sh -c "! grep -q READY=1 '$got'"
t_done
