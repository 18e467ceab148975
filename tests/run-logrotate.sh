#!/bin/sh
# Log rotation never reloads (issue 15): the rules file is half-way
# through an edit (invalid) when logrotate renames the log and asks for a
# reopen, by "hotlinectl log reopen" and by SIGUSR1.  The log reopens in
# a new file, nothing reloads, and a citizen's SMS after the rotation is
# still judged by the rules in force; only a SIGHUP reads the edit (and
# refuses it, and says hotlined.conf itself waits for a restart).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
plan 15

d="$T_DIR/h"
port=$(free_port)
aport=$(free_port)
mkdir -p "$d"
cp "$top_srcdir/etc/hotlined.rules" "$d/rules"
printf 'ops\toffice\t%s\n' "$OFFICE" >"$d/tokens"
chmod 600 "$d/tokens"
hotlined_conf "$d" "$port" "admin {
	port $aport
	tokens-file $d/tokens
}"
sed -i "s|^rules .*|rules $d/rules|" "$d/hotlined.conf"
log="$d/hotlined.log"
db="$d/hotlined.db"
ctl_quiet() { "$HOTLINECTL" -s "127.0.0.1:$aport" -t "$OFFICE" "$@" >/dev/null; }

# one citizen before the rotation, one after: an SMSC each (the first
# exits, hotlined reconnects to the second on the same port)
cat >"$T_DIR/before.scn" <<'SCN'
at=+0.2s from=13800138100 to=12345 text=请问新生儿医保怎么办理？
wait-for=submit
exit
SCN
cat >"$T_DIR/after.scn" <<'SCN'
at=+0.2s from=13800138101 to=12345 text=请问居住证怎么办理，需要带什么材料？
wait-for=submit
exit
SCN
start_bg sim1 "$SMSCSIM" -p "$port" -s "$T_DIR/before.scn" -o "$T_DIR/before.jsonl"
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
check "hotlined answers the first citizen" \
    wait_log "$T_DIR/before.jsonl" '"dest_last4":"8100"' 10
check "the rules in force make it a consultation" \
    test "$(sql "$db" "SELECT category FROM cases WHERE text LIKE '%新生儿医保%'")" = consultation
wait_gone "$PID_sim1" 5

# the edit, half done: a rule without its category
head -n 20 "$top_srcdir/etc/hotlined.rules" >"$d/rules"
printf 'rule half-edited category\n\tany 居住证\n' >>"$d/rules"

# logrotate: rename, then the reopen (the admin API, as hotlinectl does)
mv "$log" "$log.1"
check "hotlinectl log reopen succeeds" ctl_quiet log reopen
check "the new log file says it was reopened, and by whom" \
    wait_log "$log" 'hotlined log reopened path=.* by=admin:ops' 5
mv "$log" "$log.2"
kill -USR1 "$PID_hl"
check "SIGUSR1 reopens it again" \
    wait_log "$log" 'hotlined log reopened path=.* by=SIGUSR1' 5

start_bg sim2 "$SMSCSIM" -p "$port" -s "$T_DIR/after.scn" -o "$T_DIR/after.jsonl"
check "hotlined answers the citizen after the rotation" \
    wait_log "$T_DIR/after.jsonl" '"dest_last4":"8101"' 15
check "still judged by the old rules: a consultation" \
    test "$(sql "$db" "SELECT category FROM cases WHERE text LIKE '%居住证%'")" = consultation
check "the new log file receives the lines that follow" \
    grep -Eq 'intake +case=HY[0-9]+ msisdn=138\*\*\*\*8101' "$log"
check "the renamed files receive none" sh -c "
	! grep -q 'msisdn=138\\*\\*\\*\\*8101' '$log.1' '$log.2'"
check "no reopen reloaded anything" sh -c "
	! grep -Eq 'reload' '$log.2' '$log'"

# only SIGHUP reads the half-edited file, and refuses it; it says that
# hotlined.conf, edited too, is not re-read
printf 'log-level debug\n' >>"$d/hotlined.conf"
kill -HUP "$PID_hl"
check "SIGHUP says hotlined.conf changed and waits for a restart" wait_log \
    "$log" 'hotlined reload: .*/hotlined.conf changed since start; its options take effect at restart' 5
check "SIGHUP reads the edit and refuses it" \
    wait_log "$log" 'mo +reload failed, old rules and model kept' 5
check "SIGHUP says the reload finished" \
    wait_log "$log" 'hotlined reloaded hooks=[0-9]+ failed=1' 5
check "hotlined still runs" kill -0 "$PID_hl"
check "no full phone number in the logs" sh -c "
	! grep -Eq '1380013810[0-9]' '$T_DIR/hl.out' '$log' '$log.1' '$log.2'"
t_done
