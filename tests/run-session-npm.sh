#!/bin/sh
# smpp_session (through tests/smpp_client) against a peer nobody here wrote:
# the npm `smpp` package 0.5.1 in server mode (tests/peers/smsc.js, pinned
# in tests/package.json, installed by `npm ci`).  Bind with system_id and
# password checked, a Chinese MO in UCS-2 parts with a UDH, a Chinese MT
# decoded by the peer from the raw bytes, receipts, enquire_link both ways,
# unbind from the SMSC, a dropped socket, reconnection, throttling, a
# transmitter + receiver pair, and all of it again over TLS (Node's TLS, a
# certificate made with openssl(1), checked by name).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
CLIENT="$top_builddir/tests/smpp_client"
PEER="$top_srcdir/tests/peers/smsc.js"
command -v node >/dev/null 2>&1 || skip_all "node not found"
[ -d "$top_srcdir/tests/node_modules/smpp" ] ||
    skip_all "tests/node_modules missing (run npm ci in tests/)"
[ -x "$CLIENT" ] || skip_all "smpp_client not built"
plan 30

MO='我要投诉小区噪音扰民，晚上十一点以后还在施工，已经持续一个星期了，严重影响休息，请相关部门尽快处理。地址：河源市源城区某某路十八号幸福花园小区三栋。联系人王先生，谢谢！😀'
MT='市民您好，您反映的小区噪音问题已转交住建部门处理，工单号HY2611260001，处理结果将在五个工作日内短信告知，感谢您对12345热线的支持！'
MT2='您的工单HY2611260002已办结，请对办理结果进行评价：满意请回复1，基本满意请回复2，不满意请回复3。'

# peer NAME MODE: start the npm SMSC on a free port; its port in $PORT_NAME.
peer() {
	_p=$(free_port)
	start_bg "peer$1" node "$PEER" "$_p" "$2" "$MO"
	eval "PORT_$1=$_p"
	wait_log "$T_DIR/peer$1.out" 'listening' 10 ||
	    { show "$T_DIR/peer$1.out"; bail "npm smpp peer $1 did not start"; }
}
# client NAME PEER ARGS...: run smpp_client against a peer (bounded).
client() {
	_c=$1; _n=$2; shift 2
	eval "_p=\$PORT_$_n"
	timeout 40 "$CLIENT" -p "$_p" "$@" >"$T_DIR/$_c.out" 2>&1
	_rc=$?
	[ "$_rc" -eq 0 ] || { show "$T_DIR/$_c.out" 25; show "$T_DIR/peer$_n.out" 25; }
	return $_rc
}
in_peer() { grep -Eq -- "$2" "$T_DIR/peer$1.out"; }
in_client() { grep -Eq -- "$2" "$T_DIR/$1.out"; }

peer m main
check "bind, MO, MT, receipts, SMSC unbind, dropped socket, 3 binds" \
    client c1 m -T 30 -e 200 -x mo=1 -x receipts=2 -x binds=3 "$MT"
check "the peer saw system_id hotline, the right password, version 0x34" \
    in_peer m 'session 1 bind_transceiver system_id=hotline interface_version=0x34 accepted'
check "MO: two deliver_sm parts, UCS-2, UDH" sh -c \
    "[ \$(grep -Ec 'deliver seq=[0-9]+ from=138\\*\\*\\*\\*8000 to=12345 dcs=8 esm=0x40 ref=42 part=[12]/2' '$T_DIR/c1.out') -eq 2 ]"
check "MO reassembled with the surrogate pair intact" \
    grep -Fq "mo from=138****8000 to=12345 parts=2 text=$MO" "$T_DIR/c1.out"
check "MO parts acknowledged with status 0" sh -c \
    "grep -q 'mo part 1 resp status=0' '$T_DIR/peerm.out' &&
    grep -q 'mo part 2 resp status=0' '$T_DIR/peerm.out'"
check "MT: the peer got two UCS-2 parts with a UDH, one reference" sh -c \
    "[ \$(grep -Ec 'submit_sm to=138\\*\\*\\*\\*8000 data_coding=8 esm_class=0x40 ref=[0-9]+ part=[12]/2' '$T_DIR/peerm.out') -eq 2 ] &&
    [ \$(grep -Eo 'esm_class=0x40 ref=[0-9]+' '$T_DIR/peerm.out' | sort -u | wc -l) -eq 1 ]"
check "MT decoded by the peer from the raw bytes: the same text" \
    grep -Fq "session 1 mt parts=2 text=$MT" "$T_DIR/peerm.out"
check "hex message_ids from the peer reach submit_done" \
    test "$(grep -c 'submit_done msg=1 part=./2 status=0x00000000 message_id=A000000' "$T_DIR/c1.out")" -eq 2
check "receipts (esm_class 0x04, receipted_message_id) parsed and matched" \
    test "$(grep -c 'receipt id=A000000[01] stat=DELIVRD state=DELIVERED final=1 err=0 matched=1' "$T_DIR/c1.out")" -eq 2
check "receipts acknowledged" \
    test "$(grep -c 'receipt A000000[01] resp status=0' "$T_DIR/peerm.out")" -eq 2
check "the peer's enquire_link answered" \
    in_peer m 'session 1 enquire_link_resp status=0'
check "the client's enquire_link answered by the peer" \
    in_peer m 'enquire_link from the ESME'
check "SMSC unbind answered with unbind_resp, then a new bind" sh -c \
    "grep -q 'session 1 unbind_resp status=0' '$T_DIR/peerm.out' &&
    grep -q 'down n=1 reason=smsc-unbind' '$T_DIR/c1.out' &&
    grep -q 'session 2 bind_transceiver system_id=hotline' '$T_DIR/peerm.out'"
check "dropped socket: reconnected and bound a third time" sh -c \
    "grep -q 'down n=2 reason=closed-by-peer' '$T_DIR/c1.out' &&
    grep -q 'bound n=3' '$T_DIR/c1.out'"
check "the client unbinds before closing" \
    in_peer m 'session 3 unbind from the ESME'
check "no full number in either output" sh -c \
    "! grep -q 13800138000 '$T_DIR/c1.out' '$T_DIR/peerm.out'"

peer w main
timeout 10 "$CLIENT" -p "$PORT_w" -P wrong -T 2 -m 200 -x binds=1 \
    >"$T_DIR/c2.out" 2>&1
check "wrong password: refused by the peer, ESME_RINVPASWD, never bound" sh -c \
    "grep -q 'refused' '$T_DIR/peerw.out' &&
    grep -q 'status=ESME_RINVPASWD' '$T_DIR/c2.out' &&
    ! grep -q 'bound n=' '$T_DIR/c2.out'"

peer t throttle
check "throttled for 1.5 s: parts sent again after the pause, all accepted" \
    client c3 t -T 30 -R 0 -w 1 -x done=3 "$MT" "$MT2"
check "ESME_RTHROTTLED answered and the session paused" sh -c \
    "grep -q 'throttled n=1' '$T_DIR/peert.out' &&
    grep -q 'status=0x00000058' '$T_DIR/c3.out' &&
    grep -q 'smpp throttled smsc=client status=ESME_RTHROTTLED' '$T_DIR/c3.out'"
check "both MTs complete at the peer, in order" sh -c \
    "grep -F 'mt parts=' '$T_DIR/peert.out' | sed 's/.*text=//' >'$T_DIR/t.txt' &&
    printf '%s\n%s\n' '$MT' '$MT2' | cmp -s - '$T_DIR/t.txt'"
peer p pair
check "pair: MO on the receiver, MT on the transmitter, receipts on the receiver" \
    client c4 p -b pair -T 30 -x mo=1 -x receipts=2 "$MT"
check "pair: bind_transmitter and bind_receiver, one bound callback" sh -c \
    "grep -Eq 'session [0-9]+ bind_transmitter system_id=hotline .*accepted' '$T_DIR/peerp.out' &&
    grep -Eq 'session [0-9]+ bind_receiver system_id=hotline .*accepted' '$T_DIR/peerp.out' &&
    [ \$(grep -c 'bound n=' '$T_DIR/c4.out') -eq 1 ]"
check "pair: the MO came on the receiver and was reassembled" sh -c \
    "grep -q 'mo parts=2 bind=rx' '$T_DIR/peerp.out' &&
    grep -Fq 'mo from=138****8000 to=12345 parts=2 text=$MO' '$T_DIR/c4.out'"
check "pair: both MT parts on the transmitter, receipts answered on the receiver" sh -c \
    "[ \$(grep -c 'submit_sm .* bind=tx' '$T_DIR/peerp.out') -eq 2 ] &&
    [ \$(grep -c 'receipt A000000[01] resp status=0 bind=rx' '$T_DIR/peerp.out') -eq 2 ]"
check "pair: closing unbinds both links" \
    test "$(grep -c 'unbind from the ESME' "$T_DIR/peerp.out")" -eq 2

if command -v openssl >/dev/null 2>&1 &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -days 1 -subj /CN=smsc.test \
    -addext 'subjectAltName=DNS:smsc.test,IP:127.0.0.1' \
    -keyout "$T_DIR/key.pem" -out "$T_DIR/cert.pem" >/dev/null 2>&1; then
	SMSC_TLS_KEY="$T_DIR/key.pem" SMSC_TLS_CERT="$T_DIR/cert.pem"
	export SMSC_TLS_KEY SMSC_TLS_CERT
	peer s main
	check "TLS: bind, MO, MT, receipts, SMSC unbind, dropped socket, 3 binds" \
	    client c5 s -s "$T_DIR/cert.pem" -N smsc.test -T 30 -e 200 \
	    -x mo=1 -x receipts=2 -x binds=3 "$MT"
	check "TLS: MO reassembled, MT decoded by the peer" sh -c \
	    "grep -Fq 'mo from=138****8000 to=12345 parts=2 text=$MO' '$T_DIR/c5.out' &&
	    grep -Fq 'session 1 mt parts=2 text=$MT' '$T_DIR/peers.out'"
	check "TLS: the SMSC's unbind answered through TLS before the close" \
	    grep -q 'session 1 unbind_resp status=0' "$T_DIR/peers.out"
	check "TLS: the client unbinds before closing" \
	    in_peer s 'session 3 unbind from the ESME'
	peer v main
	timeout 10 "$CLIENT" -p "$PORT_v" -s "$T_DIR/cert.pem" -N other.test \
	    -T 2 -m 200 -x binds=1 >"$T_DIR/c6.out" 2>&1
	check "TLS: a certificate for another name is refused, never bound" sh -c \
	    "grep -q 'reason=tls:' '$T_DIR/c6.out' && ! grep -q 'bound n=' '$T_DIR/c6.out'"
	unset SMSC_TLS_KEY SMSC_TLS_CERT
else
	for _t in 1 2 3 4 5; do
		ok "TLS check $_t # SKIP openssl(1) cannot make a certificate"
	done
fi
t_done
