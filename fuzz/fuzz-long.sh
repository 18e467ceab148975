#!/bin/sh
# make fuzz-long: run every libFuzzer target given for FUZZ_SECONDS each
# (default 300) on a copy of its corpus in fuzz/corpus/<what>/, and say
# per target how many inputs it ran and whether it found anything.
# FUZZ_MERGE=1 merges what the run learnt back into the tree's corpus,
# minimised (libFuzzer -merge=1: only inputs that add coverage), so the
# next run, and CI's short one, start from it.  Crashes, leaks and
# timeouts are kept in fuzz/artifacts/ of the build directory.
#   fuzz/fuzz-long.sh TARGET...        (top_srcdir in the environment)
# Exits 1 when any target failed.
set -u
: "${top_srcdir:?}"
secs=${FUZZ_SECONDS:-300}
work=$(mktemp -d "${TMPDIR:-/tmp}/hotlined-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
arts=$(pwd)/fuzz/artifacts
mkdir -p "$arts"
failed=0
for f in "$@"; do
	what=${f##*/fuzz_}
	seeds="$top_srcdir/fuzz/corpus/$what"
	mkdir -p "$work/$what" "$seeds"
	cp "$seeds"/* "$work/$what"/ 2>/dev/null
	printf 'fuzz_%s: %ss from %s seeds ... ' "$what" "$secs" \
	    "$(ls "$seeds" | wc -l)"
	if timeout $((secs + 60)) "$f" -max_total_time="$secs" -timeout=5 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$arts/$what-" "$work/$what" \
	    >"$work/$what.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
		    "$work/$what.log")
		cov=$(grep -o 'cov: [0-9]*' "$work/$what.log" | tail -n 1)
		echo "ok, ${runs:-?} runs, ${cov:-cov: ?}"
	else
		echo "FAILED (log: fuzz/artifacts/$what.log)"
		cp "$work/$what.log" "$arts/$what.log"
		failed=1
		continue
	fi
	if [ "${FUZZ_MERGE:-0}" = 1 ]; then
		"$f" -merge=1 -timeout=5 -rss_limit_mb=2048 "$seeds" \
		    "$work/$what" >"$work/$what.merge" 2>&1 ||
			{ echo "fuzz_$what: merge failed"; failed=1; }
		echo "fuzz_$what: corpus now $(ls "$seeds" | wc -l) inputs"
	fi
done
exit $failed
