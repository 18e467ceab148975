/*
 * The SQLite store: schema and its upgrades (PRAGMA user_version, one
 * store_upgrade_vN() each), every statement in store_sql[] prepared once at
 * open (osmo-msc db.c), batches with a savepoint per message, and the
 * encryption of phone numbers on their way in and out.
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
#include "store_vfs.h"
#include "util.h"

#define STORE_APPLICATION_ID	0x484c4e44	/* "HLND" */

enum store_stmt {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_SAVEPOINT,
	STMT_RELEASE,
	STMT_ROLLBACK_TO,
	STMT_IN_DUP_KEY,
	STMT_IN_DUP_MSGID,
	STMT_IN_RETIRE,
	STMT_IN_OPEN_GROUP,
	STMT_IN_INSERT,
	STMT_IN_COUNT_PARTS,
	STMT_IN_COMPLETE,
	STMT_IN_GROUP,
	STMT_IN_DONE,
	STMT_IN_DONE_PARTS,
	STMT_IN_DUE,
	STMT_SEQ_GET,
	STMT_SEQ_SET,
	STMT_CASE_INSERT,
	STMT_CASE_BY_NUMBER,
	STMT_CASE_BY_ID,
	STMT_CASE_OPEN,
	STMT_CASE_COUNT,
	STMT_SUPPLEMENT_INSERT,
	STMT_REFUSAL_INSERT,
	STMT_OUT_INSERT,
	STMT_OUT_NEXT,
	STMT_OUT_NEXT_TIME,
	STMT_OUT_INFLIGHT,
	STMT_OUT_PART,
	STMT_OUT_SENT,
	STMT_OUT_SENT1,
	STMT_OUT_RETRY,
	STMT_OUT_FAIL,
	STMT_OUT_PART_FIND,
	STMT_OUT_PART_RECEIPT,
	STMT_OUT_RCPT_NOTE,
	STMT_OUT_RCPT_DELIVERED,
	STMT_OUT_RCPT_FINAL,
	STMT_OUT_RESET,
	STMT_OUT_EXPIRE,
	STMT_OUT_STATE,
	STMT_OUT_ROW,
	STMT_OUT_COUNT,
	STMT_OPTOUT_SET,
	STMT_OPTOUT_CLEAR,
	STMT_OPTOUT_HAS,
	STMT_AUDIT_LAST,		/* v2 (store_sql_min[]) */
	STMT_AUDIT_INSERT,
	STMT_AUDIT_ALL,
	STMT_AUDIT_TIP_SET,		/* v3 from here */
	STMT_AUDIT_TIP_GET,
	STMT_UNIT_INSERT,
	STMT_UNIT_GET,
	STMT_UNIT_LIST,
	STMT_KB_INSERT,
	STMT_KB_UPDATE,
	STMT_KB_GET,
	STMT_KB_LIST,
	STMT_CASE_CHANGE,
	STMT_CASE_RESULT_CUT,
	STMT_CASE_FLAGS,
	STMT_CASE_CONFIDENTIAL,
	STMT_CASE_OPTOUT,
	STMT_CASE_MSISDN,
	STMT_CASE_UNASSIGN,
	STMT_CASE_ASSIGN,
	STMT_CASE_UNIT_ROLE,
	STMT_CASE_COUNITS,
	STMT_CASE_SEARCH,
	STMT_CASE_BY_MSISDN,
	STMT_CASE_BY_CATEGORY,
	STMT_HIST_AUDIT,
	STMT_HIST_IN,
	STMT_HIST_OUT,
	STMT_COUNTER_GET,
	STMT_COUNTER_SET,
	STMT_SURVEY_EXT_USED,
	STMT_SURVEY_INSERT,
	STMT_SURVEY_BY_ID,
	STMT_SURVEY_BY_EXT,
	STMT_SURVEY_OPEN,
	STMT_SURVEY_REPLY,
	STMT_SURVEY_CASE,
	STMT_SURVEY_REMINDED,
	STMT_SURVEY_EXPIRE,
	STMT_SURVEY_DUE,
	STMT_SURVEY_NEXT,
	STMT_MSG_IN,			/* message digests (v6) */
	STMT_MSG_OUT,
	STMT_MSG_SENT,
	STMT_MSG_FINAL,
	STMT_MSG_IN_MAX,
	STMT_MSG_OUT_MAX,
	STMT_MSG_OUT_STATES,
	STMT_COVER_GET,
	STMT_COVER_SET,
	STMT_LABEL_INSERT,		/* v10: classification */
	STMT_LABEL_EXPORT,
	STMT_QUEUE,
	STMT_QUEUE_STATS,
	STMT_ALERT_INSERT,		/* safety-screen alerts (v9) */
	STMT_ALERT_GET,
	STMT_ALERT_LIST,
	STMT_ALERT_ACK,
	STMT_ALERT_DUE,
	STMT_ALERT_RELOGGED,
	STMT_ALERT_OPEN,
	STMT_ALERT_MSISDN,
	STMT_CASE_DIGEST,		/* case rows (v8) */
	STMT_CASE_DIGEST_UNITS,
	STMT_CASE_OF_UNIT,
	STMT_CASE_IDS,
	STMT_CASES_COVER_GET,
	STMT_CASES_COVER_SET,
	STMT_MAX
};

/*
 * The end of the audit chain as the open batch sees it, so that an event
 * needs no query for its predecessor, and audit_tip is sealed once per
 * batch (just before COMMIT) instead of once per event.  Valid only inside
 * a batch: outside one, another connection may have written.
 */
struct store_tip {
	int		 known;		/* last, mac, maclen read or written */
	int		 dirty;		/* events appended, tip not yet sealed */
	int64_t		 last;		/* 0: no event yet */
	uint8_t		 mac[CRYPTO_HASH_LEN];
	size_t		 maclen;	/* 0 or CRYPTO_HASH_LEN */
};

#define STORE_PAGE_SIZE	"2048"	/* of a new database, bytes */
#define STORE_V_KEYCHECK	7	/* the schema with table keycheck */
#define STORE_CASE_MAC_LEN	16	/* of a case row in a "cases" event */
#define STORE_CASE_ID_MAX	(INT64_C(1) << 31)	/* verification's bound */

/*
 * The day's last case number as the open batch sees it: read at the
 * batch's first case, counted in memory, written once just before COMMIT
 * (or when a case of another day comes).  Valid only inside a batch.
 */
struct store_seq {
	int		 known;
	int		 dirty;		/* last not yet written */
	int		 day;		/* YYMMDD, local time */
	int64_t		 last;
};

/*
 * The message rows the open batch wrote or moved to an outcome, digested
 * into one audit event just before COMMIT (store_msgs_seal()).  Inserted
 * ids are contiguous within a batch: one writer, rowid = max + 1, and an
 * undone savepoint gives its ids back.
 */
struct store_msgs {
	int64_t		 in_first, in_last;	/* 0: none */
	int64_t		 out_first, out_last;
	int64_t		*outcome;	/* id * 2 + (1: final, 0: sent) */
	size_t		 noutcome, outcomesz;
};

/* What store_msg_begin() saves of struct store_msgs. */
struct store_msgs_mark {
	int64_t		 in_first, in_last, out_first, out_last;
	size_t		 noutcome;
};

/*
 * The case rows the open batch wrote (and assignment rows, by their own
 * id), as SQLite's update hook saw them: digested into one "cases" event
 * just before COMMIT (store_cases_seal()).  Ids may repeat.
 */
struct store_cases {
	int64_t		*ids;		/* cases.id */
	size_t		 n, sz;
	int64_t		*units;		/* case_units.id */
	size_t		 nunits, unitssz;
	size_t		 mark, markunits;	/* at store_msg_begin() */
	size_t		 base, baseunits;	/* at store_begin() */
	int		 sealing;	/* store_cases_seal() runs */
};

/* What verification learns from the chain about case rows. */
struct store_cases_check {
	int		 covered;	/* "cases.covered" seen */
	int64_t		 first;		/* first case id covered */
	struct store_case_mac {
		int64_t	 ev;		/* 0: not named by any event */
		uint8_t	 mac[STORE_CASE_MAC_LEN];
	}		*rows;		/* [id] */
	size_t		 nrows;
};

/* What verification learns from the chain about message rows. */
struct store_msgs_check {
	int		 covered;	/* "messages.covered" seen */
	int64_t		 in_next, out_next, out_first;
	uint8_t		*flags;		/* [id - out_first]: 1 sent, 2 final */
	int64_t		*ins;		/* pairs: last outbox id, its event */
	size_t		 nins, insz;
};

struct store {
	sqlite3		*db;
	struct crypto	*crypto;		/* borrowed */
	sqlite3_stmt	*stmt[STMT_MAX];
	int		 version;
	int		 depth;			/* nested store_begin() */
	int		 doomed;		/* batch undone by SQLite */
	int		 msg;			/* inside a message savepoint */
	char		 prefix[9];
	int64_t		 dedupe_window;
	struct store_tip audit, audit_saved;	/* saved: at store_msg_begin */
	struct store_seq seq, seq_saved;
	struct store_msgs msgs;
	struct store_msgs_mark msgs_saved;
	struct store_cases cases;
	/* the last number hashed and encrypted: a message's rows share it */
	char		 last_msisdn[CRYPTO_MSISDN_MAX];
	uint8_t		 last_hash[CRYPTO_HASH_LEN];
	uint8_t		 last_blob[CRYPTO_BLOB_MAX];
	size_t		 last_bloblen;	/* 0: no blob for last_msisdn yet */
	int64_t		 read_group;	/* store_inbound_group()'s last read */
	int		 read_rows;	/* and how many rows it had */
	/*
	 * A single-part text as store_inbound_add() just wrote it, handed to
	 * the store_inbound_group() that reads it back in the same savepoint
	 * instead of a query and a decryption; group 0: none.
	 */
	struct store_group fresh;
	/* v7: who this database is, and the WAL file it writes (store.h) */
	char		 ident[STORE_IDENT_LEN + 1];
	int64_t		 created_at;
	int		 created;	/* the identity was made by this open */
	char		*wal_path;
	dev_t		 wal_dev, db_dev;
	ino_t		 wal_ino, db_ino;
	int		 wal_known, db_known;
	char		 failed[256];	/* "": writable; else why not */
};

static int	 store_upgrade_v1(sqlite3 *);
static int	 store_upgrade_v2(sqlite3 *);
static int	 store_upgrade_v3(sqlite3 *);
static int	 store_upgrade_v4(sqlite3 *);
static int	 store_upgrade_v5(sqlite3 *);
static int	 store_upgrade_v6(sqlite3 *);
static int	 store_upgrade_v10(sqlite3 *);
static int	 store_upgrade_v9(sqlite3 *);
static int	 store_upgrade_v7(sqlite3 *);
static int	 store_keycheck(struct store *, const char *, char *, size_t);
static int	 store_quick_check(struct store *, const char *, char *,
		    size_t);
static int	 store_wal_ident(struct store *);
static int	 store_file_moved(const char *, dev_t, ino_t);
static int	 store_db_lost(struct store *, int);
static int	 store_peek_int(sqlite3 *, const char *, int64_t *);
static int	 store_upgrade_v8(sqlite3 *);
static void	 store_update_hook(void *, int, const char *, const char *,
		    sqlite3_int64);
static void	 store_cases_undo(struct store *, size_t, size_t);
static int	 store_cases_seal(struct store *);
static int	 store_cases_done(struct store *);
static int	 store_case_digest(struct store *, int64_t,
		    uint8_t[CRYPTO_HASH_LEN]);
static int	 store_cases_cover(struct store *);
static int	 store_cases_check_event(struct store_cases_check *, int64_t,
		    const char *, const char *, const char *);
static int	 store_cases_check_end(struct store *,
		    struct store_cases_check *, int64_t, int64_t *);
static int	 store_msgs_track(struct store *, int, int64_t);
static void	 store_msgs_mark(struct store *, struct store_msgs_mark *);
static void	 store_msgs_undo(struct store *,
		    const struct store_msgs_mark *);
static int	 store_msgs_seal(struct store *);
static int	 store_msgs_digest(struct store *, const char *,
		    uint8_t[CRYPTO_HASH_LEN]);
static int	 store_msgs_cover(struct store *);
static int	 store_msgs_check_event(struct store *,
		    struct store_msgs_check *, int64_t, const char *,
		    const char *, const char *);
static int	 store_msgs_check_end(struct store *,
		    struct store_msgs_check *, int64_t, int64_t *);
static int	 store_audit_seal_tip(struct store *);
static int	 store_seq_next(struct store *, int, int64_t *);
static int	 store_seq_flush(struct store *);
static int	 store_audit_tip_flush(struct store *);
static int	 store_audit_tip_set(struct store *, int64_t,
		    const uint8_t[CRYPTO_HASH_LEN]);
static int	 store_audit_verify_tip(struct store *, int64_t,
		    const uint8_t *, int64_t *);
static int	 store_case_rows(struct store *, sqlite3_stmt *, const char *,
		    struct store_case *, size_t);
static void	 store_survey_row(struct store *, sqlite3_stmt *,
		    struct store_survey *);
static int	 store_survey_case(struct store *, int64_t, int, int,
		    const char *, const char *, int64_t, const char *,
		    int64_t, int64_t);
static int	 store_survey_ext_used(struct store *, const char *);
static int	 store_counter(struct store *, const char *, int64_t *, int);
static int	 store_case_set_int(struct store *, enum store_stmt, int64_t,
		    int, const char *);
static void	 store_utf8cpy(char *, const char *, size_t);
static void	 store_events_free(struct store_event *, size_t);
static void	 store_group_join(struct store_group *, size_t);
static void	 store_fresh_keep(struct store *, int64_t,
		    const struct store_inbound *);
static void	 store_unit_row(sqlite3_stmt *, struct store_unit *);
static void	 store_kb_row(sqlite3_stmt *, struct store_kb *);
static int	 store_unit_code_ok(const char *);
static int	 store_events(struct store *, enum store_stmt, int64_t,
		    struct store_event **, size_t *);
static int	 store_upgrade(struct store *, int, char *, size_t);
static sqlite3_stmt *store_stmt(struct store *, enum store_stmt);
static int	 store_step(struct store *, sqlite3_stmt *, const char *);
static int	 store_exec(struct store *, enum store_stmt, const char *);
static void	 store_error(struct store *, const char *);
static int	 store_hash(struct store *, const char *, uint8_t *);
static int	 store_encrypt(struct store *, const char *, uint8_t *,
		    size_t *, uint8_t *);
static int	 store_decrypt(struct store *, sqlite3_stmt *, int, char *,
		    size_t);
static void	 store_case_row(sqlite3_stmt *, struct store_case *);
static int	 store_count(struct store *, enum store_stmt, const char *,
		    int64_t, const char *);
static int	 store_outbox_update(struct store *, enum store_stmt, int64_t,
		    int64_t, const char *, const char *);
static char	*store_colstr(sqlite3_stmt *, int);

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
};
_Static_assert(nitems(store_upgrades) == STORE_SCHEMA_VERSION + 1,
    "one upgrade per schema version");

/* The columns store_case_row() reads, in order. */
#define CASE_COLS \
	"id, number, category, state, confidential, text, received_at, " \
	"due, rule, flags, result, closed_at, " \
	"(SELECT COUNT(*) FROM supplements s WHERE s.case_id = cases.id), " \
	"unit, dispatched_at, due_original, extensions, late_returns, " \
	"supervised, supervision, rehandled, result_cut, updated_at, " \
	"survey_score, survey_state"

/* The columns store_alert_row() reads, and where from. */
#define ALERT_COLS \
	"a.id, a.at, a.verdict, a.channel, a.word, a.msisdn_mask, " \
	"a.inbound_id, c.number, a.refusal_id, a.logged_at, a.logs, " \
	"a.acked_at, a.acked_by, a.ack_note, COALESCE(c.text, r.text) " \
	"FROM alerts a LEFT JOIN cases c ON c.id = a.case_id " \
	"LEFT JOIN refusals r ON r.id = a.refusal_id"

/* The columns store_survey_row() reads (surveys s JOIN cases c). */
#define SURVEY_COLS \
	"s.id, s.case_id, c.number, c.msisdn_enc, s.round, s.ext, s.state, " \
	"s.sent_at, s.remind_at, s.reminded_at, s.expire_at, s.score, " \
	"s.unclear, s.answered_at, s.raw, s.comment"

static const char *const store_sql[STMT_MAX] = {
	[STMT_BEGIN] = "BEGIN IMMEDIATE",
	[STMT_COMMIT] = "COMMIT",
	[STMT_ROLLBACK] = "ROLLBACK",
	[STMT_SAVEPOINT] = "SAVEPOINT msg",
	[STMT_RELEASE] = "RELEASE msg",
	[STMT_ROLLBACK_TO] = "ROLLBACK TO msg",

	[STMT_IN_DUP_KEY] =
	    "SELECT id, received_at, COALESCE(group_id, id) FROM inbound "
	    "WHERE dedupe = ?1",
	[STMT_IN_DUP_MSGID] =
	    "SELECT id, received_at, COALESCE(group_id, id) FROM inbound "
	    "WHERE smsc = ?1 AND smsc_msgid = ?2 AND received_at >= ?3 "
	    "ORDER BY id DESC LIMIT 1",
	[STMT_IN_RETIRE] = "UPDATE inbound SET dedupe = NULL WHERE dedupe = ?1",
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
	[STMT_CASE_INSERT] =
	    "INSERT INTO cases (number, category, confidential, msisdn_enc, "
	    "msisdn_hash, text, received_at, due, rule, flags, inbound_id, "
	    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	    "NULLIF(?11, 0), ?7)",
	[STMT_CASE_BY_NUMBER] =
	    "SELECT " CASE_COLS " FROM cases "
	    "WHERE number = ?1 AND (?2 IS NULL OR msisdn_hash = ?2)",
	[STMT_CASE_BY_ID] = "SELECT " CASE_COLS " FROM cases WHERE id = ?1",
	[STMT_CASE_OPEN] =
	    "SELECT " CASE_COLS " FROM cases "
	    "WHERE msisdn_hash = ?1 AND closed_at IS NULL "
	    "ORDER BY id DESC LIMIT ?2",
	[STMT_CASE_COUNT] =
	    "SELECT COUNT(*) FROM cases "
	    "WHERE msisdn_hash = ?1 AND received_at >= ?2",
	[STMT_SUPPLEMENT_INSERT] =
	    "INSERT INTO supplements (case_id, inbound_id, text, received_at) "
	    "VALUES (?1, NULLIF(?2, 0), ?3, ?4)",
	[STMT_REFUSAL_INSERT] =
	    "INSERT INTO refusals (msisdn_enc, msisdn_hash, inbound_id, "
	    "reason, rule, channel, text, at) "
	    "VALUES (?1, ?2, NULLIF(?3, 0), ?4, ?5, ?6, ?7, ?8)",

	[STMT_OUT_INSERT] =
	    "INSERT INTO outbox (case_id, inbound_id, kind, msisdn_enc, "
	    "msisdn_hash, source, text, priority, created_at, "
	    "next_attempt_at, expire_at) VALUES (NULLIF(?1, 0), "
	    "NULLIF(?2, 0), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULLIF(?11, 0))",
	[STMT_OUT_NEXT] =
	    "SELECT o.id, COALESCE(o.case_id, 0), o.msisdn_enc, o.source, "
	    "o.text, o.attempts, o.priority, o.next_attempt_at, "
	    /* the bearer the citizen wrote through: of the text answered,
	     * else of the text that opened the case (rowid lookups) */
	    "COALESCE((SELECT i.smsc FROM inbound i WHERE i.id = o.inbound_id), "
	    "(SELECT i.smsc FROM cases c JOIN inbound i ON i.id = c.inbound_id "
	    "WHERE c.id = o.case_id), '') FROM outbox o "
	    "WHERE o.state = 0 AND o.next_attempt_at <= ?1 "
	    "AND NOT EXISTS (SELECT 1 FROM outbox p "
	    "WHERE p.msisdn_hash = o.msisdn_hash AND p.state IN (0, 1) "
	    "AND p.id < o.id) "
	    "ORDER BY o.priority DESC, o.next_attempt_at, o.id LIMIT ?2",
	/*
	 * When the next row the fetch above can hand out is due: only a
	 * citizen's head row counts.  A row behind an older one waiting for
	 * its retry is "due" but not fetched; counting it re-armed the pump
	 * at once, an empty transaction per turn for the whole backoff.
	 */
	[STMT_OUT_NEXT_TIME] =
	    "SELECT o.next_attempt_at FROM outbox o WHERE o.state = 0 "
	    "AND NOT EXISTS (SELECT 1 FROM outbox p "
	    "WHERE p.msisdn_hash = o.msisdn_hash AND p.state IN (0, 1) "
	    "AND p.id < o.id) "
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
	    "SELECT COUNT(*) FROM outbox "
	    "WHERE msisdn_hash = ?1 AND created_at >= ?2",

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
	    "SELECT " CASE_COLS " FROM cases WHERE "
	    "(?1 IS NULL OR state = ?1) AND (?2 IS NULL OR category = ?2) "
	    "AND (?3 IS NULL OR EXISTS (SELECT 1 FROM case_units u "
	    "WHERE u.case_id = cases.id AND u.unit = ?3 AND u.active = 1)) "
	    "AND (?4 IS NULL OR (closed_at IS NULL AND due < ?4)) "
	    "AND (?5 < 0 OR (?5 = 1) = (closed_at IS NULL)) "
	    "AND (?6 < 0 OR supervised = ?6) "
	    "AND (?7 < 0 OR confidential = ?7) "
	    "AND (?8 = 0 OR received_at >= ?8) "
	    "AND (?9 = 0 OR received_at < ?9) "
	    "AND (?10 = 0 OR id < ?10) ORDER BY id DESC LIMIT ?11 OFFSET ?12",
	[STMT_CASE_BY_MSISDN] =
	    "SELECT " CASE_COLS " FROM cases WHERE msisdn_hash = ?1 "
	    "AND received_at >= ?2 AND (?3 IS NULL OR category = ?3) "
	    /* newest first in the index's own order: no sort per text */
	    "AND (?4 IS NULL OR state = ?4) "
	    "ORDER BY received_at DESC, id DESC LIMIT ?5",
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
	    "SELECT " SURVEY_COLS " FROM surveys s JOIN cases c "
	    "ON c.id = s.case_id WHERE c.msisdn_hash = ?1 AND s.state <= 2 "
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
};

/* The schema version a statement needs; 0 means v1. */
static const int store_sql_min[STMT_MAX] = {
	[STMT_CASE_BY_NUMBER] = 3,	/* CASE_COLS reads v3 columns */
	[STMT_CASE_BY_ID] = 3,
	[STMT_CASE_OPEN] = 3,
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
};

static const char *const store_survey_states[] = {
	"pending", "reminded", "unclear", "answered", "expired"
};

static const char *const store_outbox_states[] = {
	"queued", "inflight", "sent", "delivered", "failed", "expired"
};

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

/* Run each missing upgrade in its own transaction with its version. */
static int
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

static int
store_pragma_int(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(s);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Once per process, before SQLite's first use: every connection of this
 * process lives in the one thread of its event loop, so SQLite's mutexes
 * and its memory statistics are work for nothing (a few percent of the
 * time per message).  A thread that opens connections of its own would
 * have to change this to SQLITE_CONFIG_MULTITHREAD.  Too late (SQLite
 * already initialised by the caller) is harmless: the defaults stay.
 */
static void
store_sqlite_init(void)
{
	static int	done;

	if (done)
		return;
	done = 1;
	sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct store *
store_open(const char *path, struct crypto *crypto,
    const struct store_opts *opts, char *err, size_t errlen)
{
	struct store	*st;
	struct stat	 sb;
	sqlite3_stmt	*s;
	const char	*mode, *wal;
	int		 fd, i, target, appid, from;

	store_sqlite_init();
	st = xcalloc(1, sizeof(*st));
	st->crypto = crypto;
	st->dedupe_window = STORE_DEDUPE_WINDOW;
	strlcpy(st->prefix, "HY", sizeof(st->prefix));
	target = STORE_SCHEMA_VERSION;
	if (opts != NULL) {
		if (opts->dedupe_window > 0)
			st->dedupe_window = opts->dedupe_window;
		if (opts->max_version > 0 && opts->max_version < target)
			target = opts->max_version;
		if (opts->case_prefix != NULL &&
		    store_set_case_prefix(st, opts->case_prefix) == -1) {
			snprintf(err, errlen, "case-prefix: want 1-8 of A-Z0-9");
			goto fail;
		}
	}

	/* citizens' texts are personal data: create the file 0600 */
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    S_IRUSR | S_IWUSR)) == -1) {
		snprintf(err, errlen, "database %s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(fd, &sb) == 0 && (sb.st_mode & (S_IRWXG | S_IRWXO)))
		log_warnx("store database %s is accessible by group or others "
		    "(mode %04o)", path, (unsigned)(sb.st_mode & 07777));
	close(fd);

	/* the VFS that gathers the WAL's writes (store_vfs.c) */
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, store_vfs_name()) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "database %s: %s", path,
		    st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, opts != NULL && opts->busy_timeout > 0 ?
	    opts->busy_timeout : STORE_BUSY_TIMEOUT);

	if (store_pragma_int(st->db, "PRAGMA application_id", &appid) == -1) {
		snprintf(err, errlen, "database %s: %s", path,
		    sqlite3_errmsg(st->db));
		goto fail;
	}
	if (store_pragma_int(st->db, "PRAGMA user_version", &st->version) ==
	    -1 || (appid != 0 && appid != STORE_APPLICATION_ID)) {
		snprintf(err, errlen, "database %s: not a hotlined database",
		    path);
		goto fail;
	}
	if (st->version > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "database %s: schema v%d is newer than "
		    "this hotlined (v%d)", path, st->version,
		    STORE_SCHEMA_VERSION);
		goto fail;
	}

	/*
	 * A new database gets 2 KiB pages.  Each message adds a key at a
	 * random place to a few indexes keyed by hashes (dedupe, numbers,
	 * message ids), and each such key dirties a whole page that the
	 * commit writes to the WAL: 2 KiB pages write ~30% fewer bytes and
	 * spend ~5% less CPU per message than SQLite's 4 KiB (bench/ingest).
	 * An existing database keeps its page size (VACUUM would change it).
	 */
	if (st->version == 0 && sqlite3_exec(st->db, "PRAGMA page_size = "
	    STORE_PAGE_SIZE, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "database %s: %s", path,
		    sqlite3_errmsg(st->db));
		goto fail;
	}
	/* WAL: readers never block the writer; FULL: fsync at each commit */
	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &s,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "database %s: %s", path,
		    sqlite3_errmsg(st->db));
		goto fail;
	}
	mode = sqlite3_step(s) == SQLITE_ROW ?
	    (const char *)sqlite3_column_text(s, 0) : NULL;
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		snprintf(err, errlen, "database %s: cannot use WAL mode: %s",
		    path, mode ? mode : sqlite3_errmsg(st->db));
		sqlite3_finalize(s);
		goto fail;
	}
	sqlite3_finalize(s);
	/*
	 * A group commit writes a few MiB at most; a page cache that holds it
	 * keeps SQLite from spilling pages to the WAL in mid-transaction.
	 */
	if (sqlite3_exec(st->db, "PRAGMA synchronous = FULL; "
	    "PRAGMA foreign_keys = ON; PRAGMA cache_size = -8192; "
	    "PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 10000", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "database %s: %s", path,
		    sqlite3_errmsg(st->db));
		goto fail;
	}

	/* a damaged file is refused before anything is written to it */
	if (st->version > 0 && store_quick_check(st, path, err, errlen) == -1)
		goto fail;
	from = st->version;
	if (store_upgrade(st, target, err, errlen) == -1)
		goto fail;

	for (i = 0; i < STMT_MAX; i++) {
		if (st->version < (i >= STMT_AUDIT_TIP_SET ?
		    MAXIMUM(3, store_sql_min[i]) : store_sql_min[i]))
			continue;
		if (sqlite3_prepare_v3(st->db, store_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL) !=
		    SQLITE_OK) {
			snprintf(err, errlen, "database %s: statement %d: %s",
			    path, i, sqlite3_errmsg(st->db));
			goto fail;
		}
	}
	/* only the upgrade that made it may seal an unsealed tip */
	if (from < 3 && st->version >= 3 && store_audit_seal_tip(st) == -1) {
		snprintf(err, errlen, "database %s: cannot seal the audit tip",
		    path);
		goto fail;
	}
	if (st->version >= 6 && store_msgs_cover(st) == -1) {
		snprintf(err, errlen, "database %s: cannot chain the message "
		    "coverage", path);
		goto fail;
	}
	if (store_keycheck(st, path, err, errlen) == -1)
		goto fail;
	if ((wal = sqlite3_filename_wal(sqlite3_db_filename(st->db,
	    "main"))) != NULL)
		st->wal_path = xstrdup(wal);
	store_wal_ident(st);
	if (st->version >= 8) {
		sqlite3_update_hook(st->db, store_update_hook, st);
		if (store_cases_cover(st) == -1) {
			snprintf(err, errlen, "database %s: cannot chain the "
			    "case coverage", path);
			goto fail;
		}
	}
	return st;
fail:
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	int	i;

	if (st == NULL)
		return;
	if (st->db != NULL && !sqlite3_get_autocommit(st->db)) {
		log_warnx("store closing with an open batch: rolled back");
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	} else if (st->db != NULL && st->depth == 0)
		store_cases_done(st);	/* rows written outside a batch */
	for (i = 0; i < STMT_MAX; i++)
		sqlite3_finalize(st->stmt[i]);
	free(st->msgs.outcome);
	free(st->wal_path);
	free(st->cases.ids);
	free(st->cases.units);
	store_group_clear(&st->fresh);
	if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK)
		log_warnx("store close: %s", sqlite3_errmsg(st->db));
	explicit_bzero(st, sizeof(*st));
	free(st);
}

int
store_version(struct store *st)
{
	return st->version;
}

int
store_set_case_prefix(struct store *st, const char *prefix)
{
	size_t	i, n;

	n = strlen(prefix);
	if (n < 1 || n >= sizeof(st->prefix))
		return -1;
	for (i = 0; i < n; i++)
		if (!((prefix[i] >= 'A' && prefix[i] <= 'Z') ||
		    (prefix[i] >= '0' && prefix[i] <= '9')))
			return -1;
	strlcpy(st->prefix, prefix, sizeof(st->prefix));
	return 0;
}

/* --- identity, key check, integrity and the WAL file (v7) --------------- */

/*
 * The key check value in the database against the key's; on the first
 * open at v7 (a new database, or an upgrade) the identity is made, after
 * checking that the key decrypts the newest stored number if there is one.
 * The new row is checkpointed at once: the database file itself then says
 * who it is, whatever becomes of its WAL.
 */
static int
store_keycheck(struct store *st, const char *path, char *err, size_t errlen)
{
	char		 kcv[STORE_KCV_LEN + 1], num[CRYPTO_MSISDN_MAX];
	const char	*dbkcv;
	sqlite3_stmt	*s = NULL;
	int		 rc, r = -1;

	if (st->version < STORE_V_KEYCHECK)
		return 0;
	if (crypto_check_value(st->crypto, kcv) == -1) {
		snprintf(err, errlen, "database %s: cannot compute the key "
		    "check value", path);
		return -1;
	}
	if (sqlite3_prepare_v2(st->db, "SELECT ident, kcv, created_at FROM "
	    "keycheck WHERE id = 1", -1, &s, NULL) != SQLITE_OK)
		goto sqlfail;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		strlcpy(st->ident, (const char *)sqlite3_column_text(s, 0) ?
		    (const char *)sqlite3_column_text(s, 0) : "",
		    sizeof(st->ident));
		dbkcv = (const char *)sqlite3_column_text(s, 1);
		st->created_at = sqlite3_column_int64(s, 2);
		if (dbkcv == NULL || strcmp(dbkcv, kcv) != 0) {
			snprintf(err, errlen, "database %s was written with "
			    "another key (key check value %.8s, the key file "
			    "gives %.8s): a wrong, new or replaced key file; "
			    "restore the database's own key (hotlined(8) "
			    "RECOVERY)", path, dbkcv ? dbkcv : "?", kcv);
			goto out;
		}
		r = 0;
		goto out;
	}
	if (rc != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(s);
	s = NULL;
	/* an upgraded database: its numbers must decrypt with this key */
	if (sqlite3_prepare_v2(st->db, "SELECT v FROM (SELECT source_enc AS v "
	    "FROM (SELECT source_enc FROM inbound ORDER BY id DESC LIMIT 1) "
	    "UNION ALL SELECT msisdn_enc FROM (SELECT msisdn_enc FROM cases "
	    "ORDER BY id DESC LIMIT 1)) LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		goto sqlfail;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW &&
	    store_decrypt(st, s, 0, num, sizeof(num)) == -1) {
		snprintf(err, errlen, "database %s: the key file does not "
		    "decrypt its stored numbers: a wrong, new or replaced key "
		    "file; restore the database's own key (hotlined(8) "
		    "RECOVERY)", path);
		goto out;
	}
	explicit_bzero(num, sizeof(num));
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(s);
	s = NULL;
	if (sqlite3_prepare_v2(st->db, "INSERT INTO keycheck (id, ident, kcv, "
	    "created_at) VALUES (1, lower(hex(randomblob(16))), ?1, ?2) "
	    "RETURNING ident", -1, &s, NULL) != SQLITE_OK)
		goto sqlfail;
	st->created_at = (int64_t)clock_now_ms();
	sqlite3_bind_text(s, 1, kcv, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, st->created_at);
	if (sqlite3_step(s) != SQLITE_ROW)
		goto sqlfail;
	strlcpy(st->ident, (const char *)sqlite3_column_text(s, 0),
	    sizeof(st->ident));
	if (sqlite3_step(s) != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(s);
	s = NULL;
	st->created = 1;
	if (sqlite3_wal_checkpoint_v2(st->db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK)
		goto sqlfail;
	log_info("store database identity made id=%.8s", st->ident);
	return 0;
sqlfail:
	snprintf(err, errlen, "database %s: key check: %s", path,
	    sqlite3_errmsg(st->db));
out:
	sqlite3_finalize(s);
	return r;
}

/* PRAGMA quick_check on the open file: 0 intact, else -1 with the news. */
static int
store_quick_check(struct store *st, const char *path, char *err,
    size_t errlen)
{
	sqlite3_stmt	*s;
	const char	*t;
	char		 first[256] = "";
	int		 n = 0, rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check(20)", -1, &s,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "database %s: quick_check: %s", path,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		t = (const char *)sqlite3_column_text(s, 0);
		if (t == NULL || strcmp(t, "ok") == 0)
			continue;
		/* the first problem, without SQLite's "*** in database" */
		if (strncmp(t, "*** in database ", 16) == 0 &&
		    (t = strchr(t, '\n')) != NULL)
			t++;
		if (n++ == 0 && t != NULL)
			strlcpy(first, t, sizeof(first));
		first[strcspn(first, "\n")] = '\0';
	}
	if (rc != SQLITE_DONE && n == 0) {
		n = 1;
		strlcpy(first, sqlite3_errmsg(st->db), sizeof(first));
	}
	sqlite3_finalize(s);
	if (n == 0)
		return 0;
	snprintf(err, errlen, "database %s is damaged (quick_check: %s%s): "
	    "restore it from a backup (hotlined(8) RECOVERY)", path, first,
	    n > 1 ? " and more" : "");
	return -1;
}

/* Remember which files the WAL and the database are; -1: no WAL yet. */
static int
store_wal_ident(struct store *st)
{
	struct stat	sb;

	if (!st->db_known && stat(sqlite3_db_filename(st->db, "main"),
	    &sb) == 0) {
		st->db_dev = sb.st_dev;
		st->db_ino = sb.st_ino;
		st->db_known = 1;
	}
	if (st->wal_path == NULL || stat(st->wal_path, &sb) == -1)
		return -1;
	st->wal_dev = sb.st_dev;
	st->wal_ino = sb.st_ino;
	st->wal_known = 1;
	return 0;
}

/* 0: path is still the file dev/ino; 1: nothing there; 2: another file. */
static int
store_file_moved(const char *path, dev_t dev, ino_t ino)
{
	struct stat	sb;

	if (stat(path, &sb) == -1)
		return 1;
	return sb.st_dev == dev && sb.st_ino == ino ? 0 : 2;
}

/*
 * The database file itself went (moved gone 1) or was replaced (2): what
 * this connection still sees through its open descriptors is written,
 * WAL first, into a copy with VACUUM INTO: at the old path when nothing
 * is there (the WAL beside it emptied first, so it cannot be replayed
 * over the copy), else beside it, never over another file.  This reads
 * the whole database on the loop, once, in an emergency.
 */
static int
store_db_lost(struct store *st, int moved)
{
	const char	*path = sqlite3_db_filename(st->db, "main");
	char		*sql, copy[PATH_MAX];
	int		 rc;

	snprintf(st->failed, sizeof(st->failed), "the database file %s was "
	    "%s while in use", path, moved == 1 ? "deleted" : "replaced");
	log_err("store %s: writes refused from now on, every message is "
	    "answered with a temporary error; restart hotlined (hotlined(8) "
	    "RECOVERY)", st->failed);
	if (moved == 1)
		strlcpy(copy, path, sizeof(copy));
	else
		snprintf(copy, sizeof(copy), "%s.saved-%llu", path,
		    (unsigned long long)clock_now_ms());
	rc = sqlite3_wal_checkpoint_v2(st->db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	if (rc == SQLITE_OK) {
		sql = sqlite3_mprintf("VACUUM INTO %Q", copy);
		rc = sql != NULL ? sqlite3_exec(st->db, sql, NULL, NULL, NULL) :
		    SQLITE_NOMEM;
		sqlite3_free(sql);
	}
	if (rc == SQLITE_OK)
		log_warnx("store committed data saved into a copy path=%s%s",
		    copy, moved == 1 ? "" : " (not the file now in its place)");
	else
		log_err("store cannot save the database into a copy "
		    "path=%s: %s; do not stop hotlined before copying it with "
		    "sqlite3 .backup", copy, sqlite3_errmsg(st->db));
	sqlite3_exec(st->db, "PRAGMA query_only = 1", NULL, NULL, NULL);
	return rc == SQLITE_OK ? -1 : -2;
}

int
store_wal_check(struct store *st)
{
	int		 log = -1, done = -1, rc, moved;
	const char	*what;

	if (st->failed[0] != '\0')
		return -1;
	if (!st->wal_known) {
		store_wal_ident(st);	/* none yet: SQLite makes it later */
		return 0;
	}
	if (st->db_known && (moved = store_file_moved(sqlite3_db_filename(
	    st->db, "main"), st->db_dev, st->db_ino)) != 0)
		return store_db_lost(st, moved);
	if ((moved = store_file_moved(st->wal_path, st->wal_dev,
	    st->wal_ino)) == 0)
		return 0;
	what = moved == 1 ? "deleted" : "replaced";
	snprintf(st->failed, sizeof(st->failed), "the WAL file %s was %s "
	    "while in use", st->wal_path, what);
	log_err("store %s: writes refused from now on, every message is "
	    "answered with a temporary error; restart hotlined (hotlined(8) "
	    "RECOVERY)", st->failed);
	/* the frames are still readable through the open descriptor */
	rc = sqlite3_wal_checkpoint_v2(st->db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
	if (rc == SQLITE_OK)
		log_warnx("store committed data saved from the %s WAL into "
		    "the database file", what);
	else
		log_err("store cannot save the %s WAL into the database "
		    "file: %s; do not stop hotlined before copying the "
		    "database with sqlite3 .backup", what,
		    sqlite3_errmsg(st->db));
	sqlite3_exec(st->db, "PRAGMA query_only = 1", NULL, NULL, NULL);
	return rc == SQLITE_OK ? -1 : -2;
}

const char *
store_path(struct store *st)
{
	return sqlite3_db_filename(st->db, "main");
}

const char *
store_failed(struct store *st)
{
	return st->failed[0] != '\0' ? st->failed : NULL;
}

const char *
store_ident(struct store *st, int64_t *created_at)
{
	if (created_at != NULL)
		*created_at = st->created_at;
	return st->ident;
}

int
store_ident_new(struct store *st)
{
	return st->created;
}

/* One integer from a query, 0 when there is no row; 0 or -1. */
static int
store_peek_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt	*s;
	int		 rc;

	*out = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
store_peek(const char *path, struct store_peek *p, char *err, size_t errlen)
{
	struct stat	 sb;
	sqlite3		*db = NULL;
	sqlite3_stmt	*s;
	int64_t		 v, appid, n;
	int		 r = -1;

	memset(p, 0, sizeof(*p));
	if (stat(path, &sb) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "database %s: %s", path, strerror(errno));
		return -1;
	}
	if (sb.st_size == 0 && access(path, R_OK) == 0)
		return 0;
	store_sqlite_init();
	/* read-write without create: a WAL needs its -shm; nothing is written */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    store_vfs_name()) != SQLITE_OK)
		goto fail;
	/* a last connection's close would checkpoint: a write, not a look */
	sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT);
	if (store_peek_int(db, "PRAGMA application_id", &appid) == -1 ||
	    store_peek_int(db, "PRAGMA user_version", &v) == -1)
		goto fail;
	if (appid != 0 && appid != STORE_APPLICATION_ID) {
		snprintf(err, errlen, "database %s: not a hotlined database",
		    path);
		goto out;
	}
	p->version = (int)v;
	if (v == 0) {
		r = 0;
		goto out;
	}
	p->exists = 1;
	if (store_peek_int(db, "SELECT EXISTS (SELECT 1 FROM inbound) OR "
	    "EXISTS (SELECT 1 FROM cases) OR EXISTS (SELECT 1 FROM outbox)",
	    &n) == -1)
		goto fail;
	p->has_data = n != 0;
	if (v >= STORE_V_KEYCHECK) {
		if (sqlite3_prepare_v2(db, "SELECT ident, kcv, created_at FROM "
		    "keycheck WHERE id = 1", -1, &s, NULL) != SQLITE_OK)
			goto fail;
		if (sqlite3_step(s) == SQLITE_ROW) {
			if (sqlite3_column_text(s, 0) != NULL)
				strlcpy(p->ident, (const char *)
				    sqlite3_column_text(s, 0),
				    sizeof(p->ident));
			if (sqlite3_column_text(s, 1) != NULL)
				strlcpy(p->kcv, (const char *)
				    sqlite3_column_text(s, 1), sizeof(p->kcv));
			p->created_at = sqlite3_column_int64(s, 2);
		}
		sqlite3_finalize(s);
	}
	r = 0;
	goto out;
fail:
	snprintf(err, errlen, "database %s: %s", path, db != NULL ?
	    sqlite3_errmsg(db) : "out of memory");
out:
	sqlite3_close(db);
	return r;
}

int
store_integrity(const char *path, int full, int max,
    void (*fn)(void *, const char *), void *arg, char *err, size_t errlen)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*s = NULL;
	const char	*t;
	char		 sql[64];
	int		 n = 0, rc;

	store_sqlite_init();
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    store_vfs_name()) != SQLITE_OK)
		goto fail;
	sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_busy_timeout(db, 5000);
	snprintf(sql, sizeof(sql), "PRAGMA %s(%d)", full ? "integrity_check" :
	    "quick_check", max > 0 ? max : 100);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		t = (const char *)sqlite3_column_text(s, 0);
		if (t == NULL || strcmp(t, "ok") == 0)
			continue;
		/* SQLite's "*** in database main ***" header says nothing */
		if (strncmp(t, "*** in database ", 16) == 0 &&
		    ((t = strchr(t, '\n')) == NULL || *++t == '\0'))
			continue;
		n++;
		fn(arg, t);
	}
	if (rc != SQLITE_DONE) {
		/* a damaged header or root page stops the check itself */
		fn(arg, sqlite3_errmsg(db));
		n++;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
fail:
	snprintf(err, errlen, "database %s: %s", path, db != NULL ?
	    sqlite3_errmsg(db) : "out of memory");
	sqlite3_finalize(s);
	sqlite3_close(db);
	return -1;
}

/* --- statements and errors --------------------------------------------- */

static sqlite3_stmt *
store_stmt(struct store *st, enum store_stmt i)
{
	if (st->doomed) {
		/* once per doomed batch: "rolled back" was logged already */
		if (st->doomed == 1)
			log_warnx("store batch already rolled back: statement "
			    "%d refused (and any more until it ends)", (int)i);
		st->doomed = 2;
		return NULL;
	}
	if (st->stmt[i] == NULL) {
		log_warnx("store statement %d needs a newer schema (v%d)",
		    (int)i, st->version);
		return NULL;
	}
	sqlite3_reset(st->stmt[i]);
	sqlite3_clear_bindings(st->stmt[i]);
	return st->stmt[i];
}

/*
 * Log a failure.  SQLITE_FULL, SQLITE_IOERR and SQLITE_NOMEM may roll the
 * whole transaction back: then the batch is doomed, so no later statement
 * runs in autocommit mode believing it is part of the batch.
 */
static void
store_error(struct store *st, const char *what)
{
	int	e = store_vfs_errno();

	/* "disk I/O error" alone does not say a disk is full or read-only */
	log_err("store %s failed: %s (%d)%s%s", what, sqlite3_errmsg(st->db),
	    sqlite3_extended_errcode(st->db), e != 0 ? ": " : "",
	    e != 0 ? strerror(e) : "");
	if (st->depth > 0 && !st->doomed && sqlite3_get_autocommit(st->db)) {
		st->doomed = 1;
		log_err("store batch rolled back by sqlite: every message "
		    "in it gets a temporary error");
	}
}

/* Step once: SQLITE_ROW or SQLITE_DONE, or -1 after logging. */
static int
store_step(struct store *st, sqlite3_stmt *s, const char *what)
{
	int	rc;

	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc;
	store_error(st, what);
	sqlite3_reset(s);
	return -1;
}

static int
store_exec(struct store *st, enum store_stmt i, const char *what)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, i)) == NULL)
		return -1;
	rc = store_step(st, s, what);
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

static char *
store_colstr(sqlite3_stmt *s, int col)
{
	const unsigned char	*t;

	if ((t = sqlite3_column_text(s, col)) == NULL)
		return NULL;
	return xstrdup((const char *)t);
}

/*
 * One message hashes its sender's number five or six times (dedupe, survey,
 * same-matter checks, case, outbox) and encrypts it three times: the last
 * number's hash and blob are kept.  Rows of one number may share a blob:
 * equal plaintexts under one nonce reveal no more than the hash does.
 */
static int
store_hash(struct store *st, const char *msisdn, uint8_t *hash)
{
	if (msisdn != NULL && st->last_msisdn[0] != '\0' &&
	    strcmp(msisdn, st->last_msisdn) == 0) {
		memcpy(hash, st->last_hash, CRYPTO_HASH_LEN);
		return 0;
	}
	if (msisdn == NULL || crypto_hash_msisdn(st->crypto, msisdn, hash) ==
	    -1) {
		log_warnx("store cannot hash a phone number (empty or too "
		    "long)");
		return -1;
	}
	if (strlcpy(st->last_msisdn, msisdn, sizeof(st->last_msisdn)) >=
	    sizeof(st->last_msisdn))
		st->last_msisdn[0] = '\0';
	memcpy(st->last_hash, hash, CRYPTO_HASH_LEN);
	st->last_bloblen = 0;
	return 0;
}

static int
store_encrypt(struct store *st, const char *msisdn, uint8_t *blob,
    size_t *bloblen, uint8_t *hash)
{
	if (store_hash(st, msisdn, hash) == -1)
		return -1;
	if (st->last_bloblen > 0 && strcmp(msisdn, st->last_msisdn) == 0) {
		memcpy(blob, st->last_blob, st->last_bloblen);
		*bloblen = st->last_bloblen;
		return 0;
	}
	if (crypto_encrypt_msisdn(st->crypto, msisdn, blob, CRYPTO_BLOB_MAX,
	    bloblen) == -1) {
		log_warnx("store cannot encrypt a phone number");
		return -1;
	}
	if (strcmp(msisdn, st->last_msisdn) == 0) {
		memcpy(st->last_blob, blob, *bloblen);
		st->last_bloblen = *bloblen;
	}
	return 0;
}

static int
store_decrypt(struct store *st, sqlite3_stmt *s, int col, char *out,
    size_t outlen)
{
	const uint8_t	*blob;
	int		 len;

	blob = sqlite3_column_blob(s, col);
	len = sqlite3_column_bytes(s, col);
	if (blob == NULL || crypto_decrypt_msisdn(st->crypto, blob,
	    (size_t)len, out, outlen) == -1) {
		log_warnx("store cannot decrypt a phone number (wrong key or "
		    "damaged row)");
		strlcpy(out, "", outlen);
		return -1;
	}
	return 0;
}

/* --- batches ------------------------------------------------------------ */

int
store_begin(struct store *st)
{
	if (st->depth++ > 0)
		return st->doomed ? -1 : 0;
	if (st->failed[0] != '\0') {
		st->depth = 0;
		return -1;
	}
	st->doomed = 0;
	st->msg = 0;
	memset(&st->audit, 0, sizeof(st->audit));
	memset(&st->seq, 0, sizeof(st->seq));
	store_msgs_undo(st, NULL);
	/* rows written outside a batch and not yet chained stay noted */
	st->cases.base = st->cases.n;
	st->cases.baseunits = st->cases.nunits;
	if (store_exec(st, STMT_BEGIN, "begin") == -1) {
		st->depth = 0;
		return -1;
	}
	return 0;
}

int
store_commit(struct store *st)
{
	if (st->depth == 0) {
		log_warnx("store commit outside a batch");
		return -1;
	}
	if (--st->depth > 0)
		return st->doomed ? -1 : 0;
	store_group_clear(&st->fresh);
	/* the batch's case and message rows, then its audit events */
	if (!st->doomed && (store_seq_flush(st) == -1 ||
	    store_cases_seal(st) == -1 || store_msgs_seal(st) == -1 ||
	    (st->audit.dirty && store_audit_tip_flush(st) == -1)))
		st->doomed = 1;
	memset(&st->audit, 0, sizeof(st->audit));
	memset(&st->seq, 0, sizeof(st->seq));
	store_msgs_undo(st, NULL);
	if (st->doomed) {
		st->doomed = 0;
		store_cases_undo(st, st->cases.base, st->cases.baseunits);
		if (!sqlite3_get_autocommit(st->db))
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (store_exec(st, STMT_COMMIT, "commit") == -1) {
		st->doomed = 0;
		store_cases_undo(st, st->cases.base, st->cases.baseunits);
		if (!sqlite3_get_autocommit(st->db) &&
		    store_exec(st, STMT_ROLLBACK, "rollback") == -1)
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	store_cases_undo(st, 0, 0);
	/*
	 * A WAL deleted under us holds this batch only in an unlinked file:
	 * acknowledged only if store_wal_check() saved it into the database.
	 */
	if (store_wal_check(st) == -2)
		return -1;
	return 0;
}

void
store_rollback(struct store *st)
{
	if (st->depth == 0)
		return;
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->doomed = 1;
	st->msg = 0;
	store_group_clear(&st->fresh);
	memset(&st->audit, 0, sizeof(st->audit));
	memset(&st->seq, 0, sizeof(st->seq));
	store_msgs_undo(st, NULL);
	store_cases_undo(st, st->cases.base, st->cases.baseunits);
}

int
store_in_batch(struct store *st)
{
	return st->depth > 0;
}

int
store_doomed(const struct store *st)
{
	return st->depth > 0 && st->doomed;
}

int
store_msg_begin(struct store *st)
{
	if (st->depth == 0 || st->msg) {
		log_warnx("store message begun %s", st->depth == 0 ?
		    "outside a batch" : "inside another");
		return -1;
	}
	if (store_exec(st, STMT_SAVEPOINT, "savepoint") == -1)
		return -1;
	st->msg = 1;
	st->audit_saved = st->audit;
	st->seq_saved = st->seq;
	store_msgs_mark(st, &st->msgs_saved);
	st->cases.mark = st->cases.n;
	st->cases.markunits = st->cases.nunits;
	return 0;
}

int
store_msg_end(struct store *st, int ok)
{
	if (!st->msg)
		return -1;
	st->msg = 0;
	store_group_clear(&st->fresh);
	if (st->doomed)
		return -1;
	if (ok && store_exec(st, STMT_RELEASE, "release") == 0)
		return 0;
	st->audit = st->audit_saved;	/* its events are undone too */
	st->seq = st->seq_saved;	/* and its case numbers */
	store_msgs_undo(st, &st->msgs_saved);
	store_cases_undo(st, st->cases.mark, st->cases.markunits);
	if (store_exec(st, STMT_ROLLBACK_TO, "rollback to savepoint") == 0)
		store_exec(st, STMT_RELEASE, "release");
	return -1;
}

/* --- inbound ------------------------------------------------------------ */

enum store_in_result
store_inbound_add(struct store *st, const struct store_inbound *in,
    int64_t *idp, int64_t *groupp)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN], key[CRYPTO_HASH_LEN];
	uint8_t		 blob[CRYPTO_BLOB_MAX], head[CRYPTO_HASH_LEN + 80];
	size_t		 bloblen, hlen;
	int64_t		 group = 0, id;
	int		 rc, retire = 0, n, single;

	*idp = *groupp = 0;
	store_group_clear(&st->fresh);
	single = in->concat_total <= 1;
	if (in->smsc == NULL || in->dest == NULL || in->text == NULL ||
	    (in->raw == NULL && in->rawlen > 0) || strlen(in->dest) >=
	    STORE_ADDR_MAX || (!single && (in->concat_total > 255 ||
	    in->concat_seq < 1 || in->concat_seq > in->concat_total))) {
		log_warnx("store inbound: invalid part (caller's bug)");
		return STORE_IN_ERROR;
	}
	if (store_encrypt(st, in->source, blob, &bloblen, hash) == -1)
		return STORE_IN_ERROR;

	/* the dedupe key: keyed, so it reveals neither number nor text */
	memcpy(head, hash, sizeof(hash));
	hlen = sizeof(hash) + (size_t)snprintf((char *)head + sizeof(hash),
	    sizeof(head) - sizeof(hash), "%s|%d|%d|%d|%d|", in->dest,
	    in->data_coding, single ? 0 : in->concat_ref,
	    single ? 1 : in->concat_total, single ? 1 : in->concat_seq);
	if (hlen >= sizeof(head) || crypto_hmac(st->crypto, "dedupe", head,
	    hlen, in->raw, in->rawlen, key) == -1) {
		log_warnx("store inbound: cannot compute the dedupe key");
		return STORE_IN_ERROR;
	}

	if ((s = store_stmt(st, STMT_IN_DUP_KEY)) == NULL)
		return STORE_IN_ERROR;
	sqlite3_bind_blob(s, 1, key, sizeof(key), SQLITE_STATIC);
	if ((rc = store_step(st, s, "inbound dedupe")) == -1)
		return STORE_IN_ERROR;
	if (rc == SQLITE_ROW) {
		if (in->received_at - sqlite3_column_int64(s, 1) <=
		    (single ? st->dedupe_window : STORE_DEDUPE_WINDOW)) {
			*idp = sqlite3_column_int64(s, 0);
			*groupp = sqlite3_column_int64(s, 2);
			sqlite3_reset(s);
			return STORE_IN_DUPLICATE;
		}
		retire = 1;	/* same text long ago: a new message */
	}
	sqlite3_reset(s);

	if (in->smsc_msgid != NULL && *in->smsc_msgid != '\0') {
		if ((s = store_stmt(st, STMT_IN_DUP_MSGID)) == NULL)
			return STORE_IN_ERROR;
		sqlite3_bind_text(s, 1, in->smsc, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, in->smsc_msgid, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, in->received_at - STORE_DEDUPE_WINDOW);
		if ((rc = store_step(st, s, "inbound dedupe id")) == -1)
			return STORE_IN_ERROR;
		if (rc == SQLITE_ROW) {
			*idp = sqlite3_column_int64(s, 0);
			*groupp = sqlite3_column_int64(s, 2);
			sqlite3_reset(s);
			return STORE_IN_DUPLICATE;
		}
		sqlite3_reset(s);
	}

	if (retire) {
		if ((s = store_stmt(st, STMT_IN_RETIRE)) == NULL)
			return STORE_IN_ERROR;
		sqlite3_bind_blob(s, 1, key, sizeof(key), SQLITE_STATIC);
		rc = store_step(st, s, "inbound retire dedupe key");
		sqlite3_reset(s);
		if (rc == -1)
			return STORE_IN_ERROR;
	}

	if (!single) {
		if ((s = store_stmt(st, STMT_IN_OPEN_GROUP)) == NULL)
			return STORE_IN_ERROR;
		sqlite3_bind_blob(s, 1, hash, sizeof(hash), SQLITE_STATIC);
		sqlite3_bind_text(s, 2, in->dest, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 3, in->concat_ref);
		sqlite3_bind_int(s, 4, in->concat_total);
		if ((rc = store_step(st, s, "inbound group")) == -1)
			return STORE_IN_ERROR;
		if (rc == SQLITE_ROW)
			group = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
	}

	if ((s = store_stmt(st, STMT_IN_INSERT)) == NULL)
		return STORE_IN_ERROR;
	if (group != 0)
		sqlite3_bind_int64(s, 1, group);
	else
		sqlite3_bind_null(s, 1);
	sqlite3_bind_text(s, 2, in->smsc, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, in->smsc_msgid != NULL &&
	    *in->smsc_msgid != '\0' ? in->smsc_msgid : NULL, -1,
	    SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, blob, (int)bloblen, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_text(s, 6, in->dest, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 7, in->data_coding);
	sqlite3_bind_int(s, 8, in->esm_class);
	sqlite3_bind_blob(s, 9, in->rawlen ? in->raw : "", (int)in->rawlen,
	    SQLITE_STATIC);
	sqlite3_bind_text(s, 10, in->text, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 11, single ? 0 : in->concat_ref);
	sqlite3_bind_int(s, 12, single ? 1 : in->concat_total);
	sqlite3_bind_int(s, 13, single ? 1 : in->concat_seq);
	sqlite3_bind_int64(s, 14, in->received_at);
	sqlite3_bind_int(s, 15, single ? STORE_IN_S_COMPLETE :
	    STORE_IN_S_PARTIAL);
	sqlite3_bind_blob(s, 16, key, sizeof(key), SQLITE_STATIC);
	rc = store_step(st, s, "inbound insert");
	sqlite3_reset(s);
	if (rc == -1)
		return STORE_IN_ERROR;
	id = sqlite3_last_insert_rowid(st->db);
	if (store_msgs_track(st, 'i', id) == -1)
		return STORE_IN_ERROR;
	*idp = id;
	*groupp = group != 0 ? group : id;
	st->read_group = 0;	/* a group read before may have grown */
	if (single) {
		store_fresh_keep(st, id, in);
		return STORE_IN_COMPLETE;
	}

	if ((s = store_stmt(st, STMT_IN_COUNT_PARTS)) == NULL)
		return STORE_IN_ERROR;
	sqlite3_bind_int64(s, 1, *groupp);
	if (store_step(st, s, "inbound count parts") == -1)
		return STORE_IN_ERROR;
	n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	if (n < in->concat_total)
		return STORE_IN_PARTIAL;
	if ((s = store_stmt(st, STMT_IN_COMPLETE)) == NULL)
		return STORE_IN_ERROR;
	sqlite3_bind_int64(s, 1, *groupp);
	rc = store_step(st, s, "inbound complete");
	sqlite3_reset(s);
	return rc == -1 ? STORE_IN_ERROR : STORE_IN_COMPLETE;
}

/*
 * The group's text: its parts in seq order, and where parts never came
 * (a group given up after concat-timeout) a marker that says which, so
 * nobody reads two halves as one sentence: "…[第2/3段未收到]…".
 */
static void
store_group_join(struct store_group *g, size_t tlen)
{
	char	mark[48];
	size_t	len = 0, n, cap;
	int	i, want = 1, seq;

	cap = tlen + 1 + (size_t)(g->total > 1 ? g->total : 1) * sizeof(mark);
	g->text = xmalloc(cap);
	g->text[0] = '\0';
	for (i = 0; i <= g->nparts; i++) {
		seq = i < g->nparts ? g->parts[i].seq : g->total + 1;
		for (; g->total > 1 && want < seq && want <= g->total; want++) {
			n = (size_t)snprintf(mark, sizeof(mark),
			    STORE_GAP_MARK, want, g->total);
			memcpy(g->text + len, mark, n + 1);
			len += n;
		}
		if (i == g->nparts)
			break;
		n = strlen(g->parts[i].text);
		memcpy(g->text + len, g->parts[i].text, n + 1);
		len += n;
		want = seq + 1;
	}
}

int
store_inbound_group(struct store *st, int64_t group, struct store_group *g)
{
	sqlite3_stmt		*s;
	struct store_part	*p;
	const void		*raw;
	size_t			 cap = 0, tlen = 0;
	int			 rc, seq;

	memset(g, 0, sizeof(*g));
	st->read_group = group;
	st->read_rows = 0;
	if (st->fresh.group == group && group != 0 && !st->doomed) {
		*g = st->fresh;		/* ownership moves to the caller */
		memset(&st->fresh, 0, sizeof(st->fresh));
		st->read_rows = 1;
		return 1;
	}
	if ((s = store_stmt(st, STMT_IN_GROUP)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, group);
	while ((rc = store_step(st, s, "inbound read group")) == SQLITE_ROW) {
		st->read_rows++;
		seq = sqlite3_column_int(s, 9);
		if (g->nparts == 0) {
			g->group = group;
			g->state = sqlite3_column_int(s, 11);
			strlcpy(g->smsc, (const char *)sqlite3_column_text(s,
			    1), sizeof(g->smsc));
			store_decrypt(st, s, 2, g->source, sizeof(g->source));
			strlcpy(g->dest, (const char *)sqlite3_column_text(s,
			    3), sizeof(g->dest));
			g->total = sqlite3_column_int(s, 8);
			g->first_at = sqlite3_column_int64(s, 10);
		} else if (g->parts[g->nparts - 1].seq == seq)
			continue;	/* one seq twice: keep the first */
		if ((size_t)g->nparts == cap) {
			cap = cap ? cap * 2 : 4;
			g->parts = xreallocarray(g->parts, cap, sizeof(*p));
		}
		p = &g->parts[g->nparts++];
		memset(p, 0, sizeof(*p));
		p->id = sqlite3_column_int64(s, 0);
		p->seq = seq;
		p->data_coding = sqlite3_column_int(s, 4);
		p->esm_class = sqlite3_column_int(s, 5);
		raw = sqlite3_column_blob(s, 6);
		p->rawlen = (size_t)sqlite3_column_bytes(s, 6);
		p->raw = xmalloc(p->rawlen + 1);
		if (p->rawlen > 0)
			memcpy(p->raw, raw, p->rawlen);
		p->text = store_colstr(s, 7);
		if (p->text == NULL)
			p->text = xstrdup("");
		p->received_at = sqlite3_column_int64(s, 10);
		if (p->received_at < g->first_at)
			g->first_at = p->received_at;
		tlen += strlen(p->text);
	}
	sqlite3_reset(s);
	if (rc == -1) {
		store_group_clear(g);
		return -1;
	}
	if (g->nparts == 0)
		return 0;
	store_group_join(g, tlen);
	return 1;
}

/* Keep single-part text id, just inserted, as store_inbound_group() reads it. */
static void
store_fresh_keep(struct store *st, int64_t id, const struct store_inbound *in)
{
	struct store_group	*g = &st->fresh;
	struct store_part	*p;

	g->group = id;
	g->state = STORE_IN_S_COMPLETE;
	strlcpy(g->smsc, in->smsc, sizeof(g->smsc));
	strlcpy(g->source, in->source, sizeof(g->source));
	strlcpy(g->dest, in->dest, sizeof(g->dest));
	g->total = g->nparts = 1;
	g->first_at = in->received_at;
	p = g->parts = xcalloc(1, sizeof(*p));
	p->id = id;
	p->seq = 1;
	p->data_coding = in->data_coding;
	p->esm_class = in->esm_class;
	p->rawlen = in->rawlen;
	p->raw = xmalloc(in->rawlen + 1);
	if (in->rawlen > 0)
		memcpy(p->raw, in->raw, in->rawlen);
	p->text = xstrdup(in->text);
	p->received_at = in->received_at;
	g->text = xstrdup(in->text);
}

void
store_group_clear(struct store_group *g)
{
	int	i;

	for (i = 0; i < g->nparts; i++) {
		free(g->parts[i].raw);
		free(g->parts[i].text);
	}
	free(g->parts);
	free(g->text);
	memset(g, 0, sizeof(*g));
}

int
store_inbound_done(struct store *st, int64_t group, int incomplete,
    int64_t case_id)
{
	sqlite3_stmt	*s;
	enum store_stmt	 i;
	int		 rc;

	for (i = STMT_IN_DONE; i <= STMT_IN_DONE_PARTS; i++) {
		/* a group just read as one row has no other parts */
		if (i == STMT_IN_DONE_PARTS && group == st->read_group &&
		    st->read_rows == 1)
			break;
		if ((s = store_stmt(st, i)) == NULL)
			return -1;
		sqlite3_bind_int64(s, 1, group);
		sqlite3_bind_int(s, 2, incomplete ? STORE_IN_S_INCOMPLETE :
		    STORE_IN_S_PROCESSED);
		sqlite3_bind_int64(s, 3, case_id);
		rc = store_step(st, s, "inbound done");
		sqlite3_reset(s);
		if (rc == -1)
			return -1;
	}
	return 0;
}

int
store_inbound_due(struct store *st, int64_t partial_before, int64_t *groups,
    size_t max)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_stmt(st, STMT_IN_DUE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, partial_before);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while ((rc = store_step(st, s, "inbound due")) == SQLITE_ROW)
		groups[n++] = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == -1 ? -1 : n;
}

/* --- cases -------------------------------------------------------------- */

int
store_case_add(struct store *st, const struct store_case_new *c,
    int64_t *idp, char number[STORE_CASE_NUMBER_MAX])
{
	sqlite3_stmt	*s;
	struct tm	 tm;
	time_t		 t;
	uint8_t		 hash[CRYPTO_HASH_LEN], blob[CRYPTO_BLOB_MAX];
	size_t		 bloblen;
	int64_t		 seq;
	int		 day, rc;

	if (c->category == NULL || c->text == NULL) {
		log_warnx("store case: no category or text (caller's bug)");
		return -1;
	}
	if (store_encrypt(st, c->msisdn, blob, &bloblen, hash) == -1)
		return -1;
	t = (time_t)(c->received_at / 1000);
	if (localtime_r(&t, &tm) == NULL) {
		log_warnx("store case: bad received_at %lld",
		    (long long)c->received_at);
		return -1;
	}
	day = (tm.tm_year % 100) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;

	if (store_seq_next(st, day, &seq) == -1)
		return -1;
	/* %04lld: 0001..9999, then 10000.. (see store.h) */
	if (snprintf(number, STORE_CASE_NUMBER_MAX, "%s%06d%04lld",
	    st->prefix, day, (long long)seq) >= STORE_CASE_NUMBER_MAX) {
		log_warnx("store case number of %06d too long", day);
		return -1;
	}
	if (seq > 9999 && seq % 1000 == 0)
		log_warnx("store case numbers of %06d beyond 9999: %lld",
		    day, (long long)seq);

	if ((s = store_stmt(st, STMT_CASE_INSERT)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, c->category, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, c->confidential ? 1 : 0);
	sqlite3_bind_blob(s, 4, blob, (int)bloblen, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_text(s, 6, c->text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, c->received_at);
	sqlite3_bind_text(s, 8, c->due, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, c->rule, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 10, c->flags);
	sqlite3_bind_int64(s, 11, c->inbound);
	rc = store_step(st, s, "case insert");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	*idp = sqlite3_last_insert_rowid(st->db);
	return store_cases_done(st);
}

/* The next case number of day (YYMMDD) in the open batch; 0 or -1. */
static int
store_seq_next(struct store *st, int day, int64_t *seqp)
{
	sqlite3_stmt	*s;
	int64_t		 last;
	int		 rc;

	if (!st->seq.known || st->seq.day != day || st->depth == 0) {
		if (store_seq_flush(st) == -1 ||
		    (s = store_stmt(st, STMT_SEQ_GET)) == NULL)
			return -1;
		sqlite3_bind_int(s, 1, day);
		rc = store_step(st, s, "case sequence");
		last = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
		sqlite3_reset(s);
		if (rc == -1) {
			st->seq.known = 0;
			return -1;
		}
		st->seq.last = last;
		st->seq.day = day;
		st->seq.known = 1;
	}
	*seqp = ++st->seq.last;
	st->seq.dirty = 1;
	if (st->depth > 0)
		return 0;
	/* outside a batch (tools, tests): written at once */
	rc = store_seq_flush(st);
	st->seq.known = 0;
	return rc;
}

/* Write the open batch's last case number, if it took one. */
static int
store_seq_flush(struct store *st)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (!st->seq.dirty)
		return 0;
	if ((s = store_stmt(st, STMT_SEQ_SET)) == NULL)
		return -1;
	sqlite3_bind_int(s, 1, st->seq.day);
	sqlite3_bind_int64(s, 2, st->seq.last);
	rc = store_step(st, s, "case sequence");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	st->seq.dirty = 0;
	return 0;
}

static void
store_case_row(sqlite3_stmt *s, struct store_case *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(s, 0);
	strlcpy(c->number, (const char *)sqlite3_column_text(s, 1),
	    sizeof(c->number));
	c->category = store_colstr(s, 2);
	c->state = store_colstr(s, 3);
	c->confidential = sqlite3_column_int(s, 4);
	c->text = store_colstr(s, 5);
	c->received_at = sqlite3_column_int64(s, 6);
	c->due = store_colstr(s, 7);
	c->rule = store_colstr(s, 8);
	c->flags = sqlite3_column_int(s, 9);
	c->result = store_colstr(s, 10);
	c->closed_at = sqlite3_column_int64(s, 11);
	c->nsupplements = sqlite3_column_int(s, 12);
	c->unit = store_colstr(s, 13);
	c->dispatched_at = sqlite3_column_int64(s, 14);
	c->due_original = store_colstr(s, 15);
	c->extensions = sqlite3_column_int(s, 16);
	c->late_returns = sqlite3_column_int(s, 17);
	c->supervised = sqlite3_column_int(s, 18);
	c->supervision = store_colstr(s, 19);
	c->rehandled = sqlite3_column_int(s, 20);
	c->result_cut = sqlite3_column_int(s, 21);
	c->updated_at = sqlite3_column_int64(s, 22);
	c->survey_score = sqlite3_column_int(s, 23);
	c->survey_state = store_colstr(s, 24);
}

int
store_case_find(struct store *st, const char *number, const char *msisdn,
    struct store_case *c)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN];
	int		 rc;

	memset(c, 0, sizeof(*c));
	if (msisdn != NULL && store_hash(st, msisdn, hash) == -1)
		return -1;
	if ((s = store_stmt(st, STMT_CASE_BY_NUMBER)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
	if (msisdn != NULL)
		sqlite3_bind_blob(s, 2, hash, sizeof(hash), SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 2);
	if ((rc = store_step(st, s, "case find")) == SQLITE_ROW)
		store_case_row(s, c);
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

int
store_case_get(struct store *st, int64_t id, struct store_case *c)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(c, 0, sizeof(*c));
	if ((s = store_stmt(st, STMT_CASE_BY_ID)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s, "case get")) == SQLITE_ROW)
		store_case_row(s, c);
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

int
store_case_list_open(struct store *st, const char *msisdn,
    struct store_case *out, size_t max)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN];

	if (store_hash(st, msisdn, hash) == -1)
		return -1;
	if ((s = store_stmt(st, STMT_CASE_OPEN)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	return store_case_rows(st, s, "case list", out, max);
}

void
store_case_clear(struct store_case *c)
{
	free(c->category);
	free(c->state);
	free(c->text);
	free(c->due);
	free(c->rule);
	free(c->result);
	free(c->unit);
	free(c->due_original);
	free(c->supervision);
	free(c->survey_state);
	memset(c, 0, sizeof(*c));
}

int
store_case_supplement(struct store *st, int64_t case_id, int64_t inbound,
    const char *text, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_SUPPLEMENT_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, inbound);
	sqlite3_bind_text(s, 3, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, at);
	rc = store_step(st, s, "case supplement");
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

/* COUNT(*) of a (hash, since) statement. */
static int
store_count(struct store *st, enum store_stmt i, const char *msisdn,
    int64_t since, const char *what)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN];
	int		 rc, n;

	if (store_hash(st, msisdn, hash) == -1)
		return -1;
	if ((s = store_stmt(st, i)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, since);
	rc = store_step(st, s, what);
	n = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
	sqlite3_reset(s);
	return n;
}

int
store_count_cases(struct store *st, const char *msisdn, int64_t since)
{
	return store_count(st, STMT_CASE_COUNT, msisdn, since, "case count");
}

int
store_count_replies(struct store *st, const char *msisdn, int64_t since)
{
	return store_count(st, STMT_OUT_COUNT, msisdn, since, "reply count");
}

/* --- refusals ----------------------------------------------------------- */

int
store_refusal_add(struct store *st, const struct store_refusal *r,
    int64_t *idp)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN], blob[CRYPTO_BLOB_MAX];
	size_t		 bloblen;
	int		 rc;

	if (r->reason == NULL || r->text == NULL) {
		log_warnx("store refusal: no reason or text (caller's bug)");
		return -1;
	}
	if (store_encrypt(st, r->msisdn, blob, &bloblen, hash) == -1)
		return -1;
	if ((s = store_stmt(st, STMT_REFUSAL_INSERT)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, blob, (int)bloblen, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, r->inbound);
	sqlite3_bind_text(s, 4, r->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, r->rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, r->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, r->text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, r->at);
	rc = store_step(st, s, "refusal insert");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (idp != NULL)
		*idp = sqlite3_last_insert_rowid(st->db);
	return 0;
}

/* --- alerts of the safety screen (v9) ----------------------------------- */

int
store_alert_add(struct store *st, const struct store_alert_new *a,
    int64_t *idp)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN], blob[CRYPTO_BLOB_MAX];
	size_t		 bloblen;
	int		 rc;

	if (a->verdict == NULL || a->channel == NULL || a->mask == NULL) {
		log_warnx("store alert: no verdict, channel or mask (caller's "
		    "bug)");
		return -1;
	}
	if (store_encrypt(st, a->msisdn, blob, &bloblen, hash) == -1)
		return -1;
	if ((s = store_stmt(st, STMT_ALERT_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, a->at);
	sqlite3_bind_text(s, 2, a->verdict, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, a->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, a->word, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, blob, (int)bloblen, SQLITE_STATIC);
	sqlite3_bind_blob(s, 6, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_text(s, 7, a->mask, -1, SQLITE_STATIC);
	if (a->inbound > 0)
		sqlite3_bind_int64(s, 8, a->inbound);
	if (a->case_id > 0)
		sqlite3_bind_int64(s, 9, a->case_id);
	if (a->refusal_id > 0)
		sqlite3_bind_int64(s, 10, a->refusal_id);
	rc = store_step(st, s, "alert insert");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (idp != NULL)
		*idp = sqlite3_last_insert_rowid(st->db);
	return 0;
}

static void
store_alert_str(sqlite3_stmt *s, int col, char *buf, size_t len)
{
	const unsigned char	*t = sqlite3_column_text(s, col);

	strlcpy(buf, t != NULL ? (const char *)t : "", len);
}

static void
store_alert_row(sqlite3_stmt *s, struct store_alert *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(s, 0);
	a->at = sqlite3_column_int64(s, 1);
	store_alert_str(s, 2, a->verdict, sizeof(a->verdict));
	store_alert_str(s, 3, a->channel, sizeof(a->channel));
	store_alert_str(s, 4, a->word, sizeof(a->word));
	store_alert_str(s, 5, a->mask, sizeof(a->mask));
	a->inbound = sqlite3_column_int64(s, 6);
	store_alert_str(s, 7, a->case_number, sizeof(a->case_number));
	a->refusal_id = sqlite3_column_int64(s, 8);
	a->logged_at = sqlite3_column_int64(s, 9);
	a->logs = sqlite3_column_int(s, 10);
	a->acked_at = sqlite3_column_int64(s, 11);
	store_alert_str(s, 12, a->acked_by, sizeof(a->acked_by));
	a->note = store_colstr(s, 13);
	a->text = store_colstr(s, 14);
}

int
store_alert_get(struct store *st, int64_t id, struct store_alert *a)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(a, 0, sizeof(*a));
	if ((s = store_stmt(st, STMT_ALERT_GET)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s, "alert get")) == SQLITE_ROW)
		store_alert_row(s, a);
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

int
store_alert_list(struct store *st, int open_only, struct store_alert *out,
    size_t max, size_t offset)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_stmt(st, STMT_ALERT_LIST)) == NULL)
		return -1;
	sqlite3_bind_int(s, 1, open_only != 0);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)offset);
	while ((rc = store_step(st, s, "alert list")) == SQLITE_ROW)
		store_alert_row(s, &out[n++]);
	sqlite3_reset(s);
	if (rc == -1) {
		while (n > 0)
			store_alert_clear(&out[--n]);
		return -1;
	}
	return n;
}

int
store_alert_ack(struct store *st, int64_t id, const char *by,
    const char *note, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (by == NULL || note == NULL ||
	    (s = store_stmt(st, STMT_ALERT_ACK)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, at);
	sqlite3_bind_text(s, 3, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, note, -1, SQLITE_STATIC);
	rc = store_step(st, s, "alert ack");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	return sqlite3_changes(st->db) > 0;
}

int
store_alert_due(struct store *st, int64_t before, int64_t *ids, size_t max)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_stmt(st, STMT_ALERT_DUE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, before);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while ((rc = store_step(st, s, "alert due")) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == -1 ? -1 : n;
}

int
store_alert_relogged(struct store *st, int64_t id, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_ALERT_RELOGGED)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, at);
	rc = store_step(st, s, "alert relogged");
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

int
store_alert_open(struct store *st)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_stmt(st, STMT_ALERT_OPEN)) == NULL)
		return -1;
	if ((rc = store_step(st, s, "alert open")) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return rc == -1 ? -1 : n;
}

int
store_alert_msisdn(struct store *st, int64_t id, char *out, size_t len)
{
	sqlite3_stmt	*s;
	int		 rc, v = 0;

	strlcpy(out, "", len);
	if ((s = store_stmt(st, STMT_ALERT_MSISDN)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s, "alert msisdn")) == SQLITE_ROW)
		v = store_decrypt(st, s, 0, out, len) == 0 ? 1 : -1;
	sqlite3_reset(s);
	return rc == -1 ? -1 : v;
}

void
store_alert_clear(struct store_alert *a)
{
	if (a == NULL)
		return;
	free(a->note);
	free(a->text);
	a->note = a->text = NULL;
}

/* --- outbox ------------------------------------------------------------- */

const char *
store_outbox_strstate(int state)
{
	if (state < 0 || (size_t)state >= nitems(store_outbox_states))
		return "unknown";
	return store_outbox_states[state];
}

int
store_outbox_add(struct store *st, const struct store_outbox_new *o,
    int64_t *idp)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN], blob[CRYPTO_BLOB_MAX];
	size_t		 bloblen;
	int64_t		 now, id;
	int		 rc;

	if (o->source == NULL || o->text == NULL || o->kind == NULL ||
	    strlen(o->source) >= STORE_ADDR_MAX) {
		log_warnx("store outbox: no source, kind or text (caller's "
		    "bug)");
		return -1;
	}
	if (store_encrypt(st, o->msisdn, blob, &bloblen, hash) == -1)
		return -1;
	now = (int64_t)clock_now_ms();
	if ((s = store_stmt(st, STMT_OUT_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, o->case_id);
	sqlite3_bind_int64(s, 2, o->inbound);
	sqlite3_bind_text(s, 3, o->kind, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, blob, (int)bloblen, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_text(s, 6, o->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, o->text, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 8, o->priority);
	sqlite3_bind_int64(s, 9, now);
	sqlite3_bind_int64(s, 10, o->not_before > 0 ? o->not_before : now);
	sqlite3_bind_int64(s, 11, o->expire_at);
	rc = store_step(st, s, "outbox insert");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	id = sqlite3_last_insert_rowid(st->db);
	if (store_msgs_track(st, 'o', id) == -1)
		return -1;
	if (idp != NULL)
		*idp = id;
	return 0;
}

int
store_outbox_next(struct store *st, int64_t now, struct store_outmsg *out,
    size_t max)
{
	sqlite3_stmt		*s;
	struct store_outmsg	*m;
	int			 rc, n = 0;

	if ((s = store_stmt(st, STMT_OUT_NEXT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while ((rc = store_step(st, s, "outbox next")) == SQLITE_ROW) {
		m = &out[n];
		memset(m, 0, sizeof(*m));
		m->id = sqlite3_column_int64(s, 0);
		m->case_id = sqlite3_column_int64(s, 1);
		if (store_decrypt(st, s, 2, m->to, sizeof(m->to)) == -1) {
			/* never send to garbage: leave it for an operator */
			log_warnx("store outbox id=%lld skipped",
			    (long long)m->id);
			continue;
		}
		strlcpy(m->from, (const char *)sqlite3_column_text(s, 3),
		    sizeof(m->from));
		m->text = store_colstr(s, 4);
		m->attempts = sqlite3_column_int(s, 5);
		m->priority = sqlite3_column_int(s, 6);
		m->due_at = sqlite3_column_int64(s, 7);
		strlcpy(m->via, (const char *)sqlite3_column_text(s, 8),
		    sizeof(m->via));
		n++;
	}
	sqlite3_reset(s);
	if (rc == -1) {
		store_outmsg_clear(out, (size_t)n);
		return -1;
	}
	return n;
}

void
store_outmsg_clear(struct store_outmsg *m, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(m[i].text);
		memset(&m[i], 0, sizeof(m[i]));
	}
}

int
store_outbox_next_time(struct store *st, int64_t *when)
{
	sqlite3_stmt	*s;
	int		 rc, found = 0;

	if ((s = store_stmt(st, STMT_OUT_NEXT_TIME)) == NULL)
		return -1;
	if ((rc = store_step(st, s, "outbox next time")) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL) {
		*when = sqlite3_column_int64(s, 0);
		found = 1;
	}
	sqlite3_reset(s);
	return rc == -1 ? -1 : found;
}

/*
 * Run an outbox update with ?1 id (0: NULL), ?2 a (0: NULL), ?3 text (if
 * the statement has it);
 * the rows changed, or -1.
 */
static int
store_outbox_update(struct store *st, enum store_stmt i, int64_t id,
    int64_t a, const char *b, const char *what)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, i)) == NULL)
		return -1;
	if (id != 0)
		sqlite3_bind_int64(s, 1, id);
	else
		sqlite3_bind_null(s, 1);
	if (a != 0)
		sqlite3_bind_int64(s, 2, a);
	else
		sqlite3_bind_null(s, 2);
	if (sqlite3_bind_parameter_count(s) >= 3)
		sqlite3_bind_text(s, 3, b, -1, SQLITE_STATIC);
	rc = store_step(st, s, what);
	sqlite3_reset(s);
	return rc == -1 ? -1 : sqlite3_changes(st->db);
}

int
store_outbox_inflight(struct store *st, int64_t id, int64_t now)
{
	int	n;

	if ((n = store_outbox_update(st, STMT_OUT_INFLIGHT, id, now, NULL,
	    "outbox inflight")) == 0)
		log_warnx("store outbox id=%lld not queued", (long long)id);
	return n == 1 ? 0 : -1;
}

int
store_outbox_submitted(struct store *st, int64_t id, int part, int nparts,
    const char *smsc, const char *msgid, int64_t now)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (smsc == NULL || msgid == NULL || part < 1 || part > nparts) {
		log_warnx("store outbox submitted: bad part (caller's bug)");
		return -1;
	}
	if ((s = store_stmt(st, STMT_OUT_PART)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, part);
	sqlite3_bind_int(s, 3, nparts);
	sqlite3_bind_text(s, 4, smsc, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, msgid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, now);
	rc = store_step(st, s, "outbox part");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (sqlite3_changes(st->db) == 0) {
		log_warnx("store outbox id=%lld not in flight", (long long)id);
		return -1;
	}
	if (part < nparts)
		return 0;	/* parts come in order: the last one decides */
	if ((s = store_stmt(st, nparts == 1 ? STMT_OUT_SENT1 :
	    STMT_OUT_SENT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, smsc, -1, SQLITE_STATIC);
	if (nparts == 1)
		sqlite3_bind_text(s, 4, msgid, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int(s, 3, nparts);
	rc = store_step(st, s, "outbox sent");
	sqlite3_reset(s);
	if (rc == -1 || (sqlite3_changes(st->db) == 1 &&
	    store_msgs_track(st, 's', id) == -1))
		return -1;
	return 0;
}

int
store_outbox_retry(struct store *st, int64_t id, int64_t next_at,
    const char *error)
{
	return store_outbox_update(st, STMT_OUT_RETRY, id, next_at, error,
	    "outbox retry") == -1 ? -1 : 0;
}

int
store_outbox_fail(struct store *st, int64_t id, const char *error)
{
	int	n;

	if ((n = store_outbox_update(st, STMT_OUT_FAIL, id, 0, error,
	    "outbox fail")) == -1)
		return -1;
	return n == 1 ? store_msgs_track(st, 'f', id) : 0;
}

int
store_outbox_receipt(struct store *st, const char *smsc, const char *msgid,
    enum store_receipt rcpt, const char *stat, const char *err, int64_t at,
    int64_t *idp, int64_t *casep)
{
	sqlite3_stmt	*s;
	int64_t		 part, id, case_id;
	int		 rc, attempt;

	if ((s = store_stmt(st, STMT_OUT_PART_FIND)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, msgid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, smsc, -1, SQLITE_STATIC);
	if ((rc = store_step(st, s, "outbox receipt find")) != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == -1 ? -1 : 0;
	}
	part = sqlite3_column_int64(s, 0);
	id = sqlite3_column_int64(s, 1);
	case_id = sqlite3_column_int64(s, 2);
	attempt = sqlite3_column_int(s, 3);
	sqlite3_reset(s);

	if ((s = store_stmt(st, STMT_OUT_PART_RECEIPT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, part);
	sqlite3_bind_int(s, 2, rcpt);
	sqlite3_bind_text(s, 3, stat, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, err, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, at);
	rc = store_step(st, s, "outbox receipt part");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;

	switch (rcpt) {
	case STORE_RCPT_INTERIM:
		s = store_stmt(st, STMT_OUT_RCPT_NOTE);
		break;
	case STORE_RCPT_DELIVERED:
		s = store_stmt(st, STMT_OUT_RCPT_DELIVERED);
		break;
	case STORE_RCPT_FAILED:
	case STORE_RCPT_EXPIRED:
		if ((s = store_stmt(st, STMT_OUT_RCPT_FINAL)) != NULL)
			sqlite3_bind_int(s, 6, rcpt == STORE_RCPT_FAILED ?
			    STORE_OUT_FAILED : STORE_OUT_EXPIRED);
		break;
	default:
		fatalx("store_outbox_receipt: receipt %d", (int)rcpt);
	}
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, stat, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, err, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, at);
	sqlite3_bind_int(s, 5, attempt);
	rc = store_step(st, s, "outbox receipt");
	sqlite3_reset(s);
	if (rc == -1 || (rcpt != STORE_RCPT_INTERIM &&
	    sqlite3_changes(st->db) == 1 && store_msgs_track(st, 'f', id) ==
	    -1))
		return -1;
	if (idp != NULL)
		*idp = id;
	if (casep != NULL)
		*casep = case_id;
	return 1;
}

int
store_outbox_reset_inflight(struct store *st)
{
	if (store_exec(st, STMT_OUT_RESET, "outbox reset") == -1)
		return -1;
	return sqlite3_changes(st->db);
}

int
store_outbox_expire(struct store *st, int64_t now)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0, alone;

	/* alone: its own batch, so the rows and their event commit as one */
	if ((alone = st->depth == 0) && store_begin(st) == -1)
		return -1;
	if ((s = store_stmt(st, STMT_OUT_EXPIRE)) == NULL)
		rc = -1;
	else {
		sqlite3_bind_int64(s, 1, now);
		sqlite3_bind_text(s, 2, "expired", -1, SQLITE_STATIC);
		while ((rc = store_step(st, s, "outbox expire")) ==
		    SQLITE_ROW && store_msgs_track(st, 'f',
		    sqlite3_column_int64(s, 0)) == 0)
			n++;
		sqlite3_reset(s);
	}
	if (rc != SQLITE_DONE && !alone)
		return -1;
	if (rc != SQLITE_DONE)
		store_rollback(st);
	if (alone && store_commit(st) == -1)
		return -1;
	return n;
}

int
store_outbox_state(struct store *st, int64_t id, int *statep,
    int *attemptsp)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_OUT_STATE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s, "outbox state")) == SQLITE_ROW) {
		*statep = sqlite3_column_int(s, 0);
		if (attemptsp != NULL)
			*attemptsp = sqlite3_column_int(s, 1);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_outbox_row(struct store *st, int64_t id, int64_t *casep, char *kind,
    size_t kindlen)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_OUT_ROW)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s, "outbox row")) == SQLITE_ROW) {
		*casep = sqlite3_column_int64(s, 0);
		strlcpy(kind, (const char *)sqlite3_column_text(s, 1), kindlen);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* --- opt-out ------------------------------------------------------------ */

int
store_optout_set(struct store *st, const char *msisdn, int on, int64_t at)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN];
	int		 rc;

	if (store_hash(st, msisdn, hash) == -1)
		return -1;
	if ((s = store_stmt(st, on ? STMT_OPTOUT_SET : STMT_OPTOUT_CLEAR)) ==
	    NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, sizeof(hash), SQLITE_STATIC);
	if (on)
		sqlite3_bind_int64(s, 2, at);
	rc = store_step(st, s, "optout");
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

int
store_optout_has(struct store *st, const char *msisdn)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN];
	int		 rc;

	if (store_hash(st, msisdn, hash) == -1)
		return -1;
	if ((s = store_stmt(st, STMT_OPTOUT_HAS)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, sizeof(hash), SQLITE_STATIC);
	rc = store_step(st, s, "optout check");
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

/* --- audit -------------------------------------------------------------- */

/*
 * The chained MAC of one event.  Lengths come first so that no field can
 * leak into its neighbour ("ab"+"c" differs from "a"+"bc").
 */
static int
store_audit_mac(struct store *st, const void *prev, size_t prevlen,
    int64_t id, int64_t at, int64_t case_id, const char *actor,
    const char *action, const char *detail, uint8_t out[CRYPTO_HASH_LEN])
{
	char	*buf;
	int	 len, r;

	len = xasprintf(&buf, "%lld %lld %lld %zu %zu %zu\n%s%s%s",
	    (long long)id, (long long)at, (long long)case_id, strlen(actor),
	    strlen(action), detail ? strlen(detail) : (size_t)0, actor,
	    action, detail ? detail : "");
	r = crypto_hmac(st->crypto, "audit", prev, prevlen, buf, (size_t)len,
	    out);
	free(buf);
	return r;
}

int
store_audit(struct store *st, int64_t case_id, const char *actor,
    const char *action, const char *detail, int64_t at)
{
	sqlite3_stmt	*s;
	uint8_t		 prev[CRYPTO_HASH_LEN], mac[CRYPTO_HASH_LEN];
	size_t		 prevlen = 0;
	int64_t		 id = 1;
	int		 rc;

	if (actor == NULL || action == NULL) {
		log_warnx("store audit: no actor or action (caller's bug)");
		return -1;
	}
	if (st->depth == 0 || !st->audit.known) {
		if ((s = store_stmt(st, STMT_AUDIT_LAST)) == NULL)
			return -1;
		memset(&st->audit, 0, sizeof(st->audit));
		if ((rc = store_step(st, s, "audit last")) == SQLITE_ROW) {
			st->audit.last = sqlite3_column_int64(s, 0);
			if (sqlite3_column_bytes(s, 1) == (int)sizeof(prev)) {
				st->audit.maclen = sizeof(prev);
				memcpy(st->audit.mac, sqlite3_column_blob(s, 1),
				    sizeof(prev));
			}
		}
		sqlite3_reset(s);
		if (rc == -1)
			return -1;
		st->audit.known = st->depth > 0;
	}
	id = st->audit.last + 1;
	prevlen = st->audit.maclen;
	memcpy(prev, st->audit.mac, sizeof(prev));
	if (store_audit_mac(st, prev, prevlen, id, at, case_id, actor, action,
	    detail, mac) == -1) {
		log_warnx("store audit: HMAC failed");
		return -1;
	}
	if ((s = store_stmt(st, STMT_AUDIT_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, at);
	sqlite3_bind_int64(s, 3, case_id);
	sqlite3_bind_text(s, 4, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, detail, -1, SQLITE_STATIC);
	if (prevlen)
		sqlite3_bind_blob(s, 7, prev, (int)prevlen, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 7);
	sqlite3_bind_blob(s, 8, mac, sizeof(mac), SQLITE_STATIC);
	rc = store_step(st, s, "audit insert");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	st->audit.last = id;
	memcpy(st->audit.mac, mac, sizeof(mac));
	st->audit.maclen = sizeof(mac);
	if (st->version < 3)
		return 0;
	if (st->depth > 0) {
		st->audit.dirty = 1;	/* sealed by store_commit() */
		return 0;
	}
	return store_audit_tip_set(st, id, mac);
}

/* Seal the batch's audit events in audit_tip now; 0 or -1. */
static int
store_audit_tip_flush(struct store *st)
{
	if (!st->audit.dirty)
		return 0;
	if (store_audit_tip_set(st, st->audit.last, st->audit.mac) == -1)
		return -1;
	st->audit.dirty = 0;
	return 0;
}

/* The MAC that seals the tip: the last event's id and hmac. */
static int
store_audit_tip_mac(struct store *st, int64_t last_id, const void *hmac,
    size_t hmaclen, uint8_t out[CRYPTO_HASH_LEN])
{
	char	buf[32];
	int	len;

	len = snprintf(buf, sizeof(buf), "%lld", (long long)last_id);
	return crypto_hmac(st->crypto, "audit-tip", hmac, hmaclen, buf,
	    (size_t)len, out);
}

/* Move the sealed tip to event id with hmac; 0 or -1. */
static int
store_audit_tip_set(struct store *st, int64_t id,
    const uint8_t hmac[CRYPTO_HASH_LEN])
{
	sqlite3_stmt	*s;
	uint8_t		 tip[CRYPTO_HASH_LEN];
	int		 rc;

	if (store_audit_tip_mac(st, id, hmac, CRYPTO_HASH_LEN, tip) == -1) {
		log_warnx("store audit: tip HMAC failed");
		return -1;
	}
	if ((s = store_stmt(st, STMT_AUDIT_TIP_SET)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_blob(s, 2, hmac, CRYPTO_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, tip, sizeof(tip), SQLITE_STATIC);
	rc = store_step(st, s, "audit tip");
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

/*
 * Seal the tip left unsealed by the v3 upgrade (the chain's end as it was
 * when the upgrade ran).  Called by store_open() only in the run that
 * upgraded, so an unsealed tip found later is a broken one.
 */
static int
store_audit_seal_tip(struct store *st)
{
	sqlite3_stmt	*s;
	uint8_t		 hmac[CRYPTO_HASH_LEN];
	int64_t		 id = 0;
	int		 rc, unsealed = 0;

	if ((s = store_stmt(st, STMT_AUDIT_TIP_GET)) == NULL)
		return -1;
	if ((rc = store_step(st, s, "audit tip")) == SQLITE_ROW &&
	    sqlite3_column_type(s, 2) == SQLITE_NULL &&
	    sqlite3_column_bytes(s, 1) == (int)sizeof(hmac)) {
		id = sqlite3_column_int64(s, 0);
		memcpy(hmac, sqlite3_column_blob(s, 1), sizeof(hmac));
		unsealed = 1;
	}
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (!unsealed)
		return 0;
	return store_audit_tip_set(st, id, hmac);
}

int
store_audit_verify(struct store *st, int64_t *badp)
{
	sqlite3_stmt	*s;
	uint8_t		 prev[CRYPTO_HASH_LEN], mac[CRYPTO_HASH_LEN];
	const void	*stored, *sprev;
	size_t		 prevlen = 0;
	int64_t		 id, expect = 1;
	int		 rc, broken = 0, msgs;
	struct store_msgs_check k;
	struct store_cases_check kc;

	/* inside a batch, its events are not sealed yet: seal them first */
	if (st->depth == 0 && store_cases_done(st) == -1)
		return -1;
	if (st->depth > 0 && (store_cases_seal(st) == -1 ||
	    (!st->msg && store_msgs_seal(st) == -1) ||
	    store_audit_tip_flush(st) == -1))
		return -1;
	memset(&k, 0, sizeof(k));
	memset(&kc, 0, sizeof(kc));
	if ((s = store_stmt(st, STMT_AUDIT_ALL)) == NULL)
		return -1;
	while ((rc = store_step(st, s, "audit verify")) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		sprev = sqlite3_column_blob(s, 6);
		stored = sqlite3_column_blob(s, 7);
		if (id != expect || store_audit_mac(st, prev, prevlen, id,
		    sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2),
		    (const char *)sqlite3_column_text(s, 3),
		    (const char *)sqlite3_column_text(s, 4),
		    (const char *)sqlite3_column_text(s, 5), mac) == -1 ||
		    stored == NULL || sqlite3_column_bytes(s, 7) !=
		    (int)sizeof(mac) || memcmp(stored, mac, sizeof(mac)) != 0 ||
		    (size_t)sqlite3_column_bytes(s, 6) != prevlen ||
		    (prevlen && memcmp(sprev, prev, prevlen) != 0)) {
			*badp = id;
			broken = 1;
			break;
		}
		if (st->version >= 6 && (msgs = store_msgs_check_event(st, &k,
		    id, (const char *)sqlite3_column_text(s, 3),
		    (const char *)sqlite3_column_text(s, 4),
		    (const char *)sqlite3_column_text(s, 5))) != 0) {
			if (msgs == 1)
				log_warnx("store audit broken event=%lld "
				    "reason=message-rows-changed",
				    (long long)id);
			*badp = id;
			broken = msgs;
			break;
		}
		if (st->version >= 8 && store_cases_check_event(&kc, id,
		    (const char *)sqlite3_column_text(s, 3),
		    (const char *)sqlite3_column_text(s, 4),
		    (const char *)sqlite3_column_text(s, 5)) != 0) {
			log_warnx("store audit broken event=%lld "
			    "reason=bad-cases-event", (long long)id);
			*badp = id;
			broken = 1;
			break;
		}
		memcpy(prev, mac, sizeof(mac));
		prevlen = sizeof(prev);
		expect = id + 1;
	}
	sqlite3_reset(s);
	if (rc == -1 || broken == -1)
		broken = -1;
	else if (!broken && st->version >= 3)
		broken = store_audit_verify_tip(st, expect - 1, prevlen ?
		    prev : NULL, badp);
	if (!broken && st->version >= 6)
		broken = store_msgs_check_end(st, &k, expect - 1, badp);
	if (!broken && st->version >= 8)
		broken = store_cases_check_end(st, &kc, expect - 1, badp);
	free(k.flags);
	free(k.ins);
	free(kc.rows);
	return broken;
}

/*
 * The chain ended at event last (0: empty) with hmac last_mac: does the
 * sealed tip agree?  0, or 1 with *badp: one past the last event present
 * (events were deleted at the end, or the tip was), -1 on error.
 */
static int
store_audit_verify_tip(struct store *st, int64_t last,
    const uint8_t *last_mac, int64_t *badp)
{
	sqlite3_stmt	*s;
	uint8_t		 tip[CRYPTO_HASH_LEN];
	int64_t		 tip_id;
	int		 rc, ok = 0;

	if ((s = store_stmt(st, STMT_AUDIT_TIP_GET)) == NULL)
		return -1;
	if ((rc = store_step(st, s, "audit tip")) == SQLITE_ROW) {
		tip_id = sqlite3_column_int64(s, 0);
		ok = last_mac != NULL && tip_id == last &&
		    sqlite3_column_bytes(s, 1) == CRYPTO_HASH_LEN &&
		    memcmp(sqlite3_column_blob(s, 1), last_mac,
		    CRYPTO_HASH_LEN) == 0 &&
		    sqlite3_column_bytes(s, 2) == CRYPTO_HASH_LEN &&
		    store_audit_tip_mac(st, tip_id, last_mac, CRYPTO_HASH_LEN,
		    tip) == 0 && memcmp(sqlite3_column_blob(s, 2), tip,
		    sizeof(tip)) == 0;
	} else if (rc == SQLITE_DONE)
		ok = last == 0;		/* no event, no tip */
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (ok)
		return 0;
	*badp = last + 1;
	return 1;
}

/* --- messages in and out on the audit chain (v6) ------------------------ */

/*
 * One event per batch, not per row: bench/ingest measured an event per
 * message row (in, out, sent, final: four per MO) at +22% CPU and +2.2
 * KiB written per MO; one digest per batch costs about +2% and +0.7 KiB.
 * The digest reads the rows back just before COMMIT through the very
 * statements verification uses, so the two cannot disagree on a column.
 */

/* A growable byte buffer: a digest's input, an event's detail. */
struct store_buf {
	uint8_t		*p;
	size_t		 len, cap;
};

static void
store_buf_add(struct store_buf *b, const void *p, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		while (b->len + len + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 1024;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	if (len > 0)
		memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static void
store_buf_printf(struct store_buf *b, const char *fmt, long long a,
    long long c)
{
	char	tmp[64];
	int	n;

	n = snprintf(tmp, sizeof(tmp), fmt, a, c);
	store_buf_add(b, tmp, (size_t)n);
}

/*
 * Append the row s is on, every column as its type and 8 bytes (the
 * integer, or the length of the text or blob that follows): no column can
 * leak into its neighbour.
 */
static void
store_buf_row(struct store_buf *b, sqlite3_stmt *s)
{
	uint8_t	hdr[9];
	int	c, k, ncol, type;
	int64_t	v;

	ncol = sqlite3_column_count(s);
	for (c = 0; c < ncol; c++) {
		type = sqlite3_column_type(s, c);
		v = type == SQLITE_INTEGER ? sqlite3_column_int64(s, c) :
		    sqlite3_column_bytes(s, c);
		hdr[0] = (uint8_t)type;
		for (k = 0; k < 8; k++)
			hdr[1 + k] = (uint8_t)((uint64_t)v >> (56 - 8 * k));
		store_buf_add(b, hdr, sizeof(hdr));
		if (type == SQLITE_TEXT)
			store_buf_add(b, sqlite3_column_text(s, c), (size_t)v);
		else if (type == SQLITE_BLOB)
			store_buf_add(b, sqlite3_column_blob(s, c), (size_t)v);
	}
}

/* Record a message row written ('i', 'o') or moved ('s', 'f'); 0 or -1. */
static int
store_msgs_track(struct store *st, int kind, int64_t id)
{
	struct store_msgs	*m = &st->msgs;
	int64_t			*first, *last;

	if (st->version < 6)
		return 0;
	switch (kind) {
	case 'i':
	case 'o':
		first = kind == 'i' ? &m->in_first : &m->out_first;
		last = kind == 'i' ? &m->in_last : &m->out_last;
		if (*last != 0 && id != *last + 1) {
			log_warnx("store audit %s id=%lld after %lld: ids not "
			    "contiguous in a batch", kind == 'i' ? "inbound" :
			    "outbox", (long long)id, (long long)*last);
			return -1;
		}
		if (*first == 0)
			*first = id;
		*last = id;
		break;
	case 's':
	case 'f':
		if (m->noutcome == m->outcomesz) {
			m->outcomesz = m->outcomesz ? m->outcomesz * 2 : 64;
			m->outcome = xreallocarray(m->outcome, m->outcomesz,
			    sizeof(*m->outcome));
		}
		m->outcome[m->noutcome++] = id * 2 + (kind == 'f');
		break;
	default:
		fatalx("store_msgs_track: kind %d", kind);
	}
	/* outside a batch the row committed alone: so does its event */
	return st->depth == 0 ? store_msgs_seal(st) : 0;
}

static void
store_msgs_mark(struct store *st, struct store_msgs_mark *k)
{
	k->in_first = st->msgs.in_first;
	k->in_last = st->msgs.in_last;
	k->out_first = st->msgs.out_first;
	k->out_last = st->msgs.out_last;
	k->noutcome = st->msgs.noutcome;
}

/* Forget what was tracked since k (NULL: everything). */
static void
store_msgs_undo(struct store *st, const struct store_msgs_mark *k)
{
	struct store_msgs_mark	zero;

	if (k == NULL) {
		memset(&zero, 0, sizeof(zero));
		k = &zero;
	}
	st->msgs.in_first = k->in_first;
	st->msgs.in_last = k->in_last;
	st->msgs.out_first = k->out_first;
	st->msgs.out_last = k->out_last;
	st->msgs.noutcome = k->noutcome;
}

static int
store_cmp64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Append " key=a-b,c" for the ids of outcome kind (sorted). */
static void
store_msgs_list(struct store_buf *b, const char *key, const int64_t *v,
    size_t n, int kind)
{
	size_t	i;
	int64_t	a = 0, z = 0, id;
	int	first = 1;

	for (i = 0; i <= n; i++) {
		if (i < n && (v[i] & 1) != kind)
			continue;
		id = i < n ? v[i] / 2 : 0;
		if (i < n && a != 0 && (id == z || id == z + 1)) {
			z = id;
			continue;
		}
		if (a != 0) {
			store_buf_add(b, first ? key : ",", first ?
			    strlen(key) : 1);
			first = 0;
			store_buf_printf(b, a == z ? "%lld" : "%lld-%lld",
			    (long long)a, (long long)z);
		}
		a = z = id;
	}
}

/*
 * Append the digest of one event's message rows: the ids it names and
 * their covered columns, as it sees them now.  Before COMMIT that is what
 * the batch wrote; at verification, what the rows still hold.
 */
static int
store_msgs_digest(struct store *st, const char *detail,
    uint8_t mac[CRYPTO_HASH_LEN])
{
	static const struct {
		const char	*key;
		enum store_stmt	 stmt;
	} sect[] = {
		{ "in=", STMT_MSG_IN }, { "out=", STMT_MSG_OUT },
		{ "sent=", STMT_MSG_SENT }, { "final=", STMT_MSG_FINAL },
	};
	struct store_buf	 b;
	sqlite3_stmt		*s;
	const char		*p, *end;
	char			*ep;
	long long		 lo, hi;
	size_t			 i, len;
	int			 rc = 0, ret = -1;

	memset(&b, 0, sizeof(b));
	store_buf_add(&b, "", 0);
	end = strstr(detail, " mac=");
	len = end != NULL ? (size_t)(end - detail) : strlen(detail);
	for (p = detail; p < detail + len; ) {
		for (i = 0; i < nitems(sect); i++)
			if (strncmp(p, sect[i].key, strlen(sect[i].key)) == 0)
				break;
		if (i == nitems(sect))
			goto done;
		p += strlen(sect[i].key);
		store_buf_add(&b, sect[i].key, 1);
		for (;;) {
			lo = strtoll(p, &ep, 10);
			hi = *ep == '-' ? strtoll(ep + 1, &ep, 10) : lo;
			if (ep == p || lo < 1 || hi < lo)
				goto done;
			p = ep;
			if ((s = store_stmt(st, sect[i].stmt)) == NULL)
				goto done;
			sqlite3_bind_int64(s, 1, lo);
			sqlite3_bind_int64(s, 2, hi);
			while ((rc = store_step(st, s, "audit messages")) ==
			    SQLITE_ROW)
				store_buf_row(&b, s);
			sqlite3_reset(s);
			if (rc == -1)
				goto done;
			if (*p != ',')
				break;
			p++;
		}
		if (*p == ' ')
			p++;
	}
	if (crypto_hmac(st->crypto, "messages", detail, len, b.p, b.len,
	    mac) == 0)
		ret = 0;
done:
	if (ret == -1 && rc != -1)
		log_warnx("store audit messages: bad detail");
	free(b.p);
	return ret;
}

/*
 * Digest the batch's message rows into one "messages" event (store.h):
 * called just before COMMIT, or at once outside a batch.  0 or -1.
 */
static int
store_msgs_seal(struct store *st)
{
	struct store_msgs	*m = &st->msgs;
	struct store_buf	 b;
	uint8_t			 mac[CRYPTO_HASH_LEN];
	char			 hex[3];
	size_t			 i;
	int			 rv = -1;

	if (st->version < 6 || (m->in_first == 0 && m->out_first == 0 &&
	    m->noutcome == 0))
		return 0;
	memset(&b, 0, sizeof(b));
	store_buf_add(&b, "", 0);
	if (m->in_first != 0)
		store_buf_printf(&b, "in=%lld-%lld", m->in_first, m->in_last);
	if (m->out_first != 0)
		store_buf_printf(&b, b.len ? " out=%lld-%lld" :
		    "out=%lld-%lld", m->out_first, m->out_last);
	if (m->noutcome > 0)
		qsort(m->outcome, m->noutcome, sizeof(*m->outcome),
		    store_cmp64);
	store_msgs_list(&b, b.len ? " sent=" : "sent=", m->outcome,
	    m->noutcome, 0);
	store_msgs_list(&b, b.len ? " final=" : "final=", m->outcome,
	    m->noutcome, 1);
	if (store_msgs_digest(st, (const char *)b.p, mac) == -1)
		goto done;
	store_buf_add(&b, " mac=", 5);
	for (i = 0; i < sizeof(mac); i++) {
		snprintf(hex, sizeof(hex), "%02x", mac[i]);
		store_buf_add(&b, hex, 2);
	}
	store_msgs_undo(st, NULL);
	rv = store_audit(st, 0, "store", "messages", (const char *)b.p,
	    (int64_t)clock_now_ms());
done:
	free(b.p);
	return rv;
}

/*
 * Chain where coverage starts, once, after the upgrade that made the
 * table or column of get (or after a crash right after it): get reads two
 * first ids and the event (NULL: not chained yet); the event's detail is
 * fmt with those ids; set records the event.  Rows before those ids are
 * not covered.  0 or -1.
 */
static int
store_cover(struct store *st, enum store_stmt get, enum store_stmt set,
    const char *action, const char *fmt)
{
	sqlite3_stmt	*s;
	char		 d[64];
	long long	 a = 0, b = 0;
	int		 rc, need = 0;

	if ((s = store_stmt(st, get)) == NULL)
		return -1;
	if ((rc = store_step(st, s, "audit cover")) == SQLITE_ROW &&
	    sqlite3_column_type(s, 2) == SQLITE_NULL) {
		a = sqlite3_column_int64(s, 0);
		b = sqlite3_column_int64(s, 1);
		need = 1;
	}
	sqlite3_reset(s);
	if (rc == -1 || !need)
		return rc == -1 ? -1 : 0;
	snprintf(d, sizeof(d), fmt, a, b);
	if (store_begin(st) == -1)
		return -1;
	if (store_audit(st, 0, "store", action, d,
	    (int64_t)clock_now_ms()) == -1 ||
	    (s = store_stmt(st, set)) == NULL) {
		store_rollback(st);
		store_commit(st);
		return -1;
	}
	sqlite3_bind_int64(s, 1, st->audit.last);
	rc = store_step(st, s, "audit cover");
	sqlite3_reset(s);
	if (rc == -1)
		store_rollback(st);
	if (store_commit(st) == -1)
		return -1;
	log_info("store audit %s %s", action, d);
	return 0;
}

/* Message coverage (v6): "in>=N out>=M". */
static int
store_msgs_cover(struct store *st)
{
	return store_cover(st, STMT_COVER_GET, STMT_COVER_SET,
	    "messages.covered", "in>=%lld out>=%lld");
}

/* Check one "messages" event's ranges and digest: 0, 1 broken, -1. */
static int
store_msgs_check_event(struct store *st, struct store_msgs_check *k,
    int64_t ev, const char *actor, const char *action, const char *detail)
{
	uint8_t		 mac[CRYPTO_HASH_LEN];
	char		 hex[2 * CRYPTO_HASH_LEN + 1], *ep;
	const char	*p, *m;
	long long	 a, b;
	int64_t		 id;
	size_t		 i;
	int		 key;

	if (actor == NULL || action == NULL || strcmp(actor, "store") != 0)
		return 0;
	if (strcmp(action, "messages.covered") == 0) {
		if (k->covered || detail == NULL || sscanf(detail,
		    "in>=%lld out>=%lld", &a, &b) != 2 || a < 1 || b < 1)
			return 1;
		k->covered = 1;
		k->in_next = a;
		k->out_next = k->out_first = b;
		return 0;
	}
	if (strcmp(action, "messages") != 0)
		return 0;
	if (!k->covered || detail == NULL ||
	    (m = strstr(detail, " mac=")) == NULL)
		return 1;
	for (p = detail; p < m; ) {
		key = *p;
		if ((p = strchr(p, '=')) == NULL || p > m)
			return 1;
		p++;
		do {
			a = strtoll(p, &ep, 10);
			b = *ep == '-' ? strtoll(ep + 1, &ep, 10) : a;
			if (ep == p || a < 1 || b < a)
				return 1;
			p = ep;
			switch (key) {
			case 'i':	/* inserts follow on: none left out */
				if (a != k->in_next)
					return 1;
				k->in_next = b + 1;
				break;
			case 'o':
				if (a != k->out_next)
					return 1;
				k->out_next = b + 1;
				k->flags = xreallocarray(k->flags,
				    (size_t)(b + 1 - k->out_first), 1);
				memset(k->flags + (a - k->out_first), 0,
				    (size_t)(b + 1 - a));
				if (k->nins == k->insz) {
					k->insz = k->insz ? k->insz * 2 : 64;
					k->ins = xreallocarray(k->ins,
					    k->insz, 2 * sizeof(*k->ins));
				}
				k->ins[2 * k->nins] = b;
				k->ins[2 * k->nins++ + 1] = ev;
				break;
			case 's':
			case 'f':
				/* an outcome of a row no event inserted */
				if (b >= k->out_next || k->flags == NULL)
					return 1;
				for (id = MAXIMUM(a, k->out_first); id <= b;
				    id++)
					k->flags[id - k->out_first] |=
					    key == 's' ? 1 : 2;
				break;
			default:
				return 1;
			}
		} while (*p == ',' && p++);
		if (*p == ' ')
			p++;
	}
	if (store_msgs_digest(st, detail, mac) == -1)
		return 1;
	for (i = 0; i < sizeof(mac); i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
	return strcmp(m + 5, hex) == 0 ? 0 : 1;
}

/* The event that covered outbox row id's insert, else 0. */
static int64_t
store_msgs_event_of(const struct store_msgs_check *k, int64_t id)
{
	size_t	lo = 0, hi = k->nins, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (k->ins[2 * mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k->nins ? k->ins[2 * lo + 1] : 0;
}

/*
 * After the chain: no covered row may lie outside every event, and an
 * outbox row sent or at an outcome must have had it chained.  0, or 1
 * with *badp (the event that covered the row's insert, or one past the
 * last event), -1 on error.
 */
static int
store_msgs_check_end(struct store *st, struct store_msgs_check *k,
    int64_t last, int64_t *badp)
{
	sqlite3_stmt	*s;
	int64_t		 id, max;
	int		 rc, state, f;

	if (!k->covered) {
		log_warnx("store audit broken: message coverage not chained");
		*badp = last + 1;
		return 1;
	}
	for (f = 0; f < 2; f++) {
		if ((s = store_stmt(st, f ? STMT_MSG_OUT_MAX :
		    STMT_MSG_IN_MAX)) == NULL)
			return -1;
		rc = store_step(st, s, "audit messages");
		max = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		if (rc == -1)
			return -1;
		if (max >= (f ? k->out_next : k->in_next)) {
			log_warnx("store audit broken event=%lld table=%s "
			    "row=%lld reason=not-chained", (long long)last + 1,
			    f ? "outbox" : "inbound", (long long)max);
			*badp = last + 1;
			return 1;
		}
	}
	if ((s = store_stmt(st, STMT_MSG_OUT_STATES)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, k->out_first);
	while ((rc = store_step(st, s, "audit messages")) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		state = sqlite3_column_int(s, 1);
		/* rows past out_next were refused above: no flags for them */
		f = k->flags != NULL && id < k->out_next ?
		    k->flags[id - k->out_first] : 0;
		if ((state == STORE_OUT_SENT && !(f & 1)) ||
		    (state > STORE_OUT_SENT && !(f & 2))) {
			*badp = store_msgs_event_of(k, id);
			log_warnx("store audit broken event=%lld table=outbox "
			    "row=%lld reason=outcome-not-chained",
			    (long long)*badp, (long long)id);
			sqlite3_reset(s);
			return 1;
		}
	}
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

/* --- case rows on the audit chain (v8) ---------------------------------- */

/*
 * A case changes many times (state, unit, due date, result, survey), so a
 * "cases" event holds a MAC per row, not one over the batch: verification
 * compares each row with the last event that named it, and an earlier
 * event's rows need not stay as they were.  The rows come from SQLite's
 * update hook, so no write to cases or case_units is missed, whichever
 * statement made it; the digest reads them back just before COMMIT.
 */

static void
store_cases_push(int64_t **v, size_t *n, size_t *sz, int64_t id)
{
	if (*n == *sz) {
		*sz = *sz ? *sz * 2 : 64;
		*v = xreallocarray(*v, *sz, sizeof(**v));
	}
	(*v)[(*n)++] = id;
}

/* sqlite3_update_hook(): note the rows of cases and case_units written. */
static void
store_update_hook(void *arg, int op, const char *db, const char *table,
    sqlite3_int64 rowid)
{
	struct store		*st = arg;
	struct store_cases	*c = &st->cases;

	(void)op;
	(void)db;
	if (table[0] != 'c')
		return;
	if (strcmp(table, "cases") == 0)
		store_cases_push(&c->ids, &c->n, &c->sz, rowid);
	else if (strcmp(table, "case_units") == 0)
		store_cases_push(&c->units, &c->nunits, &c->unitssz, rowid);
}

/* Forget the rows noted since n ids and nunits assignments. */
static void
store_cases_undo(struct store *st, size_t n, size_t nunits)
{
	if (st->cases.n > n)
		st->cases.n = n;
	if (st->cases.nunits > nunits)
		st->cases.nunits = nunits;
}

/*
 * The MAC of case id as it is now: HMAC("case-row", its covered columns,
 * then its assignment rows).  1, 0 when there is no such row, -1.
 */
static int
store_case_digest(struct store *st, int64_t id, uint8_t mac[CRYPTO_HASH_LEN])
{
	struct store_buf	 b;
	sqlite3_stmt		*s;
	int			 rc, found = 0, ret = -1;

	memset(&b, 0, sizeof(b));
	store_buf_add(&b, "", 0);
	if ((s = store_stmt(st, STMT_CASE_DIGEST)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s, "audit cases")) == SQLITE_ROW) {
		store_buf_row(&b, s);
		found = 1;
	}
	sqlite3_reset(s);
	if (rc == -1)
		goto done;
	if (!found) {
		ret = 0;
		goto done;
	}
	if ((s = store_stmt(st, STMT_CASE_DIGEST_UNITS)) == NULL)
		goto done;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = store_step(st, s, "audit cases")) == SQLITE_ROW)
		store_buf_row(&b, s);
	sqlite3_reset(s);
	if (rc != -1 && crypto_hmac(st->crypto, "case-row", b.p, b.len, NULL,
	    0, mac) == 0)
		ret = 1;
done:
	free(b.p);
	return ret;
}

/*
 * Digest the case rows the batch wrote into one "cases" event, detail
 * "ID:MAC ID:MAC ..." (MAC: the first STORE_CASE_MAC_LEN bytes of the
 * row's digest, in hex).  Just before COMMIT; the list is emptied by
 * store_commit() once the COMMIT holds.  0 or -1.
 */
static int
store_cases_seal(struct store *st)
{
	struct store_cases	*c = &st->cases;
	struct store_buf	 b;
	sqlite3_stmt		*s;
	uint8_t			 mac[CRYPTO_HASH_LEN];
	int64_t			*ids = NULL;
	size_t			 i, j, n = 0, sz = 0;
	char			 tok[40];
	int			 rc = 0, r, rv = -1;

	if (st->version < 8 || (c->n == 0 && c->nunits == 0) || c->sealing)
		return 0;
	c->sealing = 1;
	memset(&b, 0, sizeof(b));
	store_buf_add(&b, "", 0);
	for (i = 0; i < c->n; i++)
		store_cases_push(&ids, &n, &sz, c->ids[i]);
	/* an assignment row names its case */
	for (i = 0; i < c->nunits; i++) {
		if ((s = store_stmt(st, STMT_CASE_OF_UNIT)) == NULL)
			goto done;
		sqlite3_bind_int64(s, 1, c->units[i]);
		if ((rc = store_step(st, s, "audit cases")) == SQLITE_ROW)
			store_cases_push(&ids, &n, &sz,
			    sqlite3_column_int64(s, 0));
		sqlite3_reset(s);
		if (rc == -1)
			goto done;
	}
	if (n > 1)
		qsort(ids, n, sizeof(*ids), store_cmp64);
	for (i = 0; i < n; i++) {
		if (i > 0 && ids[i] == ids[i - 1])
			continue;
		/* 0: an insert its statement undid (a failed constraint) */
		if ((r = store_case_digest(st, ids[i], mac)) == -1)
			goto done;
		if (r == 0)
			continue;
		rc = snprintf(tok, sizeof(tok), "%s%lld:", b.len ? " " : "",
		    (long long)ids[i]);
		store_buf_add(&b, tok, (size_t)rc);
		for (j = 0; j < STORE_CASE_MAC_LEN; j++) {
			snprintf(tok, sizeof(tok), "%02x", mac[j]);
			store_buf_add(&b, tok, 2);
		}
	}
	rv = b.len == 0 ? 0 : store_audit(st, 0, "store", "cases",
	    (const char *)b.p, (int64_t)clock_now_ms());
done:
	c->sealing = 0;
	free(ids);
	free(b.p);
	return rv;
}

/*
 * Case rows written outside a batch (tools, tests) get their event at
 * once, in a transaction of their own.  0 or -1.
 */
static int
store_cases_done(struct store *st)
{
	if (st->version < 8 || st->depth > 0 || st->cases.sealing ||
	    (st->cases.n == 0 && st->cases.nunits == 0))
		return 0;
	if (store_begin(st) == -1)
		return -1;
	return store_commit(st);	/* which seals them */
}

/* Case coverage (v8): "cases>=N"; the second id read is always 0. */
static int
store_cases_cover(struct store *st)
{
	return store_cover(st, STMT_CASES_COVER_GET, STMT_CASES_COVER_SET,
	    "cases.covered", "cases>=%lld");
}

static int
store_hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Take in one "cases" or "cases.covered" event: 0, or 1 malformed. */
static int
store_cases_check_event(struct store_cases_check *k, int64_t ev,
    const char *actor, const char *action, const char *detail)
{
	struct store_case_mac	*r;
	const char		*p;
	char			*ep;
	long long		 id;
	size_t			 i, want;
	int			 hi, lo;

	if (actor == NULL || action == NULL || strcmp(actor, "store") != 0)
		return 0;
	if (strcmp(action, "cases.covered") == 0) {
		if (k->covered || detail == NULL || sscanf(detail,
		    "cases>=%lld", &id) != 1 || id < 1)
			return 1;
		k->covered = 1;
		k->first = id;
		return 0;
	}
	if (strcmp(action, "cases") != 0)
		return 0;
	if (!k->covered || detail == NULL || *detail == '\0')
		return 1;
	for (p = detail; *p != '\0'; ) {
		id = strtoll(p, &ep, 10);
		if (ep == p || *ep != ':' || id < 1 || id >= STORE_CASE_ID_MAX)
			return 1;
		p = ep + 1;
		if ((size_t)id >= k->nrows) {
			for (want = k->nrows ? k->nrows : 1024;
			    want <= (size_t)id; want *= 2)
				;
			k->rows = xreallocarray(k->rows, want,
			    sizeof(*k->rows));
			memset(k->rows + k->nrows, 0,
			    (want - k->nrows) * sizeof(*k->rows));
			k->nrows = want;
		}
		r = &k->rows[id];
		r->ev = ev;
		for (i = 0; i < STORE_CASE_MAC_LEN; i++, p += 2) {
			if ((hi = store_hexval(p[0])) == -1 ||
			    (lo = store_hexval(p[1])) == -1)
				return 1;
			r->mac[i] = (uint8_t)(hi << 4 | lo);
		}
		if (*p == ' ')
			p++;
		else if (*p != '\0')
			return 1;
	}
	return 0;
}

/*
 * After the chain: every case row named by an event must still be as the
 * last such event says, and every row from the first covered id on must
 * be named.  0, or 1 with *badp (the earliest event whose row was edited,
 * swapped or deleted; else one past the last event), -1 on error.
 */
static int
store_cases_check_end(struct store *st, struct store_cases_check *k,
    int64_t last, int64_t *badp)
{
	sqlite3_stmt	*s;
	uint8_t		 mac[CRYPTO_HASH_LEN];
	int64_t		 bad = 0, badrow = 0, id;
	size_t		 i;
	int		 r, rc;

	if (!k->covered) {
		log_warnx("store audit broken: case coverage not chained");
		*badp = last + 1;
		return 1;
	}
	for (i = 1; i < k->nrows; i++) {
		if (k->rows[i].ev == 0 || (bad != 0 && k->rows[i].ev >= bad))
			continue;
		if ((r = store_case_digest(st, (int64_t)i, mac)) == -1)
			return -1;
		if (r == 0 || memcmp(mac, k->rows[i].mac,
		    STORE_CASE_MAC_LEN) != 0) {
			bad = k->rows[i].ev;
			badrow = (int64_t)i;
		}
	}
	if (bad != 0) {
		log_warnx("store audit broken event=%lld table=cases row=%lld "
		    "reason=case-row-changed-or-deleted", (long long)bad,
		    (long long)badrow);
		*badp = bad;
		return 1;
	}
	if ((s = store_stmt(st, STMT_CASE_IDS)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, k->first);
	while ((rc = store_step(st, s, "audit cases")) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		if (id >= 0 && (size_t)id < k->nrows && k->rows[id].ev != 0)
			continue;
		log_warnx("store audit broken event=%lld table=cases row=%lld "
		    "reason=not-chained", (long long)last + 1, (long long)id);
		*badp = last + 1;
		sqlite3_reset(s);
		return 1;
	}
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

/* --- units and the knowledge base -------------------------------------- */

/* Unit codes go into URLs and log lines: [A-Za-z0-9_.-]{1,32}. */
static int
store_unit_code_ok(const char *code)
{
	size_t	i, n;

	if (code == NULL || (n = strlen(code)) == 0 ||
	    n >= STORE_UNIT_CODE_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((code[i] >= 'a' && code[i] <= 'z') ||
		    (code[i] >= 'A' && code[i] <= 'Z') ||
		    (code[i] >= '0' && code[i] <= '9') || code[i] == '_' ||
		    code[i] == '.' || code[i] == '-'))
			return 0;
	return 1;
}

int
store_unit_add(struct store *st, const char *code, const char *name,
    const char *contact, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (!store_unit_code_ok(code) || name == NULL || *name == '\0') {
		log_warnx("store unit: bad code or no name");
		return -1;
	}
	if ((s = store_stmt(st, STMT_UNIT_INSERT)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, contact, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, at);
	rc = store_step(st, s, "unit insert");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	return sqlite3_changes(st->db) == 0 ? 1 : 0;
}

static void
store_unit_row(sqlite3_stmt *s, struct store_unit *u)
{
	memset(u, 0, sizeof(*u));
	strlcpy(u->code, (const char *)sqlite3_column_text(s, 0),
	    sizeof(u->code));
	u->name = store_colstr(s, 1);
	u->contact = store_colstr(s, 2);
	u->created_at = sqlite3_column_int64(s, 3);
}

int
store_unit_get(struct store *st, const char *code, struct store_unit *u)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(u, 0, sizeof(*u));
	if (code == NULL || (s = store_stmt(st, STMT_UNIT_GET)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	if ((rc = store_step(st, s, "unit get")) == SQLITE_ROW)
		store_unit_row(s, u);
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

int
store_unit_list(struct store *st, struct store_unit *out, size_t max,
    size_t offset)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_stmt(st, STMT_UNIT_LIST)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)max);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)offset);
	while ((rc = store_step(st, s, "unit list")) == SQLITE_ROW)
		store_unit_row(s, &out[n++]);
	sqlite3_reset(s);
	if (rc == -1) {
		while (n > 0)
			store_unit_clear(&out[--n]);
		return -1;
	}
	return n;
}

void
store_unit_clear(struct store_unit *u)
{
	free(u->name);
	free(u->contact);
	memset(u, 0, sizeof(*u));
}

int
store_kb_add(struct store *st, const char *keywords, const char *answer,
    const char *unit, int64_t at, int64_t *idp)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (keywords == NULL || answer == NULL || *keywords == '\0' ||
	    *answer == '\0') {
		log_warnx("store kb: no keywords or answer");
		return -1;
	}
	if ((s = store_stmt(st, STMT_KB_INSERT)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, keywords, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, answer, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, unit != NULL && *unit != '\0' ? unit : NULL,
	    -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, at);
	rc = store_step(st, s, "kb insert");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (idp != NULL)
		*idp = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
store_kb_update(struct store *st, int64_t id, const char *keywords,
    const char *answer, const char *unit, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((keywords != NULL && *keywords == '\0') ||
	    (answer != NULL && *answer == '\0')) {
		log_warnx("store kb: empty keywords or answer");
		return -1;
	}
	if ((s = store_stmt(st, STMT_KB_UPDATE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, keywords, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, answer, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, unit, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, at);
	rc = store_step(st, s, "kb update");
	sqlite3_reset(s);
	return rc == -1 ? -1 : sqlite3_changes(st->db) > 0;
}

static void
store_kb_row(sqlite3_stmt *s, struct store_kb *k)
{
	memset(k, 0, sizeof(*k));
	k->id = sqlite3_column_int64(s, 0);
	k->keywords = store_colstr(s, 1);
	k->answer = store_colstr(s, 2);
	strlcpy(k->unit, (const char *)sqlite3_column_text(s, 3),
	    sizeof(k->unit));
	k->updated_at = sqlite3_column_int64(s, 4);
}

int
store_kb_get(struct store *st, int64_t id, struct store_kb *k)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(k, 0, sizeof(*k));
	if ((s = store_stmt(st, STMT_KB_GET)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s, "kb get")) == SQLITE_ROW)
		store_kb_row(s, k);
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

int
store_kb_list(struct store *st, int64_t updated_before, struct store_kb *out,
    size_t max, size_t offset)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_stmt(st, STMT_KB_LIST)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, updated_before > 0 ? updated_before : 0);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)offset);
	while ((rc = store_step(st, s, "kb list")) == SQLITE_ROW)
		store_kb_row(s, &out[n++]);
	sqlite3_reset(s);
	if (rc == -1) {
		store_kb_clear(out, (size_t)n);
		return -1;
	}
	return n;
}

void
store_kb_clear(struct store_kb *k, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(k[i].keywords);
		free(k[i].answer);
		memset(&k[i], 0, sizeof(k[i]));
	}
}

/* --- the case lifecycle ------------------------------------------------- */

int
store_case_change(struct store *st, int64_t case_id,
    const struct store_case_change *c)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (c->from == NULL || c->to == NULL) {
		log_warnx("store case change: no state (caller's bug)");
		return -1;
	}
	if ((s = store_stmt(st, STMT_CASE_CHANGE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_text(s, 2, c->from, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, c->to, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, c->unit, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, c->dispatched_at);
	sqlite3_bind_text(s, 6, c->due, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 7, c->add_extension ? 1 : 0);
	sqlite3_bind_int(s, 8, c->add_late_return ? 1 : 0);
	sqlite3_bind_int(s, 9, c->supervised);
	sqlite3_bind_text(s, 10, c->supervision, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 11, c->result, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 12, c->closed_at);
	sqlite3_bind_int(s, 13, c->rehandled);
	sqlite3_bind_int64(s, 14, c->at);
	sqlite3_bind_text(s, 15, c->category, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 16, c->due_original, -1, SQLITE_STATIC);
	rc = store_step(st, s, "case change");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	rc = sqlite3_changes(st->db) > 0;
	return store_cases_done(st) == -1 ? -1 : rc;
}

/* Run "UPDATE cases SET x = ?2 WHERE id = ?1"; 0 or -1. */
static int
store_case_set_int(struct store *st, enum store_stmt i, int64_t case_id,
    int v, const char *what)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, i)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int(s, 2, v);
	rc = store_step(st, s, what);
	sqlite3_reset(s);
	return rc == -1 ? -1 : store_cases_done(st);
}

int
store_case_set_result_cut(struct store *st, int64_t case_id, int chars)
{
	return store_case_set_int(st, STMT_CASE_RESULT_CUT, case_id,
	    chars < 0 ? 0 : chars, "case result cut");
}

int
store_case_set_confidential(struct store *st, int64_t case_id)
{
	return store_case_set_int(st, STMT_CASE_CONFIDENTIAL, case_id, 1,
	    "case confidential");
}

int
store_case_add_flags(struct store *st, int64_t case_id, int flags)
{
	return store_case_set_int(st, STMT_CASE_FLAGS, case_id, flags,
	    "case flags");
}

int
store_case_optout(struct store *st, int64_t case_id)
{
	sqlite3_stmt	*s;
	int		 rc, v = 0;

	if ((s = store_stmt(st, STMT_CASE_OPTOUT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	if ((rc = store_step(st, s, "case optout")) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return rc == -1 ? -1 : v != 0;
}

int
store_case_msisdn(struct store *st, int64_t case_id, char *out, size_t len)
{
	sqlite3_stmt	*s;
	int		 rc, v = 0;

	strlcpy(out, "", len);
	if ((s = store_stmt(st, STMT_CASE_MSISDN)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	if ((rc = store_step(st, s, "case msisdn")) == SQLITE_ROW)
		v = store_decrypt(st, s, 0, out, len) == 0 ? 1 : -1;
	sqlite3_reset(s);
	return rc == -1 ? -1 : v;
}

int
store_case_unassign(struct store *st, int64_t case_id)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_CASE_UNASSIGN)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	rc = store_step(st, s, "case unassign");
	sqlite3_reset(s);
	return rc == -1 ? -1 : store_cases_done(st);
}

int
store_case_assign(struct store *st, int64_t case_id, const char *lead,
    const char *const *co, size_t nco, int64_t at)
{
	sqlite3_stmt	*s;
	const char	*unit;
	size_t		 i;
	int		 rc;

	if (store_case_unassign(st, case_id) == -1)
		return -1;
	for (i = 0; i <= nco; i++) {
		unit = i == 0 ? lead : co[i - 1];
		if ((s = store_stmt(st, STMT_CASE_ASSIGN)) == NULL)
			return -1;
		sqlite3_bind_int64(s, 1, case_id);
		sqlite3_bind_text(s, 2, unit, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 3, i == 0 ? STORE_UNIT_LEAD : STORE_UNIT_CO);
		sqlite3_bind_int64(s, 4, at);
		rc = store_step(st, s, "case assign");	/* FK: known unit */
		sqlite3_reset(s);
		if (rc == -1)
			return -1;
	}
	return store_cases_done(st);
}

int
store_case_unit_role(struct store *st, int64_t case_id, const char *unit)
{
	sqlite3_stmt	*s;
	int		 rc, role = STORE_UNIT_NONE;

	if (unit == NULL || (s = store_stmt(st, STMT_CASE_UNIT_ROLE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_text(s, 2, unit, -1, SQLITE_STATIC);
	if ((rc = store_step(st, s, "case unit role")) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL)
		role = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return rc == -1 ? -1 : role;
}

int
store_case_counits(struct store *st, int64_t case_id,
    char out[][STORE_UNIT_CODE_MAX], size_t max)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_stmt(st, STMT_CASE_COUNITS)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while ((rc = store_step(st, s, "case co-units")) == SQLITE_ROW)
		strlcpy(out[n++], (const char *)sqlite3_column_text(s, 0),
		    STORE_UNIT_CODE_MAX);
	sqlite3_reset(s);
	return rc == -1 ? -1 : n;
}

void
store_case_filter_init(struct store_case_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->open = f->supervised = f->confidential = -1;
}

/* Read every row of a case statement into out; the count or -1. */
static int
store_case_rows(struct store *st, sqlite3_stmt *s, const char *what,
    struct store_case *out, size_t max)
{
	size_t	n = 0;
	int	rc;

	while (n < max && (rc = store_step(st, s, what)) == SQLITE_ROW)
		store_case_row(s, &out[n++]);
	sqlite3_reset(s);
	if (n < max && rc == -1) {
		while (n > 0)
			store_case_clear(&out[--n]);
		return -1;
	}
	return (int)n;
}

int
store_case_search(struct store *st, const struct store_case_filter *f,
    struct store_case *out, size_t max)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, STMT_CASE_SEARCH)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, f->state, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, f->category, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, f->unit, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, f->overdue_on, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, f->open < 0 ? -1 : f->open != 0);
	sqlite3_bind_int(s, 6, f->supervised < 0 ? -1 : f->supervised != 0);
	sqlite3_bind_int(s, 7, f->confidential < 0 ? -1 :
	    f->confidential != 0);
	sqlite3_bind_int64(s, 8, f->received_from);
	sqlite3_bind_int64(s, 9, f->received_to);
	sqlite3_bind_int64(s, 10, f->before_id);
	sqlite3_bind_int64(s, 11, (sqlite3_int64)max);
	sqlite3_bind_int64(s, 12, (sqlite3_int64)f->offset);
	return store_case_rows(st, s, "case search", out, max);
}

int
store_case_list_msisdn(struct store *st, const char *msisdn,
    const char *category, const char *state, int64_t since,
    struct store_case *out, size_t max)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN];

	if (store_hash(st, msisdn, hash) == -1)
		return -1;
	if ((s = store_stmt(st, STMT_CASE_BY_MSISDN)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, since);
	sqlite3_bind_text(s, 3, category, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)max);
	return store_case_rows(st, s, "case list by number", out, max);
}

int
store_case_list_category(struct store *st, const char *category,
    int64_t since, struct store_case *out, size_t max)
{
	sqlite3_stmt	*s;

	if (category == NULL ||
	    (s = store_stmt(st, STMT_CASE_BY_CATEGORY)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, category, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, since);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)max);
	return store_case_rows(st, s, "case list by category", out, max);
}

/* Read a history statement (id, at, kind, actor, text, state, receipt,
 * receipt_at, attempts) into a growing array; 0 or -1. */
static int
store_events(struct store *st, enum store_stmt i, int64_t case_id,
    struct store_event **evp, size_t *np)
{
	sqlite3_stmt		*s;
	struct store_event	*e;
	size_t			 cap = 0;
	int			 rc;

	*evp = NULL;
	*np = 0;
	if ((s = store_stmt(st, i)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	while ((rc = store_step(st, s, "case history")) == SQLITE_ROW) {
		if (*np == cap) {
			cap = cap ? cap * 2 : 8;
			*evp = xreallocarray(*evp, cap, sizeof(**evp));
		}
		e = &(*evp)[(*np)++];
		memset(e, 0, sizeof(*e));
		e->id = sqlite3_column_int64(s, 0);
		e->at = sqlite3_column_int64(s, 1);
		e->kind = store_colstr(s, 2);
		e->actor = store_colstr(s, 3);
		e->text = store_colstr(s, 4);
		e->state = sqlite3_column_int(s, 5);
		e->receipt = store_colstr(s, 6);
		e->receipt_at = sqlite3_column_int64(s, 7);
		e->attempts = sqlite3_column_int(s, 8);
	}
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

int
store_case_history(struct store *st, int64_t case_id,
    struct store_history *h)
{
	memset(h, 0, sizeof(*h));
	if (store_events(st, STMT_HIST_AUDIT, case_id, &h->audit,
	    &h->naudit) == -1 ||
	    store_events(st, STMT_HIST_IN, case_id, &h->in, &h->nin) == -1 ||
	    store_events(st, STMT_HIST_OUT, case_id, &h->out, &h->nout) ==
	    -1) {
		store_history_clear(h);
		return -1;
	}
	return 0;
}

static void
store_events_free(struct store_event *e, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(e[i].kind);
		free(e[i].actor);
		free(e[i].text);
		free(e[i].receipt);
	}
	free(e);
}

void
store_history_clear(struct store_history *h)
{
	store_events_free(h->audit, h->naudit);
	store_events_free(h->in, h->nin);
	store_events_free(h->out, h->nout);
	memset(h, 0, sizeof(*h));
}

/* --- surveys ------------------------------------------------------------ */

const char *
store_survey_strstate(int state)
{
	if (state < 0 || (size_t)state >= nitems(store_survey_states))
		return "unknown";
	return store_survey_states[state];
}

/* Is an extension code in use by an open survey?  1, 0, -1. */
static int
store_survey_ext_used(struct store *st, const char *ext)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_SURVEY_EXT_USED)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, ext, -1, SQLITE_STATIC);
	rc = store_step(st, s, "survey ext");
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

/* Read (0 when absent) or write a named counter; 0 or -1. */
static int
store_counter(struct store *st, const char *name, int64_t *v, int set)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, set ? STMT_COUNTER_SET :
	    STMT_COUNTER_GET)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (set)
		sqlite3_bind_int64(s, 2, *v);
	rc = store_step(st, s, "counter");
	if (!set)
		*v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

int
store_survey_add(struct store *st, const struct store_survey_new *n,
    int64_t *idp, char ext[STORE_SURVEY_EXT_MAX])
{
	sqlite3_stmt	*s;
	int64_t		 last, mod = 1, i, code = 0;
	int		 d, rc, used = 1;

	ext[0] = '\0';
	if (n->ext_digits < 0 || n->ext_digits >= STORE_SURVEY_EXT_MAX ||
	    n->round < 1 || n->round > 2) {
		log_warnx("store survey: bad round or digits (caller's bug)");
		return -1;
	}
	if (n->ext_digits > 0) {
		for (d = 0; d < n->ext_digits; d++)
			mod *= 10;
		if (store_counter(st, "survey_ext", &last, 0) == -1)
			return -1;
		for (i = 1; i <= mod && used; i++) {
			code = (last + i) % mod;
			snprintf(ext, STORE_SURVEY_EXT_MAX, "%0*lld",
			    n->ext_digits, (long long)code);
			if ((used = store_survey_ext_used(st, ext)) == -1)
				return -1;
		}
		if (used) {
			log_warnx("store survey: all %lld extension codes in "
			    "use", (long long)mod);
			ext[0] = '\0';
			return -1;
		}
	}
	if ((s = store_stmt(st, STMT_SURVEY_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, n->case_id);
	sqlite3_bind_int(s, 2, n->round);
	sqlite3_bind_text(s, 3, ext[0] ? ext : NULL, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (int64_t)clock_now_ms());
	sqlite3_bind_int64(s, 5, n->sent_at);
	sqlite3_bind_int64(s, 6, n->remind_at);
	sqlite3_bind_int64(s, 7, n->expire_at);
	rc = store_step(st, s, "survey insert");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (sqlite3_changes(st->db) == 0) {
		ext[0] = '\0';
		return 1;
	}
	*idp = sqlite3_last_insert_rowid(st->db);
	if (n->ext_digits > 0 && store_counter(st, "survey_ext", &code,
	    1) == -1)
		return -1;
	if (store_survey_case(st, *idp, STORE_SURVEY_PENDING, 0, NULL, NULL,
	    0, ext[0] ? ext : NULL, n->sent_at, 0) == -1)
		return -1;
	return 0;
}

/* Mirror a survey's state (and what is non-zero) into its case. */
static int
store_survey_case(struct store *st, int64_t id, int state, int score,
    const char *raw, const char *comment, int64_t answered_at,
    const char *ext, int64_t sent_at, int64_t reminded_at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_SURVEY_CASE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, store_survey_strstate(state), -1,
	    SQLITE_STATIC);
	if (score > 0)
		sqlite3_bind_int(s, 3, score);
	sqlite3_bind_text(s, 4, raw, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, comment, -1, SQLITE_STATIC);
	if (answered_at > 0)
		sqlite3_bind_int64(s, 6, answered_at);
	sqlite3_bind_text(s, 7, ext, -1, SQLITE_STATIC);
	if (sent_at > 0)
		sqlite3_bind_int64(s, 8, sent_at);
	if (reminded_at > 0)
		sqlite3_bind_int64(s, 9, reminded_at);
	rc = store_step(st, s, "survey case");
	sqlite3_reset(s);
	return rc == -1 ? -1 : store_cases_done(st);
}

/* Copy at most len - 1 bytes of UTF-8 text, cut at a character. */
static void
store_utf8cpy(char *dst, const char *src, size_t len)
{
	size_t	n;

	if (src == NULL) {
		dst[0] = '\0';
		return;
	}
	n = strlen(src);
	if (n >= len) {
		n = len - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void
store_survey_row(struct store *st, sqlite3_stmt *s, struct store_survey *v)
{
	const char	*t;

	memset(v, 0, sizeof(*v));
	v->id = sqlite3_column_int64(s, 0);
	v->case_id = sqlite3_column_int64(s, 1);
	strlcpy(v->number, (const char *)sqlite3_column_text(s, 2),
	    sizeof(v->number));
	store_decrypt(st, s, 3, v->msisdn, sizeof(v->msisdn));
	v->round = sqlite3_column_int(s, 4);
	if ((t = (const char *)sqlite3_column_text(s, 5)) != NULL)
		strlcpy(v->ext, t, sizeof(v->ext));
	v->state = sqlite3_column_int(s, 6);
	v->sent_at = sqlite3_column_int64(s, 7);
	v->remind_at = sqlite3_column_int64(s, 8);
	v->reminded_at = sqlite3_column_int64(s, 9);
	v->expire_at = sqlite3_column_int64(s, 10);
	v->score = sqlite3_column_int(s, 11);
	v->unclear = sqlite3_column_int(s, 12);
	v->answered_at = sqlite3_column_int64(s, 13);
	store_utf8cpy(v->raw, (const char *)sqlite3_column_text(s, 14),
	    sizeof(v->raw));
	store_utf8cpy(v->comment, (const char *)sqlite3_column_text(s, 15),
	    sizeof(v->comment));
}

int
store_survey_get(struct store *st, int64_t id, struct store_survey *v)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(v, 0, sizeof(*v));
	if ((s = store_stmt(st, STMT_SURVEY_BY_ID)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s, "survey get")) == SQLITE_ROW)
		store_survey_row(st, s, v);
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

int
store_survey_find_ext(struct store *st, const char *msisdn, const char *ext,
    struct store_survey *v)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN];
	int		 rc;

	memset(v, 0, sizeof(*v));
	if (ext == NULL || store_hash(st, msisdn, hash) == -1)
		return -1;
	if ((s = store_stmt(st, STMT_SURVEY_BY_EXT)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, ext, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, hash, sizeof(hash), SQLITE_STATIC);
	if ((rc = store_step(st, s, "survey by ext")) == SQLITE_ROW)
		store_survey_row(st, s, v);
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

int
store_survey_open(struct store *st, const char *msisdn,
    struct store_survey *out, size_t max)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN];
	size_t		 n = 0;
	int		 rc;

	if (store_hash(st, msisdn, hash) == -1)
		return -1;
	if ((s = store_stmt(st, STMT_SURVEY_OPEN)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while (n < max && (rc = store_step(st, s, "survey open")) ==
	    SQLITE_ROW)
		store_survey_row(st, s, &out[n++]);
	sqlite3_reset(s);
	return n < max && rc == -1 ? -1 : (int)n;
}

int
store_survey_reply(struct store *st, int64_t id, int score, const char *raw,
    const char *comment, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (score < 0 || score > 3 || raw == NULL) {
		log_warnx("store survey reply: bad score (caller's bug)");
		return -1;
	}
	if ((s = store_stmt(st, STMT_SURVEY_REPLY)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, score);
	sqlite3_bind_text(s, 3, raw, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, comment != NULL && *comment != '\0' ?
	    comment : NULL, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, at);
	rc = store_step(st, s, "survey reply");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (sqlite3_changes(st->db) == 0)
		return 0;
	if (store_survey_case(st, id, score > 0 ? STORE_SURVEY_ANSWERED :
	    STORE_SURVEY_UNCLEAR, score, raw, comment, score > 0 ? at : 0,
	    NULL, 0, 0) == -1)
		return -1;
	return 1;
}

int
store_survey_reminded(struct store *st, int64_t id, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_SURVEY_REMINDED)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, at);
	rc = store_step(st, s, "survey reminded");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (sqlite3_changes(st->db) == 0)
		return 0;
	return store_survey_case(st, id, STORE_SURVEY_REMINDED, 0, NULL,
	    NULL, 0, NULL, 0, at) == -1 ? -1 : 1;
}

int
store_survey_expire(struct store *st, int64_t id, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_SURVEY_EXPIRE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, at);
	rc = store_step(st, s, "survey expire");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (sqlite3_changes(st->db) == 0)
		return 0;
	return store_survey_case(st, id, STORE_SURVEY_EXPIRED, 0, NULL, NULL,
	    0, NULL, 0, 0) == -1 ? -1 : 1;
}

int
store_survey_due(struct store *st, int64_t now, int64_t *ids, size_t max)
{
	sqlite3_stmt	*s;
	size_t		 n = 0;
	int		 rc;

	if ((s = store_stmt(st, STMT_SURVEY_DUE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while (n < max && (rc = store_step(st, s, "survey due")) ==
	    SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return n < max && rc == -1 ? -1 : (int)n;
}

int
store_survey_next_time(struct store *st, int64_t *when)
{
	sqlite3_stmt	*s;
	int		 rc, found = 0;

	if ((s = store_stmt(st, STMT_SURVEY_NEXT)) == NULL)
		return -1;
	if ((rc = store_step(st, s, "survey next")) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL) {
		*when = sqlite3_column_int64(s, 0);
		found = 1;
	}
	sqlite3_reset(s);
	return rc == -1 ? -1 : found;
}

/* --- v10: the office classifies (labels, the queue) -------------------- */

int
store_label_add(struct store *st, int64_t case_id, const char *category,
    const char *previous, const char *actor, const char *reason, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (category == NULL || previous == NULL || actor == NULL) {
		log_warnx("store label: missing field (caller's bug)");
		return -1;
	}
	if ((s = store_stmt(st, STMT_LABEL_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_text(s, 2, category, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, previous, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, at);
	rc = store_step(st, s, "label insert");
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

int
store_label_export(struct store *st, int64_t after, struct store_label *out,
    size_t max)
{
	sqlite3_stmt	*s;
	size_t		 n = 0;
	int		 rc;

	if ((s = store_stmt(st, STMT_LABEL_EXPORT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while (n < max && (rc = store_step(st, s, "label export")) ==
	    SQLITE_ROW) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].id = sqlite3_column_int64(s, 0);
		strlcpy(out[n].number, (const char *)sqlite3_column_text(s, 1),
		    sizeof(out[n].number));
		out[n].category = store_colstr(s, 2);
		out[n].previous = store_colstr(s, 3);
		out[n].actor = store_colstr(s, 4);
		out[n].at = sqlite3_column_int64(s, 5);
		out[n].text = store_colstr(s, 6);
		n++;
	}
	sqlite3_reset(s);
	if (n < max && rc == -1) {
		store_label_clear(out, n);
		return -1;
	}
	return (int)n;
}

void
store_label_clear(struct store_label *l, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(l[i].category);
		free(l[i].previous);
		free(l[i].actor);
		free(l[i].text);
		memset(&l[i], 0, sizeof(l[i]));
	}
}

int
store_queue(struct store *st, size_t offset, struct store_case *out,
    size_t max)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, STMT_QUEUE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)max);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)offset);
	return store_case_rows(st, s, "queue", out, max);
}

int
store_queue_stats(struct store *st, int *countp, int64_t *oldestp)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_QUEUE_STATS)) == NULL)
		return -1;
	if ((rc = store_step(st, s, "queue stats")) == SQLITE_ROW) {
		*countp = sqlite3_column_int(s, 0);
		*oldestp = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : -1;
}
