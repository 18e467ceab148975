#!/bin/sh
# bench_smscsim.sh [N] [WINDOW]: how many MOs per second smscsim offers to
# the fastest possible ESME (bench/bench_esme): a 40-character Chinese MO
# (one UCS-2 part) N times, as fast as the window allows.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
n=${1:-500000}
w=${2:-100}
dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-smscsim.XXXXXX")
trap 'kill $sim 2>/dev/null; rm -rf "$dir"' EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$dir/load.scn" <<SCN
from=13800138000 to=12345 count=$n text=市民反映河源市源城区某路段路灯已经损坏一周，夜间出行很不安全，请尽快派人维修，谢谢。
wait-for=ack
exit
SCN
"$top_builddir/sim/smscsim" -p "$port" -w "$w" -s "$dir/load.scn" \
    2>"$dir/sim.err" &
sim=$!
i=0
until grep -q listening "$dir/sim.err" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && { cat "$dir/sim.err"; exit 1; }
	sleep 0.05
done
"$top_builddir/bench/bench_esme" "$port" "$n" || exit 1
wait $sim
sed -n 's/.* mo_per_s=\([0-9]*\).*/smscsim: \1 MO\/s acknowledged (its own count)/p' \
    "$dir/sim.err"
