#!/bin/sh
# hotlinectl backup FILE while hotlined takes a paced load through
# smscsim (bounded): the copy is consistent (integrity_check, every case
# up to the id it reports and none after), 0600, and restores: copied
# with the key file and its .database record into a fresh directory, a
# daemon starts on it and "audit verify" says intact.  Without the key
# file the restored copy is refused.  Hostile paths are refused: an
# existing file (left as it was), a directory nobody can write, "..".
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
N=${BACKUP_N:-400}
plan 22

d="$T_DIR/h"
port=$(free_port)
aport=$(free_port)
hotlined_conf "$d" "$port" "max-replies-per-hour 0
max-new-cases-per-hour 0
$(office_survey_conf "$aport" "$T_DIR/tokens")"
i=0
{
	echo "at=+0.3s"
	while [ $i -lt $N ]; do
		printf 'from=1380013%04d to=12345 rate=100 text=投诉：幸福花园%d号楼楼下餐馆油烟和噪音扰民，请处理。\n' "$i" "$i"
		i=$((i + 1))
	done
	echo "wait-for=ack"
	echo "after=2s"
	echo "exit"
} >"$T_DIR/load.scn"
start_bg sim "$SMSCSIM" -p "$port" -s "$T_DIR/load.scn" -o "$T_DIR/sent.jsonl" -d 100 -w 20
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
check "hotlined listens" wait_log "$T_DIR/hl.out" "admin +listening" 10
db="$d/hotlined.db"
# the backup starts while the load is on: some cases in, more coming
is_eventually 1 "$db" "SELECT count(*) >= 20 FROM cases" 200
mkdir -p "$T_DIR/b"
ctl backup "$T_DIR/b/copy.db" >"$T_DIR/backup.out" 2>&1
check "backup under load succeeds" test $? -eq 0
sed 's/^/# /' "$T_DIR/backup.out"
check "it says the key file is needed, naming it" grep -q \
    "IMPORTANT: without the key file $d/hotlined.key and $d/hotlined.key.database" \
    "$T_DIR/backup.out"
last=$(sed -n 's/.*cases up to id \([0-9]*\),.*/\1/p' "$T_DIR/backup.out")
check "the copy is whole (integrity_check)" test \
    "$(sql "$T_DIR/b/copy.db" 'PRAGMA integrity_check')" = ok
check "the copy is readable by its owner only" test \
    "$(stat -c %a "$T_DIR/b/copy.db")" = 600
check "the load went on meanwhile (bounded)" wait_gone "$PID_sim" 120
copied=$(sql "$T_DIR/b/copy.db" "SELECT count(*) FROM cases")
live=$(sql "$db" "SELECT count(*) FROM cases WHERE id <= ${last:-0}")
echo "# cases: in the copy $copied, up to id $last live $live, live in all $(sql "$db" 'SELECT count(*) FROM cases')"
check "the copy holds what was committed when it completed" \
    test -n "$last" -a "$copied" = "$live" -a "$copied" -gt 0 -a \
    "$(sql "$T_DIR/b/copy.db" "SELECT count(*) FROM cases WHERE id > $last")" = 0

# hostile paths
echo x >"$T_DIR/b/exists"
check "an existing file is refused" sh -c "! '$HOTLINECTL' -s 127.0.0.1:$aport -t $OFFICE backup '$T_DIR/b/exists' 2>'$T_DIR/e1'"
check "and left as it was" test "$(cat "$T_DIR/b/exists")" = x
grep -q 'File exists' "$T_DIR/e1" || { fail "the refusal says why"; show "$T_DIR/e1"; }
grep -q 'File exists' "$T_DIR/e1" && ok "the refusal says why"
check "a place nobody can write is refused" sh -c "! '$HOTLINECTL' -s 127.0.0.1:$aport -t $OFFICE backup /proc/hotlined-copy.db 2>/dev/null"
check "a path with .. is refused" sh -c "! '$HOTLINECTL' -s 127.0.0.1:$aport -t $OFFICE backup '$T_DIR/b/../b/x.db' 2>'$T_DIR/e2' && grep -q 'without . or ..' '$T_DIR/e2'"
kill -TERM "$PID_hl"; wait_gone "$PID_hl" 15
check "no sanitizer report from the daemon (--enable-sanitizers builds)" \
    sh -c "! grep -Eq 'Sanitizer|runtime error' '$T_DIR/hl.out'"

# offline verification of the copy: no daemon, no token
check "audit verify --db --key: the copy is intact" sh -c \
    "'$HOTLINECTL' audit verify --db '$T_DIR/b/copy.db' --key '$d/hotlined.key' | grep -q 'audit trail intact'"
cp "$T_DIR/b/copy.db" "$T_DIR/b/forged.db"
sqlite3 "$T_DIR/b/forged.db" "UPDATE cases SET text = '已处理' WHERE id = 3"
"$HOTLINECTL" audit verify --db "$T_DIR/b/forged.db" --key "$d/hotlined.key" \
    >"$T_DIR/v.out" 2>&1
check "a case text changed in a copy is detected offline" sh -c \
    "test $? -eq 1 && grep -q 'audit trail broken: first bad event' '$T_DIR/v.out'"
check "a missing database is an error, not created" sh -c \
    "! '$HOTLINECTL' audit verify --db '$T_DIR/b/none.db' --key '$d/hotlined.key' 2>/dev/null && test ! -e '$T_DIR/b/none.db'"
check "a missing key file is an error, not created" sh -c \
    "! '$HOTLINECTL' audit verify --db '$T_DIR/b/copy.db' --key '$T_DIR/b/none.key' 2>/dev/null && test ! -e '$T_DIR/b/none.key'"
check "another key is an error" sh -c \
    "! '$HOTLINECTL' audit verify --db '$T_DIR/b/copy.db' --key '$d/../h/hotlined.key.database' 2>/dev/null"

# restore into a fresh directory: the copy, the key and its record
r="$T_DIR/r"
rport=$(free_port)
raport=$(free_port)
hotlined_conf "$r" "$rport" "$(office_survey_conf "$raport" "$T_DIR/tokens")"
cp "$T_DIR/b/copy.db" "$r/hotlined.db"
start_bg r0 "$HOTLINED" -f -c "$r/hotlined.conf"
wait_gone "$PID_r0" 10
check "without the key file the copy is refused" grep -q \
    'refusing to start.*key' "$T_DIR/r0.out"
cp "$d/hotlined.key" "$d/hotlined.key.database" "$r/"
start_bg r1 "$HOTLINED" -f -c "$r/hotlined.conf"
wait_log "$T_DIR/r1.out" 'admin +listening' 10
check "with it a daemon starts on the copy and the audit chain is intact" \
    sh -c "'$HOTLINECTL' -s 127.0.0.1:$raport -t $OFFICE audit verify | grep -q 'audit trail intact'"
check "the restored database has the copy's cases" test \
    "$(sql "$r/hotlined.db" "SELECT count(*) FROM cases")" = "$copied"
check "no full phone number in the logs" sh -c \
    "! grep -Eq '1380013[0-9]{4}' '$d/hotlined.log' '$r/hotlined.log' '$T_DIR/backup.out'"
t_done
