#!/bin/sh
# Daemon lifecycle: -V, -t, start-up refusals, the pid file (live, stale),
# foreground and daemonized start, SIGUSR2 log levels, SIGUSR1 log reopen
# after a logrotate-style rename (and no reload), SIGTERM within shutdown-timeout.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
plan 38

# mkconf NAME [DATABASE]: a config whose files all live in $T_DIR/NAME/
# (the database too, unless given); prints its path.
mkconf() {
	_d="$T_DIR/$1"
	mkdir -p "$_d/db" "$_d/templates"
	cp "$top_srcdir"/templates/*.txt "$_d/templates/"
	cp "$top_srcdir/etc/hotlined.rules" "$_d/rules"
	cp "$top_srcdir/etc/hotlined.calendar" "$_d/calendar"
	cp "$top_srcdir/etc/hotlined.screen" "$_d/screen"
	printf 'secret\n' >"$_d/smsc.pass"
	chmod 600 "$_d/smsc.pass"
	cat >"$_d/hotlined.conf" <<EOF
# written by run-daemon.sh
database ${2:-$_d/db/hotlined.db}
key-file $_d/db/hotlined.key
pid-file $_d/hotlined.pid
log-file $_d/hotlined.log
templates templates
rules rules
screen screen
model none
calendar $_d/calendar
shutdown-timeout 3s
smsc main {
	host 127.0.0.1
	port 2775
	password-file smsc.pass
}
EOF
	echo "$_d/hotlined.conf"
}

# wait_file FILE SECONDS: wait until a file exists.
wait_file() {
	_deadline=$(( $(date +%s) + $2 ))
	while [ "$(date +%s)" -le "$_deadline" ]; do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# stopped PID: the process ends within 4 s and its pid file is gone.
stopped() {
	wait_gone "$1" 4 && test ! -e "$pidf"
}


check "hotlined -V prints the version" sh -c "'$HOTLINED' -V | grep -Eq '^hotlined [0-9]'"

# --- -t
good=$(mkconf good)
run t_good "$HOTLINED" -t -c "$good"
check "-t on a good config exits 0" test "$rc" -eq 0
check "-t on a good config says configuration OK" grep -q '^configuration OK$' "$T_DIR/t_good.out"

cat >"$T_DIR/bad.conf" <<EOF
# three errors
smsc main {
	port 70000
	colour blue
}
concat-timeout 10x
EOF
run t_bad "$HOTLINED" -t -c "$T_DIR/bad.conf"
check "-t on a bad config exits 1" test "$rc" -eq 1
check "-t reports every error with file:line" sh -c "
	grep -q 'bad.conf:3: port: 70000 is too large' '$T_DIR/t_bad.out' &&
	grep -q 'bad.conf:4: unknown option .colour. in smsc block' '$T_DIR/t_bad.out' &&
	grep -q 'bad.conf:6: concat-timeout: .10x. is not a duration' '$T_DIR/t_bad.out' &&
	! grep -q 'configuration OK' '$T_DIR/t_bad.out'"
rm -r "$T_DIR/good/templates"
run t_files "$HOTLINED" -t -c "$good"
check "-t checks the files the config references" sh -c "
	test $rc -eq 1 && grep -q 'hotlined.conf:6: templates .*No such file' '$T_DIR/t_files.out'"
mkdir "$T_DIR/good/templates"
cp "$top_srcdir"/templates/*.txt "$T_DIR/good/templates/"
badscr=$(mkconf badscr)
printf 'clear 119 着火\nclear 911 x\n' >"$T_DIR/badscr/screen"
run t_screen "$HOTLINED" -t -c "$badscr"
check "-t checks the safety screen's lexicon, with file:line" sh -c "
	test $rc -eq 1 && grep -q 'badscr/screen:2: clear needs a channel' '$T_DIR/t_screen.out'"
rm "$T_DIR/badscr/screen"
run t_noscr "$HOTLINED" -t -c "$badscr"
check "-t refuses a missing lexicon (the screen is required)" sh -c "
	test $rc -eq 1 && grep -q 'hotlined.conf:8: screen .*No such file' '$T_DIR/t_noscr.out'"
run t_missing "$HOTLINED" -t -c "$T_DIR/nonexistent.conf"
check "-t on a missing file exits 1" sh -c "
	test $rc -eq 1 && grep -q 'nonexistent.conf: No such file' '$T_DIR/t_missing.out'"

# --- refusals, each one line
chmod 644 "$T_DIR/good/smsc.pass"
run r_pass "$HOTLINED" -f -c "$good"
check "refuses a password file readable by others" sh -c "
	test $rc -eq 1 && grep -q '^hotlined: refusing to start: .*smsc main: password-file .* is accessible by group or others (mode 0644' '$T_DIR/r_pass.out'"
chmod 600 "$T_DIR/good/smsc.pass"
printf 'k' >"$T_DIR/good/db/hotlined.key"
chmod 604 "$T_DIR/good/db/hotlined.key"
run r_key "$HOTLINED" -f -c "$good"
check "refuses a world-readable key file" sh -c "
	test $rc -eq 1 && test \$(wc -l <'$T_DIR/r_key.out') -eq 1 &&
	grep -q 'refusing to start: .*hotlined.conf:3: key-file .* is accessible' '$T_DIR/r_key.out'"
rm -f "$T_DIR/good/db/hotlined.key"	# a real one is made at start
nodb=$(mkconf nodb "$T_DIR/nodb/missing/hotlined.db")
run r_db "$HOTLINED" -f -c "$nodb"
check "refuses a missing database directory" sh -c "
	test $rc -eq 1 && grep -q 'refusing to start: .*database directory .*/missing: No such file' '$T_DIR/r_db.out'"
if [ "$(id -u)" -ne 0 ]; then
	rodb=$(mkconf rodb)
	chmod 555 "$T_DIR/rodb/db"
	run r_ro "$HOTLINED" -f -c "$rodb"
	check "refuses an unwritable database directory" sh -c "
		test $rc -eq 1 && grep -q 'database directory .* is not writable' '$T_DIR/r_ro.out'"
	chmod 755 "$T_DIR/rodb/db"
else
	: >"$T_DIR/plainfile"
	rodb=$(mkconf rodb "$T_DIR/plainfile/hotlined.db")
	run r_ro "$HOTLINED" -f -c "$rodb"
	check "refuses a database directory that is not one (root ignores modes)" sh -c "
		test $rc -eq 1 && grep -q 'database directory .*plainfile: not a directory' '$T_DIR/r_ro.out'"
fi

# --- foreground start, pid file, a second instance
log="$T_DIR/good/hotlined.log"
pidf="$T_DIR/good/hotlined.pid"
start_bg hl "$HOTLINED" -f -c "$good"
check "starts in the foreground" wait_log "$T_DIR/hl.out" 'info  hotlined started' 5
check "logs to the log file too" wait_log "$log" 'info  hotlined started version=' 5
check "the pid file holds the daemon's pid" sh -c "test \"\$(cat '$pidf')\" = '$PID_hl'"
run second "$HOTLINED" -f -c "$good"
check "refuses to start while the pid file's owner lives" sh -c "
	test $rc -eq 1 && grep -q 'pid file .* is held by running process $PID_hl' '$T_DIR/second.out'"
check "the refused start leaves the pid file alone" sh -c "test \"\$(cat '$pidf')\" = '$PID_hl'"

# --- log levels by signal (SIGUSR2; SIGUSR1 is the log reopen)
kill -USR2 "$PID_hl"
check "SIGUSR2 raises the level to debug" wait_log "$log" 'SIGUSR2 log-level=debug' 5
kill -USR2 "$PID_hl"
check "SIGUSR2 raises the level to trace" wait_log "$log" 'SIGUSR2 log-level=trace' 5
kill -USR2 "$PID_hl"
check "SIGUSR2 after trace wraps to info" wait_log "$log" 'SIGUSR2 log-level=info' 5

# --- SIGUSR1 after a logrotate-style rename: the log alone, no reload
mv "$log" "$log.1"
kill -USR1 "$PID_hl"
check "SIGUSR1 creates a new log file" wait_file "$log" 5
check "SIGUSR1 says it reopened the log, in the new file" \
    wait_log "$log" 'hotlined log reopened path=.* by=SIGUSR1' 5
kill -USR2 "$PID_hl"
check "the new file receives the lines that follow" \
    wait_log "$log" 'SIGUSR2 log-level=debug' 5
check "the renamed file gets no new lines" sh -c "
	test \$(grep -c 'SIGUSR2 log-level=debug' '$log.1') -eq 1"
check "SIGUSR1 reloads nothing" sh -c "! grep -q 'hotlined reloaded' '$log'"

# --- SIGHUP with a broken lexicon: the old one stays
cp "$T_DIR/good/screen" "$T_DIR/good/screen.ok"
printf 'bogus x\n' >"$T_DIR/good/screen"
kill -HUP "$PID_hl"
check "SIGHUP with a bad lexicon says why" \
    wait_log "$log" 'warn  screen .*screen:1: unknown kind .bogus.' 5
check "SIGHUP with a bad lexicon keeps the old one" \
    wait_log "$log" 'screen reload failed: keeping the old lexicon' 5
check "SIGHUP with hotlined.conf unchanged says nothing of it" sh -c "
	! grep -q 'changed since start' '$log'"
mv "$T_DIR/good/screen.ok" "$T_DIR/good/screen"
kill -HUP "$PID_hl"
check "SIGHUP with a good lexicon loads it" wait_log "$log" 'info  screen reloaded path=.*words=[0-9]' 5

# --- SIGTERM
kill -TERM "$PID_hl"
check "SIGTERM stops within shutdown-timeout" wait_gone "$PID_hl" 4
check "the stop is logged" grep -q 'info  hotlined stopped' "$log"
check "the pid file is removed on exit" test ! -e "$pidf"

# --- a stale pid file is replaced
sh -c 'exit 0' &
dead=$!
wait "$dead"
echo "$dead" >"$pidf"
start_bg hl2 "$HOTLINED" -f -c "$good"
check "a stale pid file is replaced, with a log line" wait_log "$log" "stale pid file replaced .*old_pid=$dead" 5
wait_log "$T_DIR/hl2.out" 'hotlined started' 5
kill -TERM "$PID_hl2"
wait_gone "$PID_hl2" 4

# --- daemonized start
run bg "$HOTLINED" -c "$good"
check "daemonized start returns 0 once the daemon runs" test "$rc" -eq 0
dpid=$(cat "$pidf" 2>/dev/null)
[ -n "$dpid" ] && T_PIDS="$T_PIDS $dpid"
check "the daemon wrote its pid file and lives" sh -c "test -n '$dpid' && kill -0 '$dpid'"
check "the daemon logs to its log file" wait_log "$log" "hotlined started .*pid=$dpid" 5
[ -n "$dpid" ] && kill -TERM "$dpid"
check "the daemon stops on SIGTERM and removes its pid file" stopped "$dpid"
t_done
