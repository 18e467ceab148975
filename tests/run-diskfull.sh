#!/bin/sh
# A full disk under load (issue 12): the database lives on a small tmpfs
# that is filled in the middle of a paced stream of MOs and freed again.
# Asserted: nothing acknowledged is lost, no MO becomes two cases, and the
# daemon says the disk is full.  (How the daemon holds back while commits
# fail is not asserted here: only what any correct daemon must do.)
# Needs root to mount the tmpfs (CI runs as root); skipped otherwise.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/faults.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
[ "$(id -u)" -eq 0 ] || skip_all "not root: cannot mount a tmpfs to fill"
N=${DISKFULL_N:-40}

d="$T_DIR/h"
mnt="$T_DIR/mnt"
mkdir -p "$d" "$mnt"
mount -t tmpfs -o size=8m,mode=0700 hotlined-test "$mnt" 2>"$T_DIR/mount.err" ||
    skip_all "mount -t tmpfs failed: $(head -c 200 "$T_DIR/mount.err")"
umount_mnt() { umount "$mnt" 2>/dev/null || umount -l "$mnt"; }
# the tmpfs goes before lib.sh removes $T_DIR (its trap runs t_cleanup)
trap 'umount_mnt; t_cleanup' EXIT
plan 7

port=$(free_port)
hotlined_conf "$d" "$port" "max-replies-per-hour 0
max-new-cases-per-hour 0"
# the database, its WAL and key on the tmpfs; the log stays outside
sed -i -e "s|^database .*|database $mnt/hotlined.db|" \
    -e "s|^key-file .*|key-file $mnt/hotlined.key|" "$d/hotlined.conf"
db="$mnt/hotlined.db"
log="$d/hotlined.log"

fault_scenario "$T_DIR/full.scn" "$N" 100ms FULL
start_bg sim "$SMSCSIM" -p "$port" -s "$T_DIR/full.scn" -o "$T_DIR/sent.jsonl" -d 100 -w 20
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
check "hotlined starts on the tmpfs" wait_log "$T_DIR/hl.out" "hotlined started" 15
fault_wait_cases "$db" FULL 10 || bail "no cases stored"
# fill what is left (dd stops at ENOSPC)
dd if=/dev/zero of="$mnt/fill" bs=64k 2>/dev/null
echo "# filled: $(df -k "$mnt" | awk 'NR == 2 { print $4 }') KiB left"
check "disk full: the daemon says so" \
    wait_log "$log" "store .* failed: .*(full|No space left on device)" 15
check "disk full: the batch is answered as temporary errors" \
    wait_log "$log" "commit +failing at=" 10
rm -f "$mnt/fill"
check "space again: smscsim saw every MO acknowledged (bounded)" wait_gone "$PID_sim" 60
kill -TERM "$PID_hl"
check "hotlined stops cleanly" wait_gone "$PID_hl" 15
fault_count FULL "$N" "$db"
check "disk full: no acknowledged MO lost" test "$lost" -eq 0
check "disk full: no MO became two cases" test "$doubled" -eq 0
t_done
