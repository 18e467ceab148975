#!/bin/sh
# The triage data (data/triage/*.jsonl): every line a JSON object with a
# text and an allowed label (see hotlined.triage(7)), an optional
# "screen": "possible" and "note"; no text twice; no 11-digit number (a
# phone number has no place in shipped data); the training set holds at
# least its minimum per label; train and eval share no text (eval.jsonl is
# checked only when it is there).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
DATA="$top_srcdir/data/triage"
[ -f "$DATA/train.jsonl" ] || bail "no $DATA/train.jsonl"
# A copy to check instead (for the checker's own test): TRIAGE_DATA=DIR.
DATA=${TRIAGE_DATA:-$DATA}

# The checker: TRAIN EVAL [FIRST]; prints TAP lines numbered from FIRST+1 and
# exits 1 when any check failed.
cat >"$T_DIR/check.py" <<'PY'
import json, os, re, sys, unicodedata
from collections import Counter

train, evalf = sys.argv[1:3]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 0
failed = 0
LABELS = ("consultation help complaint suggestion efficiency other "
          "emergency-110 emergency-119 emergency-120 emergency-122 "
          "emergency-selfharm military litigation unlawful").split()
# The training set's floor per label: enough of each for a model to learn
# it; self-harm has the most ways of being said.
MIN_TRAIN = dict.fromkeys(LABELS, 10)
MIN_TRAIN.update({"consultation": 150, "help": 100, "complaint": 200,
                  "suggestion": 60, "efficiency": 50, "other": 30,
                  "emergency-selfharm": 30})
MIN_TRAIN_TOTAL = 1200
KEYS = {"text", "label", "screen", "note"}
# Eleven digits in a row, after NFKC folds full-width digits and drops
# the spaces and hyphens people put in numbers.
PHONE = re.compile(r"\d{11}")

def result(ok, name, why=()):
    global n, failed
    n += 1
    print(("ok" if ok else "not ok"), n, "-", name)
    if not ok:
        failed += 1
        for w in list(why)[:10]:
            print("#", w)

def norm(t):
    return " ".join(unicodedata.normalize("NFKC", t).split())

def load(path):
    rows, errs = [], []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            where = "%s:%d" % (os.path.basename(path), i)
            try:
                o = json.loads(line)
            except ValueError as e:
                errs.append("%s: not JSON (%s)" % (where, e)); continue
            if not isinstance(o, dict):
                errs.append("%s: not an object" % where); continue
            bad = set(o) - KEYS
            t, lab = o.get("text"), o.get("label")
            if bad:
                errs.append("%s: unknown keys %s" % (where, sorted(bad)))
            if not isinstance(t, str) or not t.strip():
                errs.append("%s: no text" % where); continue
            if len(t) > 1000:
                errs.append("%s: text of %d characters" % (where, len(t)))
            if lab not in LABELS:
                errs.append("%s: label %r" % (where, lab))
            if o.get("screen", "possible") != "possible":
                errs.append("%s: screen %r" % (where, o["screen"]))
            if not isinstance(o.get("note", ""), str):
                errs.append("%s: note not a string" % where)
            rows.append((where, t, lab))
    return rows, errs

def checks(path, name, minimum):
    rows, errs = load(path)
    result(not errs and rows, name + ": every line an object with a text "
           "and an allowed label", errs or ["no lines"])
    seen, dup = {}, []
    for where, t, _ in rows:
        k = norm(t)
        if k in seen:
            dup.append("%s repeats %s" % (where, seen[k]))
        seen.setdefault(k, where)
    result(not dup, name + ": no text twice", dup)
    ph = ["%s: %s" % (w, PHONE.search(re.sub(r"[\s-]", "", norm(t))).group())
          for w, t, _ in rows if PHONE.search(re.sub(r"[\s-]", "", norm(t)))]
    result(not ph, name + ": no 11-digit number", ph)
    if minimum:
        c = Counter(lab for _, _, lab in rows)
        short = ["%s: %d < %d" % (l, c[l], m) for l, m in minimum.items()
                 if c[l] < m]
        if len(rows) < MIN_TRAIN_TOTAL:
            short.append("total: %d < %d" % (len(rows), MIN_TRAIN_TOTAL))
        result(not short, name + ": the minimum count of every label", short)
    return set(seen)

tr = checks(train, "train", MIN_TRAIN)
if os.path.exists(evalf):
    ev = checks(evalf, "eval", None)
    both = sorted(tr & ev)
    result(not both, "train and eval share no text", both)
else:
    n += 1
    print("ok", n, "- train and eval share no text # SKIP no eval.jsonl")
sys.exit(1 if failed else 0)
PY

# The checker itself must fail on bad data: a training set too small, with a
# line that is not JSON, an unknown label, a bad screen value, a repeated
# text (full-width and spaces folded), a phone number, shared with eval.
B="$T_DIR/bad"
mkdir -p "$B"
cat >"$B/train.jsonl" <<'JSON'
{"text": "请问社保怎么交", "label": "consultation"}
{"text": "not json
{"text": "楼下好吵", "label": "noise"}
{"text": "路灯坏了", "label": "help", "screen": "yes"}
{"text": "请问社保怎么交 ", "label": "consultation"}
{"text": "请回电１３８００１３８０００", "label": "help"}
{"text": "谢谢你们", "label": "other"}
JSON
printf '{"text": "谢谢你们", "label": "other"}\n' >"$B/eval.jsonl"
python3 "$T_DIR/check.py" "$B/train.jsonl" "$B/eval.jsonl" >"$B/out" 2>&1
rc=$?
nbad=$(grep -c '^not ok' "$B/out")
if [ "$rc" -eq 1 ] && [ "$nbad" -eq 5 ]; then
	ok "the checker fails all five checks on a bad set"
else
	fail "the checker fails all five checks on a bad set (rc=$rc, $nbad)"
	show "$B/out"
fi
python3 "$T_DIR/check.py" "$DATA/train.jsonl" "$DATA/eval.jsonl" 1
rc=$?
if [ -f "$DATA/eval.jsonl" ]; then plan 9; else plan 6; fi
exit $rc
