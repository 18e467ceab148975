#!/bin/sh
# The citizen's conversations, word for word: every tests/conversations/
# *.txt transcript played through a real SMPP bind against its own daemon,
# once with smscsim and once with the npm `smpp` package as the SMSC
# (tests/peers/phone.js); a transcript that differs fails with a unified
# diff (tests/convo.py; the format is tests/conversations/README.md).
# The last check: every template in templates/ was received in some
# transcript (ussd_* excepted: USSD screens are not SMS; unit_* too: no
# citizen reads them, tests/run-notice.sh compares them whole).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v python3 >/dev/null || skip_all "python3 not installed"
files=$(ls "$top_srcdir"/tests/conversations/*.txt)
n=$(echo "$files" | wc -l)
plan $((2 * n + 1))

# shellcheck disable=SC2086
python3 "$top_srcdir/tests/convo.py" --peer smscsim \
    --coverage "$T_DIR/cov.smscsim" $files || T_FAILED=1
skip_npm() { for f in $files; do echo "ok - npm ${f##*/} # SKIP $1"; done; }
if ! command -v node >/dev/null; then
	skip_npm "node not installed"
elif [ ! -d "$top_srcdir/tests/node_modules/smpp" ]; then
	skip_npm "npm ci not run in tests/"
else
	# shellcheck disable=SC2086
	python3 "$top_srcdir/tests/convo.py" --peer npm \
	    --coverage "$T_DIR/cov.npm" $files || T_FAILED=1
fi
T_N=$((2 * n))
if ! has_test_clock; then
	skip_n 1 "the transcripts that move the clock need --enable-test-clock"
	t_done
fi
missing=$(cd "$top_srcdir/templates" && ls ./*.txt | sed 's|^\./||; s|\.txt$||' |
    grep -v '^ussd_' | grep -v '^unit_' | grep -vxF -f "$T_DIR/cov.smscsim")
if [ -z "$missing" ]; then
	ok "every template is received in some transcript"
else
	fail "every template is received in some transcript"
	echo "$missing" | sed 's/^/# never received: /'
fi
t_done
