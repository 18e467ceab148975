/*
 * The store's inside, shared by src/store*.c and by nothing else: the
 * statements, the state of the open batch, and the helpers each kind of
 * record uses.  Everything outside the store includes only store.h.
 */
#ifndef STORE_INT_H
#define STORE_INT_H

#include <sys/types.h>

#include <stdint.h>

#include <sqlite3.h>

#include "crypto.h"
#include "store.h"

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
	STMT_BACKUP_LAST_CASE,		/* backup (store_backup.c) */
	STMT_RET_COUNT,			/* retention (v14) */
	STMT_RET_CASES,
	STMT_RET_IN_OF_CASE,
	STMT_RET_OUT_OF_CASE,
	STMT_RET_ERASE_CASE,
	STMT_RET_ERASE_IN,
	STMT_RET_ERASE_OUT,
	STMT_RET_ERASE_SUPP,
	STMT_RET_ERASE_SURVEYS,
	STMT_RET_MSG_EVENTS,
	STMT_RET_AUDIT_MAX,
	STMT_RET_EVENT,
	STMT_REATTEST_GET,
	STMT_REATTEST_SET,
	STMT_OUT_EXPIRING,		/* archtxn: the expiry's look */
	/* observe (store_observe.c, v13): gauges and queue control */
	STMT_OBS_OUTBOX,
	STMT_OBS_COUNTS,
	STMT_OBS_TODAY,
	STMT_OBS_LIST,
	STMT_OBS_LIST_WAITING,
	STMT_OBS_GET,
	STMT_OBS_HOLD,
	STMT_OBS_RELEASE,
	STMT_OBS_RETRY,
	STMT_OBS_CANCEL,
	/* issue 14, a long SMS whole and once: the parts already accepted */
	STMT_OUT_PARTS_DONE,
	STMT_OUT_PART_CARRY,
	/* issue 14, Art. 9: the over-limit notices a number got */
	STMT_OUT_COUNT_LIMIT,
	/* issue 14: the last survey behind an extension, open or not */
	STMT_SURVEY_BY_EXT_ANY,
	STMT_STATS_TOTAL,		/* the office's statistics (v16) */
	STMT_STATS_CATEGORY,
	STMT_STATS_UNIT,
	STMT_STATS_CHANNEL,
	STMT_STATS_DAY,
	STMT_STATS_REFUSED,
	STMT_STATS_REFUSED_DAY,
	STMT_STATS_SUPERVISION,
	STMT_STATS_NOW,
	STMT_STATS_UNITS,
	STMT_STATS_UNIT_RETURNS,
	STMT_STATS_UNIT_CLOSE,
	STMT_STATS_OVERDUE,
	STMT_STATS_SUPERVISED,
	STMT_STATS_TOP,
	STMT_PUBLISH,
	STMT_STATS_FLAGS,		/* Art. 23 flags (v16) */
	STMT_STATS_FLAG_RETURNS,
	STMT_STATS_KB_STALE,
	STMT_STATS_FLAGGED,
	STMT_IMPORT_FIND,		/* cases from other channels (v20) */
	STMT_IMPORT_INSERT,
	STMT_CASE_SET_CHANNEL,
	STMT_CASE_ORIGIN,
	/* units: notices to the units, contacts, webhooks (v19) */
	STMT_CONTACT_INSERT,
	STMT_CONTACT_DELETE,
	STMT_CONTACT_LIST,
	STMT_CONTACT_ROLE,
	STMT_HOOK_SET,
	STMT_HOOK_GET,
	STMT_HOOK_DELETE,
	STMT_NOTICE_INSERT,
	STMT_NOTICE_SMS,
	STMT_WEBHOOK_INSERT,
	STMT_WEBHOOK_NEXT,
	STMT_WEBHOOK_RESULT,
	STMT_WEBHOOK_LIST,
	/* approve (store_ext.c, v21): extension requests, Art. 18 and 19 */
	STMT_EXT_INSERT,
	STMT_EXT_GET,
	STMT_EXT_PENDING,
	STMT_EXT_LIST,
	STMT_EXT_DECIDE,
	STMT_EXT_GRANTED,
	STMT_DISCLOSE_GET,
	STMT_DISCLOSE_SET,
	STMT_CASE_OVERDUE_PAGE,		/* scans in slices (v18, issue 17) */
	STMT_SURVEY_DUE_PAGE,
	STMT_CASE_SEARCH_UNIT,		/* case list by its leading filter */
	STMT_CASE_SEARCH_STATE,
	STMT_CASE_SEARCH_OPEN,
	STMT_CASE_SEARCH_SUPERVISED,
	STMT_CASE_SEARCH_CONFIDENTIAL,
	STMT_CASE_SEARCH_RECEIVED,
	STMT_CASE_SEARCH_OVERDUE,
	STMT_CASE_NOTICE_PAGE,		/* the notice scan in slices (v22) */
	/* citizens (store_citizen.c, v23): a number's rows without its index */
	STMT_CITIZEN_CASE_INSERT,
	STMT_CITIZEN_CASE_SET,
	STMT_CITIZEN_OUT_INSERT,
	STMT_CITIZEN_OUT_SET,
	STMT_CITIZEN_CASE_CHAIN,
	STMT_CITIZEN_OUT_CHAIN,
	STMT_CITIZEN_CASE_PREV,
	STMT_CITIZEN_OUT_PREV,
	STMT_CITIZEN_HEADS,
	STMT_CITIZEN_DROP,
	STMT_CITIZEN_CASE_HASH,
	STMT_CITIZEN_OUT_HASH,
	STMT_CITIZEN_CASE_NEXT,
	STMT_CITIZEN_OUT_NEXT,
	STMT_CITIZEN_GET,
	/* the citizens map (store_citmap.c, v24): citizens lags the rows */
	STMT_CITIZEN_LOOK,
	STMT_CITIZEN_PUT,
	STMT_CITIZEN_MAX,
	STMT_CITIZEN_MARK_GET,
	STMT_CITIZEN_MARK_SET,
	STMT_CITIZEN_CASES_ABOVE,
	STMT_CITIZEN_OUT_ABOVE,
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

/* What store_unit_begin() saves of struct store_msgs. */
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
	size_t		 mark, markunits;	/* at store_unit_begin() */
	size_t		 base, baseunits;	/* at store_txn_begin() */
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
	struct store_reattest *pend;	/* attested again: to confirm */
	size_t		 npend, pendsz;
};

/* An event accepted on a later retention event's word, until it is read. */
struct store_reattest {
	int64_t		 event, retention;
	uint8_t		 mac[CRYPTO_HASH_LEN];
	int		 confirmed;
};

/*
 * The errors store_error() logged lately: the same failure again within
 * STORE_ERR_QUIET_MS is counted, not logged (a failing disk makes every
 * status poll and timer fail the same way, and the log must not storm).
 */
#define STORE_ERR_SLOTS		8
#define STORE_ERR_QUIET_MS	60000
struct store_err {
	char		 what[48];	/* what failed (store_step's what) */
	int		 code;		/* extended result code */
	uint64_t	 at;		/* clock_mono_ms() when logged */
	unsigned	 quiet;		/* repeats not logged since */
};

/* store_citmap.c: a number's newest rows above citizens' mark (v24) */
struct citmap_ent {
	uint8_t		 h[CRYPTO_HASH_LEN];
	int64_t		 v[2];		/* case, SMS; 0: look further */
};
struct citmap_tab {
	struct citmap_ent *e;		/* packed, n of cap */
	size_t		 n, cap;
	uint32_t	*slot;		/* entry + 1, 0: empty; key order */
	size_t		 nslot;		/* 1 << bits */
	int		 bits;
};
struct citmap_undo {
	uint8_t		 h[CRYPTO_HASH_LEN];
	int64_t		 v[2];
	int		 tab;		/* 0: the map, 1: the frozen one */
	int		 had;		/* h had an entry there */
};
struct store_citmap {
	int		 on;		/* v24: citizens lags */
	struct citmap_tab act;		/* changes since the freeze */
	struct citmap_tab frz;		/* a pass's, while frozen */
	int		 frozen;
	size_t		 settled;	/* frz entries settled (retention) */
	int64_t		 mark[2];	/* citizens_mark, durable */
	int64_t		 x[2];		/* the mark the pass ends with */
	size_t		 cursor;	/* frz's slot the pass is at */
	size_t		 cursor_saved;	/* as committed */
	int		 done;		/* the txn wrote the new mark */
	int64_t		 since;		/* ms: the last pass ended */
	size_t		 freeze_at;
	size_t		 changed;	/* changes in this txn */
	int64_t		 passes;
	int64_t		 known[2];	/* the highest ids the map knows */
	int64_t		 known_txn[2], known_unit[2];	/* at their begin */
	int		 warned;	/* another process's rows, said once */
	struct citmap_undo *u;
	size_t		 nu, ucap;
	size_t		 unit_mark;	/* nu at store_unit_begin() */
};

struct store {
	sqlite3		*db;
	struct crypto	*crypto;		/* borrowed */
	sqlite3_stmt	*stmt[STMT_MAX];
	int		 version;
	struct store_err errs[STORE_ERR_SLOTS];	/* store_error() */
	int		 txn;			/* in commit.c's transaction */
	int64_t		 outbox_first;		/* the txn's lowest id */
	int64_t		 outbox_limit;		/* fetch no row above it */
	int		 doomed;		/* undone by SQLite */
	int		 unit;			/* inside a unit's savepoint */
	char		 prefix[9];
	int		 wal_gather;	/* through store_vfs's gathering */
	struct store_tip audit, audit_saved;	/* saved: at store_unit_begin */
	struct store_seq seq, seq_saved;
	struct store_msgs msgs;
	struct store_msgs_mark msgs_saved;
	struct store_cases cases;
	/* the last number hashed and encrypted: a message's rows share it */
	char		 last_msisdn[CRYPTO_MSISDN_MAX];
	uint8_t		 last_hash[CRYPTO_HASH_LEN];
	uint8_t		 last_blob[CRYPTO_BLOB_MAX];
	size_t		 last_bloblen;	/* 0: no blob for last_msisdn yet */
	/* v7: who this database is, and the WAL file it writes (store.h) */
	char		 ident[STORE_IDENT_LEN + 1];
	int64_t		 created_at;
	int		 created;	/* the identity was made by this open */
	char		*wal_path;
	dev_t		 wal_dev, db_dev;
	ino_t		 wal_ino, db_ino;
	int		 wal_known, db_known;
	char		 failed[256];	/* "": writable; else why not */
	struct store_ckpt *ckpt;	/* the WAL's checkpoints */
	struct store_citmap citmap;	/* store_citmap.c */
};

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

/* The columns store_obs_row() reads (outbox o, its case if any). */
#define OBS_COLS \
	"o.id, COALESCE(c.number, ''), o.kind, o.state, o.attempts, " \
	"o.priority, o.created_at, o.next_attempt_at, " \
	"COALESCE(o.submitted_at, 0), o.msisdn_enc, o.source, " \
	"COALESCE(o.smsc, ''), COALESCE(o.last_error, ''), o.text " \
	"FROM outbox o LEFT JOIN cases c ON c.id = o.case_id"

/* A growable byte buffer: a digest's input, an event's detail. */
struct store_buf {
	uint8_t		*p;
	size_t		 len, cap;
};

extern const char *const store_sql[STMT_MAX];
extern const int store_sql_min[STMT_MAX];

/* store_schema.c */
int	 store_upgrade(struct store *, int, char *, size_t);

/* store.c */
int	 store_keycheck(struct store *, const char *, char *, size_t);
sqlite3_stmt *store_stmt(struct store *, enum store_stmt);
int	 store_step(struct store *, sqlite3_stmt *, const char *);
int	 store_exec(struct store *, enum store_stmt, const char *);
char	*store_colstr(sqlite3_stmt *, int);
int	 store_hash(struct store *, const char *, uint8_t *);
int	 store_encrypt(struct store *, const char *, uint8_t *,
		    size_t *, uint8_t *);
int	 store_decrypt(struct store *, sqlite3_stmt *, int, char *,
		    size_t);

/* store_case.c */
int	 store_seq_flush(struct store *);
void	 store_case_row(sqlite3_stmt *, struct store_case *);

/* store_citizen.c: a number's rows without its index (v23) */
struct store_citizen_row {
	uint8_t		 h[CRYPTO_HASH_LEN];	/* its number's, before */
	int64_t		 id;
	int		 out;		/* an outbox row, else a case */
};
struct store_citizens {
	struct store_citizen_row *v;
	size_t		 n, cap;
};
int	 store_citizen_case(struct store *, const uint8_t *, int64_t);
int	 store_citizen_out(struct store *, const uint8_t *, int64_t);
int	 store_citizens_note(struct store *, enum store_stmt, int64_t,
	    struct store_citizens *);
int	 store_citizens_relink(struct store *, struct store_citizens *);
void	 store_citizens_free(struct store_citizens *);

/* store_citmap.c: citizens lagging behind the rows (v24) */
int	 store_citmap_fn(struct store *);
int	 store_citmap_open(struct store *, size_t);
void	 store_citmap_free(struct store *);
int	 store_citmap_set(struct store *, int, const uint8_t *, int64_t);
int	 store_citmap_head(struct store *, const uint8_t *, int, int64_t *);
int	 store_citmap_settle(struct store *, const uint8_t *);
int	 store_citmap_begin(struct store *);
int	 store_citmap_slice(struct store *);
void	 store_citmap_end(struct store *, int);
void	 store_citmap_unit(struct store *);
void	 store_citmap_unit_undo(struct store *);

/* store_audit.c */
int	 store_audit_tip_flush(struct store *);
int	 store_audit_seal_tip(struct store *);

/* store_audit_msgs.c */
void	 store_buf_add(struct store_buf *b, const void *p, size_t len);
void	 store_buf_row(struct store_buf *b, sqlite3_stmt *s);
int	 store_msgs_track(struct store *, int, int64_t);
void	 store_msgs_mark(struct store *, struct store_msgs_mark *);
void	 store_msgs_undo(struct store *,
		    const struct store_msgs_mark *);
int	 store_cmp64(const void *a, const void *b);
int	 store_msgs_seal(struct store *);
int	 store_cover(struct store *st, enum store_stmt get, enum store_stmt set,
    const char *action, const char *fmt);
int	 store_msgs_cover(struct store *);
int	 store_msgs_digest(struct store *, const char *detail,
	    uint8_t mac[CRYPTO_HASH_LEN]);
/* store_retention.c: verification's side of retention */
int	 store_retention_accept(struct store *, struct store_msgs_check *,
	    int64_t ev, const uint8_t mac[CRYPTO_HASH_LEN]);
int	 store_retention_check_event(struct store_msgs_check *, int64_t ev,
	    const char *actor, const char *action, const char *detail);
int	 store_retention_check_end(struct store_msgs_check *, int64_t *badp);
int	 store_msgs_check_event(struct store *,
		    struct store_msgs_check *, int64_t, const char *,
		    const char *, const char *);
int	 store_msgs_check_end(struct store *,
		    struct store_msgs_check *, int64_t, int64_t *);

/* store_audit_cases.c */
void	 store_update_hook(void *, int, const char *, const char *,
		    sqlite3_int64);
void	 store_cases_undo(struct store *, size_t, size_t);
int	 store_cases_seal(struct store *);
int	 store_cases_done(struct store *);
int	 store_cases_cover(struct store *);
int	 store_cases_check_event(struct store_cases_check *, int64_t,
		    const char *, const char *, const char *);
int	 store_cases_check_end(struct store *,
		    struct store_cases_check *, int64_t, int64_t *);

/* store_lifecycle.c */
/* store_checkpoint.c: the WAL's checkpoints, on the loop or a thread */
#define STORE_CKPT_WAKE		10000	/* frames: SQLite's auto-checkpoint */
#define STORE_CKPT_TAIL		256	/* frames the loop copies itself */
struct store_ckpt;
int	 store_ckpt_start(struct store *, int thread, int wake, int limit,
	    char *, size_t);
void	 store_ckpt_stop(struct store *);
void	 store_ckpt_poll(struct store *);
/* store.c: 1 when SQLite was configured for a thread of ours */
int	 store_sqlite_mt(void);
int	 store_case_rows(struct store *, sqlite3_stmt *, const char *,
		    struct store_case *, size_t);

/* store_scan.c */
enum store_stmt store_case_search_stmt(const struct store_case_filter *);

#endif /* STORE_INT_H */
