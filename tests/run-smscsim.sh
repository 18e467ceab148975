#!/bin/sh
# smscsim against a stdlib-only test ESME (tests/smscsim-peer.py): binds,
# enquire_link, submit records and receipts, MO encoding, faults, resend
# after reconnect or a deliver_sm timeout, malformed PDUs both ways (the
# ESME's get the shared codec's status), unbind, counters at exit.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
[ -x "$SMSCSIM" ] || skip_all "smscsim not built"
plan 27

PEER="python3 $top_srcdir/tests/smscsim-peer.py"
SCN="$top_srcdir/tests/data/scenarios"
LONG=$(sed -n 's/.*text=//p' "$SCN/long.scn")

# sim NAME ARGS...: start smscsim on a free port; its port in $PORT_NAME.
sim() {
	_n=$1; shift
	_p=$(free_port)
	start_bg "$_n" "$SMSCSIM" -p "$_p" "$@"
	eval "PORT_$_n=$_p"
	wait_log "$T_DIR/$_n.out" 'smscsim listening' 5 ||
	    bail "smscsim $_n did not start"
}
# peer CASE NAME ARGS...: run a peer case against instance NAME.
peer() {
	_c=$1; _n=$2; shift 2
	eval "_p=\$PORT_$_n"
	timeout 20 $PEER "$_c" "$_p" "$@" 2>"$T_DIR/peer-$_c.err" ||
	    { show "$T_DIR/peer-$_c.err"; show "$T_DIR/$_n.out" 20; return 1; }
}

sim a -o "$T_DIR/a.jsonl" -d 200 -e 1
check "bind_transceiver with the right password" peer bind a
check "wrong password 0x0E, wrong system_id 0x0F" peer badpass a
check "enquire_link answered" peer enquire a
check "submit_sm recorded with Chinese text, masked number; receipt after 200 ms" \
    peer submit a "$T_DIR/a.jsonl"
check "two UCS-2 parts recorded as one message" peer multi-submit a \
    "$T_DIR/a.jsonl"
check "smscsim sends its own enquire_link" peer server-enquire a
check "unbind answered and the session closed" peer unbind a
check "record never holds the full number" \
    sh -c "! grep -q 13800138000 '$T_DIR/a.jsonl'"
kill -TERM "$PID_a"
wait_gone "$PID_a" 5
check "SIGTERM: exits and prints its counters" \
    grep -Eq 'exit binds=[1-9].* submits=2 ' "$T_DIR/a.out"

sim hd -o "$T_DIR/hd.jsonl" -d 200 -m hexdec
check "hexdec ids: hex in the response, decimal in the receipt" \
    peer submit hd "$T_DIR/hd.jsonl" hexdec

sim long -s "$SCN/long.scn"
check "long Chinese MO: UCS-2, 2 parts, one UDH reference" \
    peer mo-long long "$LONG" 2

sim gsm -s "$SCN/gsmext.scn"
check "GSM extension characters: data_coding 0 with escapes" \
    peer mo-text gsm 'Price 5€ [ok] {x} ^~\|' 0

sim sar -c sar -s "$SCN/long.scn"
check "long MO with SAR TLVs" peer mo-long sar "$LONG" 2

sim th -F throttle-every=2
check "every 2nd submit_sm gets ESME_RTHROTTLED" peer throttle th

sim cl -F close-after=3
check "close-after=3 drops the session at the third PDU" peer close cl

sim rs -v -s "$SCN/resend.scn"
check "unacknowledged MO delivered again after reconnect" peer resend rs
check "resend counted" wait_log "$T_DIR/rs.out" 'unacked=2' 2

sim mf -s "$SCN/malformed.scn"
check "malformed PDUs sent, then a good MO" peer malformed mf
check "the ESME's error answer to the bad deliver_sm is logged" \
    wait_log "$T_DIR/mf.out" 'malformed seq=[0-9]+ status=0x000000c2' 2

check "malformed PDUs from the ESME get the codec's status" peer bad-esme mf

sim to -T 300 -s "$SCN/gsmext.scn"
check "deliver_sm unanswered for -T 300 ms sent again on the session" \
    peer timeout to 300
check "the timeout is logged" wait_log "$T_DIR/to.out" \
    'deliver_sm timeout seq=[0-9]+ n=1 after_ms=300: will resend' 2
kill -TERM "$PID_to"
wait_gone "$PID_to" 5
check "counted: one timeout, one resend, both acknowledged" \
    grep -Eq 'exit .* acked=1 .* resent=1 .* timeouts=1 ' "$T_DIR/to.out"

sim us -s "$SCN/ussd.scn"
check "USSD: service_type, ussd_service_op, its_session_info" peer ussd us

sim dl -F delay=300
check "delay=300 holds the response" peer delay dl

for v in 0 0x10000 -1 abc 0x45x ''; do
	"$SMSCSIM" -p 1 -F "nack-status=$v" 2>"$T_DIR/ns.err" &&
	    { echo "# nack-status=$v taken"; break; }
	grep -q 'want a status 0x1-0xffff or generic0' "$T_DIR/ns.err" || break
	v=ok
done
check "bad nack-status values refused with the reason" test "$v" = ok
check "bad scenario line refused with file:line" sh -c \
    "printf 'from=1 to=2 bogus=3 text=x\n' >'$T_DIR/bad.scn';
    ! '$SMSCSIM' -p 1 -s '$T_DIR/bad.scn' 2>'$T_DIR/bad.err' &&
    grep -q 'bad.scn:1: bogus=3' '$T_DIR/bad.err'"
t_done
