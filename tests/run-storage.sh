#!/bin/sh
# Storage faults (issue 12): under a paced load the WAL file is deleted
# (then hotlined is SIGKILLed, as in the field report), the filesystem
# turns read-only and the sync thread's fdatasync fails; pages are corrupted; the key file goes missing, wrong,
# unreadable; the database goes missing; the tokens file is broken.  Each
# fault is bounded; each says what it tried and lost (always 0); the
# daemon must say clearly what is wrong, and refuse to start rather than
# start on a database it cannot read or one that is not its own.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
. "$top_srcdir/tests/faults.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
command -v timeout >/dev/null || skip_all "timeout(1) not installed"
N=${STORAGE_N:-40}
plan 59

d="$T_DIR/h"
db="$d/hotlined.db"
key="$d/hotlined.key"
log="$d/hotlined.log"
port=$(free_port)
aport=$(free_port)
mkdir -p "$d"
hotlined_conf "$d" "$port" "max-replies-per-hour 0
max-new-cases-per-hour 0
$(office_survey_conf "$aport" "$d/tokens")"
# refused NAME REGEX: hotlined, started in the foreground, exits 1 at once
# and says REGEX (bounded: a daemon that starts is killed after 10 s)
refused() {
	timeout 10 "$HOTLINED" -f -c "$d/hotlined.conf" >"$T_DIR/$1.out" 2>&1
	_rc=$?
	echo "# $1: exit $_rc: $(grep -E 'refusing' "$T_DIR/$1.out" | head -n 1 | cut -c1-200)"
	[ "$_rc" -eq 1 ] && grep -Eq -- "$2" "$T_DIR/$1.out"
}
# started NAME: start hotlined in the background, wait until it runs
started() {
	start_bg "$1" "$HOTLINED" -f -c "$d/hotlined.conf"
	wait_log "$T_DIR/$1.out" "hotlined started" 15
}
# stop PID: SIGTERM, bounded wait
stop() { kill -TERM "$1" 2>/dev/null; wait_gone "$1" 15; }

# --- the WAL deleted under load, then SIGKILL ------------------------------
fault_scenario "$T_DIR/wal.scn" "$N" 100ms WALDEL
start_bg sim "$SMSCSIM" -p "$port" -s "$T_DIR/wal.scn" -o "$T_DIR/sent.jsonl" -d 100 -w 20
check "hotlined starts on a new database" started hl1
check "a key and its record are made for a new database" \
    grep -Eq '^database [0-9a-f]{32}$' "$key.database"
fault_wait_cases "$db" WALDEL 10 || bail "no cases stored"
rm -f "$db-wal"
check "the deleted WAL is noticed and said" \
    wait_log "$log" "store .*WAL file .* was deleted while in use: writes refused" 10
check "what was committed is saved into the database file" \
    wait_log "$log" "committed data saved from the deleted WAL" 5
python3 "$top_srcdir/tests/data/admin/req.py" "$aport" GET /v1/health >"$T_DIR/health.out" 2>&1
check "GET /v1/health: 503 failing, for monitoring" sh -c \
    "head -n 1 '$T_DIR/health.out' | grep -q 503 && grep -q '\"failing\"' '$T_DIR/health.out'"
ctl status >"$T_DIR/status.out" 2>&1
check "hotlinectl status says what is wrong" \
    grep -Eq '^database +the WAL file .* was deleted' "$T_DIR/status.out"
kill -KILL "$PID_hl1"
wait_gone "$PID_hl1" 5
check "hotlined starts again after the SIGKILL" started hl2
check "smscsim saw every MO acknowledged (bounded)" wait_gone "$PID_sim" 60
check "hotlined stops cleanly" stop "$PID_hl2"
fault_count WALDEL "$N" "$db"
check "WAL deleted: no acknowledged MO lost" test "$lost" -eq 0
check "WAL deleted: no MO became two cases" test "$doubled" -eq 0

# --- the database file deleted under load, then SIGKILL ---------------------
fault_scenario "$T_DIR/dbdel.scn" "$N" 100ms DBDEL
start_bg simd "$SMSCSIM" -p "$port" -s "$T_DIR/dbdel.scn" -o "$T_DIR/sentd.jsonl" -d 100 -w 20
check "hotlined starts again" started hld
fault_wait_cases "$db" DBDEL 10 || bail "no cases stored"
rm -f "$db"
check "the deleted database file is noticed, copied back" \
    wait_log "$log" "store +committed data saved into a copy path=$db\$" 10
kill -KILL "$PID_hld"
wait_gone "$PID_hld" 5
check "hotlined starts on the copy" started hld2
check "smscsim saw every MO acknowledged (bounded)" wait_gone "$PID_simd" 60
check "hotlined stops cleanly" stop "$PID_hld2"
fault_count DBDEL "$N" "$db"
check "database deleted: no acknowledged MO lost" test "$lost" -eq 0
check "database deleted: no MO became two cases" test "$doubled" -eq 0

# --- corrupted pages ------------------------------------------------------
cp "$db" "$T_DIR/backup.db"
check "hotlined -C finds the database intact" sh -c \
    "'$HOTLINED' -C '$db' | grep -qx ok"
# corrupt N_PAGES pages of FILE in its middle (2 KiB pages)
corrupt() {
	python3 - "$1" <<'PY'
import os, sys
f = sys.argv[1]
pages = os.path.getsize(f) // 2048
with open(f, "r+b") as fh:
    for p in range(pages // 2, pages // 2 + 3):
        fh.seek(p * 2048)
        fh.write(bytes([0x55]) * 2048)
print("# corrupted pages %d-%d of %d" % (pages // 2 + 1, pages // 2 + 3, pages))
PY
}
corrupt "$db"
# a page of the schema hit: the open's PRAGMA cache_size says so first
damaged='is damaged \((quick_check|schema): '
check "a damaged database is refused at start" refused corrupt \
    "refusing to start: database .* ($damaged)"
"$HOTLINED" -C "$db" >"$T_DIR/dashc.out" 2>&1
rc=$?
echo "# hotlined -C: exit $rc, $(wc -l <"$T_DIR/dashc.out") problems"
check "hotlined -C lists the problems and exits 1" \
    sh -c "test $rc -eq 1 && test -s '$T_DIR/dashc.out'"
cp "$T_DIR/backup.db" "$db"
check "restored from the backup, hotlined starts" started hl3
ctl db check >"$T_DIR/dbcheck1.out" 2>&1
rc=$?
check "hotlinectl db check: intact, exit 0" \
    sh -c "test $rc -eq 0 && grep -qx 'database intact' '$T_DIR/dbcheck1.out'"
# clients that hang up before the answer: the held request goes with them
python3 - "$aport" "$OFFICE" <<'PY'
import socket, sys, time
for i in range(5):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
    s.sendall(("GET /v1/db/check HTTP/1.1\r\nHost: x\r\n"
               "Authorization: Bearer %s\r\n\r\n" % sys.argv[2]).encode())
    s.close()
    time.sleep(0.05)
PY
check "clients that hang up on db check: the daemon lives on" \
    kill -0 "$PID_hl3"
ctl db check >"$T_DIR/dbcheck1b.out" 2>&1
check "and answers the next check" grep -qx 'database intact' "$T_DIR/dbcheck1b.out"
corrupt "$db"
ctl db check >"$T_DIR/dbcheck2.out" 2>&1
rc=$?
show "$T_DIR/dbcheck2.out" 3
check "hotlinectl db check on a running daemon: damaged, exit 1" \
    sh -c "test $rc -eq 1 && grep -q '^database damaged: ' '$T_DIR/dbcheck2.out'"
check "the daemon ran on while its database was checked" kill -0 "$PID_hl3"
kill -KILL "$PID_hl3"
wait_gone "$PID_hl3" 5
cp "$T_DIR/backup.db" "$db"
rm -f "$db-wal" "$db-shm"

# armed TAG SIM HL VAR FLAG WHAT: smscsim SIM offers TAG's scenario to
# hotlined HL, started with the test fault VAR armed on the file FLAG;
# once the first cases are stored, FLAG is made: the fault begins
armed() {
	fault_scenario "$T_DIR/$1.scn" "$N" 100ms "$1"
	start_bg "$2" "$SMSCSIM" -p "$port" -s "$T_DIR/$1.scn" -o "$T_DIR/$1.jsonl" -d 100 -w 20
	start_bg "$3" env "$4=$5" "$HOTLINED" -f -c "$d/hotlined.conf"
	check "hotlined starts ($6 fault armed)" wait_log "$T_DIR/$3.out" "hotlined started" 15
	fault_wait_cases "$db" "$1" 10 || bail "no cases stored"
	: >"$5"
}

# --- the filesystem turns read-only under load ----------------------------
armed ROFS sim2 hl4 HOTLINED_TEST_EROFS "$T_DIR/readonly" read-only
check "read-only: the daemon says so" \
    wait_log "$log" "store .* failed: .*Read-only file system" 10
check "read-only: the batch is answered as temporary errors" \
    wait_log "$log" "commit +failing at=" 10
rm -f "$T_DIR/readonly"
check "writable again: smscsim saw every MO acknowledged (bounded)" wait_gone "$PID_sim2" 60
check "hotlined stops cleanly" stop "$PID_hl4"
fault_count ROFS "$N" "$db"
check "read-only: no acknowledged MO lost" test "$lost" -eq 0
check "read-only: no MO became two cases" test "$doubled" -eq 0

# --- the WAL's sync fails (EIO) under load: exit unanswered, recover ------
# (wal-sync thread only: inline, SQLite's commit fails as in read-only)
if [ "${HOTLINED_WAL_SYNC:-thread}" = thread ]; then
	armed WALEIO sim3 hl5 HOTLINED_TEST_EIO_WALSYNC "$T_DIR/walsync-eio" "WAL sync"
	check "WAL sync failed: the daemon says so" \
	    wait_log "$log" "the WAL's sync failed \(Input/output error\): exiting with [0-9]+ batches unanswered" 10
	check "WAL sync failed: the daemon exits" wait_gone "$PID_hl5" 10
	rm -f "$T_DIR/walsync-eio"
	check "hotlined starts again" started hl6
	check "smscsim saw every MO acknowledged (bounded)" wait_gone "$PID_sim3" 60
	check "hotlined stops cleanly" stop "$PID_hl6"
	fault_count WALEIO "$N" "$db"
	check "WAL sync failed: no acknowledged MO lost" test "$lost" -eq 0
	check "WAL sync failed: no MO became two cases" test "$doubled" -eq 0
else
	skip_n 8 "wal-sync inline: no sync thread to fail"
fi

# --- the key file: missing, wrong, unreadable ------------------------------
cp "$key" "$T_DIR/key.bak"
cp "$key.database" "$T_DIR/record.bak"
sum=$(cksum <"$db")
rm -f "$key"
"$HOTLINED" -t -c "$d/hotlined.conf" >"$T_DIR/t_nokey.out" 2>&1
rc=$?
check "key missing: hotlined -t says so" sh -c \
    "test $rc -eq 1 && grep -q 'key-file .* is missing' '$T_DIR/t_nokey.out'"
check "key missing: refused, told to restore it" refused nokey \
    "key-file .* is missing, and database .* was written with a key .*restore that key file"
check "key missing: no new key was made" test ! -e "$key"
head -c 64 /dev/urandom >"$key"
chmod 600 "$key"
check "wrong key: refused by its record" refused wrongkey \
    "key-file .* is not the key its record .* names"
rm -f "$key.database"
check "wrong key, record gone too: refused by the database" refused wrongkey2 \
    "database .* was written with another key \(key check value [0-9a-f]{8}, the key file gives [0-9a-f]{8}\)"
cp "$T_DIR/record.bak" "$key.database"
rm -f "$key"
mkdir "$key"
check "key file a directory: refused" refused keydir "key-file .*: not a regular file"
rmdir "$key"
head -c 10 /dev/urandom >"$key"
chmod 600 "$key"
check "key file truncated: refused" refused keyshort "key-file .*: 10 bytes, want 64"
cp "$T_DIR/key.bak" "$key"
chmod 644 "$key"
check "key file readable by others: refused" refused keymode \
    "key-file .* is accessible by group or others"
chmod 600 "$key"
check "no refusal wrote to the database" test "$(cksum <"$db")" = "$sum"

# --- the database missing (a typo, a restore without it) --------------------
mv "$db" "$T_DIR/moved.db"
rm -f "$db-wal" "$db-shm"
check "database missing: refused, told to restore it" refused nodb \
    "database .* is empty or missing, but key-file .* was in use with database [0-9a-f]{8}"
check "database missing: no new database was made" test ! -e "$db"
: >"$db"
check "database empty: refused" refused emptydb "database .* is empty or missing"
mv "$T_DIR/moved.db" "$db"
check "key and database restored: hotlined starts" started hl5
ctl audit verify >"$T_DIR/audit.out" 2>&1
check "restored: audit trail intact" grep -qx 'audit trail intact' "$T_DIR/audit.out"
n=$(sql "$db" "SELECT number FROM cases WHERE text LIKE '%ROFS%' LIMIT 1")
ctl case citizen "$n" "storage test: the key decrypts" >"$T_DIR/citizen.out" 2>&1
check "restored: a citizen's number decrypts" grep -q '1380013' "$T_DIR/citizen.out"
stop "$PID_hl5"

# --- a broken tokens file: every error, before anything is touched ---------
d2="$T_DIR/t"
hotlined_conf "$d2" "$port" "admin {
	port $aport
	tokens-file $d2/tokens
}"
printf 'ops\toffice\tshort\nbad line\nhb\tunit\t%s\n' "$OFFICE" >"$d2/tokens"
chmod 600 "$d2/tokens"
timeout 10 "$HOTLINED" -f -c "$d2/hotlined.conf" >"$T_DIR/tokens.out" 2>&1
rc=$?
show "$T_DIR/tokens.out" 5
check "broken tokens file: refused with every error" sh -c \
    "test $rc -eq 1 && test \$(grep -c 'refusing to start: .*tokens' '$T_DIR/tokens.out') -ge 3"
check "broken tokens file: no key, no database made, no SMSC dialled" sh -c \
    "test ! -e '$d2/hotlined.key' && test ! -e '$d2/hotlined.db' && ! grep -q 'smsc' '$T_DIR/tokens.out'"
t_done
