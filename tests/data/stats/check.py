#!/usr/bin/env python3
# For run-stats.sh: the figures hotlinectl --json printed against the
# database, counted here with sqlite3 independently of the daemon's SQL.
# usage: check.py DB STATS.json  -> prints mismatches, exits 1 on any
import json
import sqlite3
import sys

db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
got = json.load(open(sys.argv[2]))
q = lambda s: db.execute(s).fetchone()[0] or 0
want = {
    "registered": q("SELECT COUNT(*) FROM cases"),
    "refused": q("SELECT COUNT(*) FROM refusals"),
    "answered": q("SELECT COUNT(*) FROM cases WHERE state = 'answered'"),
    "dispatched": q("SELECT COUNT(*) FROM cases WHERE dispatched_at IS NOT NULL"),
    "returned": q("SELECT COUNT(DISTINCT case_id) FROM audit WHERE action = 'case.return'"),
    "extended": q("SELECT COUNT(*) FROM cases WHERE extensions > 0"),
    "closed": q("SELECT COUNT(*) FROM cases WHERE closed_at IS NOT NULL"),
    "supervised": q("SELECT COUNT(DISTINCT case_id) FROM audit WHERE action = 'case.supervise'"),
    "rehandled": q("SELECT COUNT(*) FROM cases WHERE rehandled != 0"),
    "surveyed": q("SELECT COUNT(DISTINCT case_id) FROM surveys"),
    "responded": q("SELECT COUNT(*) FROM cases WHERE survey_score BETWEEN 1 AND 3"),
    "satisfied": q("SELECT COUNT(*) FROM cases WHERE survey_score = 1"),
    "basic": q("SELECT COUNT(*) FROM cases WHERE survey_score = 2"),
    "dissatisfied": q("SELECT COUNT(*) FROM cases WHERE survey_score = 3"),
}
want["received"] = want["registered"] + want["refused"]
bad = 0
t = got["total"]
for k, v in want.items():
    if t.get(k) != v:
        print("# %s: hotlinectl %s, database %s" % (k, t.get(k), v))
        bad += 1
if got.get("groups"):
    for k in ("registered", "closed", "supervised"):
        s = sum(g[k] for g in got["groups"])
        if s != t[k]:
            print("# groups' %s add up to %s, total %s" % (k, s, t[k]))
            bad += 1
    if got["by"] == "category":
        for cat, n in db.execute("SELECT category, COUNT(*) FROM cases GROUP BY 1"):
            g = [x for x in got["groups"] if x["key"] == cat]
            if not g or g[0]["registered"] != n:
                print("# category %s: %s, database %s" % (cat, g, n))
                bad += 1
sys.exit(1 if bad else 0)
