#!/bin/sh
# The model file in the daemon: hotlined -t checks it; a missing, corrupt
# or wrong-version model refuses the start with file:line and why; a good
# one is loaded and decides (a text no rule knows is filed in the model's
# category); on SIGHUP a bad model leaves the old rules and model in force
# and says why, a good one replaces them; hotline-train writes a model
# that loads, and only when asked.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
plan 20

d="$T_DIR/h"
hport=$(free_port) dead=$(free_port)
mkdir -p "$d"
printf 's3cret\n' >"$d/secret"
printf 'pw\n' >"$d/pass"
chmod 600 "$d/secret" "$d/pass"
# citizens' texts come in over the Kannel listener: one whenever the test
# says, no timing
hotlined_conf "$d" - "max-new-cases-per-hour 0
kannel {
	enabled yes
	port $hport
	secret-file $d/secret
	sendsms-url http://127.0.0.1:$dead/cgi-bin/sendsms
	sendsms-user hotlined
	sendsms-password-file $d/pass
}"
sed -i "s|^model none\$|model $d/hotlined.model|" "$d/hotlined.conf"
REQ="python3 $top_srcdir/tests/data/admin/req.py"
# mo FROM TEXT: a citizen's text, taken (200) when it is committed
mo() {
	test "$($REQ "$hport" POST "/kannel/mo?secret=s3cret" -b "$2" \
	    -H 'Content-Type:text/plain; charset="UTF-8"' \
	    -H "X-Kannel-From:$1" -H X-Kannel-To:12345 | head -n 1)" = 200
}
db="$d/hotlined.db"
# mo_is FROM TEXT PATTERN CATEGORY: the text is taken and its case (the
# one whose text is like PATTERN) has CATEGORY
mo_is() {
	mo "$1" "$2" &&
	    test "$(sql "$db" "SELECT category FROM cases WHERE text LIKE '$3'")" = "$4"
}
# model MODEL-VERSION FORMAT-VERSION [W]: a small model that knows 熏
# (smoke drifting in: a complaint, or with W "-3 -3 6" other) and 请问 (a
# consultation); no shipped rule knows 熏
model() {
	cat <<MODEL
hotlined-model $2
version $1
date 2026-12-06T00:00:00Z
algorithm logreg
count consultation 10
count complaint 10
count other 10
holdout 0.2 0.8 0.9 0.2 0.03
thresholds 0.6 0.2
temperature 1
norm none
labels consultation complaint other
bias 0 0 0
f 熏 ${3:--3 6 -3}
f 请问 6 -3 -3
end 2
MODEL
}
T="$HOTLINED -t -c $d/hotlined.conf"

# hotlined -t and the start, without a model, with a bad one, a good one
$T >"$T_DIR/t1.out" 2>&1
check "-t: a missing model is an error naming the file" \
    grep -q "model: $d/hotlined.model: No such file" "$T_DIR/t1.out"
"$HOTLINED" -f -c "$d/hotlined.conf" >"$T_DIR/start1.out" 2>&1
check "the start is refused without the model, naming it" \
    grep -q "refusing to start: model: $d/hotlined.model: No such file" "$T_DIR/start1.out"
model v1 2 >"$d/hotlined.model"
$T >"$T_DIR/t2.out" 2>&1
check "-t: a model of another format version is an error" \
    grep -q "hotlined.model:1: model format version '2', this hotlined reads version 1" "$T_DIR/t2.out"
"$HOTLINED" -f -c "$d/hotlined.conf" >"$T_DIR/start2.out" 2>&1
check "the start is refused with the same words" \
    grep -q "refusing to start: model: $d/hotlined.model:1: model format version '2'" "$T_DIR/start2.out"
model v1 1 | sed 's/^f 熏 -3 6 -3$/f 熏 -3 6/' >"$d/hotlined.model"
"$HOTLINED" -f -c "$d/hotlined.conf" >"$T_DIR/start3.out" 2>&1
check "a corrupt model refuses the start: file, line and what" \
    grep -q "refusing to start: model: $d/hotlined.model:14: expected 3 numbers, found 2" "$T_DIR/start3.out"
model v1 1 >"$d/hotlined.model"
check "-t: a good model passes" sh -c "$T | grep -q 'configuration OK'"
cp "$d/hotlined.conf" "$d/bad.conf"
printf 'classify-min-score 101\nclassify-min-margin -2\n' >>"$d/bad.conf"
"$HOTLINED" -t -c "$d/bad.conf" >"$T_DIR/t3.out" 2>&1
check "-t: thresholds out of range are errors" sh -c "
    grep -q 'classify-min-score: 101 is too large (range -1-100)' '$T_DIR/t3.out' &&
    grep -q 'classify-min-margin: -2 is too small (range -1-100)' '$T_DIR/t3.out'"

start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
check "the model is loaded at start, with its version" \
    wait_log "$T_DIR/hl.out" "mo +loaded rules=.* model=$d/hotlined.model version=v1 date=2026-12-06T00:00:00Z features=2" 10
wait_log "$T_DIR/hl.out" 'kannel +listening' 10
check "a text no rule knows is filed in the model's category" \
    mo_is 13800138011 '楼下饭馆的味道天天熏得我家没法开窗' '%熏得我家%' complaint

# SIGHUP: truncated, missing, another version; the old model decides on
head -n 15 "$d/hotlined.model" >"$d/hotlined.model.new"
mv "$d/hotlined.model.new" "$d/hotlined.model"
kill -HUP "$PID_hl"
check "SIGHUP with a truncated model: old kept, and why" \
    wait_log "$T_DIR/hl.out" "mo +reload failed, old rules and model kept: $d/hotlined.model:15: no \"end\" line" 10
rm "$d/hotlined.model"
kill -HUP "$PID_hl"
check "SIGHUP with no model: old kept, and why" \
    wait_log "$T_DIR/hl.out" "mo +reload failed, old rules and model kept: $d/hotlined.model: No such file" 10
model v9 2 >"$d/hotlined.model"
kill -HUP "$PID_hl"
check "SIGHUP with a model of another format: old kept, and why" \
    wait_log "$T_DIR/hl.out" "mo +reload failed, old rules and model kept: $d/hotlined.model:1: model format version '2'" 10
check "the old model still decides" \
    mo_is 13800138012 '对面烧烤摊的烟熏得窗户都黑了' '%熏得窗户%' complaint
model v2 1 "-3 -3 6" >"$d/hotlined.model"
kill -HUP "$PID_hl"
check "SIGHUP with a good model loads it" \
    wait_log "$T_DIR/hl.out" "mo +reloaded rules=.* version=v2" 10
check "and the new model decides" \
    mo_is 13800138013 '楼上的味道熏人' '%味道熏人%' other
check "hotlined is still running" kill -0 "$PID_hl"

# hotline-train: a table always, a file only with -o
TRAIN="$top_builddir/src/hotline-train"
"$TRAIN" -s 0.3 -c 1 -r "$top_srcdir/etc/hotlined.rules" \
    "$top_srcdir/tests/data/triage/dev.jsonl" >"$T_DIR/train.out" 2>&1
check "hotline-train prints the old and new table and the matrix" \
    sh -c "grep -q 'rules alone *new model' '$T_DIR/train.out' &&
    grep -q '^confident and wrong' '$T_DIR/train.out' &&
    grep -q '^unsure (a person decides)' '$T_DIR/train.out' &&
    grep -q '^confusion (new)' '$T_DIR/train.out'"
check "without -o nothing is written" sh -c "! ls '$T_DIR'/*.model 2>/dev/null"
"$TRAIN" -s 0.3 -c 1 -V t3 -m "$d/hotlined.model" -o "$T_DIR/new.model" \
    -l "$top_srcdir/tests/data/triage/operators.jsonl" \
    "$top_srcdir/tests/data/triage/dev.jsonl" >"$T_DIR/train2.out" 2>&1
check "with -o and -m: old model against new, the file written" \
    sh -c "grep -q 'old model *new model' '$T_DIR/train2.out' &&
    grep -q '6 of them the operators' '$T_DIR/train2.out' &&
    grep -q '^version t3' '$T_DIR/new.model'"
sed -i "s|^model .*|model $T_DIR/new.model|" "$d/hotlined.conf"
check "hotlined -t accepts what hotline-train wrote" \
    sh -c "$T | grep -q 'configuration OK'"
t_done
