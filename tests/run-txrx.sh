#!/bin/sh
# bind-mode transmitter-receiver: hotlined binds twice to smscsim, receives
# the citizen's text on the receiver, answers on the transmitter, and the
# receipt comes back on the receiver.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
plan 4
d="$T_DIR/h"
port=$(free_port)
hotlined_conf "$d" "$port"
sed 's/^	window 50$/	window 50\
	bind-mode transmitter-receiver/' "$d/hotlined.conf" >"$d/c" &&
    cat "$d/c" >"$d/hotlined.conf"
printf 'at=+0.5s from=13800138000 to=12345 text=我要投诉小区噪音扰民\nwait-for=submit\n' >"$T_DIR/s.scn"
start_bg sim "$SMSCSIM" -p "$port" -s "$T_DIR/s.scn" -o "$T_DIR/sent.jsonl" -d 100
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
check "binds as transmitter and receiver" sh -c "
    wait_log() { for i in \$(seq 1 100); do grep -Eq \"\$2\" \"\$1\" && return 0; sleep 0.1; done; return 1; }
    wait_log '$T_DIR/hl.out' 'bound smsc=sim mode=tx\\+rx' && wait_log '$T_DIR/hl.out' 'bound smsc=sim/rx mode=rx'"
check "the text received on the receiver becomes a case" \
    wait_log "$T_DIR/hl.out" 'intake +case=HY[0-9]+ msisdn=138\*\*\*\*8000~[a-z]{4} cat=complaint' 10
check "the acknowledgement goes out on the transmitter" \
    wait_log "$T_DIR/sent.jsonl" '"dest_addr":"138\*\*\*\*8000".*已受理' 10
check "its receipt comes back and is recorded" \
    wait_log "$T_DIR/hl.out" 'outbox +receipt id=1 .*stat=DELIVRD' 10
t_done
