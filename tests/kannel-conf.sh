#!/bin/sh
# kannel-conf.sh DIR SMSC_PORT HOTLINED_PORT ADMIN_PORT BOX_PORT SENDSMS_PORT
#
# Write DIR/kannel.conf from the shipped etc/kannel/kannel.conf, with
# loopback ports and paths under DIR, so the tests and bench/ingest run the
# very sample we tell operators to start from.  Also writes DIR/kannel.secret
# and DIR/kannel.pass (mode 0600) and DIR/hotlined-kannel.conf, the
# matching "kannel { }" block for hotlined.conf.  Retries are fast (1 s)
# so that a test waits seconds, not the sample's 10 s.
set -eu
dir=$1 smsc=$2 hl=$3 admin=$4 box=$5 sendsms=$6
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
mkdir -p "$dir/store"
secret=test-secret-$$ pass=test-pass-$$
sed -e "s|^admin-port = 13000|admin-port = $admin|" \
    -e "s|^smsbox-port = 13001|smsbox-port = $box|" \
    -e "s|^bearerbox-port = 13001|bearerbox-port = $box|" \
    -e "s|^sendsms-port = 13013|sendsms-port = $sendsms|" \
    -e "s|^port = 2775|port = $smsc|" \
    -e "s|127.0.0.1:8346/|127.0.0.1:$hl/|" \
    -e "s|CHANGE-ME-SECRET|$secret|" \
    -e "s|CHANGE-ME-PASS|$pass|" \
    -e "s|^smsc-password = CHANGEME|smsc-password = secret|" \
    -e "s|/var/log/kannel|$dir|" \
    -e "s|/var/spool/kannel/store|$dir/store|" \
    -e "s|^http-queue-delay = 10|http-queue-delay = 1|" \
    -e "s|^reconnect-delay = 5|reconnect-delay = 1|" \
    "$top/etc/kannel/kannel.conf" >"$dir/kannel.conf"
grep -q "127.0.0.1:$hl/" "$dir/kannel.conf" ||
    { echo "kannel-conf.sh: the sample's get-url moved" >&2; exit 1; }
printf '%s\n' "$secret" >"$dir/kannel.secret"
printf '%s\n' "$pass" >"$dir/kannel.pass"
chmod 600 "$dir/kannel.conf" "$dir/kannel.secret" "$dir/kannel.pass"
cat >"$dir/hotlined-kannel.conf" <<CONF
kannel {
	enabled yes
	port $hl
	secret-file $dir/kannel.secret
	sendsms-url http://127.0.0.1:$sendsms/cgi-bin/sendsms
	sendsms-user hotlined
	sendsms-password-file $dir/kannel.pass
}
CONF
