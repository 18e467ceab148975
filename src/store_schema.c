/*
 * The schema and its upgrades: PRAGMA user_version, one store_upgrade_vN()
 * each, applied in order in one transaction at open.
 */
#include "compat.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crypto.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_vfs.h"
#include "util.h"

static int	 store_upgrade_v1(sqlite3 *);
static int	 store_upgrade_v2(sqlite3 *);
static int	 store_upgrade_v3(sqlite3 *);
static int	 store_upgrade_v4(sqlite3 *);
static int	 store_upgrade_v5(sqlite3 *);
static int	 store_upgrade_v6(sqlite3 *);
static int	 store_upgrade_v10(sqlite3 *);
static int	 store_upgrade_v13(sqlite3 *);
static int	 store_upgrade_v14(sqlite3 *);
static int	 store_upgrade_v16(sqlite3 *);
static int	 store_upgrade_v17(sqlite3 *);
static int	 store_upgrade_v18(sqlite3 *);
static int	 store_upgrade_v19(sqlite3 *);
static int	 store_upgrade_v20(sqlite3 *);
static int	 store_upgrade_v21(sqlite3 *);
static int	 store_upgrade_v22(sqlite3 *);
static int	 store_upgrade_v23(sqlite3 *);
static int	 store_upgrade_v9(sqlite3 *);
static int	 store_upgrade_v7(sqlite3 *);
static int	 store_upgrade_v8(sqlite3 *);

/*
 * v1: messages in, cases, refusals, messages out, opt-outs.  Numbers only
 * as *_enc (crypto blob) and *_hash (HMAC); states are small integers
 * (enum store_in_state, enum store_out_state), case states names (issue 5).
 * An index keyed by a hash is written at a random page for every row, and
 * those pages are what a group commit writes (bench_store): one such index
 * a table besides inbound's dedupe key; per-number queries filter the few
 * rows a number has instead of keeping more indexes.
 */
static int
store_upgrade_v1(sqlite3 *db)
{
	static const char sql[] =
	    "PRAGMA application_id = 1212960324;"	/* STORE_APPLICATION_ID */
	    "CREATE TABLE inbound ("
	    " id INTEGER PRIMARY KEY,"
	    " group_id INTEGER REFERENCES inbound (id)," /* NULL: first part */
	    " smsc TEXT NOT NULL,"
	    " smsc_msgid TEXT,"
	    " source_enc BLOB NOT NULL,"
	    " source_hash BLOB NOT NULL,"
	    " dest TEXT NOT NULL,"
	    " data_coding INTEGER NOT NULL,"
	    " esm_class INTEGER NOT NULL,"
	    " raw BLOB NOT NULL,"
	    " text TEXT NOT NULL,"
	    " concat_ref INTEGER NOT NULL,"
	    " concat_total INTEGER NOT NULL,"
	    " concat_seq INTEGER NOT NULL,"
	    " received_at INTEGER NOT NULL,"
	    " state INTEGER NOT NULL,"
	    " dedupe BLOB,"			/* NULL: retired, see below */
	    " case_id INTEGER REFERENCES cases (id));"
	    "CREATE UNIQUE INDEX inbound_dedupe ON inbound (dedupe)"
	    " WHERE dedupe IS NOT NULL;"
	    "CREATE INDEX inbound_msgid ON inbound (smsc, smsc_msgid)"
	    " WHERE smsc_msgid IS NOT NULL;"
	    "CREATE INDEX inbound_open ON inbound"
	    " (source_hash, dest, concat_ref, concat_total) WHERE state = 0;"
	    "CREATE INDEX inbound_group ON inbound (group_id)"
	    " WHERE group_id IS NOT NULL;"
	    "CREATE INDEX inbound_todo ON inbound (state) WHERE state < 2;"
	    "CREATE TABLE cases ("
	    " id INTEGER PRIMARY KEY,"
	    " number TEXT NOT NULL UNIQUE,"
	    " category TEXT NOT NULL,"
	    " state TEXT NOT NULL DEFAULT 'registered',"
	    " confidential INTEGER NOT NULL DEFAULT 0,"
	    " msisdn_enc BLOB NOT NULL,"
	    " msisdn_hash BLOB NOT NULL,"
	    " text TEXT NOT NULL,"
	    " received_at INTEGER NOT NULL,"
	    " due TEXT,"
	    " rule TEXT,"
	    " flags INTEGER NOT NULL DEFAULT 0,"
	    " result TEXT,"
	    " closed_at INTEGER,"
	    " inbound_id INTEGER REFERENCES inbound (id),"
	    " updated_at INTEGER NOT NULL);"
	    "CREATE INDEX cases_msisdn ON cases (msisdn_hash, received_at);"
	    "CREATE TABLE case_seq ("
	    " day INTEGER PRIMARY KEY,"		/* YYMMDD, local time */
	    " last INTEGER NOT NULL);"
	    "CREATE TABLE supplements ("
	    " id INTEGER PRIMARY KEY,"
	    " case_id INTEGER NOT NULL REFERENCES cases (id),"
	    " inbound_id INTEGER REFERENCES inbound (id),"
	    " text TEXT NOT NULL,"
	    " received_at INTEGER NOT NULL);"
	    "CREATE INDEX supplements_case ON supplements (case_id);"
	    "CREATE TABLE refusals ("
	    " id INTEGER PRIMARY KEY,"
	    " msisdn_enc BLOB NOT NULL,"
	    " msisdn_hash BLOB NOT NULL,"
	    " inbound_id INTEGER REFERENCES inbound (id),"
	    " reason TEXT NOT NULL,"
	    " rule TEXT,"
	    " channel TEXT,"
	    " text TEXT NOT NULL,"
	    " at INTEGER NOT NULL);"
	    "CREATE INDEX refusals_msisdn ON refusals (msisdn_hash, at);"
	    "CREATE TABLE outbox ("
	    " id INTEGER PRIMARY KEY,"
	    " case_id INTEGER REFERENCES cases (id),"
	    " inbound_id INTEGER REFERENCES inbound (id),"
	    " kind TEXT NOT NULL,"
	    " msisdn_enc BLOB NOT NULL,"
	    " msisdn_hash BLOB NOT NULL,"
	    " source TEXT NOT NULL,"
	    " text TEXT NOT NULL,"
	    " state INTEGER NOT NULL DEFAULT 0,"
	    " priority INTEGER NOT NULL DEFAULT 0,"
	    " attempts INTEGER NOT NULL DEFAULT 0,"
	    " created_at INTEGER NOT NULL,"
	    " next_attempt_at INTEGER NOT NULL,"
	    " expire_at INTEGER,"
	    " submitted_at INTEGER,"
	    " smsc TEXT,"
	    " smsc_msgid TEXT,"			/* first part's, for people */
	    " receipt_stat TEXT,"
	    " receipt_err TEXT,"
	    " receipt_at INTEGER,"
	    " last_error TEXT);"
	    "CREATE INDEX outbox_due ON outbox (next_attempt_at)"
	    " WHERE state = 0;"
	    "CREATE INDEX outbox_msisdn ON outbox (msisdn_hash, created_at);"
	    "CREATE INDEX outbox_inflight ON outbox (id) WHERE state = 1;"
	    "CREATE INDEX outbox_case ON outbox (case_id)"
	    " WHERE case_id IS NOT NULL;"
	    "CREATE TABLE outbox_parts ("	/* one row per submit_sm */
	    " id INTEGER PRIMARY KEY,"
	    " outbox_id INTEGER NOT NULL REFERENCES outbox (id),"
	    " attempt INTEGER NOT NULL,"
	    " part INTEGER NOT NULL,"
	    " nparts INTEGER NOT NULL,"
	    " smsc TEXT NOT NULL,"
	    " msgid TEXT NOT NULL,"		/* normalised by outbox.c */
	    " submitted_at INTEGER NOT NULL,"
	    " receipt INTEGER,"			/* enum store_receipt */
	    " stat TEXT,"
	    " err TEXT,"
	    " receipt_at INTEGER);"
	    "CREATE UNIQUE INDEX outbox_parts_row ON outbox_parts"
	    " (outbox_id, attempt, part);"
	    "CREATE INDEX outbox_parts_msgid ON outbox_parts (msgid, smsc);"
	    "CREATE TABLE optout ("
	    " msisdn_hash BLOB PRIMARY KEY,"
	    " at INTEGER NOT NULL) WITHOUT ROWID;";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v2: room for the lifecycle (issue 5): survey fields on cases and the
 * append-only audit trail, whose triggers refuse UPDATE and DELETE.
 */
static int
store_upgrade_v2(sqlite3 *db)
{
	static const char sql[] =
	    "ALTER TABLE cases ADD COLUMN unit TEXT;"
	    "ALTER TABLE cases ADD COLUMN rehandled INTEGER NOT NULL DEFAULT 0;"
	    "ALTER TABLE cases ADD COLUMN survey_state TEXT;"
	    "ALTER TABLE cases ADD COLUMN survey_ext TEXT;"
	    "ALTER TABLE cases ADD COLUMN survey_sent_at INTEGER;"
	    "ALTER TABLE cases ADD COLUMN survey_reminded_at INTEGER;"
	    "ALTER TABLE cases ADD COLUMN survey_answered_at INTEGER;"
	    "ALTER TABLE cases ADD COLUMN survey_score INTEGER;"
	    "ALTER TABLE cases ADD COLUMN survey_raw TEXT;"
	    "ALTER TABLE cases ADD COLUMN survey_comment TEXT;"
	    "CREATE INDEX cases_survey ON cases (survey_ext)"
	    " WHERE survey_ext IS NOT NULL;"
	    "CREATE TABLE audit ("
	    " id INTEGER PRIMARY KEY,"
	    " at INTEGER NOT NULL,"
	    " case_id INTEGER REFERENCES cases (id),"
	    " actor TEXT NOT NULL,"
	    " action TEXT NOT NULL,"
	    " detail TEXT,"
	    " prev_hmac BLOB,"
	    " hmac BLOB NOT NULL);"
	    "CREATE INDEX audit_case ON audit (case_id)"
	    " WHERE case_id IS NOT NULL;"
	    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	    " BEGIN SELECT RAISE (ABORT, 'audit is append-only'); END;"
	    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	    " BEGIN SELECT RAISE (ABORT, 'audit is append-only'); END;";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v3: the lifecycle and the survey (issue 5).  Units and the knowledge
 * base; case_units, a case's assignments (role 1 lead, 2 co-unit; active 0
 * once replaced or returned, kept as history); lifecycle columns on cases;
 * surveys, one row per (case, round), whose extension code is unique among
 * open surveys (state <= 2); counters (the last extension code handed
 * out); audit_tip, the sealed end of the audit chain (store.h).  The tip
 * of an existing chain is sealed by store_open() right after the upgrade,
 * since SQL has no key.
 */
static int
store_upgrade_v3(sqlite3 *db)
{
	static const char sql[] =
	    "CREATE TABLE units ("
	    " code TEXT PRIMARY KEY,"
	    " name TEXT NOT NULL,"
	    " contact TEXT,"
	    " created_at INTEGER NOT NULL) WITHOUT ROWID;"
	    "CREATE TABLE kb ("
	    " id INTEGER PRIMARY KEY,"
	    " keywords TEXT NOT NULL,"
	    " answer TEXT NOT NULL,"
	    " unit TEXT REFERENCES units (code),"
	    " updated_at INTEGER NOT NULL);"
	    "CREATE TABLE case_units ("
	    " id INTEGER PRIMARY KEY,"
	    " case_id INTEGER NOT NULL REFERENCES cases (id),"
	    " unit TEXT NOT NULL REFERENCES units (code),"
	    " role INTEGER NOT NULL,"
	    " assigned_at INTEGER NOT NULL,"
	    " active INTEGER NOT NULL DEFAULT 1);"
	    "CREATE INDEX case_units_case ON case_units (case_id, unit);"
	    "CREATE INDEX case_units_unit ON case_units (unit) WHERE active = 1;"
	    "ALTER TABLE cases ADD COLUMN dispatched_at INTEGER;"
	    "ALTER TABLE cases ADD COLUMN due_original TEXT;"
	    "ALTER TABLE cases ADD COLUMN extensions INTEGER NOT NULL DEFAULT 0;"
	    "ALTER TABLE cases ADD COLUMN late_returns INTEGER NOT NULL"
	    " DEFAULT 0;"
	    "ALTER TABLE cases ADD COLUMN supervised INTEGER NOT NULL DEFAULT 0;"
	    "ALTER TABLE cases ADD COLUMN supervision TEXT;"
	    "ALTER TABLE cases ADD COLUMN result_cut INTEGER NOT NULL DEFAULT 0;"
	    "CREATE INDEX cases_open_due ON cases (due) WHERE closed_at IS NULL;"
	    "CREATE INDEX cases_category ON cases (category, received_at);"
	    "CREATE TABLE surveys ("
	    " id INTEGER PRIMARY KEY,"
	    " case_id INTEGER NOT NULL REFERENCES cases (id),"
	    " round INTEGER NOT NULL,"
	    " ext TEXT,"				/* NULL: no code */
	    " state INTEGER NOT NULL DEFAULT 0,"	/* store_survey_state */
	    " created_at INTEGER NOT NULL,"
	    " sent_at INTEGER NOT NULL,"
	    " remind_at INTEGER,"
	    " reminded_at INTEGER,"
	    " expire_at INTEGER NOT NULL,"
	    " expired_at INTEGER,"
	    " score INTEGER,"
	    " unclear INTEGER NOT NULL DEFAULT 0,"
	    " raw TEXT,"
	    " comment TEXT,"
	    " answered_at INTEGER,"
	    " UNIQUE (case_id, round));"
	    "CREATE UNIQUE INDEX surveys_open_ext ON surveys (ext)"
	    " WHERE state <= 2 AND ext IS NOT NULL;"
	    "CREATE INDEX surveys_open ON surveys (state) WHERE state <= 2;"
	    "CREATE TABLE counters ("
	    " name TEXT PRIMARY KEY,"
	    " value INTEGER NOT NULL) WITHOUT ROWID;"
	    "CREATE TABLE audit_tip ("
	    " id INTEGER PRIMARY KEY CHECK (id = 1),"
	    " last_id INTEGER NOT NULL,"
	    " last_hmac BLOB,"
	    " tip_mac BLOB);"			/* NULL: sealed at open */
	    "INSERT INTO audit_tip (id, last_id, last_hmac)"
	    " SELECT 1, id, hmac FROM audit ORDER BY id DESC LIMIT 1;";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v4: the outbox pump asks for queued rows many times a second; without
 * indexes of their own it scanned every row ever sent and sorted every
 * queued one (quadratic under load).  These walk the queue in send order.
 */
static int
store_upgrade_v4(sqlite3 *db)
{
	static const char sql[] =
	    "CREATE INDEX outbox_queued ON outbox"
	    " (priority DESC, next_attempt_at, id) WHERE state = 0;"
	    "CREATE INDEX outbox_queued_due ON outbox (next_attempt_at)"
	    " WHERE state = 0;";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v5: every index entry is a b-tree page written at the next commit, so
 * the hot path keeps only indexes a query needs.  outbox_queued_due was
 * outbox_due a second time.
 */
static int
store_upgrade_v5(sqlite3 *db)
{
	static const char sql[] =
	    "DROP INDEX outbox_queued_due;";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v6: messages in and out join the audit chain (store.h).  audit_cover
 * says from which ids on: rows written before this upgrade are not
 * covered.  Its event, the chained "messages.covered" that verification
 * trusts, is appended by store_open() (SQL has no key).
 */
static int
store_upgrade_v6(sqlite3 *db)
{
	static const char sql[] =
	    "CREATE TABLE audit_cover ("
	    " id INTEGER PRIMARY KEY CHECK (id = 1),"
	    " in_first INTEGER NOT NULL,"
	    " out_first INTEGER NOT NULL,"
	    " event INTEGER);"			/* NULL: not chained yet */
	    "INSERT INTO audit_cover (id, in_first, out_first) SELECT 1,"
	    " (SELECT COALESCE(MAX(id), 0) + 1 FROM inbound),"
	    " (SELECT COALESCE(MAX(id), 0) + 1 FROM outbox);";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v10: "unsure means a person decides" (issue 11).  case_labels holds
 * every category an operator set or changed (hotlinectl case classify),
 * append-only as the audit trail is: the operators' labelled examples a
 * model is trained on.  A label names its case; the text stays in cases
 * (not copied) and the number is never near it.  The queue of cases
 * waiting for a person needs no index of its own: cases_category
 * (category, received_at) walks it in waiting order without a sort.
 */
static int
store_upgrade_v10(sqlite3 *db)
{
	static const char sql[] =
	    "CREATE TABLE case_labels ("
	    " id INTEGER PRIMARY KEY,"
	    " case_id INTEGER NOT NULL REFERENCES cases (id),"
	    " category TEXT NOT NULL,"		/* the operator's */
	    " previous TEXT NOT NULL,"		/* the case's before */
	    " actor TEXT NOT NULL,"
	    " reason TEXT,"
	    " at INTEGER NOT NULL);"
	    "CREATE INDEX case_labels_case ON case_labels (case_id);"
	    "CREATE TRIGGER case_labels_no_update BEFORE UPDATE ON case_labels"
	    " BEGIN SELECT RAISE (ABORT, 'case_labels is append-only'); END;"
	    "CREATE TRIGGER case_labels_no_delete BEFORE DELETE ON case_labels"
	    " BEGIN SELECT RAISE (ABORT, 'case_labels is append-only'); END;";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v9: the safety screen's alerts (issue 11).  A row per text the screen
 * found a life possibly in danger in, written in the transaction of the
 * case or refusal it led to; the number encrypted as everywhere (for the
 * call back) and masked as the log shows it; logged_at is the last time it
 * was logged, for the repeat of an alert nobody acknowledged; acked_* say
 * who acknowledged it, when, and what was done.
 */
static int
store_upgrade_v9(sqlite3 *db)
{
	static const char sql[] =
	    "CREATE TABLE alerts ("
	    " id INTEGER PRIMARY KEY,"
	    " at INTEGER NOT NULL,"
	    " verdict TEXT NOT NULL,"		/* possible, clear */
	    " channel TEXT NOT NULL,"		/* selfharm, 119, ... */
	    " word TEXT,"
	    " msisdn_enc BLOB NOT NULL,"
	    " msisdn_hash BLOB NOT NULL,"
	    " msisdn_mask TEXT NOT NULL,"
	    " inbound_id INTEGER REFERENCES inbound (id),"
	    " case_id INTEGER REFERENCES cases (id),"
	    " refusal_id INTEGER REFERENCES refusals (id),"
	    " logged_at INTEGER NOT NULL,"
	    " logs INTEGER NOT NULL DEFAULT 1,"
	    " acked_at INTEGER,"
	    " acked_by TEXT,"
	    " ack_note TEXT);"
	    "CREATE INDEX alerts_open ON alerts (logged_at)"
	    " WHERE acked_at IS NULL;";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v7: the database's identity and the check value of the key its numbers
 * are encrypted with (crypto_check_value()).  The row is written by
 * store_keycheck() (SQL has no key); a key that does not give the stored
 * check value is refused at open, so a wrong or new key can never start on
 * a database it cannot read.
 */
static int
store_upgrade_v7(sqlite3 *db)
{
	static const char sql[] =
	    "CREATE TABLE keycheck ("
	    " id INTEGER PRIMARY KEY CHECK (id = 1),"
	    " ident TEXT NOT NULL,"		/* 32 hex digits, random */
	    " kcv TEXT NOT NULL,"		/* 32 hex digits */
	    " created_at INTEGER NOT NULL);";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v8: case rows join the audit chain (store.h).  cases_first: the first
 * case id whose row must be named by a "cases" event; older rows are
 * covered from their first write after the upgrade on.  cases_event, the
 * chained "cases.covered", is appended by store_open() (SQL has no key).
 */
static int
store_upgrade_v8(sqlite3 *db)
{
	static const char sql[] =
	    "ALTER TABLE audit_cover ADD COLUMN cases_first INTEGER;"
	    "ALTER TABLE audit_cover ADD COLUMN cases_event INTEGER;"
	    "UPDATE audit_cover SET cases_first ="
	    " (SELECT COALESCE(MAX(id), 0) + 1 FROM cases) WHERE id = 1;";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v13: operators hold outbox rows (state -1, store.h); /metrics counts
 * them at every scrape, so they get a partial index of their own (it
 * costs the hot path nothing: no row the pump writes is held).
 */
static int
store_upgrade_v13(sqlite3 *db)
{
	static const char sql[] =
	    "CREATE INDEX outbox_held ON outbox (id) WHERE state = -1;";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v14: retention (store_retention.c).  audit_reattest: for a "messages"
 * event whose rows a retention run erased, the digest of its rows after
 * the erasure and the "retention" event that states it (verification
 * checks both).  An index on the case of inbound rows (outbox has one)
 * to find a case's messages; case ids grow, so each MO adds to the end
 * of the index (one page), not at a random place.
 */
static int
store_upgrade_v14(sqlite3 *db)
{
	static const char sql[] =
	    "CREATE TABLE audit_reattest ("
	    " event INTEGER PRIMARY KEY,"	/* the "messages" event */
	    " retention INTEGER NOT NULL,"	/* the event that says so */
	    " mac BLOB NOT NULL);"
	    "CREATE INDEX inbound_case ON inbound (case_id)"
	    " WHERE case_id IS NOT NULL;";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v16: the office's statistics (issue 16).  A case's channel (today every
 * case came by SMS; the other channels' intake writes theirs), and the
 * indexes a period's figures walk: cases by reception and by closing
 * (months out of years of cases), refusals and alerts by time.  Each new
 * entry of cases_received and refusals_at lands at the end of its index
 * (times grow), so ingest pays an appended entry, not a random page.
 */
static int
store_upgrade_v16(sqlite3 *db)
{
	static const char sql[] =
	    "ALTER TABLE cases ADD COLUMN channel TEXT NOT NULL DEFAULT 'sms';"
	    "CREATE INDEX cases_received ON cases (received_at);"
	    "CREATE INDEX cases_closed ON cases (closed_at)"
	    " WHERE closed_at IS NOT NULL;"
	    "CREATE INDEX refusals_at ON refusals (at);"
	    "CREATE INDEX alerts_at ON alerts (at);";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v17: cost that stays flat as the years of data grow (issue 17).  An
 * index keyed by a hash takes each new entry at a random page: once it is
 * larger than the cache, every MO reads a page and writes it (WAL, then
 * checkpoint) for each such index (bench/walpages: inbound_dedupe,
 * outbox_msisdn and cases_msisdn were 60 % of the intake's WAL, one
 * distinct page a frame with 1 M cases).  The dedupe keys and SMSC ids
 * are only ever asked about within the last hour (a window is at most
 * STORE_DEDUPE_WINDOW_MAX): their indexes lead with the hour
 * (received_at / 3600000), so new entries land among the hour's, a range
 * as small as an hour's traffic however many years precede it.  The
 * dedupe key is no longer unique: a repeat after the window is stored
 * beside the old one (nothing retires a key any more).  The numbers'
 * indexes stayed (the outbox's by the hour plus a partial one over
 * queued rows for the pump cost more than they saved) until v23 chained
 * a number's rows through citizens instead.  Building the two reads
 * inbound once and sorts its keys in temporary files (store_open()).
 */
static int
store_upgrade_v17(sqlite3 *db)
{
	static const char sql[] =
	    "DROP INDEX inbound_dedupe;"
	    "DROP INDEX inbound_msgid;"
	    "CREATE INDEX inbound_dedupe_hour ON inbound"
	    " (received_at / 3600000, dedupe) WHERE dedupe IS NOT NULL;"
	    "CREATE INDEX inbound_msgid_hour ON inbound"
	    " (received_at / 3600000, smsc, smsc_msgid)"
	    " WHERE smsc_msgid IS NOT NULL;";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v18: what the queries need on a database of millions of cases (issue
 * 17).  The case list walks an index in id order for its leading filter
 * (a unit's current cases, the open ones, a state, the supervised and the
 * confidential ones) instead of the whole table; the overdue scan reads
 * the open cases not yet supervised as overdue (cases_overdue: a case
 * leaves it when supervised, so a scan does not read again every case
 * overdue for months) and the survey tick the open surveys by their next
 * moment, a slice at a time.  Each new case
 * appends to these indexes (its id is the largest); none is keyed by a
 * random value.  case_units_unit stays (a prefix of case_units_active):
 * dropping it frees a page in the middle of a new database's file.
 */
static int
store_upgrade_v18(sqlite3 *db)
{
	static const char sql[] =
	    "CREATE INDEX cases_open ON cases (id) WHERE closed_at IS NULL;"
	    "CREATE INDEX cases_state ON cases (state);"
	    "CREATE INDEX cases_supervised ON cases (id) WHERE supervised = 1;"
	    "CREATE INDEX cases_confidential ON cases (id)"
	    " WHERE confidential = 1;"
	    "CREATE INDEX case_units_active ON case_units (unit, case_id)"
	    " WHERE active = 1;"
	    "CREATE INDEX cases_overdue ON cases (due) WHERE closed_at IS NULL"
	    " AND (supervised = 0 OR supervision IS NOT 'overdue');"
	    "CREATE INDEX surveys_due ON surveys ((CASE WHEN state = 0 AND"
	    " remind_at IS NOT NULL THEN MIN(remind_at, expire_at) ELSE"
	    " expire_at END), id) WHERE state <= 2;";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v19: supervision that reaches the units (issue 16, notice.h).  A unit's
 * contacts (unit '' is the hotline office itself: its duty number), each
 * with a role, numbers as blob and keyed hash like a citizen's; a unit's
 * webhook (the secret encrypted like a number); one row per notice a unit
 * was sent (the unique key makes it once, across restarts); the webhook
 * deliveries, durable and retried like the outbox.
 */
static int
store_upgrade_v19(sqlite3 *db)
{
	static const char sql[] =
	    "CREATE TABLE unit_contacts ("
	    " id INTEGER PRIMARY KEY,"
	    " unit TEXT NOT NULL,"		/* '': the office */
	    " role TEXT NOT NULL,"
	    " name TEXT,"
	    " msisdn_enc BLOB NOT NULL,"
	    " msisdn_hash BLOB NOT NULL,"
	    " created_at INTEGER NOT NULL,"
	    " UNIQUE (unit, role, msisdn_hash));"
	    "CREATE TABLE unit_hooks ("
	    " unit TEXT PRIMARY KEY REFERENCES units (code),"
	    " url TEXT NOT NULL,"
	    " secret_enc BLOB NOT NULL,"
	    " created_at INTEGER NOT NULL) WITHOUT ROWID;"
	    "CREATE TABLE notices ("
	    " id INTEGER PRIMARY KEY,"
	    " case_id INTEGER NOT NULL REFERENCES cases (id),"
	    " unit TEXT NOT NULL,"
	    " kind TEXT NOT NULL,"
	    " ref TEXT NOT NULL,"
	    " sms INTEGER NOT NULL DEFAULT 0,"
	    " at INTEGER NOT NULL,"
	    " UNIQUE (case_id, unit, kind, ref));"
	    "CREATE TABLE webhooks ("
	    " id INTEGER PRIMARY KEY,"
	    " notice_id INTEGER NOT NULL REFERENCES notices (id),"
	    " unit TEXT NOT NULL,"
	    " body TEXT NOT NULL,"
	    " state INTEGER NOT NULL DEFAULT 0," /* 0 wait, 1 done, 2 fail */
	    " attempts INTEGER NOT NULL DEFAULT 0,"
	    " next_at INTEGER NOT NULL,"
	    " status INTEGER,"			/* last HTTP status, 0: none */
	    " done_at INTEGER);"
	    "CREATE INDEX webhooks_due ON webhooks (next_at) WHERE state = 0;";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v20: cases from the other channels (issue 16, Art. 5(1)): the business
 * system's own id of each imported case, once per channel, so that an
 * import sent again finds its case instead of making another.
 */
static int
store_upgrade_v20(sqlite3 *db)
{
	static const char sql[] =
	    "CREATE TABLE case_imports ("
	    " channel TEXT NOT NULL,"
	    " external_id TEXT NOT NULL,"
	    " case_id INTEGER NOT NULL REFERENCES cases (id),"
	    " at INTEGER NOT NULL,"
	    " PRIMARY KEY (channel, external_id)) WITHOUT ROWID;";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v21: the office approves a unit's extension (Art. 18) and decides what
 * is published (Art. 19).  One request pending per case at a time (the
 * partial unique index); cases get the not-for-publication flag and who
 * made a case confidential ('office'; NULL or 'citizen': the citizen).
 */
static int
store_upgrade_v21(sqlite3 *db)
{
	static const char sql[] =
	    "CREATE TABLE extension_requests ("
	    " id INTEGER PRIMARY KEY,"
	    " case_id INTEGER NOT NULL,"
	    " unit TEXT NOT NULL,"
	    " actor TEXT NOT NULL,"
	    " reason TEXT NOT NULL,"
	    " due_before TEXT NOT NULL,"
	    " due TEXT NOT NULL,"
	    " days INTEGER NOT NULL DEFAULT 0,"
	    " state TEXT NOT NULL DEFAULT 'pending',"
	    " requested_at INTEGER NOT NULL,"
	    " decided_at INTEGER,"
	    " decided_by TEXT,"
	    " decision TEXT);"
	    "CREATE UNIQUE INDEX extension_requests_pending"
	    " ON extension_requests (case_id) WHERE state = 'pending';"
	    "CREATE INDEX extension_requests_case"
	    " ON extension_requests (case_id, requested_at);"
	    "ALTER TABLE cases ADD COLUMN nopublish INTEGER NOT NULL DEFAULT 0;"
	    "ALTER TABLE cases ADD COLUMN confidential_by TEXT;";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v22: retention reads only what it erases (issue 17).  The closed cases
 * whose number is still there, by the moment they were closed: a run's
 * chunk and the dry run's count walk the cases closed before the cutoff
 * and nothing else, and an erased case leaves the index (its msisdn_enc
 * is X''), so a later run does not read again what an earlier one erased.
 * The WHERE is RET_CLOSED's (store_sql.c) word for word: SQLite uses a
 * partial index only for a query that names its terms.
 */
static int
store_upgrade_v22(sqlite3 *db)
{
	static const char sql[] =
	    "CREATE INDEX cases_retention ON cases (closed_at)"
	    " WHERE state IN ('answered', 'closed', 'final')"
	    " AND length(msisdn_enc) > 0;";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v23: a number's rows are reached through the number once, not an index
 * entry a row (issue 17).  cases_msisdn and outbox_msisdn took each new
 * case and each SMS queued at a random page: with 1 M cases 14 % of the
 * intake's WAL each (bench/walpages), a page read and written per MO.
 * citizens holds each keyed hash once (WITHOUT ROWID: the lookup's page
 * is the row's) with the number's newest case and outbox row, and each
 * row the number's row before it (prev_case, prev_out): a returning
 * citizen's MO writes the one page of its citizens row, its case and SMS
 * append at the tables' ends.  The statements walk these chains newest
 * first (store_sql.c, CHAIN_CASES); retention takes an erased row out of
 * its chain and a number with no row left out of citizens
 * (store_citizen.c), so nothing erased stays tied to the number.  The
 * send order per number walks back the row's chain too, to the first
 * row pending or ever handed out (OUT_HEAD): an index of the pending
 * rows, keyed by the hash, churned a random page twice a row in a deep
 * queue.  In place: the chains are built from the hashes in one sort
 * over each table, written in rowid order.
 */
static int
store_upgrade_v23(sqlite3 *db)
{
	static const char sql[] =
	    "CREATE TABLE citizens ("
	    " msisdn_hash BLOB PRIMARY KEY,"
	    " last_case INTEGER,"		/* the number's newest */
	    " last_out INTEGER) WITHOUT ROWID;"
	    "ALTER TABLE cases ADD COLUMN prev_case INTEGER;"
	    "ALTER TABLE outbox ADD COLUMN prev_out INTEGER;"
	    "CREATE TEMP TABLE chain_prev (id INTEGER PRIMARY KEY, prev);"
	    "INSERT INTO chain_prev SELECT id, prev FROM (SELECT id, lag(id)"
	    " OVER (PARTITION BY msisdn_hash ORDER BY id) AS prev FROM cases"
	    " WHERE length(msisdn_hash) > 0) WHERE prev IS NOT NULL;"
	    "UPDATE cases SET prev_case = p.prev FROM chain_prev p"
	    " WHERE cases.id = p.id;"
	    "DELETE FROM chain_prev;"
	    "INSERT INTO chain_prev SELECT id, prev FROM (SELECT id, lag(id)"
	    " OVER (PARTITION BY msisdn_hash ORDER BY id) AS prev FROM outbox"
	    " WHERE length(msisdn_hash) > 0) WHERE prev IS NOT NULL;"
	    "UPDATE outbox SET prev_out = p.prev FROM chain_prev p"
	    " WHERE outbox.id = p.id;"
	    "DROP TABLE chain_prev;"
	    "INSERT INTO citizens (msisdn_hash, last_case)"
	    " SELECT msisdn_hash, max(id) FROM cases"
	    " WHERE length(msisdn_hash) > 0 GROUP BY msisdn_hash;"
	    "INSERT INTO citizens (msisdn_hash, last_out)"
	    " SELECT msisdn_hash, max(id) FROM outbox"
	    " WHERE length(msisdn_hash) > 0 GROUP BY msisdn_hash"
	    " ON CONFLICT (msisdn_hash) DO UPDATE SET"
	    " last_out = excluded.last_out;"
	    "DROP INDEX cases_msisdn;"
	    "DROP INDEX outbox_msisdn;";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * v24: citizens may lag behind the rows (issue 17, store_citmap.c): a
 * number's heads above citizens_mark are kept in memory and written into
 * citizens in key order in passes, a quarter of a leaf a number instead
 * of one.  The one row of citizens_mark is the highest case and outbox
 * id citizens covers; here, where v23 (or the last commit) left it
 * whole, the highest there are.
 */
static int
store_upgrade_v24(sqlite3 *db)
{
	static const char sql[] =
	    "CREATE TABLE citizens_mark ("
	    " one INTEGER PRIMARY KEY CHECK (one = 1),"
	    " last_case INTEGER NOT NULL,"
	    " last_out INTEGER NOT NULL);"
	    "INSERT INTO citizens_mark VALUES (1,"
	    " (SELECT COALESCE(max(id), 0) FROM cases),"
	    " (SELECT COALESCE(max(id), 0) FROM outbox));";

	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static int	(*const store_upgrades[])(sqlite3 *) = {
	NULL,
	store_upgrade_v1,
	store_upgrade_v2,
	store_upgrade_v3,
	store_upgrade_v4,
	store_upgrade_v5,
	store_upgrade_v6,
	store_upgrade_v7,
	store_upgrade_v8,
	store_upgrade_v9,
	store_upgrade_v10,
	NULL,			/* v11, v12: unused (HACKING.md) */
	NULL,
	store_upgrade_v13,
	store_upgrade_v14,
	NULL,			/* v15: unused */
	store_upgrade_v16,
	store_upgrade_v17,
	store_upgrade_v18,
	store_upgrade_v19,
	store_upgrade_v20,
	store_upgrade_v21,
	store_upgrade_v22,
	store_upgrade_v23,
	store_upgrade_v24,
};
_Static_assert(nitems(store_upgrades) == STORE_SCHEMA_VERSION + 1,
    "one upgrade per schema version");

/* Run each missing upgrade in its own transaction with its version. */
int
store_upgrade(struct store *st, int target, char *err, size_t errlen)
{
	char	 sql[64];
	int	 v;

	for (v = st->version + 1; v <= target; v++) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
		if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL,
		    NULL) != SQLITE_OK ||
		    (store_upgrades[v] != NULL &&
		    store_upgrades[v](st->db) != SQLITE_OK) ||
		    sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) !=
		    SQLITE_OK) {
			snprintf(err, errlen, "upgrade to schema v%d: %s", v,
			    sqlite3_errmsg(st->db));
			if (!sqlite3_get_autocommit(st->db))
				sqlite3_exec(st->db, "ROLLBACK", NULL, NULL,
				    NULL);
			return -1;
		}
		st->version = v;
		log_info("store schema upgraded to v%d", v);
	}
	return 0;
}
