/*
 * Every statement of the store, prepared once at open (osmo-msc db.c),
 * and the schema version each needs.
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

/*
 * The office's statistics (v16): a period's cases (received in [?1, ?2),
 * ms) with what became of them by now; ?3 is today (YYYY-MM-DD), for
 * "overdue now": open and due before today, whatever the open state (a
 * case left "replied" is overdue as much as one at a unit).  The columns
 * after the key are enum store_stats_col's, in its order.
 */
#define STATS_LOCALDATE(col)	"date(" col " / 1000, 'unixepoch', 'localtime')"
#define STATS_COLS \
	"COUNT(*), SUM(state = 'answered'), SUM(dispatched_at IS NOT NULL), " \
	"SUM(EXISTS (SELECT 1 FROM audit a WHERE a.case_id = cases.id " \
	"AND a.action = 'case.return')), SUM(extensions > 0), " \
	"SUM(closed_at IS NOT NULL), SUM(closed_at IS NOT NULL AND " \
	"(due IS NULL OR " STATS_LOCALDATE("closed_at") " <= due)), " \
	"SUM(closed_at IS NULL AND due < ?3), SUM(supervised = 1 OR EXISTS " \
	"(SELECT 1 FROM audit a WHERE a.case_id = cases.id " \
	"AND a.action = 'case.supervise')), SUM(rehandled != 0), " \
	"SUM(survey_state IS NOT NULL), SUM(survey_score BETWEEN 1 AND 3), " \
	"SUM(survey_score = 1), SUM(survey_score = 2), SUM(survey_score = 3), " \
	"SUM(category = 'unclassified' AND closed_at IS NULL)"
#define STATS_PERIOD	" FROM cases WHERE received_at >= ?1 AND received_at < ?2"
/*
 * A member of an audit event's JSON detail, NULL when the detail is not
 * JSON: other events' need not be, and SQLite may test a term before
 * the one on the action (it propagates the action's constant into a
 * CASE on it, too), when json_extract() would fail the whole query.
 */
#define STATS_JSON(key) \
	"json_extract(CASE WHEN json_valid(a.detail) THEN a.detail END, " \
	"'$." key "')"
#define STATS_UNEXCUSED \
	"(extensions = 0 AND due IS NOT NULL AND ((closed_at IS NULL AND " \
	"due < ?3) OR (closed_at IS NOT NULL AND " \
	STATS_LOCALDATE("closed_at") " > due)))"
#define STATS_BY(key) \
	"SELECT " key ", " STATS_COLS STATS_PERIOD " GROUP BY 1 ORDER BY 1"

/*
 * store_case_search()'s filters, every one a parameter (NULL or -1: any),
 * and its page: newest first.  Each STMT_CASE_SEARCH_* statement repeats
 * them after one literal term an index answers in id order (issue 17),
 * so the planner walks that index instead of the whole table.  The page's
 * keyset (?10, the id below which to list) is always bound, so that it is
 * a range of the index, not a filter on every row above it.
 */
#define CASE_FILTERS \
	"(?1 IS NULL OR state = ?1) AND (?2 IS NULL OR category = ?2) " \
	"AND (?3 IS NULL OR EXISTS (SELECT 1 FROM case_units u " \
	"WHERE u.case_id = cases.id AND u.unit = ?3 AND u.active = 1)) " \
	"AND (?4 IS NULL OR (closed_at IS NULL AND due < ?4)) " \
	"AND (?5 < 0 OR (?5 = 1) = (closed_at IS NULL)) " \
	"AND (?6 < 0 OR supervised = ?6) " \
	"AND (?7 < 0 OR confidential = ?7) " \
	"AND (?8 = 0 OR received_at >= ?8) " \
	"AND (?9 = 0 OR received_at < ?9)"
#define CASE_PAGE	" AND id < ?10 ORDER BY id DESC LIMIT ?11 OFFSET ?12"
/*
 * A number's cases and outbox rows without an index of their own (v23,
 * issue 17): citizens holds each number's keyed hash once, with its
 * newest case and outbox row, and each row the id of the number's row
 * before it (prev_case, prev_out), so these walk the number's rows newest
 * first from the citizen, one rowid lookup a row.  The newest comes from
 * citizen_head(): the map of heads above citizens' mark, then citizens
 * (store_citmap.c, v24); each step goes to a lower id, so a damaged
 * chain ends instead of looping.  A walk bounded by a
 * time (since, the parameter h + 1) goes on while the row it left is at
 * most CHAIN_SLACK older than since: rows are chained in id order, and a
 * row's time (an inbound's received_at, a clock step) may run a little
 * behind its id.  The chain's own order is the one the callers want, so
 * a walk with a LIMIT stops early and sorts nothing.
 */
#define CHAIN_SLACK	"86400000"
#define CHAIN_CASES(h, cond) \
	"WITH RECURSIVE chain(cid, prev, at, kept) AS (SELECT c.id, " \
	"c.prev_case, c.received_at, length(c.msisdn_hash) > 0 " \
	"FROM cases c WHERE c.id = citizen_head(" h ", 0) " \
	"UNION ALL SELECT c.id, c.prev_case, " \
	"c.received_at, length(c.msisdn_hash) > 0 FROM chain " \
	"JOIN cases c ON c.id = chain.prev AND chain.prev < chain.cid" \
	cond ") "
#define CHAIN_OUT(cond) \
	"WITH RECURSIVE chain(oid, prev, at, kind, kept) AS (SELECT o.id, " \
	"o.prev_out, o.created_at, o.kind, length(o.msisdn_hash) > 0 " \
	"FROM outbox o WHERE o.id = citizen_head(?1, 1) " \
	"UNION ALL SELECT o.id, o.prev_out, " \
	"o.created_at, o.kind, length(o.msisdn_hash) > 0 FROM chain " \
	"JOIN outbox o ON o.id = chain.prev AND chain.prev < chain.oid" \
	cond ") "
#define CHAIN_SINCE	" WHERE chain.at >= ?2 - " CHAIN_SLACK
/*
 * An outbox row o is its number's head: no older row of the number is
 * pending (held, queued, in flight).  A row never becomes pending again
 * once it has left, and a row was handed out only when no older row was
 * pending, so the walk back along o's chain stops at the first row that
 * is pending (not the head) or was ever handed out (the head); rows that
 * ended unsent (cancelled, expired in the queue) are walked over.  Most
 * rows read one row, their number's SMS before them, or none (v23).
 */
#define OUT_HEAD \
	"NOT EXISTS (WITH RECURSIVE back(id, prev, state, attempts) AS " \
	"(SELECT p.id, p.prev_out, p.state, p.attempts FROM outbox p " \
	"WHERE p.id = o.prev_out UNION ALL SELECT p.id, p.prev_out, " \
	"p.state, p.attempts FROM back JOIN outbox p ON p.id = back.prev " \
	"AND back.prev < back.id " \
	"WHERE back.attempts = 0 AND back.state NOT IN (-1, 0, 1)) " \
	"SELECT 1 FROM back WHERE state IN (-1, 0, 1))"
/*
 * A new case and a new outbox row; col, val: v23's link to the number's
 * row before it (store_citizen.c), else "".
 */
#define CASE_INSERT(col, val) \
	"INSERT INTO cases (number, category, confidential, msisdn_enc, " \
	"msisdn_hash, text, received_at, due, rule, flags, inbound_id, " \
	"updated_at" col ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, " \
	"?10, NULLIF(?11, 0), ?7" val ")"
#define OUT_INSERT(col, val) \
	"INSERT INTO outbox (case_id, inbound_id, kind, msisdn_enc, " \
	"msisdn_hash, source, text, priority, created_at, " \
	"next_attempt_at, expire_at" col ") VALUES (NULLIF(?1, 0), " \
	"NULLIF(?2, 0), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULLIF(?11, 0)" \
	val ")"
/* The survey's next moment: its reminder while pending, else expiry. */
#define SURVEY_DUE_KEY \
	"(CASE WHEN state = 0 AND remind_at IS NOT NULL " \
	"THEN MIN(remind_at, expire_at) ELSE expire_at END)"

const char *const store_sql[STMT_MAX] = {
	[STMT_BEGIN] = "BEGIN IMMEDIATE",
	[STMT_COMMIT] = "COMMIT",
	[STMT_ROLLBACK] = "ROLLBACK",
	[STMT_SAVEPOINT] = "SAVEPOINT msg",
	[STMT_RELEASE] = "RELEASE msg",
	[STMT_ROLLBACK_TO] = "ROLLBACK TO msg",

	/*
	 * v17: the dedupe keys and SMSC ids are looked up in the hours of
	 * the window only (inbound_dedupe_hour, inbound_msgid_hour; a window
	 * is at most an hour, so it spans two), where the index is as small
	 * as an hour's traffic whatever the years stored.
	 */
	[STMT_IN_DUP_KEY] =
	    "SELECT id, received_at, COALESCE(group_id, id) FROM inbound "
	    "WHERE received_at / 3600000 IN (?2 / 3600000, ?2 / 3600000 + 1) "
	    "AND dedupe = ?1 AND received_at >= ?2 LIMIT 1",
	[STMT_IN_DUP_MSGID] =
	    "SELECT id, received_at, COALESCE(group_id, id) FROM inbound "
	    "WHERE received_at / 3600000 IN (?3 / 3600000, ?3 / 3600000 + 1) "
	    "AND smsc = ?1 AND smsc_msgid = ?2 AND received_at >= ?3 LIMIT 1",
	[STMT_IN_OPEN_GROUP] =
	    "SELECT COALESCE(group_id, id) FROM inbound "
	    "WHERE source_hash = ?1 AND dest = ?2 AND concat_ref = ?3 "
	    "AND concat_total = ?4 AND state = 0 ORDER BY id LIMIT 1",
	[STMT_IN_INSERT] =
	    "INSERT INTO inbound (group_id, smsc, smsc_msgid, source_enc, "
	    "source_hash, dest, data_coding, esm_class, raw, text, concat_ref, "
	    "concat_total, concat_seq, received_at, state, dedupe) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?14, ?15, ?16)",
	[STMT_IN_COUNT_PARTS] =
	    "SELECT COUNT(DISTINCT concat_seq) FROM inbound "
	    "WHERE (id = ?1 OR group_id = ?1) AND state = 0",
	[STMT_IN_COMPLETE] =
	    "UPDATE inbound SET state = 1 "
	    "WHERE (id = ?1 OR group_id = ?1) AND state = 0",
	[STMT_IN_GROUP] =
	    "SELECT id, smsc, source_enc, dest, data_coding, esm_class, raw, "
	    "text, concat_total, concat_seq, received_at, state FROM inbound "
	    "WHERE id = ?1 OR group_id = ?1 ORDER BY concat_seq, id",
	/* a group's first part, then the others (an OR costs more) */
	[STMT_IN_DONE] =
	    "UPDATE inbound SET state = ?2, case_id = NULLIF(?3, 0) "
	    "WHERE id = ?1 AND state < 2",
	[STMT_IN_DONE_PARTS] =
	    "UPDATE inbound SET state = ?2, case_id = NULLIF(?3, 0) "
	    "WHERE group_id = ?1 AND state < 2",
	[STMT_IN_DUE] =
	    "SELECT COALESCE(group_id, id) AS g FROM inbound WHERE state < 2 "
	    "GROUP BY g HAVING MAX(state) = 1 OR MIN(received_at) < ?1 "
	    "ORDER BY g LIMIT ?2",

	[STMT_SEQ_GET] = "SELECT last FROM case_seq WHERE day = ?1",
	[STMT_SEQ_SET] =
	    "INSERT INTO case_seq (day, last) VALUES (?1, ?2) "
	    "ON CONFLICT (day) DO UPDATE SET last = excluded.last",
	[STMT_CASE_INSERT] = CASE_INSERT("", ""),
	[STMT_CASE_BY_NUMBER] =
	    "SELECT " CASE_COLS " FROM cases "
	    "WHERE number = ?1 AND (?2 IS NULL OR msisdn_hash = ?2)",
	[STMT_CASE_BY_ID] = "SELECT " CASE_COLS " FROM cases WHERE id = ?1",
	/* newest first in the chain's own order: no sort (issue 17) */
	[STMT_CASE_OPEN] =
	    CHAIN_CASES("?1", "") "SELECT " CASE_COLS " FROM chain "
	    "JOIN cases ON cases.id = chain.cid WHERE closed_at IS NULL "
	    "LIMIT ?2",
	[STMT_CASE_COUNT] =
	    CHAIN_CASES("?1", CHAIN_SINCE) "SELECT COUNT(*) FROM chain "
	    "WHERE at >= ?2",
	[STMT_SUPPLEMENT_INSERT] =
	    "INSERT INTO supplements (case_id, inbound_id, text, received_at) "
	    "VALUES (?1, NULLIF(?2, 0), ?3, ?4)",
	[STMT_REFUSAL_INSERT] =
	    "INSERT INTO refusals (msisdn_enc, msisdn_hash, inbound_id, "
	    "reason, rule, channel, text, at) "
	    "VALUES (?1, ?2, NULLIF(?3, 0), ?4, ?5, ?6, ?7, ?8)",

	[STMT_OUT_INSERT] = OUT_INSERT("", ""),
	[STMT_OUT_NEXT] =
	    "SELECT o.id, COALESCE(o.case_id, 0), o.msisdn_enc, o.source, "
	    "o.text, o.attempts, o.priority, o.next_attempt_at, "
	    /* the bearer the citizen wrote through: of the text answered,
	     * else of the text that opened the case (rowid lookups) */
	    "COALESCE((SELECT i.smsc FROM inbound i WHERE i.id = o.inbound_id), "
	    "(SELECT i.smsc FROM cases c JOIN inbound i ON i.id = c.inbound_id "
	    "WHERE c.id = o.case_id), '') FROM outbox o "
	    "WHERE o.state = 0 AND o.next_attempt_at <= ?1 "
	    "AND " OUT_HEAD " "
	    "ORDER BY o.priority DESC, o.next_attempt_at, o.id LIMIT ?2",
	/*
	 * When the next row the fetch above can hand out is due: only a
	 * citizen's head row counts.  A row behind an older one waiting for
	 * its retry is "due" but not fetched; counting it re-armed the pump
	 * at once, an empty transaction per turn for the whole backoff.
	 */
	[STMT_OUT_NEXT_TIME] =
	    "SELECT o.next_attempt_at FROM outbox o WHERE o.state = 0 "
	    "AND " OUT_HEAD " "
	    "ORDER BY o.next_attempt_at LIMIT 1",
	[STMT_OUT_INFLIGHT] =
	    "UPDATE outbox SET state = 1, attempts = attempts + 1, "
	    "submitted_at = ?2 WHERE id = ?1 AND state = 0",
	[STMT_OUT_PART] =
	    "INSERT INTO outbox_parts (outbox_id, attempt, part, nparts, smsc, "
	    "msgid, submitted_at) SELECT id, attempts, ?2, ?3, ?4, ?5, ?6 "
	    "FROM outbox WHERE id = ?1 AND state = 1 "
	    "ON CONFLICT (outbox_id, attempt, part) DO UPDATE SET "
	    "smsc = excluded.smsc, msgid = excluded.msgid, "
	    "submitted_at = excluded.submitted_at",
	[STMT_OUT_SENT] =
	    "UPDATE outbox SET state = 2, smsc = ?2, smsc_msgid = "
	    "(SELECT msgid FROM outbox_parts p WHERE p.outbox_id = ?1 "
	    "AND p.attempt = outbox.attempts ORDER BY part LIMIT 1) "
	    "WHERE id = ?1 AND state = 1 AND (SELECT COUNT(*) FROM "
	    "outbox_parts p WHERE p.outbox_id = ?1 "
	    "AND p.attempt = outbox.attempts) >= ?3",
	/* one part, just recorded: it is the first and the count */
	[STMT_OUT_SENT1] =
	    "UPDATE outbox SET state = 2, smsc = ?2, smsc_msgid = ?4 "
	    "WHERE id = ?1 AND state = 1",
	[STMT_OUT_RETRY] =
	    "UPDATE outbox SET state = 0, next_attempt_at = ?2, "
	    "last_error = ?3 WHERE id = ?1 AND state IN (0, 1)",
	[STMT_OUT_FAIL] =
	    "UPDATE outbox SET state = 4, last_error = ?3 "
	    "WHERE id = ?1 AND state IN (0, 1, 2) AND ?2 IS NULL",
	[STMT_OUT_PART_FIND] =
	    "SELECT p.id, p.outbox_id, COALESCE(o.case_id, 0), p.attempt "
	    "FROM outbox_parts p JOIN outbox o ON o.id = p.outbox_id "
	    "WHERE p.msgid = ?1 AND p.smsc = ?2 ORDER BY p.id DESC LIMIT 1",
	[STMT_OUT_PART_RECEIPT] =
	    "UPDATE outbox_parts SET receipt = ?2, stat = ?3, err = ?4, "
	    "receipt_at = ?5 WHERE id = ?1",
	[STMT_OUT_RCPT_NOTE] =
	    "UPDATE outbox SET receipt_stat = ?2, receipt_err = ?3, "
	    "receipt_at = ?4 WHERE id = ?1 AND state IN (1, 2) "
	    "AND attempts = ?5",
	[STMT_OUT_RCPT_DELIVERED] =
	    "UPDATE outbox SET state = 3, receipt_stat = ?2, receipt_err = ?3, "
	    "receipt_at = ?4 WHERE id = ?1 AND state = 2 AND attempts = ?5 "
	    "AND NOT EXISTS (SELECT 1 FROM outbox_parts p "
	    "WHERE p.outbox_id = ?1 AND p.attempt = ?5 "
	    "AND (p.receipt IS NULL OR p.receipt <> 1))",
	[STMT_OUT_RCPT_FINAL] =
	    "UPDATE outbox SET state = ?6, receipt_stat = ?2, receipt_err = ?3, "
	    "receipt_at = ?4 WHERE id = ?1 AND state IN (1, 2) "
	    "AND attempts = ?5",
	[STMT_OUT_RESET] = "UPDATE outbox SET state = 0 WHERE state = 1",
	[STMT_OUT_EXPIRE] =
	    "UPDATE outbox SET state = 5, last_error = ?2 "
	    "WHERE state = 0 AND expire_at IS NOT NULL AND expire_at <= ?1 "
	    "RETURNING id",
	[STMT_OUT_STATE] = "SELECT state, attempts FROM outbox WHERE id = ?1",
	[STMT_OUT_ROW] =
	    "SELECT COALESCE(case_id, 0), kind FROM outbox WHERE id = ?1",
	[STMT_OUT_COUNT] =
	    CHAIN_OUT(CHAIN_SINCE) "SELECT COUNT(*) FROM chain "
	    "WHERE at >= ?2 AND kept",

	/*
	 * Issue 14: the parts of a row the SMSC accepted in earlier tries,
	 * newest try first (a retry resends only the others), and one such
	 * part carried into the current try with its id and any receipt, so
	 * that the try is whole and its receipts are matched.
	 */
	[STMT_OUT_PARTS_DONE] =
	    "SELECT part, nparts FROM outbox_parts WHERE outbox_id = ?1 "
	    "ORDER BY attempt DESC, part",
	[STMT_OUT_PART_CARRY] =
	    "INSERT INTO outbox_parts (outbox_id, attempt, part, nparts, smsc, "
	    "msgid, submitted_at, receipt, stat, err, receipt_at) "
	    "SELECT p.outbox_id, o.attempts, p.part, p.nparts, p.smsc, "
	    "p.msgid, p.submitted_at, p.receipt, p.stat, p.err, p.receipt_at "
	    "FROM outbox_parts p JOIN outbox o ON o.id = p.outbox_id "
	    "WHERE p.outbox_id = ?1 AND p.part = ?2 AND p.nparts = ?3 "
	    "AND p.attempt < o.attempts AND o.state = 1 "
	    "ORDER BY p.attempt DESC LIMIT 1 "
	    "ON CONFLICT (outbox_id, attempt, part) DO NOTHING",

	[STMT_OUT_COUNT_LIMIT] =
	    CHAIN_OUT(CHAIN_SINCE) "SELECT COUNT(*) FROM chain "
	    "WHERE at >= ?2 AND kind = 'limit' AND kept",

	/* the few surveys of the number's cases, sorted */
	[STMT_SURVEY_BY_EXT_ANY] =
	    CHAIN_CASES("?2", "") "SELECT " SURVEY_COLS " FROM chain "
	    "JOIN surveys s ON s.case_id = chain.cid JOIN cases c "
	    "ON c.id = s.case_id WHERE s.ext = ?1 "
	    "ORDER BY s.id DESC LIMIT 1",

	[STMT_OPTOUT_SET] =
	    "INSERT INTO optout (msisdn_hash, at) VALUES (?1, ?2) "
	    "ON CONFLICT (msisdn_hash) DO NOTHING",
	[STMT_OPTOUT_CLEAR] = "DELETE FROM optout WHERE msisdn_hash = ?1",
	[STMT_OPTOUT_HAS] = "SELECT 1 FROM optout WHERE msisdn_hash = ?1",

	[STMT_AUDIT_LAST] = "SELECT id, hmac FROM audit ORDER BY id DESC LIMIT 1",
	[STMT_AUDIT_INSERT] =
	    "INSERT INTO audit (id, at, case_id, actor, action, detail, "
	    "prev_hmac, hmac) VALUES (?1, ?2, NULLIF(?3, 0), ?4, ?5, ?6, ?7, "
	    "?8)",
	[STMT_AUDIT_ALL] =
	    "SELECT id, at, COALESCE(case_id, 0), actor, action, detail, "
	    "prev_hmac, hmac FROM audit ORDER BY id",
	[STMT_AUDIT_TIP_SET] =
	    "INSERT INTO audit_tip (id, last_id, last_hmac, tip_mac) "
	    "VALUES (1, ?1, ?2, ?3) ON CONFLICT (id) DO UPDATE SET "
	    "last_id = excluded.last_id, last_hmac = excluded.last_hmac, "
	    "tip_mac = excluded.tip_mac",
	[STMT_AUDIT_TIP_GET] =
	    "SELECT last_id, last_hmac, tip_mac FROM audit_tip WHERE id = 1",

	[STMT_UNIT_INSERT] =
	    "INSERT INTO units (code, name, contact, created_at) "
	    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (code) DO NOTHING",
	[STMT_UNIT_GET] =
	    "SELECT code, name, contact, created_at FROM units WHERE code = ?1",
	[STMT_UNIT_LIST] =
	    "SELECT code, name, contact, created_at FROM units "
	    "ORDER BY code LIMIT ?1 OFFSET ?2",
	[STMT_KB_INSERT] =
	    "INSERT INTO kb (keywords, answer, unit, updated_at) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[STMT_KB_UPDATE] =
	    "UPDATE kb SET keywords = COALESCE(?2, keywords), "
	    "answer = COALESCE(?3, answer), unit = CASE WHEN ?4 IS NULL "
	    "THEN unit ELSE NULLIF(?4, '') END, updated_at = ?5 WHERE id = ?1",
	[STMT_KB_GET] =
	    "SELECT id, keywords, answer, COALESCE(unit, ''), updated_at "
	    "FROM kb WHERE id = ?1",
	[STMT_KB_LIST] =
	    "SELECT id, keywords, answer, COALESCE(unit, ''), updated_at "
	    "FROM kb WHERE ?1 = 0 OR updated_at < ?1 "
	    "ORDER BY id LIMIT ?2 OFFSET ?3",

	/* SET expressions see the old row: due_original keeps the first due */
	[STMT_CASE_CHANGE] =
	    "UPDATE cases SET state = ?3, "
	    "unit = CASE WHEN ?4 IS NULL THEN unit ELSE NULLIF(?4, '') END, "
	    "dispatched_at = CASE WHEN ?5 = 0 THEN dispatched_at ELSE ?5 END, "
	    "due_original = CASE WHEN ?16 IS NOT NULL THEN NULLIF(?16, '') "
	    "WHEN ?6 IS NOT NULL AND due_original IS NULL "
	    "THEN due ELSE due_original END, due = COALESCE(?6, due), "
	    "category = COALESCE(?15, category), "
	    "extensions = extensions + ?7, late_returns = late_returns + ?8, "
	    "supervised = CASE WHEN ?9 < 0 THEN supervised ELSE ?9 END, "
	    "supervision = COALESCE(?10, supervision), "
	    "result = COALESCE(?11, result), closed_at = CASE WHEN ?12 < 0 "
	    "THEN closed_at WHEN ?12 = 0 THEN NULL ELSE ?12 END, "
	    "rehandled = CASE WHEN ?13 < 0 THEN rehandled ELSE ?13 END, "
	    "updated_at = ?14 WHERE id = ?1 AND state = ?2",
	[STMT_CASE_RESULT_CUT] = "UPDATE cases SET result_cut = ?2 WHERE id = ?1",
	[STMT_CASE_FLAGS] = "UPDATE cases SET flags = flags | ?2 WHERE id = ?1",
	[STMT_CASE_CONFIDENTIAL] =
	    "UPDATE cases SET confidential = ?2 WHERE id = ?1",
	[STMT_CASE_OPTOUT] =
	    "SELECT EXISTS (SELECT 1 FROM optout o JOIN cases c "
	    "ON o.msisdn_hash = c.msisdn_hash WHERE c.id = ?1)",
	[STMT_CASE_MSISDN] = "SELECT msisdn_enc FROM cases WHERE id = ?1",
	[STMT_CASE_UNASSIGN] =
	    "UPDATE case_units SET active = 0 WHERE case_id = ?1 AND active = 1",
	[STMT_CASE_ASSIGN] =
	    "INSERT INTO case_units (case_id, unit, role, assigned_at, active) "
	    "VALUES (?1, ?2, ?3, ?4, 1)",
	[STMT_CASE_UNIT_ROLE] =
	    "SELECT MIN(role) FROM case_units "
	    "WHERE case_id = ?1 AND unit = ?2 AND active = 1",
	[STMT_CASE_COUNITS] =
	    "SELECT unit FROM case_units WHERE case_id = ?1 AND active = 1 "
	    "AND role = 2 ORDER BY id LIMIT ?2",
	[STMT_CASE_SEARCH] =
	    "SELECT " CASE_COLS " FROM cases WHERE " CASE_FILTERS CASE_PAGE,
	/* newest first in the chain's own order: no sort per text */
	[STMT_CASE_BY_MSISDN] =
	    CHAIN_CASES("?1", CHAIN_SINCE) "SELECT " CASE_COLS " FROM chain "
	    "JOIN cases ON cases.id = chain.cid WHERE received_at >= ?2 "
	    "AND (?3 IS NULL OR category = ?3) "
	    "AND (?4 IS NULL OR state = ?4) LIMIT ?5",
	[STMT_CASE_BY_CATEGORY] =
	    "SELECT " CASE_COLS " FROM cases WHERE category = ?1 "
	    "AND received_at >= ?2 ORDER BY id DESC LIMIT ?3",
	[STMT_HIST_AUDIT] =
	    "SELECT id, at, action, actor, detail, 0, NULL, 0, 0 FROM audit "
	    "WHERE case_id = ?1 ORDER BY id",
	[STMT_HIST_IN] =
	    "SELECT g, MIN(at), 'in', NULL, group_concat(text, ''), 0, NULL, "
	    "0, 0 FROM (SELECT COALESCE(group_id, id) AS g, received_at AS at, "
	    "text FROM inbound WHERE case_id = ?1 ORDER BY g, concat_seq) "
	    "WHERE g NOT IN (SELECT inbound_id FROM supplements "
	    "WHERE case_id = ?1 AND inbound_id IS NOT NULL) GROUP BY g "
	    "UNION ALL SELECT id, received_at, 'supplement', NULL, text, 0, "
	    "NULL, 0, 0 FROM supplements WHERE case_id = ?1 ORDER BY 2, 1",
	[STMT_HIST_OUT] =
	    "SELECT id, created_at, kind, NULL, text, state, receipt_stat, "
	    "COALESCE(receipt_at, 0), attempts FROM outbox "
	    "WHERE case_id = ?1 ORDER BY id",

	[STMT_COUNTER_GET] = "SELECT value FROM counters WHERE name = ?1",
	[STMT_COUNTER_SET] =
	    "INSERT INTO counters (name, value) VALUES (?1, ?2) "
	    "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
	[STMT_SURVEY_EXT_USED] =
	    "SELECT 1 FROM surveys WHERE ext = ?1 AND state <= 2",
	[STMT_SURVEY_INSERT] =
	    "INSERT INTO surveys (case_id, round, ext, state, created_at, "
	    "sent_at, remind_at, expire_at) VALUES (?1, ?2, ?3, 0, ?4, ?5, "
	    "NULLIF(?6, 0), ?7) ON CONFLICT (case_id, round) DO NOTHING",
	[STMT_SURVEY_BY_ID] =
	    "SELECT " SURVEY_COLS " FROM surveys s JOIN cases c "
	    "ON c.id = s.case_id WHERE s.id = ?1",
	[STMT_SURVEY_BY_EXT] =
	    "SELECT " SURVEY_COLS " FROM surveys s JOIN cases c "
	    "ON c.id = s.case_id WHERE s.ext = ?1 AND s.state <= 2 "
	    "AND c.msisdn_hash = ?2",
	[STMT_SURVEY_OPEN] =
	    CHAIN_CASES("?1", "") "SELECT " SURVEY_COLS " FROM chain "
	    "JOIN surveys s ON s.case_id = chain.cid JOIN cases c "
	    "ON c.id = s.case_id WHERE s.state <= 2 "
	    "ORDER BY s.id DESC LIMIT ?2",
	[STMT_SURVEY_REPLY] =
	    "UPDATE surveys SET state = CASE WHEN ?2 > 0 THEN 3 ELSE 2 END, "
	    "score = NULLIF(?2, 0), raw = ?3, comment = ?4, "
	    "unclear = unclear + (?2 = 0), "
	    "answered_at = CASE WHEN ?2 > 0 THEN ?5 ELSE answered_at END "
	    "WHERE id = ?1 AND state <= 2",
	[STMT_SURVEY_CASE] =
	    "UPDATE cases SET survey_state = ?2, "
	    "survey_score = COALESCE(?3, survey_score), "
	    "survey_raw = COALESCE(?4, survey_raw), "
	    "survey_comment = COALESCE(?5, survey_comment), "
	    "survey_answered_at = COALESCE(?6, survey_answered_at), "
	    "survey_ext = COALESCE(?7, survey_ext), "
	    "survey_sent_at = COALESCE(?8, survey_sent_at), "
	    "survey_reminded_at = COALESCE(?9, survey_reminded_at) "
	    "WHERE id = (SELECT case_id FROM surveys WHERE id = ?1)",
	[STMT_SURVEY_REMINDED] =
	    "UPDATE surveys SET state = 1, reminded_at = ?2 "
	    "WHERE id = ?1 AND state = 0",
	[STMT_SURVEY_EXPIRE] =
	    "UPDATE surveys SET state = 4, expired_at = ?2 "
	    "WHERE id = ?1 AND state <= 2",
	[STMT_SURVEY_DUE] =
	    "SELECT id FROM surveys WHERE state <= 2 AND (expire_at <= ?1 "
	    "OR (state = 0 AND remind_at IS NOT NULL AND remind_at <= ?1)) "
	    "ORDER BY MIN(expire_at, COALESCE(remind_at, expire_at)), id "
	    "LIMIT ?2",
	[STMT_SURVEY_NEXT] =
	    "SELECT MIN(CASE WHEN state = 0 AND remind_at IS NOT NULL "
	    "THEN MIN(remind_at, expire_at) ELSE expire_at END) "
	    "FROM surveys WHERE state <= 2",

	/*
	 * What the "messages" audit events digest (store.h): the columns a
	 * row never changes after its insert, after it was sent, or after
	 * its final outcome.  Numbers only as blob and keyed hash.
	 */
	[STMT_MSG_IN] =
	    "SELECT id, group_id, smsc, smsc_msgid, source_enc, source_hash, "
	    "dest, data_coding, esm_class, raw, text, concat_ref, "
	    "concat_total, concat_seq, received_at FROM inbound "
	    "WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
	[STMT_MSG_OUT] =
	    "SELECT id, case_id, inbound_id, kind, msisdn_enc, msisdn_hash, "
	    "source, text, priority, created_at, expire_at FROM outbox "
	    "WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
	[STMT_MSG_SENT] =
	    "SELECT id, state >= 2, attempts, submitted_at, smsc, smsc_msgid "
	    "FROM outbox WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
	[STMT_MSG_FINAL] =
	    "SELECT id, state, receipt_stat, receipt_err, receipt_at, "
	    "last_error FROM outbox WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
	[STMT_MSG_IN_MAX] = "SELECT COALESCE(MAX(id), 0) FROM inbound",
	[STMT_MSG_OUT_MAX] = "SELECT COALESCE(MAX(id), 0) FROM outbox",
	[STMT_MSG_OUT_STATES] =
	    "SELECT id, state FROM outbox WHERE id >= ?1 AND state >= 2 "
	    "ORDER BY id",
	[STMT_COVER_GET] =
	    "SELECT in_first, out_first, event FROM audit_cover WHERE id = 1",
	[STMT_COVER_SET] = "UPDATE audit_cover SET event = ?1 WHERE id = 1",

	[STMT_LABEL_INSERT] =
	    "INSERT INTO case_labels (case_id, category, previous, actor, "
	    "reason, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	/* each case's latest label; no number, no confidential text */
	[STMT_LABEL_EXPORT] =
	    "SELECT l.id, c.number, l.category, l.previous, l.actor, l.at, "
	    "c.text FROM case_labels l JOIN cases c ON c.id = l.case_id "
	    "WHERE l.id > ?1 AND c.confidential = 0 AND l.id = "
	    "(SELECT MAX(m.id) FROM case_labels m WHERE m.case_id = l.case_id) "
	    "ORDER BY l.id LIMIT ?2",
	/* cases_category (category, received_at, id) gives this order */
	[STMT_QUEUE] =
	    "SELECT " CASE_COLS " FROM cases "
	    "WHERE category = 'unclassified' AND closed_at IS NULL "
	    "ORDER BY received_at, id LIMIT ?1 OFFSET ?2",
	[STMT_QUEUE_STATS] =
	    "SELECT COUNT(*), COALESCE(MIN(received_at), 0) FROM cases "
	    "WHERE category = 'unclassified' AND closed_at IS NULL",
	[STMT_ALERT_INSERT] =
	    "INSERT INTO alerts (at, verdict, channel, word, msisdn_enc, "
	    "msisdn_hash, msisdn_mask, inbound_id, case_id, refusal_id, "
	    "logged_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?1)",
	[STMT_ALERT_GET] = "SELECT " ALERT_COLS " WHERE a.id = ?1",
	[STMT_ALERT_LIST] = "SELECT " ALERT_COLS " WHERE ?1 = 0 OR "
	    "a.acked_at IS NULL ORDER BY a.id DESC LIMIT ?2 OFFSET ?3",
	[STMT_ALERT_ACK] =
	    "UPDATE alerts SET acked_at = ?2, acked_by = ?3, ack_note = ?4 "
	    "WHERE id = ?1 AND acked_at IS NULL",
	[STMT_ALERT_DUE] =
	    "SELECT id FROM alerts WHERE acked_at IS NULL AND logged_at <= ?1 "
	    "ORDER BY logged_at LIMIT ?2",
	[STMT_ALERT_RELOGGED] =
	    "UPDATE alerts SET logged_at = ?2, logs = logs + 1 WHERE id = ?1",
	[STMT_ALERT_OPEN] = "SELECT COUNT(*) FROM alerts WHERE acked_at IS NULL",
	[STMT_ALERT_MSISDN] = "SELECT msisdn_enc FROM alerts WHERE id = ?1",
	/*
	 * What a "cases" event digests of one case (store.h): every column
	 * of the row as v8 knows it, numbers only as blob and keyed hash,
	 * then its assignments (lead and co-units, past and present).
	 */
	[STMT_CASE_DIGEST] =
	    "SELECT id, number, category, state, confidential, msisdn_enc, "
	    "msisdn_hash, text, received_at, due, rule, flags, result, "
	    "closed_at, inbound_id, updated_at, unit, rehandled, survey_state, "
	    "survey_ext, survey_sent_at, survey_reminded_at, "
	    "survey_answered_at, survey_score, survey_raw, survey_comment, "
	    "dispatched_at, due_original, extensions, late_returns, "
	    "supervised, supervision, result_cut FROM cases WHERE id = ?1",
	[STMT_CASE_DIGEST_UNITS] =
	    "SELECT id, unit, role, assigned_at, active FROM case_units "
	    "WHERE case_id = ?1 ORDER BY id",
	[STMT_CASE_OF_UNIT] = "SELECT case_id FROM case_units WHERE id = ?1",
	[STMT_CASE_IDS] = "SELECT id FROM cases WHERE id >= ?1 ORDER BY id",
	[STMT_CASES_COVER_GET] =
	    "SELECT cases_first, 0, cases_event FROM audit_cover WHERE id = 1",
	[STMT_CASES_COVER_SET] =
	    "UPDATE audit_cover SET cases_event = ?1 WHERE id = 1",
	[STMT_BACKUP_LAST_CASE] = "SELECT coalesce(max(id), 0) FROM cases",
/*
 * the terms of the partial index cases_retention (v22), word for word;
 * named, or the planner takes cases_state for the IN on a new database
 */
#define RET_CLOSED \
	"closed_at < ?1 AND state IN ('answered', 'closed', 'final') AND " \
	"length(msisdn_enc) > 0"
	[STMT_RET_COUNT] = "SELECT count(*) FROM cases INDEXED BY "
	    "cases_retention WHERE " RET_CLOSED,
	/*
	 * the oldest closed cases not yet erased: an erased case leaves the
	 * index, so a chunk reads only what it erases (v22)
	 */
	[STMT_RET_CASES] = "SELECT id, number FROM cases INDEXED BY "
	    "cases_retention WHERE " RET_CLOSED
	    " ORDER BY closed_at, id LIMIT ?2",
	/* the case's texts, its supplements, and their other parts */
	[STMT_RET_IN_OF_CASE] =
	    "WITH f(id) AS (SELECT id FROM inbound WHERE case_id = ?1 "
	    "UNION SELECT inbound_id FROM cases WHERE id = ?1 "
	    "UNION SELECT inbound_id FROM supplements WHERE case_id = ?1) "
	    "SELECT id FROM f WHERE id IS NOT NULL UNION SELECT id FROM "
	    "inbound WHERE group_id IN (SELECT id FROM f) ORDER BY 1",
	[STMT_RET_OUT_OF_CASE] =
	    "SELECT id FROM outbox WHERE case_id = ?1 ORDER BY id",
	[STMT_RET_ERASE_CASE] =
	    "UPDATE cases SET msisdn_enc = X'', msisdn_hash = X'', text = '', "
	    "survey_raw = NULL, survey_comment = NULL WHERE id = ?1",
	[STMT_RET_ERASE_IN] =
	    "UPDATE inbound SET source_enc = X'', source_hash = X'', "
	    "raw = X'', text = '', dedupe = NULL WHERE id = ?1",
	[STMT_RET_ERASE_OUT] =
	    "UPDATE outbox SET msisdn_enc = X'', msisdn_hash = X'', "
	    "text = '' WHERE id = ?1",
	[STMT_RET_ERASE_SUPP] =
	    "UPDATE supplements SET text = '' WHERE case_id = ?1",
	[STMT_RET_ERASE_SURVEYS] =
	    "UPDATE surveys SET raw = NULL, comment = NULL WHERE case_id = ?1",
	[STMT_RET_MSG_EVENTS] =
	    "SELECT id, detail FROM audit WHERE id >= ?1 AND actor = 'store' "
	    "AND action = 'messages' ORDER BY id",
	[STMT_RET_AUDIT_MAX] = "SELECT coalesce(max(id), 0) FROM audit",
	[STMT_RET_EVENT] = "SELECT detail FROM audit WHERE id = ?1",
	[STMT_REATTEST_GET] =
	    "SELECT retention, mac FROM audit_reattest WHERE event = ?1",
	[STMT_REATTEST_SET] =
	    "INSERT OR REPLACE INTO audit_reattest (event, retention, mac) "
	    "VALUES (?1, ?2, ?3)",
#undef RET_CLOSED
	/* archtxn: is anything to expire (a read, outside any batch)? */
	[STMT_OUT_EXPIRING] =
	    "SELECT 1 FROM outbox WHERE state = 0 AND expire_at IS NOT NULL "
	    "AND expire_at <= ?1 LIMIT 1",
	/*
	 * observe (v13): each count walks a partial index (outbox_queued,
	 * outbox_inflight, outbox_held, surveys_open, cases_open_due) or
	 * today's rows from the newest back, never a whole table.
	 */
	[STMT_OBS_OUTBOX] =
	    "SELECT (SELECT COUNT(*) FROM outbox WHERE state = 0), "
	    "(SELECT COUNT(*) FROM outbox WHERE state = 1), "
	    "(SELECT COUNT(*) FROM outbox WHERE state = -1), "
	    "COALESCE((SELECT created_at FROM outbox WHERE id = "
	    /* the queue's own index: MIN(id) by rowid walks every sent row */
	    "(SELECT MIN(id) FROM outbox INDEXED BY outbox_queued "
	    "WHERE state = 0)), 0)",
	[STMT_OBS_COUNTS] =
	    "SELECT (SELECT COUNT(*) FROM surveys WHERE state <= 2), "
	    "(SELECT COUNT(*) FROM cases WHERE closed_at IS NULL AND due < ?1)",
	/* today's rows: from the newest back to the first of an older day */
	[STMT_OBS_TODAY] =
	    "SELECT (SELECT COUNT(*) FROM cases WHERE id > COALESCE((SELECT id "
	    "FROM cases WHERE received_at < ?1 ORDER BY id DESC LIMIT 1), 0)), "
	    "(SELECT COUNT(*) FROM refusals WHERE id > COALESCE((SELECT id FROM "
	    "refusals WHERE at < ?1 ORDER BY id DESC LIMIT 1), 0))",
	[STMT_OBS_LIST] = "SELECT " OBS_COLS " WHERE o.state = ?3 AND "
	    "o.id > ?1 ORDER BY o.id LIMIT ?2",
	[STMT_OBS_LIST_WAITING] = "SELECT " OBS_COLS " WHERE (o.state = 0 OR "
	    "o.state = 1 OR o.state = -1) AND o.id > ?1 ORDER BY o.id LIMIT ?2",
	[STMT_OBS_GET] = "SELECT " OBS_COLS " WHERE o.id = ?1",
	[STMT_OBS_HOLD] =
	    "UPDATE outbox SET state = -1 WHERE id = ?1 AND state = 0",
	[STMT_OBS_RELEASE] =
	    "UPDATE outbox SET state = 0 WHERE id = ?1 AND state = -1",
	[STMT_OBS_RETRY] =
	    "UPDATE outbox SET next_attempt_at = MIN(next_attempt_at, ?2) "
	    "WHERE id = ?1 AND state = 0",
	[STMT_OBS_CANCEL] =
	    "UPDATE outbox SET state = 6, last_error = ?2 "
	    "WHERE id = ?1 AND state IN (0, -1)",
	[STMT_STATS_TOTAL] = "SELECT '', " STATS_COLS STATS_PERIOD,
	[STMT_STATS_CATEGORY] = STATS_BY("category"),
	[STMT_STATS_UNIT] = STATS_BY("COALESCE(unit, '')"),
	[STMT_STATS_CHANNEL] = STATS_BY("channel"),
	[STMT_STATS_DAY] = STATS_BY(STATS_LOCALDATE("received_at")),
	[STMT_STATS_REFUSED] =
	    "SELECT reason, COUNT(*) FROM refusals WHERE at >= ?1 AND at < ?2 "
	    "GROUP BY 1 ORDER BY 2 DESC, 1",
	[STMT_STATS_REFUSED_DAY] =
	    "SELECT " STATS_LOCALDATE("at") ", COUNT(*) FROM refusals "
	    "WHERE at >= ?1 AND at < ?2 GROUP BY 1 ORDER BY 1",
	[STMT_STATS_SUPERVISION] =
	    "SELECT COALESCE(" STATS_JSON("reason") ", 'other'), "
	    "COUNT(DISTINCT a.case_id) FROM cases JOIN audit a "
	    "ON a.case_id = cases.id AND a.action = 'case.supervise' "
	    "WHERE received_at >= ?1 AND received_at < ?2 "
	    "GROUP BY 1 ORDER BY 2 DESC, 1",
	[STMT_STATS_NOW] =
	    "SELECT 'now', (SELECT COUNT(*) FROM cases WHERE closed_at IS NULL "
	    "AND due < ?3), (SELECT COUNT(*) FROM cases WHERE "
	    "category = 'unclassified' AND closed_at IS NULL), "
	    "(SELECT COUNT(*) FROM alerts WHERE at >= ?1 AND at < ?2), "
	    "(SELECT COUNT(*) FROM alerts WHERE acked_at IS NULL), "
	    "(SELECT COUNT(*) FROM cases WHERE closed_at IS NULL)",
	[STMT_STATS_UNITS] =
	    "SELECT u.code, u.name, " 
	    "COALESCE(g.n, 0), COALESCE(g.closed, 0), COALESCE(g.ontime, 0), "
	    "COALESCE(g.ext, 0), COALESCE(g.sup, 0), COALESCE(g.reh, 0), "
	    "COALESCE(g.resp, 0), COALESCE(g.s1, 0), COALESCE(g.s2, 0), "
	    "COALESCE(g.s3, 0), COALESCE(g.late, 0) FROM units u LEFT JOIN "
	    "(SELECT unit, COUNT(*) AS n, SUM(closed_at IS NOT NULL) AS closed, "
	    "SUM(closed_at IS NOT NULL AND (due IS NULL OR "
	    STATS_LOCALDATE("closed_at") " <= due)) AS ontime, "
	    "SUM(extensions > 0) AS ext, SUM(supervised = 1 OR EXISTS "
	    "(SELECT 1 FROM audit a WHERE a.case_id = cases.id "
	    "AND a.action = 'case.supervise')) AS sup, SUM(rehandled != 0) AS reh, "
	    "SUM(survey_score BETWEEN 1 AND 3) AS resp, "
	    "SUM(survey_score = 1) AS s1, SUM(survey_score = 2) AS s2, "
	    "SUM(survey_score = 3) AS s3, "
	    "SUM(closed_at IS NULL AND due < ?3) AS late" STATS_PERIOD
	    " AND unit IS NOT NULL GROUP BY unit) g ON g.unit = u.code "
	    "ORDER BY u.code",
	[STMT_STATS_UNIT_RETURNS] =
	    "SELECT " STATS_JSON("unit") ", COUNT(*) FROM cases "
	    "JOIN audit a ON a.case_id = cases.id AND a.action = 'case.return' "
	    "WHERE received_at >= ?1 AND received_at < ?2 GROUP BY 1",
	[STMT_STATS_UNIT_CLOSE] =
	    "SELECT unit, " STATS_LOCALDATE("dispatched_at") ", "
	    STATS_LOCALDATE("closed_at") ", COUNT(*)" STATS_PERIOD
	    " AND unit IS NOT NULL AND closed_at IS NOT NULL "
	    "AND dispatched_at IS NOT NULL GROUP BY 1, 2, 3",
	[STMT_STATS_OVERDUE] =
	    "SELECT number, category, COALESCE(unit, ''), state, due, "
	    "received_at, supervised FROM cases WHERE closed_at IS NULL "
	    "AND due < ?3 AND ?1 >= 0 AND ?2 >= 0 ORDER BY due, id LIMIT ?4",
	[STMT_STATS_SUPERVISED] =
	    "SELECT number, category, COALESCE(unit, ''), state, "
	    "COALESCE(" STATS_JSON("reason") ", 'other'), a.at "
	    "FROM cases JOIN audit a ON a.case_id = cases.id "
	    "AND a.action = 'case.supervise' WHERE received_at >= ?1 "
	    "AND received_at < ?2 AND ?3 IS NOT NULL ORDER BY a.id LIMIT ?4",
	[STMT_STATS_TOP] =
	    "SELECT COALESCE(rule, ''), category, COUNT(*)" STATS_PERIOD
	    " AND ?3 IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT ?4",
	[STMT_PUBLISH] =
	    "SELECT c.number, c.received_at, c.closed_at, c.category, "
	    "COALESCE(u.name, ''), c.text, COALESCE(c.result, ''), c.state "
	    "FROM cases c LEFT JOIN units u ON u.code = c.unit "
	    "WHERE c.closed_at >= ?1 AND c.closed_at < ?2 AND ?3 IS NOT NULL "
	    "AND c.confidential = 0 AND c.nopublish = 0 "
	    "AND c.state IN ('answered', 'closed', 'final') "
	    "ORDER BY c.closed_at, c.id LIMIT ?4",
	/*
	 * Art. 23: overdue without reason is late (open past due, or closed
	 * after it) without an extension; the result not delivered is
	 * STORE_CF_NOTIFY_FAILED (4), repeated STORE_CF_REPEATED (2).
	 */
	[STMT_STATS_FLAGS] =
	    "SELECT COALESCE(unit, ''), SUM(rehandled != 0), "
	    "SUM(" STATS_UNEXCUSED "), SUM((flags & 4) != 0), "
	    "SUM((flags & 2) != 0)" STATS_PERIOD " GROUP BY 1 ORDER BY 1",
	[STMT_STATS_FLAG_RETURNS] =
	    "SELECT " STATS_JSON("unit") ", COUNT(*) FROM cases "
	    "JOIN audit a ON a.case_id = cases.id AND a.action = 'case.return' "
	    "WHERE received_at >= ?1 AND received_at < ?2 AND ?3 IS NOT NULL "
	    "AND " STATS_JSON("late") " = 1 GROUP BY 1",
	[STMT_STATS_KB_STALE] =
	    "SELECT COALESCE(unit, ''), COUNT(*) FROM kb WHERE updated_at < ?1 "
	    "AND ?2 >= 0 AND ?3 IS NOT NULL GROUP BY 1 ORDER BY 1",
	[STMT_STATS_FLAGGED] =
	    "SELECT number, category, COALESCE(unit, ''), state, "
	    "COALESCE(due, ''), rehandled != 0, " STATS_UNEXCUSED ", "
	    "(flags & 4) != 0, (flags & 2) != 0, EXISTS (SELECT 1 FROM audit a "
	    "WHERE a.case_id = cases.id AND a.action = 'case.return' "
	    "AND " STATS_JSON("late") " = 1)" STATS_PERIOD
	    " AND (rehandled != 0 OR (flags & 6) != 0 OR " STATS_UNEXCUSED
	    " OR EXISTS (SELECT 1 FROM audit a WHERE a.case_id = cases.id "
	    "AND a.action = 'case.return' AND " STATS_JSON("late")
	    " = 1)) ORDER BY id LIMIT ?4",
	/* cases from the other channels (v20, store_import.c) */
	[STMT_IMPORT_FIND] =
	    "SELECT case_id FROM case_imports "
	    "WHERE channel = ?1 AND external_id = ?2",
	[STMT_IMPORT_INSERT] =
	    "INSERT INTO case_imports (channel, external_id, case_id, at) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[STMT_CASE_SET_CHANNEL] = "UPDATE cases SET channel = ?2 WHERE id = ?1",
	[STMT_CASE_ORIGIN] =
	    "SELECT c.channel, i.external_id FROM cases c LEFT JOIN "
	    "case_imports i ON i.case_id = c.id WHERE c.id = ?1",
	/* units: notices to the units (store_notice.c, v19) */
	[STMT_CONTACT_INSERT] =
	    "INSERT INTO unit_contacts (unit, role, name, msisdn_enc, "
	    "msisdn_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
	    "ON CONFLICT DO NOTHING",
	[STMT_CONTACT_DELETE] =
	    "DELETE FROM unit_contacts WHERE id = ?1",
	[STMT_CONTACT_LIST] =
	    "SELECT id, unit, role, name, msisdn_enc, created_at "
	    "FROM unit_contacts WHERE ?1 IS NULL OR unit = ?1 "
	    "ORDER BY unit, role, id LIMIT ?2 OFFSET ?3",
	[STMT_CONTACT_ROLE] =
	    "SELECT msisdn_enc FROM unit_contacts WHERE unit = ?1 "
	    "AND role = ?2 ORDER BY id LIMIT ?3",
	[STMT_HOOK_SET] =
	    "INSERT INTO unit_hooks (unit, url, secret_enc, created_at) "
	    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (unit) DO UPDATE SET "
	    "url = excluded.url, secret_enc = excluded.secret_enc, "
	    "created_at = excluded.created_at",
	[STMT_HOOK_GET] =
	    "SELECT url, secret_enc FROM unit_hooks WHERE unit = ?1",
	[STMT_HOOK_DELETE] =
	    "DELETE FROM unit_hooks WHERE unit = ?1",
	[STMT_NOTICE_INSERT] =
	    "INSERT INTO notices (case_id, unit, kind, ref, at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
	[STMT_NOTICE_SMS] =
	    "UPDATE notices SET sms = sms + ?2 WHERE id = ?1",
	[STMT_WEBHOOK_INSERT] =
	    "INSERT INTO webhooks (notice_id, unit, body, next_at) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[STMT_WEBHOOK_NEXT] =
	    "SELECT id, notice_id, unit, body, attempts FROM webhooks "
	    "WHERE state = 0 AND next_at <= ?1 ORDER BY next_at, id LIMIT 1",
	[STMT_WEBHOOK_RESULT] =
	    "UPDATE webhooks SET state = ?2, attempts = attempts + 1, "
	    "next_at = ?3, status = ?4, done_at = CASE WHEN ?2 != 0 "
	    "THEN ?5 END WHERE id = ?1 AND state = 0",
	[STMT_WEBHOOK_LIST] =
	    "SELECT w.id, w.notice_id, w.unit, n.kind, c.number, w.state, "
	    "w.attempts, w.next_at, COALESCE(w.status, 0) FROM webhooks w "
	    "JOIN notices n ON n.id = w.notice_id JOIN cases c ON "
	    "c.id = n.case_id WHERE ?1 IS NULL OR w.unit = ?1 "
	    "ORDER BY w.id DESC LIMIT ?2",

	/* approve (store_ext.c, v21) */
#define EXT_COLS \
	"e.id, e.case_id, c.number, e.unit, e.actor, e.reason, " \
	"e.due_before, e.due, e.days, e.state, e.requested_at, " \
	"COALESCE(e.decided_at, 0), e.decided_by, e.decision, c.state " \
	"FROM extension_requests e JOIN cases c ON c.id = e.case_id"
	[STMT_EXT_INSERT] =
	    "INSERT OR IGNORE INTO extension_requests (case_id, unit, actor, "
	    "reason, due_before, due, days, requested_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[STMT_EXT_GET] = "SELECT " EXT_COLS " WHERE e.id = ?1",
	[STMT_EXT_PENDING] = "SELECT " EXT_COLS
	    " WHERE e.case_id = ?1 AND e.state = 'pending'",
	/* newest first, a page before ?4 (0: from the newest) */
	[STMT_EXT_LIST] = "SELECT " EXT_COLS
	    " WHERE (?1 IS NULL OR e.state = ?1) AND (?2 IS NULL OR "
	    "e.unit = ?2) AND (?4 <= 0 OR e.id < ?4) ORDER BY e.id DESC "
	    "LIMIT ?3",
	[STMT_EXT_DECIDE] =
	    "UPDATE extension_requests SET state = ?2, decided_at = ?3, "
	    "decided_by = ?4, decision = ?5 "
	    "WHERE id = ?1 AND state = 'pending'",
	[STMT_EXT_GRANTED] =
	    "SELECT COUNT(*) FROM extension_requests WHERE case_id = ?1 "
	    "AND state = 'approved' AND requested_at >= ?2",
	[STMT_DISCLOSE_GET] =
	    "SELECT confidential, COALESCE(confidential_by, 'citizen'), "
	    "nopublish FROM cases WHERE id = ?1",
	[STMT_DISCLOSE_SET] =
	    "UPDATE cases SET confidential = ?2, confidential_by = ?3, "
	    "nopublish = ?4 WHERE id = ?1",

	/* scans in slices and the case list's indexes (v18, issue 17) */
	/*
	 * cases_overdue's own terms: supervised as overdue, it is done.  In
	 * the notice page's seek form (below): a case overdue but not yet
	 * to escalate (escalate-after) stays in the index, and the row value
	 * (due, id) > (?2, ?3) read the cursor's whole day again each slice
	 * (bench/queries -s -e 3: 28,000 VM steps a slice, 13 ms at p99)
	 */
	[STMT_CASE_OVERDUE_PAGE] =
	    "SELECT " CASE_COLS " FROM cases INDEXED BY cases_overdue "
	    "WHERE closed_at IS NULL AND (supervised = 0 OR supervision IS "
	    "NOT 'overdue') AND due = ?2 AND id > ?3 UNION ALL "
	    "SELECT " CASE_COLS " FROM cases INDEXED BY cases_overdue "
	    "WHERE closed_at IS NULL AND (supervised = 0 OR supervision IS "
	    "NOT 'overdue') AND due > ?2 AND due < ?1 "
	    "ORDER BY due, id LIMIT ?4",
	/*
	 * the units' notice scan: every open case due before ?1.  The rest
	 * of (?2, ?3)'s day, then the later days: SQLite walks (due, id) >
	 * (?2, ?3) from the first case of that day on, and a day holds
	 * thousands (flat2: 0.4 s a pass at 12,000 cases due)
	 */
	[STMT_CASE_NOTICE_PAGE] =
	    "SELECT " CASE_COLS " FROM cases INDEXED BY cases_open_due "
	    "WHERE closed_at IS NULL AND due = ?2 AND id > ?3 UNION ALL "
	    "SELECT " CASE_COLS " FROM cases INDEXED BY cases_open_due "
	    "WHERE closed_at IS NULL AND due > ?2 AND due < ?1 "
	    "ORDER BY due, id LIMIT ?4",
	[STMT_SURVEY_DUE_PAGE] =
	    "SELECT id, " SURVEY_DUE_KEY " FROM surveys WHERE state <= 2 "
	    "AND " SURVEY_DUE_KEY " <= ?1 AND (" SURVEY_DUE_KEY ", id) > "
	    "(?2, ?3) ORDER BY " SURVEY_DUE_KEY ", id LIMIT ?4",
	/* the subquery names one column (cases' own stay unambiguous) and
	 * is flattened: case_units_active walked backwards by case_id */
	[STMT_CASE_SEARCH_UNIT] =
	    "SELECT " CASE_COLS " FROM (SELECT case_id AS cid FROM case_units "
	    "WHERE unit = ?3 AND active = 1 AND case_id < ?10) "
	    "JOIN cases ON cases.id = cid "
	    "WHERE " CASE_FILTERS " ORDER BY cid DESC LIMIT ?11 OFFSET ?12",
	/*
	 * A period: newest first by reception, in cases_received's own
	 * order (no sort of the period's cases); the keyset is the page's
	 * last case's (received_at, id), so pages follow that order.
	 */
	[STMT_CASE_SEARCH_RECEIVED] =
	    "SELECT " CASE_COLS " FROM cases WHERE received_at >= ?8 AND "
	    "received_at < ?9 AND (received_at, id) < (COALESCE((SELECT "
	    "received_at FROM cases WHERE id = ?10), 9223372036854775807), "
	    "?10) AND " CASE_FILTERS " ORDER BY received_at DESC, id DESC "
	    "LIMIT ?11 OFFSET ?12",
	/*
	 * Overdue: the open cases from the newest one overdue down (the
	 * newest open ones are not due yet), that one found in
	 * cases_open_due's range alone (its entries, no row read); one
	 * upper bound (not CASE_PAGE's as well: the planner takes one of
	 * two, and walked from the top), so that the walk starts there.
	 */
	[STMT_CASE_SEARCH_OVERDUE] =
	    "SELECT " CASE_COLS " FROM cases WHERE closed_at IS NULL AND "
	    "id <= MIN(?10 - 1, (SELECT MAX(id) FROM cases INDEXED BY "
	    "cases_open_due WHERE closed_at IS NULL AND due < ?4)) AND "
	    CASE_FILTERS " ORDER BY id DESC LIMIT ?11 OFFSET ?12",
	[STMT_CASE_SEARCH_STATE] =
	    "SELECT " CASE_COLS " FROM cases WHERE state = ?1 AND "
	    CASE_FILTERS CASE_PAGE,
	[STMT_CASE_SEARCH_OPEN] =
	    "SELECT " CASE_COLS " FROM cases WHERE closed_at IS NULL AND "
	    CASE_FILTERS CASE_PAGE,
	[STMT_CASE_SEARCH_SUPERVISED] =
	    "SELECT " CASE_COLS " FROM cases WHERE supervised = 1 AND "
	    CASE_FILTERS CASE_PAGE,
	[STMT_CASE_SEARCH_CONFIDENTIAL] =
	    "SELECT " CASE_COLS " FROM cases WHERE confidential = 1 AND "
	    CASE_FILTERS CASE_PAGE,
	/*
	 * citizens (store_citizen.c, v23): a new row takes the number's
	 * newest as its prev (?5 is the hash), then becomes the newest;
	 * retention walks a number's chains and takes the erased rows out.
	 */
	[STMT_CITIZEN_CASE_INSERT] = CASE_INSERT(", prev_case",
	    ", citizen_head(?5, 0)"),
	[STMT_CITIZEN_CASE_SET] =
	    "INSERT INTO citizens (msisdn_hash, last_case) VALUES (?1, ?2) "
	    "ON CONFLICT (msisdn_hash) DO UPDATE SET "
	    "last_case = excluded.last_case",
	[STMT_CITIZEN_OUT_INSERT] = OUT_INSERT(", prev_out",
	    ", citizen_head(?5, 1)"),
	[STMT_CITIZEN_OUT_SET] =
	    "INSERT INTO citizens (msisdn_hash, last_out) VALUES (?1, ?2) "
	    "ON CONFLICT (msisdn_hash) DO UPDATE SET "
	    "last_out = excluded.last_out",
	[STMT_CITIZEN_CASE_CHAIN] =
	    CHAIN_CASES("?1", "") "SELECT cid, prev, kept FROM chain",
	[STMT_CITIZEN_OUT_CHAIN] =
	    CHAIN_OUT("") "SELECT oid, prev, kept FROM chain",
	[STMT_CITIZEN_CASE_PREV] =
	    "UPDATE cases SET prev_case = NULLIF(?2, 0) WHERE id = ?1",
	[STMT_CITIZEN_OUT_PREV] =
	    "UPDATE outbox SET prev_out = NULLIF(?2, 0) WHERE id = ?1",
	[STMT_CITIZEN_HEADS] =
	    "UPDATE citizens SET last_case = NULLIF(?2, 0), "
	    "last_out = NULLIF(?3, 0) WHERE msisdn_hash = ?1",
	[STMT_CITIZEN_DROP] =
	    "DELETE FROM citizens WHERE msisdn_hash = ?1 "
	    "AND last_case IS NULL AND last_out IS NULL",
	[STMT_CITIZEN_CASE_HASH] =
	    "SELECT msisdn_hash, prev_case FROM cases WHERE id = ?1",
	[STMT_CITIZEN_OUT_HASH] =
	    "SELECT msisdn_hash, prev_out FROM outbox WHERE id = ?1",
	/*
	 * the row after ?1 in its number's chain, if it is among the next
	 * CITIZEN_NEAR rows (a number's rows come close together: the SMS
	 * of one case, a duty phone's notices); else the chain's walk
	 */
#define CITIZEN_NEAR	"64"
	[STMT_CITIZEN_CASE_NEXT] =
	    "SELECT id FROM cases WHERE id > ?1 AND id <= ?1 + " CITIZEN_NEAR
	    " AND prev_case = ?1 LIMIT 1",
	[STMT_CITIZEN_OUT_NEXT] =
	    "SELECT id FROM outbox WHERE id > ?1 AND id <= ?1 + " CITIZEN_NEAR
	    " AND prev_out = ?1 LIMIT 1",
#undef CITIZEN_NEAR
	[STMT_CITIZEN_GET] =
	    "SELECT COALESCE(last_case, 0), COALESCE(last_out, 0) "
	    "FROM citizens WHERE msisdn_hash = ?1",
	/*
	 * The citizens map (store_citmap.c, v24): citizen_head()'s own
	 * lookup, a pass's write (never to an older head: 0 keeps the one
	 * citizens holds, and so does a newer one another process wrote),
	 * the highest ids (at each batch's begin), the mark (it only
	 * grows), and the rows above an id.
	 */
	[STMT_CITIZEN_LOOK] =
	    "SELECT COALESCE(last_case, 0), COALESCE(last_out, 0) "
	    "FROM citizens WHERE msisdn_hash = ?1",
	[STMT_CITIZEN_PUT] =
	    "INSERT INTO citizens (msisdn_hash, last_case, last_out) "
	    "VALUES (?1, NULLIF(?2, 0), NULLIF(?3, 0)) "
	    "ON CONFLICT (msisdn_hash) DO UPDATE SET "
	    "last_case = NULLIF(max(?2, COALESCE(last_case, 0)), 0), "
	    "last_out = NULLIF(max(?3, COALESCE(last_out, 0)), 0)",
	[STMT_CITIZEN_MAX] =
	    "SELECT (SELECT COALESCE(max(id), 0) FROM cases), "
	    "(SELECT COALESCE(max(id), 0) FROM outbox)",
	[STMT_CITIZEN_MARK_GET] =
	    "SELECT last_case, last_out FROM citizens_mark",
	[STMT_CITIZEN_MARK_SET] =
	    "UPDATE citizens_mark SET last_case = max(last_case, ?1), "
	    "last_out = max(last_out, ?2)",
	[STMT_CITIZEN_CASES_ABOVE] =
	    "SELECT id, msisdn_hash FROM cases WHERE id > ?1 ORDER BY id",
	[STMT_CITIZEN_OUT_ABOVE] =
	    "SELECT id, msisdn_hash FROM outbox WHERE id > ?1 ORDER BY id",
};

/* The schema version a statement needs; 0 means v1. */
const int store_sql_min[STMT_MAX] = {
	[STMT_CASE_BY_NUMBER] = 3,	/* CASE_COLS reads v3 columns */
	[STMT_CASE_BY_ID] = 3,
	[STMT_CASE_OPEN] = 23,		/* a number's rows: citizens (v23) */
	[STMT_OUT_NEXT] = 23,
	[STMT_OUT_NEXT_TIME] = 23,
	[STMT_CASE_COUNT] = 23,
	[STMT_OUT_COUNT] = 23,
	[STMT_OUT_COUNT_LIMIT] = 23,
	[STMT_SURVEY_BY_EXT_ANY] = 23,
	[STMT_CASE_BY_MSISDN] = 23,
	[STMT_SURVEY_OPEN] = 23,
	[STMT_AUDIT_LAST] = 2,
	[STMT_AUDIT_INSERT] = 2,
	[STMT_AUDIT_ALL] = 2,
	/* and every statement from STMT_AUDIT_TIP_SET on: see store_open() */
	[STMT_COVER_GET] = 6,
	[STMT_COVER_SET] = 6,
	[STMT_LABEL_INSERT] = 10,
	[STMT_LABEL_EXPORT] = 10,
	[STMT_QUEUE] = 10,
	[STMT_QUEUE_STATS] = 10,
	[STMT_ALERT_INSERT] = 9,
	[STMT_ALERT_GET] = 9,
	[STMT_ALERT_LIST] = 9,
	[STMT_ALERT_ACK] = 9,
	[STMT_ALERT_DUE] = 9,
	[STMT_ALERT_RELOGGED] = 9,
	[STMT_ALERT_OPEN] = 9,
	[STMT_ALERT_MSISDN] = 9,
	[STMT_CASE_DIGEST] = 8,
	[STMT_CASE_DIGEST_UNITS] = 8,
	[STMT_CASE_OF_UNIT] = 8,
	[STMT_CASE_IDS] = 8,
	[STMT_CASES_COVER_GET] = 8,
	[STMT_CASES_COVER_SET] = 8,
	[STMT_CASE_OVERDUE_PAGE] = 18,	/* INDEXED BY cases_overdue */
	[STMT_RET_COUNT] = 22,		/* INDEXED BY cases_retention */
	[STMT_RET_CASES] = 22,
	[STMT_RET_IN_OF_CASE] = 14,
	[STMT_RET_OUT_OF_CASE] = 14,
	[STMT_RET_ERASE_CASE] = 14,
	[STMT_RET_ERASE_IN] = 14,
	[STMT_RET_ERASE_OUT] = 14,
	[STMT_RET_ERASE_SUPP] = 14,
	[STMT_RET_ERASE_SURVEYS] = 14,
	[STMT_RET_MSG_EVENTS] = 14,
	[STMT_RET_AUDIT_MAX] = 14,
	[STMT_RET_EVENT] = 14,
	[STMT_REATTEST_GET] = 14,
	[STMT_REATTEST_SET] = 14,
	[STMT_OBS_OUTBOX] = 13,
	[STMT_OBS_COUNTS] = 13,
	[STMT_OBS_TODAY] = 13,
	[STMT_OBS_LIST] = 13,
	[STMT_OBS_LIST_WAITING] = 13,
	[STMT_OBS_GET] = 13,
	[STMT_OBS_HOLD] = 13,
	[STMT_OBS_RELEASE] = 13,
	[STMT_OBS_RETRY] = 13,
	[STMT_OBS_CANCEL] = 13,
	[STMT_STATS_TOTAL] = 16,
	[STMT_STATS_CATEGORY] = 16,
	[STMT_STATS_UNIT] = 16,
	[STMT_STATS_CHANNEL] = 16,
	[STMT_STATS_DAY] = 16,
	[STMT_STATS_REFUSED] = 16,
	[STMT_STATS_REFUSED_DAY] = 16,
	[STMT_STATS_SUPERVISION] = 16,
	[STMT_STATS_NOW] = 16,
	[STMT_STATS_UNITS] = 16,
	[STMT_STATS_UNIT_RETURNS] = 16,
	[STMT_STATS_UNIT_CLOSE] = 16,
	[STMT_STATS_OVERDUE] = 16,
	[STMT_STATS_SUPERVISED] = 16,
	[STMT_STATS_TOP] = 16,
	[STMT_PUBLISH] = 21,		/* approve: reads nopublish */
	[STMT_STATS_FLAGS] = 16,
	[STMT_STATS_FLAG_RETURNS] = 16,
	[STMT_STATS_KB_STALE] = 16,
	[STMT_STATS_FLAGGED] = 16,
	[STMT_IMPORT_FIND] = 20,
	[STMT_IMPORT_INSERT] = 20,
	[STMT_CASE_SET_CHANNEL] = 16,
	[STMT_CASE_ORIGIN] = 20,
	[STMT_CONTACT_INSERT] = 19,
	[STMT_CONTACT_DELETE] = 19,
	[STMT_CONTACT_LIST] = 19,
	[STMT_CONTACT_ROLE] = 19,
	[STMT_HOOK_SET] = 19,
	[STMT_HOOK_GET] = 19,
	[STMT_HOOK_DELETE] = 19,
	[STMT_NOTICE_INSERT] = 19,
	[STMT_NOTICE_SMS] = 19,
	[STMT_WEBHOOK_INSERT] = 19,
	[STMT_WEBHOOK_NEXT] = 19,
	[STMT_WEBHOOK_RESULT] = 19,
	[STMT_WEBHOOK_LIST] = 19,
	[STMT_EXT_INSERT] = 21,
	[STMT_EXT_GET] = 21,
	[STMT_EXT_PENDING] = 21,
	[STMT_EXT_LIST] = 21,
	[STMT_EXT_DECIDE] = 21,
	[STMT_EXT_GRANTED] = 21,
	[STMT_DISCLOSE_GET] = 21,
	[STMT_DISCLOSE_SET] = 21,
	[STMT_CITIZEN_CASE_INSERT] = 23,
	[STMT_CITIZEN_CASE_SET] = 23,
	[STMT_CITIZEN_OUT_INSERT] = 23,
	[STMT_CITIZEN_OUT_SET] = 23,
	[STMT_CITIZEN_CASE_CHAIN] = 23,
	[STMT_CITIZEN_OUT_CHAIN] = 23,
	[STMT_CITIZEN_CASE_PREV] = 23,
	[STMT_CITIZEN_OUT_PREV] = 23,
	[STMT_CITIZEN_HEADS] = 23,
	[STMT_CITIZEN_DROP] = 23,
	[STMT_CITIZEN_CASE_HASH] = 23,
	[STMT_CITIZEN_OUT_HASH] = 23,
	[STMT_CITIZEN_CASE_NEXT] = 23,
	[STMT_CITIZEN_OUT_NEXT] = 23,
	[STMT_CITIZEN_GET] = 23,
	[STMT_CITIZEN_LOOK] = 23,
	[STMT_CITIZEN_PUT] = 23,
	[STMT_CITIZEN_MAX] = 24,
	[STMT_CITIZEN_MARK_GET] = 24,
	[STMT_CITIZEN_MARK_SET] = 24,
	[STMT_CITIZEN_CASES_ABOVE] = 24,
	[STMT_CITIZEN_OUT_ABOVE] = 24,
};
