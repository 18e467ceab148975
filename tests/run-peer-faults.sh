#!/bin/sh
# Peer faults against smscsim, each a bounded load (count and time) that
# ends with the same accounting: every MO the SMSC offered is a case
# exactly once, every citizen got the acknowledgement, nothing is left
# queued or in flight.  Each prints what it tried and what was lost
# (always 0):
#   drops     the SMSC drops every session every few hundred PDUs, and
#             closes all of them in the middle of the load
#   throttle  a throttling storm: every submit refused for 1.5 s
#   0x45      ESME_RSUBMITFAIL for every 4th submit: temporary by default
#             (retried, counted per code in the status), permanent when
#             temporary-errors says so
#   nack0     generic_nack with status 0 for every 5th submit: never
#             taken as sent
#   malformed bad PDUs of every kind between the MOs
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
plan 24

# start_run NAME "SMSCSIM ARGS" "HOTLINED EXTRA" ["SMSC BLOCK EXTRA"]: a
# fresh daemon and SMSC; the scenario is $T_DIR/NAME.scn, the record
# $T_DIR/NAME.jsonl.
start_run() {
	_n=$1
	d="$T_DIR/$_n"
	db="$d/hotlined.db"
	port=$(free_port)
	aport=$(free_port)
	hotlined_conf "$d" "$port" "max-replies-per-hour 0
max-new-cases-per-hour 0
$(office_survey_conf "$aport" "$d.tokens")
$3"
	[ -z "${4:-}" ] || sed -i "s/^\tthroughput 10000\$/&\n\t$4/" \
	    "$d/hotlined.conf"
	# shellcheck disable=SC2086
	start_bg "sim$_n" "$SMSCSIM" -p "$port" -s "$T_DIR/$_n.scn" \
	    -o "$T_DIR/$_n.jsonl" -d 100 -w 20 -T 3000 $2
	start_bg "hl$_n" "$HOTLINED" -f -c "$d/hotlined.conf"
}
# load NAME N FIRST [CHUNK "STEP"]: N MOs from numbers FIRST.., each its
# own text; after every CHUNK of them the scenario STEP.
load() {
	_i=0
	while [ "$_i" -lt "$2" ]; do
		printf 'from=1380013%04d to=12345 text=投诉：幸福花园%d号楼楼下餐馆油烟扰民，请处理。\n' \
		    $(($3 + _i)) "$_i"
		_i=$((_i + 1))
		[ -n "${4:-}" ] && [ $((_i % $4)) -eq 0 ] && [ "$_i" -lt "$2" ] &&
		    printf '%s\n' "$5"
	done
	return 0
}
# settle NAME N: wait (bounded) until N cases exist and nothing is queued
# or in flight, then stop the SMSC; print the accounting line.
settle() {
	is_eventually "$2" "$db" "SELECT count(DISTINCT text) FROM cases" 1200
	is_eventually 0 "$db" "SELECT count(*) FROM outbox WHERE state IN (0, 1)" 1200
	eval "_sp=\$PID_sim$1"
	kill -TERM "$_sp" 2>/dev/null
	wait_gone "$_sp" 10
	cases=$(sql "$db" "SELECT count(*) FROM cases")
	distinct=$(sql "$db" "SELECT count(DISTINCT text) FROM cases")
	acks=$(acked_citizens "$T_DIR/$1.jsonl")
	echo "# $1: tried=$2 cases=$distinct duplicates=$((cases - distinct)) acknowledged=$acks lost=$(($2 - distinct)) unacknowledged=$(($2 - acks))"
}
# status_key KEY: one counter of hotlinectl --json status, flattened
status_key() { status_counter "$aport" "$1"; }
stop_hl() {
	eval "_hp=\$PID_hl$1"
	kill -TERM "$_hp"
	wait_gone "$_hp" 15
}

# --- drops: every session dropped after 300 PDUs, and all of them
# closed three times in the middle of the load
N=900
{
	echo "at=+0.3s"
	load drops $N 0 150 "fault close"
	echo "wait-for=ack"
} >"$T_DIR/drops.scn"
start_run drops "-F close-after=300" ""
settle drops $N
check "drops: every MO is a case, none twice" test "$cases" -eq $N
check "drops: every citizen is acknowledged" test "$acks" -eq $N
binds=$(grep -Ec 'smpp +bound' "$T_DIR/hldrops.out")
echo "# drops: binds=$binds"
check "drops: the link was dropped and bound again several times" \
    test "$binds" -ge 4
stop_hl drops
check "drops: hotlined stops cleanly" test "$?" -eq 0

# --- throttle: a storm
N=300
{
	echo "at=+0.3s"
	echo "fault throttle-for=1500ms"
	load throttle $N 1000
	echo "wait-for=ack"
} >"$T_DIR/throttle.scn"
start_run throttle "" ""
settle throttle $N
check "throttle: every MO is a case, none twice" test "$cases" -eq $N
check "throttle: every citizen is acknowledged" test "$acks" -eq $N
thr=$(grep -c '"status":88' "$T_DIR/throttle.jsonl")
paused=$(grep -Ec 'smpp +throttled' "$T_DIR/hlthrottle.out")
echo "# throttle: submits refused with 0x58=$thr session pauses=$paused"
check "throttle: the SMSC refused many, the session paused" \
    test "$thr" -ge 20 -a "$paused" -ge 1
check "throttle: each refused submit was retried, none failed" \
    test "$(sql "$db" "SELECT count(*) FROM outbox WHERE state = 4")" -eq 0
stop_hl throttle

# --- 0x45: temporary by default, counted per code (the fault ends once
# the first round is through: the retries come 5 s later)
N=100
{
	echo "at=+0.3s"
	echo "fault nack-every=4 nack-status=0x45"
	load s45 $N 2000
	echo "wait-for=submit:$((N * 3 / 4))"
	echo "fault clear"
	echo "wait-for=ack"
} >"$T_DIR/s45.scn"
start_run s45 "" ""
settle s45 $N
check "0x45: every MO is a case, none twice" test "$cases" -eq $N
check "0x45: every citizen is acknowledged (0x45 retried)" \
    test "$acks" -eq $N
n45=$(status_key submit_status.sim_0x45)
nperm=$(status_key submit_status.sim_permanent)
ntemp=$(status_key submit_status.sim_temporary)
echo "# 0x45: answered 0x45=$n45 temporary=$ntemp permanent=$nperm"
check "0x45: the status counts the code and how it was taken" \
    test "$n45" -ge 25 -a "$ntemp" -eq "$n45" -a "$nperm" -eq 0
check "0x45: and counts the accepted ones" \
    test "$(status_key submit_status.sim_0x00)" -ge $N
stop_hl s45

# --- 0x45 made permanent by temporary-errors
N=20
{
	echo "at=+0.3s"
	echo "fault nack-every=4 nack-status=0x45"
	load p45 $N 3000
	echo "wait-for=ack"
} >"$T_DIR/p45.scn"
start_run p45 "" "" "temporary-errors 0x58,0x14"
check "0x45 permanent: 5 of 20 acknowledgements fail for good" \
    is_eventually 5 "$db" "SELECT count(*) FROM outbox WHERE state = 4 AND last_error LIKE '%SUBMITFAIL%'" 400
check "0x45 permanent: no retry" test "$(grep -Ec 'outbox +retry' "$T_DIR/hlp45.out")" -eq 0
check "0x45 permanent: counted as permanent" \
    test "$(status_key submit_status.sim_permanent)" -eq 5
stop_hl p45

# --- nack0: generic_nack with status 0 is no acceptance
N=100
{
	echo "at=+0.3s"
	echo "fault nack-every=5 nack-status=generic0"
	load nack0 $N 4000
	echo "wait-for=submit:$((N * 4 / 5))"
	echo "fault clear"
	echo "wait-for=ack"
} >"$T_DIR/nack0.scn"
start_run nack0 "" ""
settle nack0 $N
check "nack0: every MO is a case, none twice" test "$cases" -eq $N
check "nack0: every citizen is acknowledged (the nacked retried)" \
    test "$acks" -eq $N
nn=$(grep -c '"status":4294967295' "$T_DIR/nack0.jsonl")
echo "# nack0: generic_nack status 0 answers=$nn"
check "nack0: the SMSC sent them and hotlined counted them" \
    test "$nn" -ge 20 -a "$(status_key submit_status.sim_nack0)" -eq "$nn"
check "nack0: no outbox row is sent without a message id" \
    test "$(sql "$db" "SELECT count(*) FROM outbox WHERE state IN (2, 3) AND coalesce(smsc_msgid, '') = ''")" -eq 0
stop_hl nack0

# --- malformed: bad PDUs of every kind between the MOs
N=300
{
	echo "at=+0.3s"
	load bad $N 5000 50 "fault malformed=badcmd"
	echo "fault malformed=badtlv"
	echo "fault malformed=badsm"
	echo "wait-for=ack"
	echo "fault malformed=badlen"
	echo "after=500ms wait-for=bind"
	echo "fault malformed=huge"
	echo "after=500ms wait-for=bind"
	echo "after=200ms from=13800136000 to=12345 text=投诉：最后一条，格式错误之后。"
	echo "wait-for=ack"
} >"$T_DIR/bad.scn"
start_run bad "" ""
settle bad $((N + 1))
check "malformed: every MO is a case, none twice" test "$cases" -eq $((N + 1))
check "malformed: every citizen is acknowledged" test "$acks" -eq $((N + 1))
nbad=$(grep -Ec 'smpp +bad pdu|reason=bad-length' "$T_DIR/hlbad.out")
echo "# malformed: bad PDUs seen=$nbad"
check "malformed: each bad PDU was refused or dropped the link" \
    test "$nbad" -ge 6
check "malformed: framing loss dropped the link twice" \
    test "$(grep -c 'reason=bad-length' "$T_DIR/hlbad.out")" -eq 2
check "malformed: hotlined survived every bad PDU" kill -0 "$PID_hlbad"
stop_hl bad
t_done
