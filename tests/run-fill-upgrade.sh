#!/bin/sh
# Schema v17 in place on a filled v16 database (issue 17): bench/fill
# writes 1,500 cases with their messages, surveys and audit events at
# v16; opening it (hotlinectl audit verify --db) upgrades it: the dedupe
# keys' and SMSC ids' indexes lead with the hour, the old ones are gone,
# no row is lost, the dedupe lookup uses the new index, each number's
# rows are chained through citizens (v23) whose mark covers them all
# (v24), and the audit chain is intact after the upgrade as before it.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
FILL="$top_builddir/bench/fill"
[ -x "$FILL" ] || skip_all "bench/fill not built"
plan 10

d="$T_DIR/f"
FILL_VERSION=16 "$FILL" 1500 "$d" 0.2 >"$T_DIR/fill.out" 2>&1
check "bench/fill writes a v16 database" test "$(sqlite3 "$d/hotlined.db" \
    'PRAGMA user_version')" = 16
before=$(sqlite3 "$d/hotlined.db" "SELECT (SELECT COUNT(*) FROM cases) || ' ' ||
    (SELECT COUNT(*) FROM inbound) || ' ' || (SELECT COUNT(*) FROM outbox) ||
    ' ' || (SELECT COUNT(*) FROM surveys) || ' ' || (SELECT COUNT(*) FROM audit)")
"$HOTLINECTL" audit verify --db "$d/hotlined.db" --key "$d/hotlined.key" \
    >"$T_DIR/verify.out" 2>&1
check "audit verify upgrades it and finds the chain intact" \
    grep -q 'audit trail intact' "$T_DIR/verify.out"
# the upgrades after v17 run too: the current version
want=$(sed -n 's/^#define STORE_SCHEMA_VERSION[[:space:]]*//p' \
    "${top_srcdir:-$(dirname "$0")/..}/src/store.h")
check "it is at v$want, the current version" test "$(sqlite3 \
    "$d/hotlined.db" 'PRAGMA user_version')" = "$want"
check "the hour-led indexes are there, the old ones gone" test \
    "$(sqlite3 "$d/hotlined.db" "SELECT group_concat(name, ' ') FROM
    (SELECT name FROM sqlite_master WHERE name IN ('inbound_dedupe',
    'inbound_msgid', 'inbound_dedupe_hour', 'inbound_msgid_hour')
    ORDER BY name)")" = "inbound_dedupe_hour inbound_msgid_hour"
after=$(sqlite3 "$d/hotlined.db" "SELECT (SELECT COUNT(*) FROM cases) || ' ' ||
    (SELECT COUNT(*) FROM inbound) || ' ' || (SELECT COUNT(*) FROM outbox) ||
    ' ' || (SELECT COUNT(*) FROM surveys) || ' ' || (SELECT COUNT(*) FROM audit)")
check "no row lost ($after)" test "$before" = "$after" -a -n "$after"
check "the dedupe lookup uses the new index" sh -c "sqlite3 '$d/hotlined.db' \
    \"EXPLAIN QUERY PLAN SELECT id FROM inbound WHERE received_at / 3600000
    IN (?2 / 3600000, ?2 / 3600000 + 1) AND dedupe = ?1 AND received_at >= ?2
    LIMIT 1\" | grep -q 'inbound_dedupe_hour'"
# v23: each number once in citizens, its newest case and SMS; every other
# row of a number points at the number's row before it
check "citizens holds each number once, with its newest rows" test "$(sqlite3 \
    "$d/hotlined.db" "SELECT (SELECT COUNT(*) FROM citizens) = (SELECT
    COUNT(DISTINCT h) FROM (SELECT msisdn_hash h FROM cases UNION ALL SELECT
    msisdn_hash FROM outbox)) AND NOT EXISTS (SELECT 1 FROM citizens z WHERE
    last_case IS NOT (SELECT MAX(id) FROM cases WHERE msisdn_hash =
    z.msisdn_hash) OR last_out IS NOT (SELECT MAX(id) FROM outbox WHERE
    msisdn_hash = z.msisdn_hash))")" = 1
check "each row's prev is its number's row before it" test "$(sqlite3 \
    "$d/hotlined.db" "SELECT COUNT(*) FROM cases c WHERE prev_case IS NOT
    (SELECT MAX(id) FROM cases p WHERE p.msisdn_hash = c.msisdn_hash AND
    p.id < c.id)")" = 0
# v24: citizens may lag behind the rows; the upgrade finds it whole, so
# its mark is the highest case and SMS there are
check "citizens' mark covers every row" test "$(sqlite3 "$d/hotlined.db" \
    "SELECT last_case = (SELECT max(id) FROM cases) AND last_out = (SELECT
    max(id) FROM outbox) FROM citizens_mark")" = 1
"$HOTLINECTL" audit verify --db "$d/hotlined.db" --key "$d/hotlined.key" \
    >"$T_DIR/verify2.out" 2>&1
check "and again once upgraded" grep -q 'audit trail intact' \
    "$T_DIR/verify2.out"
