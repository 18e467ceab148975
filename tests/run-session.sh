#!/bin/sh
# smpp_session (through tests/smpp_client) against smscsim: bind, a Chinese
# MO in two UCS-2 parts reassembled, a Chinese MT split with udh_split and
# recorded by smscsim as one message, receipts parsed and matched, SAR and
# 16-bit references, enquire_link both ways, throttling, a wrong password,
# and reconnection after smscsim drops the link.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
CLIENT="$top_builddir/tests/smpp_client"
[ -x "$SMSCSIM" ] || skip_all "smscsim not built"
[ -x "$CLIENT" ] || skip_all "smpp_client not built"
plan 24

SCN="$top_srcdir/tests/data/scenarios"
LONG=$(sed -n 's/.*text=//p' "$SCN/long.scn")
MT='市民您好，您反映的小区噪音问题已转交住建部门处理，工单号HY2611260001，处理结果将在五个工作日内短信告知，感谢您对12345热线的支持！'

# sim NAME ARGS...: start smscsim on a free port; its port in $PORT_NAME.
sim() {
	_n=$1; shift
	_p=$(free_port)
	start_bg "sim$_n" "$SMSCSIM" -p "$_p" "$@"
	eval "PORT_$_n=$_p"
	wait_log "$T_DIR/sim$_n.out" 'smscsim listening' 5 ||
	    bail "smscsim $_n did not start"
}
# client NAME SIM ARGS...: run smpp_client against instance SIM (bounded).
client() {
	_c=$1; _n=$2; shift 2
	eval "_p=\$PORT_$_n"
	timeout 30 "$CLIENT" -p "$_p" "$@" >"$T_DIR/$_c.out" 2>&1
	_rc=$?
	[ "$_rc" -eq 0 ] || { show "$T_DIR/$_c.out" 20; show "$T_DIR/sim$_n.out" 10; }
	return $_rc
}
has() { grep -Fq -- "$2" "$T_DIR/$1.out"; }
count() { grep -Fc -- "$2" "$T_DIR/$1.out"; }

# 1. MO and MT, Chinese, two parts each, with receipts
sim a -s "$SCN/long.scn" -o "$T_DIR/a.jsonl" -d 200 -e 1
check "bind, MO reassembled, MT sent, two receipts" \
    client c1 a -T 15 -e 300 -x mo=1 -x receipts=2 -x ms=1500 "$MT"
check "bound once" has c1 'bound n=1'
check "MO parts: UCS-2 with a UDH, part 1/2 and 2/2, one reference" sh -c \
    "[ \$(grep -Ec 'deliver seq=[0-9]+ from=138\\*\\*\\*\\*8000 to=12345 dcs=8 esm=0x40 ref=[0-9]+ part=[12]/2' '$T_DIR/c1.out') -eq 2 ] &&
    [ \$(grep -Eo 'ref=[0-9]+' '$T_DIR/c1.out' | sort -u | wc -l) -eq 1 ]"
check "MO text reassembled, surrogate pair intact" \
    has c1 "mo from=138****8000 to=12345 parts=2 text=$LONG"
check "MT: two UCS-2 parts with UDH" sh -c \
    "grep -q 'submit msg=1 part=1/2 to=138\\*\\*\\*\\*8000 dcs=8 esm=0x40' '$T_DIR/c1.out' &&
    grep -q 'submit msg=1 part=2/2 to=138\\*\\*\\*\\*8000 dcs=8 esm=0x40' '$T_DIR/c1.out'"
check "both parts accepted with a message_id" \
    test "$(grep -c 'submit_done msg=1 part=./2 status=0x00000000 message_id=' "$T_DIR/c1.out")" -eq 2
check "smscsim recorded one message of 2 parts with the MT text" sh -c \
    "[ \$(wc -l <'$T_DIR/a.jsonl') -eq 1 ] &&
    grep -q '\"parts\":2' '$T_DIR/a.jsonl' &&
    grep -Fq '\"text\":\"$MT\"' '$T_DIR/a.jsonl'"
check "receipts parsed (dlr_parse): DELIVRD, final, matched to a message_id" \
    test "$(count c1 'stat=DELIVRD state=DELIVERED final=1 err=0 matched=1')" -eq 2
check "enquire_link both ways, answered" sh -c \
    "kill -USR1 $PID_sima; sleep 0.3; grep -Eq 'enquire_rx=[1-9].*enquire_tx=[1-9]' '$T_DIR/sima.out'"
check "unbind before closing" has c1 'down n=1 reason=unbound'
check "no full number in the client's output" sh -c \
    "! grep -q 13800138000 '$T_DIR/c1.out'"

# 2. SAR TLVs one way, 16-bit references the other
sim sar -c sar -s "$SCN/long.scn" -o "$T_DIR/sar.jsonl"
check "SAR MO reassembled; MT with a 16-bit reference" \
    client c2 sar -T 15 -c udh16 -R 0 -x mo=1 -x done=2 "$MT"
check "SAR MO text" has c2 "parts=2 text=$LONG"
check "udh16 MT recorded as one message" sh -c \
    "grep -Fq '\"text\":\"$MT\"' '$T_DIR/sar.jsonl'"

# 3. a message_payload MT
sim pl -o "$T_DIR/pl.jsonl"
check "MT in one message_payload" client c3 pl -T 10 -c payload -R 0 "$MT"
check "payload MT recorded as one part" sh -c \
    "grep -q '\"parts\":1' '$T_DIR/pl.jsonl' && grep -Fq '\"text\":\"$MT\"' '$T_DIR/pl.jsonl'"

# 4. throttling: every 2nd submit_sm refused with 0x58, sent again later
sim th -F throttle-every=2 -o "$T_DIR/th.jsonl"
check "throttled parts retried after the pause; all accepted" \
    client c4 th -T 20 -R 0 -w 1 -x done=4 "$MT" "$MT"
check "ESME_RTHROTTLED seen and the session paused" sh -c \
    "grep -q 'status=0x00000058' '$T_DIR/c4.out' &&
    grep -q 'smpp throttled smsc=client status=ESME_RTHROTTLED pause=1000ms' '$T_DIR/c4.out'"
check "both MTs complete at smscsim" test \
    "$(grep -F "\"text\":\"$MT\"" "$T_DIR/th.jsonl" | grep -c '"parts":2')" -eq 2

# 5. a wrong password: refused, retried with backoff, never bound
sim pw
timeout 10 "$CLIENT" -p "$PORT_pw" -P wrong -T 2 -m 200 -x binds=1 \
    >"$T_DIR/c5.out" 2>&1
check "wrong password: ESME_RINVPASWD, not bound, exit 1" sh -c \
    "grep -q 'bind refused smsc=client status=ESME_RINVPASWD' '$T_DIR/c5.out' &&
    ! grep -q 'bound n=' '$T_DIR/c5.out' && grep -q '^exit status=1' '$T_DIR/c5.out'"
check "no reconnect storm: at most 2000/100+1 binds in 2 s" test \
    "$(count c5 'bind refused')" -le 21

# 6. smscsim drops the link: the client reconnects and binds again
printf '%s\n' 'fault at=+0.5s close' 'fault after=1s unbind' >"$T_DIR/close.scn"
sim cl -v -v -s "$T_DIR/close.scn"
check "reconnect after a close and after an SMSC unbind" \
    client c6 cl -T 15 -x binds=3
check "dropped by the peer, then unbound by the SMSC" sh -c \
    "grep -q 'down n=1 reason=closed-by-peer' '$T_DIR/c6.out' &&
    grep -q 'down n=2 reason=smsc-unbind' '$T_DIR/c6.out'"
check "smscsim got an unbind_resp for its unbind" sh -c \
    "grep -Eq 'session 2 rx unbind_resp seq=[0-9]+ status=0x00000000' '$T_DIR/simcl.out'"
t_done
