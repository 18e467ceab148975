#!/bin/sh
# Run every libFuzzer target that configure --enable-fuzzing built, each for
# a bounded time on a copy of its seed corpus; TAP, one case per target.
# Without fuzz builds: "1..0 # SKIP".
. "${top_srcdir:-.}/tests/lib.sh"

FUZZ_SECONDS=${FUZZ_SECONDS:-20}
targets=""
for f in "$top_builddir"/fuzz/fuzz_*; do
	[ -f "$f" ] && [ -x "$f" ] && targets="$targets $f"
done
[ -n "$targets" ] ||
	skip_all "no fuzz targets (CC=clang configure --enable-fuzzing)"

set -- $targets
plan $#
for f in $targets; do
	what=${f##*/fuzz_}
	mkdir -p "$T_DIR/$what"
	if [ -d "$top_srcdir/fuzz/corpus/$what" ]; then
		cp "$top_srcdir/fuzz/corpus/$what"/* "$T_DIR/$what"/ 2>/dev/null
	fi
	# the corpus copy grows; the source tree stays as it is
	if timeout $((FUZZ_SECONDS + 30)) "$f" -max_total_time="$FUZZ_SECONDS" \
	    -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$T_DIR/" "$T_DIR/$what" >"$T_DIR/$what.log" 2>&1
	then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
		    "$T_DIR/$what.log")
		ok "fuzz_$what ${runs:-?} runs"
	else
		fail "fuzz_$what"
		show "$T_DIR/$what.log" 60
		for a in "$T_DIR"/crash-* "$T_DIR"/leak-* "$T_DIR"/timeout-*; do
			[ -f "$a" ] || continue
			echo "# artifact: $(od -An -tx1 "$a" | tr -d '\n' |
			    head -c 400)"
		done
	fi
done
exit 0
