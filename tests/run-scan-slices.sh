#!/bin/sh
# The overdue scan in slices (issue 17), in the daemon: a database of
# 2,000 cases over 73 days (bench/fill, FILL_OVERDUE=100: each due a day
# after it came, those of the last 10 days still open) holds a few
# hundred open cases past their due date.  hotlined's
# scan soon after start supervises every one of them exactly once, 64 a
# turn of the event loop, each slice its own unit (the log counts the
# slices); the admin API lists them supervised; the audit chain is
# intact; a restart scans again and supervises nothing more.  The fill
# drops the indexes its statements do not search after 500 cases and
# makes them again at the end: the schema is the same as a fill of one
# case's (none dropped), and the file passes integrity_check.  The fill
# records the units' notices as the daemon would have (one "dispatch" a
# dispatched case).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
FILL="$top_builddir/bench/fill"
[ -x "$FILL" ] || skip_all "bench/fill is not built"
plan 14

d="$T_DIR/d"
aport=$(free_port)
OFFICE=office-secret-0123456789ab
FILL_OVERDUE=100 "$FILL" 2000 "$d" 0.2 >"$T_DIR/fill.out" 2>&1
check "bench/fill made a database of 2,000 cases" \
    test "$(sql "$d/hotlined.db" "SELECT COUNT(*) FROM cases")" = 2000
"$FILL" 1 "$T_DIR/one" 0.2 >"$T_DIR/fill1.out" 2>&1
schema="SELECT group_concat(type || ' ' || name || ' ' || COALESCE(sql, ''),
    char(10)) FROM (SELECT * FROM sqlite_master ORDER BY type, name)"
check "its indexes and tables are those of a fill with none dropped" test \
    "$(sql "$d/hotlined.db" "$schema")" = "$(sql "$T_DIR/one/hotlined.db" \
    "$schema")"
check "it passes integrity_check" test \
    "$(sql "$d/hotlined.db" "PRAGMA integrity_check")" = ok
check "the fill told each case's unit of its dispatch, once, as notice.c" \
    test "$(sql "$d/hotlined.db" "SELECT (SELECT COUNT(*) FROM notices WHERE
    kind = 'dispatch') = (SELECT COUNT(*) FROM cases WHERE unit IS NOT NULL)
    AND NOT EXISTS (SELECT 1 FROM cases c WHERE unit IS NOT NULL AND NOT
    EXISTS (SELECT 1 FROM notices n WHERE n.case_id = c.id AND n.unit =
    c.unit AND n.kind = 'dispatch' AND n.ref = CAST(c.dispatched_at AS
    TEXT)))")" = 1
due=$(sql "$d/hotlined.db" "SELECT COUNT(*) FROM cases WHERE closed_at IS NULL AND due < date('now', 'localtime')")
check "more cases overdue than two slices ($due)" test "$due" -gt 128

printf 'ops\toffice\t%s\n' "$OFFICE" >"$d/tokens"
chmod 600 "$d/tokens"
hotlined_conf "$d" "$(free_port)" "service-number 12345
admin {
	port $aport
	tokens-file $d/tokens
}"

start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
check "the scan supervises every overdue case, in slices" \
    wait_log "$T_DIR/hl.out" "notify overdue scan count=$due slices=[0-9]+ " 30
slices=$(sed -n 's/.*notify overdue scan count=[0-9]* slices=\([0-9]*\) .*/\1/p' \
    "$T_DIR/hl.out")
check "at most 64 cases a slice ($slices slices)" \
    test "$slices" -ge $(( (due + 63) / 64 ))
ctl --json case list --overdue --limit 5 >"$T_DIR/list.out" 2>&1
check "the admin API lists them" python3 -c 'import json, sys
c = json.load(open(sys.argv[1]))["cases"]
sys.exit(not (len(c) == 5 and all(x["supervised"] for x in c)))' \
    "$T_DIR/list.out"
check "each overdue case supervised once, no other" test \
    "$(sql "$d/hotlined.db" "SELECT COUNT(*), COUNT(DISTINCT case_id) FROM audit WHERE action = 'case.supervise'")" = "$due|$due"
check "all of them supervised as overdue" test \
    "$(sql "$d/hotlined.db" "SELECT COUNT(*) FROM cases WHERE supervision = 'overdue'")" = "$due"

kill -TERM "$PID_hl"
wait_gone "$PID_hl" 10
# -v: a scan that supervises nothing says so at debug level
start_bg hl2 "$HOTLINED" -v -f -c "$d/hotlined.conf"
check "after a restart the scan finds nothing left to supervise" \
    wait_log "$T_DIR/hl2.out" "notify overdue scan count=0 slices=1 " 30
check "no case supervised twice" test \
    "$(sql "$d/hotlined.db" "SELECT COUNT(*) FROM audit WHERE action = 'case.supervise'")" = "$due"
kill -TERM "$PID_hl2"
wait_gone "$PID_hl2" 10
check "the audit chain is intact" sh -c \
    "'$HOTLINECTL' audit verify --db '$d/hotlined.db' --key '$d/hotlined.key' | grep -q 'audit trail intact'"
check "no full phone number in the log" sh -c "! grep -Eq '15[0-9]{9}' \
    '$T_DIR/hl.out' '$T_DIR/hl2.out' '$d/hotlined.log'"
t_done
