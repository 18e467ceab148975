/*
 * The store owns the truth: every MO part, case, refusal, outgoing SMS and
 * audit event lives in one SQLite file (WAL, synchronous=FULL).  store.c is
 * the only file that knows SQL; callers see rows as structs.  Phone numbers
 * go in as plaintext, are encrypted and hashed here (crypto.h) and come out
 * decrypted only where a message must be sent.
 *
 * Transactions.  commit.c owns them (its header says how): it opens one
 * transaction per batch with store_txn_begin(), wraps each unit of work
 * in store_unit_begin()/store_unit_end() (a SAVEPOINT: a unit that fails
 * is undone alone, the others stay) and ends with store_txn_commit(); only
 * when that returns 0 may anything be acknowledged.  If it returns -1
 * nothing of the transaction remains.  Nobody else calls these five.
 * There is one transaction at a time and one unit in it at a time: no
 * nesting.  A write made outside any transaction (the store's own
 * coverage events at open, unit tests of the store) commits by itself.
 * When SQLite undoes the whole transaction by itself (disk full, I/O
 * error) it is "doomed": later writes in it fail at once and
 * store_txn_commit() returns -1.
 *
 * Times are milliseconds since the epoch (clock_now_ms()); case numbers use
 * the local date (TZ) of the case's received_at.
 */
#ifndef HOTLINED_STORE_H
#define HOTLINED_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "outbox.h"	/* enum store_receipt */

struct crypto;
struct store;

#define STORE_SCHEMA_VERSION	24
#define STORE_CASE_NUMBER_MAX	32	/* prefix(8) + YYMMDD + seq + NUL */
#define STORE_ADDR_MAX		66	/* SMPP addresses, message ids + NUL */
#define STORE_BUSY_TIMEOUT	100		/* default, ms */

struct store_opts {
	const char	*case_prefix;	/* "HY"; NULL: "HY" */
	int		 busy_timeout;	/* ms; 0: STORE_BUSY_TIMEOUT */
	int		 max_version;	/* tests: stop upgrading here; 0: all */
	int		 no_wal_gather;	/* 1: wal-write-gather no */
	int		 checkpoint_thread; /* 1: checkpoint thread */
	int		 checkpoint_wake; /* frames; 0: STORE_CKPT_WAKE */
	int		 checkpoint_limit; /* frames; 0: 4 x wake */
	size_t		 citizens_freeze; /* tests: numbers; 0: 240,000 */
};

/*
 * Open (creating mode 0600) and upgrade the database at path; crypto is
 * borrowed and must outlive the store.  NULL with a one-line reason in err.
 */
struct store	*store_open(const char *path, struct crypto *crypto,
		    const struct store_opts *opts, char *err, size_t errlen);
/*
 * From v7 the database knows who it is: a random identity made with it and
 * the check value of its key (crypto_check_value()).  store_open() refuses
 * a key whose check value differs, and on the upgrade of an older database
 * a key that cannot decrypt its newest stored number.  A database with data
 * is quick-checked (PRAGMA quick_check) before anything is written to it.
 */
#define STORE_IDENT_LEN		32	/* hex digits */
#define STORE_KCV_LEN		32	/* CRYPTO_KCV_LEN */

/* What a database file holds, read without creating or changing it. */
struct store_peek {
	int		 exists;	/* a file with a hotlined schema */
	int		 version;	/* its schema version, 0: none */
	int		 has_data;	/* a message, case or audit event */
	char		 ident[STORE_IDENT_LEN + 1];	/* "": before v7 */
	char		 kcv[STORE_KCV_LEN + 1];	/* "": before v7 */
	int64_t		 created_at;	/* ms, 0: unknown */
};
/*
 * Look at the database at path without creating it or writing to it: no
 * file, an empty file or one without a schema reads as !exists.  0, or -1
 * with a one-line reason (not a database, unreadable).
 */
int		 store_peek(const char *path, struct store_peek *, char *err,
		    size_t errlen);
/* The open database's identity ("" before v7), its creation time (ms). */
const char	*store_ident(struct store *, int64_t *created_at);
/* 1 when this store_open() made the identity (a new or upgraded file). */
int		 store_ident_new(struct store *);
/*
 * Are the WAL file and the database file on disk still the ones the store
 * writes?  0 yes.  -1 when one vanished or was replaced (an operator's rm,
 * a restore over a running daemon): what is committed is saved from the
 * open descriptors (a deleted WAL checkpointed into the database file; a
 * deleted database copied back to its path, a replaced one beside it,
 * with VACUUM INTO), and the store refuses every write from then on
 * (store_failed()), so nothing more is acknowledged that a crash would
 * lose; -2 when even that save failed.  Checked after every commit
 * (a batch is acknowledged only if it is in the database file) and on the
 * caller's timer.
 */
int		 store_wal_check(struct store *);
/* The database file's path, as SQLite resolved it. */
const char	*store_path(struct store *);
/* NULL while the store takes writes, else why not (one line). */
const char	*store_failed(struct store *);
/*
 * PRAGMA integrity_check (full) or quick_check on the database at path
 * through a connection of its own, never creating the file; each problem
 * line (at most max) goes to fn.  The number of problems (0: intact), or
 * -1 with a reason in err when the file cannot be opened or read.
 */
int		 store_integrity(const char *path, int full, int max,
		    void (*fn)(void *, const char *), void *arg, char *err,
		    size_t errlen);
/*
 * The WAL's checkpoints (store_checkpoint.c): a thread's, or on the loop
 * (checkpoint thread|inline).  Counts since the store opened.
 */
struct store_ckpt_stats {
	int		 thread;	/* 1: a thread checkpoints */
	uint64_t	 runs;		/* checkpoints that succeeded */
	uint64_t	 tail;		/* the loop's, of the last frames */
	uint64_t	 forced;	/* the loop's, the WAL past its limit */
	uint64_t	 busy;		/* another checkpoint was under way */
	uint64_t	 failed;	/* failed otherwise; retried */
	int		 failing;	/* the last one failed */
	int		 wal_frames;	/* in the WAL after the last commit */
	char		 error[128];	/* the last failure */
};
void		 store_ckpt_stats(struct store *, struct store_ckpt_stats *);
/* Roll back any open batch, finalise the statements and close. */
void		 store_close(struct store *);
/* The schema version of the open file (PRAGMA user_version). */
int		 store_version(struct store *);
/*
 * citizens lags the rows (v24, store_citmap.c): the numbers whose newest
 * rows are held in memory above its mark (one changed while a pass runs
 * counts in both maps), the frozen ones a pass is writing, the passes
 * done since open, and the mark.
 */
struct store_citmap_stats {
	size_t		 lagging;
	size_t		 frozen;
	int64_t		 passes;
	int64_t		 mark_case, mark_out;
};
void		 store_citmap_stats(struct store *,
		    struct store_citmap_stats *);
/* Change the case number prefix (SIGHUP); 0, or -1 if not [A-Z0-9]{1,8}. */
int		 store_set_case_prefix(struct store *, const char *);

/* commit.c only: BEGIN IMMEDIATE; 0, or -1 (also inside a transaction). */
int	 store_txn_begin(struct store *);
/* commit.c only: seal and COMMIT; 0, or -1 with all undone. */
int	 store_txn_commit(struct store *);
/*
 * commit.c only: undo the whole transaction now, as SQLite does on a full
 * disk; store_txn_commit() then ends it and returns -1.
 */
void	 store_txn_rollback(struct store *);
/* 1 inside a transaction, else 0. */
int	 store_in_batch(struct store *);
/* 1 if the open transaction can no longer commit (SQLite rolled it back). */
int	 store_doomed(const struct store *);
/* commit.c only: start one unit of work's writes (SAVEPOINT); 0 or -1. */
int	 store_unit_begin(struct store *);
/* commit.c only: keep (ok) or undo (!ok) them; 0, or -1 when undone. */
int	 store_unit_end(struct store *, int ok);

/* --- inbound: every received MO part ------------------------------------ */

enum store_in_state {
	STORE_IN_S_PARTIAL = 0,		/* a part of a group still incomplete */
	STORE_IN_S_COMPLETE,		/* whole, waiting to be processed */
	STORE_IN_S_PROCESSED,		/* intake has run on it */
	STORE_IN_S_INCOMPLETE		/* processed after the concat timeout */
};

/* One received part, as deliver_sm (or smsbox) gave it; all borrowed. */
struct store_inbound {
	const char	*smsc;		/* link name */
	const char	*smsc_msgid;	/* vendor MO id, NULL: none given */
	const char	*source;	/* plaintext; stored encrypted + hashed */
	const char	*dest;		/* 12345, or 12345 + extension code */
	int		 data_coding;
	int		 esm_class;
	const void	*raw;		/* short_message without UDH */
	size_t		 rawlen;
	const char	*text;		/* this part decoded to UTF-8 */
	int		 concat_ref;	/* 0..65535; 0 when total is 1 */
	int		 concat_total;	/* 1: not concatenated */
	int		 concat_seq;	/* 1..concat_total */
	int64_t		 received_at;	/* ms */
	/* the caller's rules (inbound.c): how long a repeat is a resend */
	int64_t		 resend_window;	/* ms: same content is a resend */
	int64_t		 msgid_window;	/* ms: same smsc_msgid; 0: not used */
	/* the group a part joins (inbound.c's decision); 0: a new one */
	int64_t		 group;
};

enum store_in_result {
	STORE_IN_ERROR = -1,
	STORE_IN_PARTIAL = 0,		/* stored; the group waits for parts */
	STORE_IN_COMPLETE,		/* stored; the group is whole: process */
	STORE_IN_DUPLICATE		/* an SMSC resend: not stored, just ack */
};

/*
 * Store a part unless it is a resend: an earlier part with the same keyed
 * digest of (sender hash, destination, data_coding, concat ref, total,
 * seq, raw bytes) within in->resend_window, or the same (smsc, smsc_msgid)
 * within in->msgid_window.  The windows are the caller's decision
 * (inbound.c says why they are what they are), at most
 * STORE_DEDUPE_WINDOW_MAX (a longer one counts as that: the keys are
 * looked up in the hours of the window only, v17); an older part with the
 * same digest is a new message.  *idp gets the new row (or the original
 * one for a duplicate), *groupp the group: the id of the group's first
 * part.
 */
#define STORE_DEDUPE_WINDOW_MAX	(3600 * 1000)	/* ms */
enum store_in_result store_inbound_add(struct store *,
	    const struct store_inbound *, int64_t *idp, int64_t *groupp);
/*
 * store_inbound_add() files a part of a long text under in->group (0: a
 * new group) and answers PARTIAL: whether the group is whole is the
 * caller's to decide (store_inbound_parts(), store_inbound_complete()).
 * A single SMS is COMPLETE.
 */
/*
 * The oldest group still waiting for parts with in's sender, destination,
 * concat_ref and concat_total, into *groupp; 1, 0 when none (*groupp 0),
 * -1 on error.
 */
int	 store_inbound_open_group(struct store *,
	    const struct store_inbound *in, int64_t *groupp);
/* How many distinct seqs a waiting group holds; -1 on error. */
int	 store_inbound_parts(struct store *, int64_t group);
/* Mark a waiting group whole (STORE_IN_S_COMPLETE); 0 or -1. */
int	 store_inbound_complete(struct store *, int64_t group);

/* One stored part of a group. */
struct store_part {
	int64_t		 id;
	int		 seq;
	int		 data_coding;
	int		 esm_class;
	uint8_t		*raw;
	size_t		 rawlen;
	char		*text;
	int64_t		 received_at;
};

/* A group of parts (a single SMS is a group of one); owns its strings. */
struct store_group {
	int64_t		 group;		/* id of the first part */
	int		 state;		/* enum store_in_state of the parts */
	char		 smsc[STORE_ADDR_MAX];
	char		 source[STORE_ADDR_MAX];	/* decrypted */
	char		 dest[STORE_ADDR_MAX];
	int		 total;		/* parts announced */
	int		 nparts;	/* parts present, seq then id order */
	struct store_part *parts;
	char		*text;		/* the whole text: inbound_join() */
	int64_t		 first_at;	/* earliest received_at */
};

/*
 * Load a group: every part stored, in seq then id order, text NULL
 * (inbound_join() keeps one part per seq and writes the text); 1, 0 when
 * unknown, -1.
 */
int	 store_inbound_group(struct store *, int64_t group, struct store_group *);
/* Free what a group owns and zero it. */
void	 store_group_clear(struct store_group *);
/* Mark a group processed (or incomplete), linked to case_id (0: none). */
int	 store_inbound_done(struct store *, int64_t group, int incomplete,
	    int64_t case_id);
/* The same for a group as read or assembled (a single SMS: one update). */
int	 store_inbound_done_group(struct store *, const struct store_group *,
	    int incomplete, int64_t case_id);
/*
 * Groups needing intake: every complete unprocessed group (after a crash
 * between store and intake), and partial groups whose first part arrived
 * before partial_before (the concat timeout).  Up to max ids into groups;
 * the count, or -1.
 */
int	 store_inbound_due(struct store *, int64_t partial_before,
	    int64_t *groups, size_t max);

/* --- cases ------------------------------------------------------------- */

/* A new case; all borrowed. */
struct store_case_new {
	const char	*msisdn;	/* plaintext */
	const char	*category;	/* intake's name, e.g. "complaint" */
	const char	*text;
	int		 confidential;	/* Art. 19 */
	int64_t		 received_at;	/* ms; its local date names the case */
	const char	*due;		/* YYYY-MM-DD, the working-day deadline */
	const char	*rule;		/* matched rule, NULL: none */
	int		 flags;		/* STORE_CF_* */
	int64_t		 inbound;	/* group that caused it, 0: none */
};
#define STORE_CF_INCOMPLETE	0x01	/* text lacks concat parts */
#define STORE_CF_REPEATED	0x02	/* Art. 23(8): third complaint */
#define STORE_CF_NOTIFY_FAILED	0x04	/* Art. 23(4): result SMS undeliverable */

/* A case as read back; owns its strings. */
struct store_case {
	int64_t		 id;
	char		 number[STORE_CASE_NUMBER_MAX];
	char		*category;
	char		*state;		/* "registered" at first (issue 5) */
	int		 confidential;
	char		*text;
	int64_t		 received_at;
	char		*due;
	char		*rule;		/* NULL: none */
	int		 flags;
	char		*result;	/* NULL until closed */
	int64_t		 closed_at;	/* 0: open */
	int		 nsupplements;
	/* v3: the lifecycle (lifecycle.h); zero/NULL on older schemas */
	char		*unit;		/* lead unit code, NULL: none */
	int64_t		 dispatched_at;	/* latest dispatch, 0: never */
	char		*due_original;	/* due before the first extension */
	int		 extensions;	/* Art. 18 extensions granted */
	int		 late_returns;	/* Art. 17 returns after 1 workday */
	int		 supervised;	/* 1: under supervision (Art. 13) */
	char		*supervision;	/* latest supervision reason */
	int		 rehandled;	/* 1: reopened for re-handling */
	int		 result_cut;	/* characters of result not sent */
	int64_t		 updated_at;
	int		 survey_score;	/* latest answered score, 0: none */
	char		*survey_state;	/* latest survey's state, NULL: none */
};

/*
 * Allocate the next number of the day and insert the case, in the caller's
 * batch.  Numbers are prefix + YYMMDD + a 4-digit daily sequence from 0001
 * (HY2611260001): fixed width, so they sort by time as strings, digits only
 * after the prefix (keypad), said aloud in groups.  The 10,000th case of a
 * day gets 5 digits (HY26112610000) rather than being refused: registration
 * never stops; sort by id when such a day matters.  0 or -1.
 */
int	 store_case_add(struct store *, const struct store_case_new *,
	    int64_t *idp, char number[STORE_CASE_NUMBER_MAX]);
/*
 * Where a case came from: its channel ("sms" for an SMS case) into
 * channel and the external id it was imported under into ext ("": none).
 * 1, 0 (no such case), -1.
 */
int	 store_case_origin(struct store *, int64_t case_id, char *channel,
	    size_t channellen, char *ext, size_t extlen);
/*
 * Find a case by number.  With msisdn non-NULL, only that number's own
 * case: another's case reads as "not found", never as "not yours".
 * 1 found, 0 not, -1 error.
 */
int	 store_case_find(struct store *, const char *number, const char *msisdn,
	    struct store_case *);
/* Read a case by id; 1, 0, -1. */
int	 store_case_get(struct store *, int64_t id, struct store_case *);
/* The open cases (closed_at unset) of msisdn, newest first, up to max. */
int	 store_case_list_open(struct store *, const char *msisdn,
	    struct store_case *out, size_t max);
/* Free what a case owns and zero it. */
void	 store_case_clear(struct store_case *);
/* Append a citizen's supplement to a case; 0 or -1. */
int	 store_case_supplement(struct store *, int64_t case_id,
	    int64_t inbound, const char *text, int64_t at);
/* New cases by msisdn since a time (rate limit); the count or -1. */
int	 store_count_cases(struct store *, const char *msisdn, int64_t since);

/* --- refusals (Art. 8): recorded and audited, not cases ----------------- */

struct store_refusal {
	const char	*msisdn;
	int64_t		 inbound;	/* group, 0: none */
	const char	*reason;	/* "emergency", "litigation", ... */
	const char	*rule;		/* matched rule, NULL: none */
	const char	*channel;	/* "110", NULL: none */
	const char	*text;
	int64_t		 at;
};

/* Record a refusal; 0 or -1. */
int	 store_refusal_add(struct store *, const struct store_refusal *,
	    int64_t *idp);

/* --- alerts of the safety screen (issue 11, v9) ------------------------ */

struct store_alert_new {
	int64_t		 at;
	const char	*verdict;	/* "possible", "clear" */
	const char	*channel;	/* "selfharm", "119", ... */
	const char	*word;		/* the danger word, NULL: none */
	const char	*msisdn;	/* encrypted in the row */
	const char	*mask;		/* as the log shows it */
	int64_t		 inbound;	/* the text (group), 0: none */
	int64_t		 case_id;	/* the case it led to, 0: none */
	int64_t		 refusal_id;	/* or the refusal, 0: none */
};

struct store_alert {
	int64_t		 id;
	int64_t		 at;
	char		 verdict[16];
	char		 channel[16];
	char		 word[100];
	char		 mask[32];
	int64_t		 inbound;
	char		 case_number[STORE_CASE_NUMBER_MAX];	/* "": none */
	int64_t		 refusal_id;	/* 0: none */
	int64_t		 logged_at;	/* last logged */
	int		 logs;		/* times logged */
	int64_t		 acked_at;	/* 0: open */
	char		 acked_by[64];
	char		*note;		/* what was done; NULL: open */
	char		*text;		/* the citizen's text */
};

/* Record an alert inside the caller's transaction; 0 or -1. */
int	 store_alert_add(struct store *, const struct store_alert_new *,
	    int64_t *idp);
/* One alert: 1 found, 0 not, -1 error; store_alert_clear() after. */
int	 store_alert_get(struct store *, int64_t id, struct store_alert *);
/* Alerts newest first (open_only: not acknowledged); the count or -1. */
int	 store_alert_list(struct store *, int open_only, struct store_alert *,
	    size_t max, size_t offset);
/* Acknowledge: 1 done, 0 unknown or acknowledged already, -1 error. */
int	 store_alert_ack(struct store *, int64_t id, const char *by,
	    const char *note, int64_t at);
/* Open alerts last logged at or before before, oldest first; n or -1. */
int	 store_alert_due(struct store *, int64_t before, int64_t *ids,
	    size_t max);
/* The alert was logged again at at; 0 or -1. */
int	 store_alert_relogged(struct store *, int64_t id, int64_t at);
/* Alerts not acknowledged, or -1. */
int	 store_alert_open(struct store *);
/* The alert's phone number, decrypted: 1, 0 no such alert, -1 error. */
int	 store_alert_msisdn(struct store *, int64_t id, char *out, size_t len);
/* Free what an alert row owns. */
void	 store_alert_clear(struct store_alert *);

/* --- outbox: the durable queue of outgoing SMS ------------------------- */

enum store_out_state {
	STORE_OUT_QUEUED = 0,		/* waiting for next_attempt_at */
	STORE_OUT_INFLIGHT,		/* submit_sm sent, no resp yet */
	STORE_OUT_SENT,			/* every part has an SMSC id */
	STORE_OUT_DELIVERED,		/* every part's receipt DELIVRD */
	STORE_OUT_FAILED,		/* permanent error or receipt */
	STORE_OUT_EXPIRED,		/* not sent before expire_at */
	STORE_OUT_CANCELLED,		/* v13: an operator cancelled it */
	/*
	 * v13: held by an operator, never sent until released.  Negative:
	 * the audit chain wants an outcome event for every state >= 2, and
	 * held is not an outcome (release makes the row queued again).
	 */
	STORE_OUT_HELD = -1
};

/* A new outgoing SMS; all borrowed. */
struct store_outbox_new {
	int64_t		 case_id;	/* 0: none */
	int64_t		 inbound;	/* group answered, 0: none */
	const char	*kind;		/* "ack", "refusal", "help", "result" */
	const char	*msisdn;	/* plaintext recipient */
	const char	*source;	/* 12345, or 12345 + extension code */
	const char	*text;		/* UTF-8, whole (outbox.c splits) */
	int		 priority;	/* higher goes first */
	int64_t		 not_before;	/* ms; 0: now */
	int64_t		 expire_at;	/* ms; 0: never */
};

/* A row due for submission; owns text. */
struct store_outmsg {
	int64_t		 id;
	int64_t		 case_id;
	char		 to[STORE_ADDR_MAX];	/* decrypted */
	char		 from[STORE_ADDR_MAX];
	char		*text;
	int		 attempts;	/* submissions so far */
	int		 priority;
	int64_t		 due_at;	/* ms: when it became due */
	char		 via[32];	/* bearer the citizen wrote through, "" */
};

/* Queue an SMS (created_at is now); 0 or -1. */
int	 store_outbox_add(struct store *, const struct store_outbox_new *,
	    int64_t *idp);
/*
 * Up to max queued rows due at now, by priority then age.  A row waits
 * while an older row to the same number is queued or in flight, so each
 * citizen gets messages in order.  The count, or -1.
 */
int	 store_outbox_next(struct store *, int64_t now, struct store_outmsg *,
	    size_t max);
/* Free the texts of n rows. */
void	 store_outmsg_clear(struct store_outmsg *, size_t n);
/*
 * wal-sync thread (commit.c): a row added in a batch that is committed
 * but not yet synced must not reach a citizen before it is durable.
 * store_outbox_first() is the lowest id the last transaction begun
 * added, kept or undone (0 none: a rollback frees ids for reuse, so the
 * lowest ever given out, not the last); store_outbox_limit() makes
 * store_outbox_next() hand out no row above id max (INT64_MAX: any, the
 * default).
 */
int64_t	 store_outbox_first(struct store *);
void	 store_outbox_limit(struct store *, int64_t max);
/*
 * Earliest next_attempt_at of a row store_outbox_next() can hand out (its
 * citizen's oldest pending one): 1 with *when, 0 none, -1.
 */
int	 store_outbox_next_time(struct store *, int64_t *when);
/* Row handed to the SMSC: in flight, attempts + 1; 0 or -1. */
int	 store_outbox_inflight(struct store *, int64_t id, int64_t now);
/*
 * submit_sm_resp OK for part (1..nparts) of the current attempt, with the
 * SMSC's message id normalised by the caller (outbox.c, msg-id-type);
 * msgid NULL: the part was accepted in an earlier attempt and is carried
 * into this one (store_outbox_part_carry()).  Parts are recorded in order,
 * 1 to nparts: the call for the last one makes the row sent when all parts
 * have an id.  0 or -1.
 */
int	 store_outbox_submitted(struct store *, int64_t id, int part,
	    int nparts, const char *smsc, const char *msgid, int64_t now);
/* One part accepted in the current attempt, the row not sent yet; 0, -1. */
int	 store_outbox_accepted(struct store *, int64_t id, int part,
	    int nparts, const char *smsc, const char *msgid, int64_t now);
/*
 * The parts of row id an earlier attempt had accepted (issue 14: a retry
 * resends only the others): the newest attempt's count in *nparts and bit
 * i of *mask for part i + 1 (parts 1..32).  1, 0 none, -1.
 */
int	 store_outbox_parts_done(struct store *, int64_t id, int *nparts,
	    uint32_t *mask);
/*
 * Copy part (1..nparts), accepted in an earlier attempt, into the current
 * one with its message id and any receipt already come; 0 or -1 (also when
 * no earlier attempt has it).
 */
int	 store_outbox_part_carry(struct store *, int64_t id, int part,
	    int nparts);
/* Temporary failure: back to queued, retried at next_at; 0 or -1. */
int	 store_outbox_retry(struct store *, int64_t id, int64_t next_at,
	    const char *error);
/* Permanent failure; 0 or -1. */
int	 store_outbox_fail(struct store *, int64_t id, const char *error);
/*
 * A delivery receipt for (smsc, normalised msgid): recorded on the part;
 * the row becomes delivered when all its parts are, failed or expired at
 * once.  1 with *idp / *casep (may be NULL), 0 when the id is unknown yet
 * (the receipt raced submit_sm_resp: retry shortly), -1 on error.
 */
int	 store_outbox_receipt(struct store *, const char *smsc,
	    const char *msgid, enum store_receipt, const char *stat,
	    const char *err, int64_t at, int64_t *idp, int64_t *casep);
/*
 * At start-up: rows in flight at a crash go back to queued and are sent
 * again (a possible duplicate SMS beats a lost one).  The count, or -1.
 */
int	 store_outbox_reset_inflight(struct store *);
/* Queued rows past expire_at become expired; the count, or -1. */
int	 store_outbox_expire(struct store *, int64_t now);
/* 1 when a queued row is past expire_at (a read), 0, or -1. */
int	 store_outbox_expiring(struct store *, int64_t now);
/* Read one row's state; 0 or -1. */
int	 store_outbox_state(struct store *, int64_t id, int *statep,
	    int *attemptsp);
/* The case (0: none) and kind ("ack", "result"...) of a row; 0 or -1. */
int	 store_outbox_row(struct store *, int64_t id, int64_t *casep,
	    char *kind, size_t kindlen);
/* SMS queued for msisdn since a time (reply rate limit); count or -1. */
int	 store_count_replies(struct store *, const char *msisdn, int64_t since);
/* Over-limit notices (rate_limited) sent to msisdn since; count or -1. */
int	 store_count_limited(struct store *, const char *msisdn, int64_t since);
/* "queued", "inflight", ... */
const char *store_outbox_strstate(int);
/* The state named s ("held", "queued", ...), or -2 when none is. */
int	 store_outbox_parsestate(const char *s);

/* --- observe: gauges and queue control (store_observe.c, v13) ---------- */

/* The outbox's waiting rows, counted over partial indexes only. */
struct store_obs_outbox {
	int64_t		 queued, inflight, held;
	int64_t		 oldest;	/* created_at of the oldest queued, 0 */
};
/* Counts for the status page and /metrics (indexed, or today's rows). */
struct store_obs_counts {
	int64_t		 surveys_open;
	int64_t		 overdue;	/* open cases past their due day */
	int64_t		 cases_today;
	int64_t		 refusals_today;
};
/* One outbox row as queue list / show see it; the number masked. */
struct store_obs_row {
	int64_t		 id;
	char		 case_number[STORE_CASE_NUMBER_MAX];
	char		 kind[16];
	int		 state;
	int		 attempts;
	int		 priority;
	int64_t		 created_at, next_attempt_at, submitted_at;
	char		 msisdn[24];	/* plaintext: the caller masks it */
	char		 source[STORE_ADDR_MAX];
	char		 smsc[32];
	char		 last_error[128];
	char		*text;		/* show only; free it */
};
int	 store_obs_outbox(struct store *, struct store_obs_outbox *);
/* The database file's path (statvfs for health), or NULL. */
const char *store_obs_path(struct store *);
/*
 * today: "YYYY-MM-DD"; today0: local midnight in ms, 0: leave the day's
 * counts (they walk the day's rows) at 0.  0 or -1.
 */
int	 store_obs_counts(struct store *, int64_t today0, const char *today,
	    struct store_obs_counts *);
/*
 * Up to max rows in state (STORE_OUT_*, or -2: queued, in flight and
 * held) with id > after, in id order; the count or -1.
 */
int	 store_obs_list(struct store *, int state, int64_t after,
	    struct store_obs_row *, size_t max);
/* One row with its text; 1 found, 0 not, -1 error. */
int	 store_obs_get(struct store *, int64_t id, struct store_obs_row *);
/*
 * hold: queued -> held; release: held -> queued; retry: queued -> due at
 * now; cancel: queued or held -> cancelled (an outcome on the chain).  1
 * done, 0 the row is not in a state that allows it, -1 error.
 */
int	 store_obs_hold(struct store *, int64_t id);
int	 store_obs_release(struct store *, int64_t id);
int	 store_obs_retry(struct store *, int64_t id, int64_t now);
int	 store_obs_cancel(struct store *, int64_t id, const char *why);

/* --- survey opt-out ---------------------------------------------------- */

/* Opt msisdn out of (on) or back into (!on) surveys; 0 or -1. */
int	 store_optout_set(struct store *, const char *msisdn, int on,
	    int64_t at);
/* 1 opted out, 0 not, -1 error. */
int	 store_optout_has(struct store *, const char *msisdn);

/* --- audit (Art. 22): append-only, HMAC-chained ------------------------- */

/*
 * Append an event: hmac = HMAC("audit", prev_hmac || id, at, case, actor,
 * action, detail).  Triggers refuse UPDATE and DELETE.  detail is free text
 * or JSON and must hold no phone number.  0 or -1.
 *
 * The chain alone cannot tell that its newest events were deleted: what
 * remains is a valid shorter chain.  So the transaction that appends also
 * rewrites the one row of audit_tip (last id, last hmac, and tip_mac =
 * HMAC("audit-tip", last hmac || last id)): inside a batch once, just
 * before COMMIT, for all its events; outside a batch at once.
 * store_audit_verify()
 * checks that the chain ends exactly where the tip says.  Deleting the
 * tip row, or truncating the chain, is detected; only replaying a tip
 * copied earlier together with truncating back to it is not, which is why
 * operators should export the tip (id and hmac) off the machine now and
 * then.
 */
int	 store_audit(struct store *, int64_t case_id, const char *actor,
	    const char *action, const char *detail, int64_t at);
/*
 * Messages in and out (v6).  A batch that wrote message rows appends one
 * event, actor "store", action "messages", just before COMMIT, with detail
 * "in=A-B out=C-D sent=IDS final=IDS mac=HEX" (parts present only when
 * not empty; IDS like "4-9,12"): the inbound and outbox rows it inserted,
 * the outbox rows it marked sent, and those it brought to their final
 * outcome (delivered, failed, expired).  mac is HMAC("messages", the
 * detail before " mac=" || the rows' covered columns in id order), so the
 * event holds ids and a MAC, never a number or a text.  Covered: of an
 * inbound row every column but state, case_id and dedupe (processing
 * state); of an outbox row its id, case, inbound, kind, number (blob and
 * hash), source, text, priority, created_at, expire_at; once sent,
 * attempts, submitted_at, smsc, smsc_msgid and that it left the queue;
 * once final, state, receipt_stat, receipt_err, receipt_at, last_error.
 * Not covered: outbox_parts, interim receipts, retry times, and rows
 * older than the v6 upgrade (the chained "messages.covered" event,
 * detail "in>=N out>=M", names the first ids covered).  A row written
 * outside a batch gets its event at once, in a transaction of its own.
 *
 * Case rows (v8).  Every write to a case row or to its assignments
 * (case_units), whichever statement makes it (SQLite's update hook sees
 * them), is chained: a batch that wrote some appends one event, actor
 * "store", action "cases", just before COMMIT, detail "ID:MAC ID:MAC ..."
 * with, per case, the first 16 bytes of HMAC("case-row", every column of
 * the row (number as blob and keyed hash) || its assignment rows).  A case
 * changes often, so each row is checked against the last event naming it.
 * Rows older than the v8 upgrade are covered from their first write after
 * it (the chained "cases.covered" event, detail "cases>=N", names the
 * first id that must be chained from its insert on).  Not covered:
 * supplements (their texts are inbound rows) and surveys' own rows.
 *
 * Check the chain and its tip: 0 intact, 1 broken at *badp, -1 error.
 * *badp is the first event whose link does not hold: an edited or
 * reordered event, the event after a deleted one, or (the tip) one past
 * the last event present when the newest events were deleted.  For
 * messages, every "messages" event's MAC is recomputed from the rows as
 * they are: a covered row edited, deleted or moved to another id breaks
 * the event that chained it (its insert, its sending, or its outcome); an
 * inbound or outbox row beyond the last chained id gives one past the last
 * event; an outbox row sent or final with no such outcome chained gives
 * the event of its insert.  For cases: a row edited, swapped with
 * another's, given another assignment or deleted breaks the earliest last
 * event naming such a row; a case row from the first covered id on that
 * no event names gives one past the last event.  Details go to the log
 * (store audit broken).
 */
int	 store_audit_verify(struct store *, int64_t *badp);
/* The same, calling progress(arg, event, last) every 65536 events. */
int	 store_audit_verify_progress(struct store *, int64_t *badp,
	    void (*progress)(void *, int64_t, int64_t), void *arg);

/* --- v3: units, knowledge base, the case lifecycle --------------------- */

#define STORE_UNIT_CODE_MAX	33	/* [A-Za-z0-9_.-]{1,32} + NUL */

/* A handling unit (承办单位); owns its strings. */
struct store_unit {
	char		 code[STORE_UNIT_CODE_MAX];
	char		*name;
	char		*contact;	/* NULL: none */
	int64_t		 created_at;
};

/* Add a unit; 0, 1 when the code exists already, -1 (bad code) on error. */
int	 store_unit_add(struct store *, const char *code, const char *name,
	    const char *contact, int64_t at);
/* Read a unit; 1, 0 when unknown, -1. */
int	 store_unit_get(struct store *, const char *code, struct store_unit *);
/* Units by code, up to max from offset; the count or -1. */
int	 store_unit_list(struct store *, struct store_unit *out, size_t max,
	    size_t offset);
/* Free what a unit owns and zero it. */
void	 store_unit_clear(struct store_unit *);

/* A knowledge-base entry (Art. 6, 9, 23(9)); owns its strings. */
struct store_kb {
	int64_t		 id;
	char		*keywords;	/* separated by space , ， 、 ; ； | */
	char		*answer;
	char		 unit[STORE_UNIT_CODE_MAX];	/* owner, "": none */
	int64_t		 updated_at;
};

/* Add an entry; unit NULL or a known unit.  0 with *idp, or -1. */
int	 store_kb_add(struct store *, const char *keywords, const char *answer,
	    const char *unit, int64_t at, int64_t *idp);
/* Replace an entry's text (NULL fields kept); 1, 0 unknown id, -1. */
int	 store_kb_update(struct store *, int64_t id, const char *keywords,
	    const char *answer, const char *unit, int64_t at);
/* Read an entry; 1, 0, -1. */
int	 store_kb_get(struct store *, int64_t id, struct store_kb *);
/*
 * Entries by id from offset, up to max; with updated_before > 0 only those
 * not updated since then (stale, Art. 23(9)).  The count or -1.
 */
int	 store_kb_list(struct store *, int64_t updated_before,
	    struct store_kb *out, size_t max, size_t offset);
/* Free what n entries own and zero them. */
void	 store_kb_clear(struct store_kb *, size_t n);

/*
 * A change to a case by lifecycle.c, applied only while the case is still
 * in state from (compare and set).  Fields left at their "keep" value are
 * not touched.
 */
struct store_case_change {
	const char	*from;		/* the state read before deciding */
	const char	*to;		/* the new state */
	const char	*unit;		/* NULL keep, "": clear */
	int64_t		 dispatched_at;	/* 0 keep */
	const char	*due;		/* NULL keep; due_original kept once */
	const char	*due_original;	/* NULL: per due; "" clear; set */
	const char	*category;	/* NULL keep (v10: classify) */
	int		 add_extension;	/* 1: extensions + 1 */
	int		 add_late_return; /* 1: late_returns + 1 */
	int		 supervised;	/* -1 keep, 0 clear, 1 set */
	const char	*supervision;	/* NULL keep */
	const char	*result;	/* NULL keep */
	int64_t		 closed_at;	/* -1 keep, 0 clear (reopen), >0 set */
	int		 rehandled;	/* -1 keep, else set */
	int64_t		 at;		/* updated_at */
};

/* Apply a change; 1 done, 0 the case is not (any more) in from, -1. */
int	 store_case_change(struct store *, int64_t case_id,
	    const struct store_case_change *);
/* Record what was cut of a long result SMS (characters); 0 or -1. */
int	 store_case_set_result_cut(struct store *, int64_t case_id, int chars);
/*
 * The case's phone number, decrypted, for sending it an SMS (not for
 * showing: an API read must be audited first); 1, 0 unknown case, -1.
 */
int	 store_case_msisdn(struct store *, int64_t case_id, char *out,
	    size_t len);
/* Has the case's citizen opted out of surveys?  1, 0, -1. */
int	 store_case_optout(struct store *, int64_t case_id);
/* Make a case confidential (Art. 19: never undone); 0 or -1. */
int	 store_case_set_confidential(struct store *, int64_t case_id);
/* Set flags (STORE_CF_*) on a case; 0 or -1. */
int	 store_case_add_flags(struct store *, int64_t case_id, int flags);

#define STORE_UNIT_NONE	0
#define STORE_UNIT_LEAD	1		/* 主办 */
#define STORE_UNIT_CO	2		/* 协办 */

/*
 * Dispatch a case to lead and co-units: earlier assignments end, these
 * begin.  Every code must be a known unit.  0, or -1 (unknown unit).
 */
int	 store_case_assign(struct store *, int64_t case_id, const char *lead,
	    const char *const *co, size_t nco, int64_t at);
/* End all current assignments of a case (returned); 0 or -1. */
int	 store_case_unassign(struct store *, int64_t case_id);
/* A unit's current role on a case: STORE_UNIT_LEAD, _CO, _NONE; -1. */
int	 store_case_unit_role(struct store *, int64_t case_id,
	    const char *unit);
/* Current co-units of a case (codes into out), up to max; count or -1. */
int	 store_case_counits(struct store *, int64_t case_id,
	    char out[][STORE_UNIT_CODE_MAX], size_t max);

/* Filters of store_case_search(); zero (and -1 for the flags) is "any". */
struct store_case_filter {
	const char	*state;		/* NULL: any */
	const char	*category;	/* NULL: any */
	const char	*unit;		/* currently assigned (lead or co) */
	const char	*overdue_on;	/* YYYY-MM-DD: open, due before it */
	int		 open;		/* -1 any, 1 open, 0 closed */
	int		 supervised;	/* -1 any, 0, 1 */
	int		 confidential;	/* -1 any, 0, 1 */
	int64_t		 received_from;	/* ms, inclusive; 0: unbounded */
	int64_t		 received_to;	/* ms, exclusive; 0: unbounded */
	int64_t		 before_id;	/* keyset page: ids below; 0: from top */
	size_t		 offset;
};
/* Set a filter to "any". */
void	 store_case_filter_init(struct store_case_filter *);
/* Cases matching f, newest (highest id) first, up to max; count or -1. */
int	 store_case_search(struct store *, const struct store_case_filter *,
	    struct store_case *out, size_t max);

/*
 * A slice of the overdue scan (issue 17): open cases due before `before`
 * (YYYY-MM-DD) whose (due, id) comes after (after_due, after_id), in that
 * order, up to max (after_due NULL: from the first); count or -1.
 */
int	 store_case_overdue_page(struct store *, const char *before,
	    const char *after_due, int64_t after_id, struct store_case *out,
	    size_t max);
/* The same over every open case due before `before` (the notice scan). */
int	 store_case_notice_page(struct store *, const char *before,
	    const char *after_due, int64_t after_id, struct store_case *out,
	    size_t max);

/*
 * Recent cases of msisdn in a category (NULL: any) received since a time,
 * newest first by reception (received_at, then id: a text completed late
 * sorts by its first part), up to max; with state non-NULL only that state.  For the
 * same-matter checks of Art. 14 and 23(8).  Count or -1.
 */
int	 store_case_list_msisdn(struct store *, const char *msisdn,
	    const char *category, const char *state, int64_t since,
	    struct store_case *out, size_t max);
/* Cases of any number in a category since a time, newest first. */
int	 store_case_list_category(struct store *, const char *category,
	    int64_t since, struct store_case *out, size_t max);

/* One event, message or survey in a case's history; owns its strings. */
struct store_event {
	int64_t		 id;
	int64_t		 at;
	char		*kind;		/* audit: action; out: kind; "in" */
	char		*actor;		/* audit only */
	char		*text;		/* detail, message text */
	int		 state;		/* out: enum store_out_state; else 0 */
	char		*receipt;	/* out: receipt stat, NULL: none */
	int64_t		 receipt_at;
	int		 attempts;	/* out */
};

/* A case's whole story, for "show one case"; owns everything. */
struct store_history {
	struct store_event	*audit;		/* in id order */
	size_t			 naudit;
	struct store_event	*in;		/* messages in, with supplements */
	size_t			 nin;
	struct store_event	*out;		/* messages out */
	size_t			 nout;
};
/* Read a case's audit events, messages in and out; 0 or -1. */
int	 store_case_history(struct store *, int64_t case_id,
	    struct store_history *);
/* Free a history and zero it. */
void	 store_history_clear(struct store_history *);

/* --- v3: satisfaction surveys (Art. 15) -------------------------------- */

enum store_survey_state {
	STORE_SURVEY_PENDING = 0,	/* sent (or due at sent_at) */
	STORE_SURVEY_REMINDED,		/* the one reminder went out */
	STORE_SURVEY_UNCLEAR,		/* a reply not understood; waiting */
	STORE_SURVEY_ANSWERED,		/* score recorded */
	STORE_SURVEY_EXPIRED		/* no (understood) response */
};
/* Open surveys wait for a reply: pending, reminded, unclear. */
#define STORE_SURVEY_OPEN(s)	((s) <= STORE_SURVEY_UNCLEAR)
#define STORE_SURVEY_EXT_MAX	8	/* digits + NUL */

/* A new survey; the extension code is allocated by the store. */
struct store_survey_new {
	int64_t		 case_id;
	int		 round;		/* 1, or 2 after re-handling (final) */
	int		 ext_digits;	/* 0: no extension code */
	int64_t		 sent_at;	/* when the SMS goes (not_before) */
	int64_t		 remind_at;	/* 0: no reminder */
	int64_t		 expire_at;
};

struct store_survey {
	int64_t		 id;
	int64_t		 case_id;
	char		 number[STORE_CASE_NUMBER_MAX];	/* the case's */
	char		 msisdn[STORE_ADDR_MAX];	/* decrypted */
	int		 round;
	char		 ext[STORE_SURVEY_EXT_MAX];	/* "": none */
	int		 state;		/* enum store_survey_state */
	int64_t		 sent_at;
	int64_t		 remind_at;	/* 0: none */
	int64_t		 reminded_at;
	int64_t		 expire_at;
	int		 score;		/* 1..3, 0: none */
	int		 unclear;	/* replies not understood */
	int64_t		 answered_at;
	char		 raw[256];	/* latest reply, cut at a character */
	char		 comment[256];
};

/*
 * Add a survey for a case, allocating its extension code: the next code
 * after the last one handed out (so a code comes back as late as possible)
 * that no open survey uses.  0 with *idp and ext, 1 when the case already
 * has a survey of that round, -1 (also: every code in use).
 */
int	 store_survey_add(struct store *, const struct store_survey_new *,
	    int64_t *idp, char ext[STORE_SURVEY_EXT_MAX]);
/* Read a survey; 1, 0, -1. */
int	 store_survey_get(struct store *, int64_t id, struct store_survey *);
/* The open survey of msisdn with extension ext; 1, 0, -1. */
int	 store_survey_find_ext(struct store *, const char *msisdn,
	    const char *ext, struct store_survey *);
/* The newest survey of msisdn with extension ext, open or not; 1, 0, -1. */
int	 store_survey_last_ext(struct store *, const char *msisdn,
	    const char *ext, struct store_survey *);
/* Open surveys of msisdn, newest first, up to max; count or -1. */
int	 store_survey_open(struct store *, const char *msisdn,
	    struct store_survey *out, size_t max);
/*
 * Record a reply: score 1..3 (answered) or 0 (unclear: raw kept, unclear
 * count + 1, still open).  The case's survey fields follow.  1 done, 0
 * when the survey is not open any more, -1.
 */
int	 store_survey_reply(struct store *, int64_t id, int score,
	    const char *raw, const char *comment, int64_t at);
/* The reminder went out: reminded; 1, 0 not pending, -1. */
int	 store_survey_reminded(struct store *, int64_t id, int64_t at);
/* No response: expired (the case says so too); 1, 0 not open, -1. */
int	 store_survey_expire(struct store *, int64_t id, int64_t at);
/*
 * Open surveys whose reminder (pending, remind_at <= now) or expiry
 * (expire_at <= now) is due, by time, up to max ids; count or -1.
 */
int	 store_survey_due(struct store *, int64_t now, int64_t *ids,
	    size_t max);
/*
 * A slice of the survey tick (issue 17): open surveys due by now whose
 * (due moment, id) comes after (after_key, after_id), in that order, up
 * to max; their ids and due moments (the next slice's cursor); count, -1.
 */
int	 store_survey_due_page(struct store *, int64_t now, int64_t after_key,
	    int64_t after_id, int64_t *ids, int64_t *keys, size_t max);
/* Earliest reminder or expiry of an open survey: 1 with *when, 0, -1. */
int	 store_survey_next_time(struct store *, int64_t *when);
/* "pending", "reminded", ... */
const char *store_survey_strstate(int);

/* --- v10: the office classifies: labelled examples, the queue ---------- */

/* An operator's label as exported for training; owns its strings. */
struct store_label {
	int64_t		 id;
	char		 number[STORE_CASE_NUMBER_MAX];
	char		*category;	/* the operator's */
	char		*previous;	/* the case's category before */
	char		*actor;
	int64_t		 at;
	char		*text;		/* the case's text, as written */
};

/*
 * Record that actor set a case's category (previous: what it was), in
 * the caller's transaction, beside the audit event; 0 or -1.
 */
int	 store_label_add(struct store *, int64_t case_id,
	    const char *category, const char *previous, const char *actor,
	    const char *reason, int64_t at);
/*
 * Labels with id above after, oldest first, up to max: only each case's
 * latest, and never of a confidential case (Art. 19).  Count or -1.
 */
int	 store_label_export(struct store *, int64_t after,
	    struct store_label *out, size_t max);
/* Free what n labels own and zero them. */
void	 store_label_clear(struct store_label *, size_t n);
/* Open unclassified cases, longest waiting first, from offset; count, -1. */
int	 store_queue(struct store *, size_t offset, struct store_case *out,
	    size_t max);
/* How many wait to be classified and since when (0: none); 0 or -1. */
int	 store_queue_stats(struct store *, int *countp, int64_t *oldestp);

/*
 * Backup (store_backup.c): a consistent copy of the open database into a
 * new file, made in steps between batches (hotlinectl backup).
 */
struct store_backup;
/* Create path (it must not exist, mode 0600) and start; NULL with err. */
struct store_backup *store_backup_start(struct store *, const char *path,
	    char *err, size_t errlen);
/* Copy up to pages pages: 1 more to do, 0 complete, -1 with err. */
int	 store_backup_step(struct store_backup *, int pages, char *err,
	    size_t errlen);
/* Pages copied and in all, so far. */
void	 store_backup_progress(const struct store_backup *, int *done,
	    int *total);
/* The last case id the complete copy holds (0: none). */
int64_t	 store_backup_last_case(const struct store_backup *);
/* End; keep: leave the copy (when complete), else remove it.  0 or -1. */
int	 store_backup_free(struct store_backup *, int keep);

/*
 * Retention (store_retention.c): the texts and numbers of cases closed
 * before a cut-off are erased, with their inbound and outbox rows, and
 * the audit chain stays verifiable: each "messages" event whose rows
 * were erased is attested again (its digest over the rows as they are
 * now) by a "retention" event that names the cases, and audit_reattest
 * points verification from the old event to that one.
 */
struct store_retention {
	int64_t		 cases;		/* erased */
	int64_t		 inbound;
	int64_t		 outbox;
	int64_t		 events;	/* "messages" events attested again */
	int64_t		 last_id;	/* the last case erased */
};
/* Cases closed before cutoff (ms) whose texts are still there; -1. */
int64_t	 store_retention_count(struct store *, int64_t cutoff);
/*
 * Erase at most max such cases (inside a batch), adding to r, with one
 * "retention" event by actor; 1 more remain, 0 done, -1 error (nothing
 * of this chunk written: the caller undoes its savepoint), -2 an event
 * to attest again no longer matches its rows (run audit verify).
 */
int	 store_retention_chunk(struct store *, int64_t cutoff, int max,
	    const char *actor, struct store_retention *r);

/* --- v16: the office's statistics and publication (stats.c) ----------- */

/* The queries, in the order of STMT_STATS_TOTAL... (store_sql.c). */
enum store_stats_query {
	STORE_STATS_TOTAL,	/* key "", then the figures */
	STORE_STATS_CATEGORY,	/* key category, then the figures */
	STORE_STATS_UNIT,	/* key lead unit ("" none), the figures */
	STORE_STATS_CHANNEL,	/* key channel, the figures */
	STORE_STATS_DAY,	/* key YYYY-MM-DD received, the figures */
	STORE_STATS_REFUSED,	/* reason, count */
	STORE_STATS_REFUSED_DAY,	/* day, count */
	STORE_STATS_SUPERVISION,	/* reason, cases */
	STORE_STATS_NOW,	/* "now", overdue, unclassified, alerts,
				   alerts open, cases open */
	STORE_STATS_UNITS,	/* code, name, cases, closed, on time, extended,
				   supervised, re-handled, responded, 1, 2, 3,
				   overdue */
	STORE_STATS_UNIT_RETURNS,	/* unit, returns */
	STORE_STATS_UNIT_CLOSE,	/* unit, dispatched day, closed day, count */
	STORE_STATS_OVERDUE,	/* number, category, unit, state, due,
				   received_at, supervised (any period) */
	STORE_STATS_SUPERVISED,	/* number, category, unit, state, reason, at */
	STORE_STATS_TOP,	/* rule, category, count */
	STORE_PUBLISH,		/* number, received_at, closed_at, category,
				   unit name, text, result, state: closed in
				   the period, never confidential nor
				   marked not for publication */
	STORE_STATS_FLAGS,	/* Art. 23 per lead unit: re-handled, overdue
				   without extension, result not delivered,
				   repeated */
	STORE_STATS_FLAG_RETURNS,	/* unit, late returns (pushed back) */
	STORE_STATS_KB_STALE,	/* unit, entries updated before "from" */
	STORE_STATS_FLAGGED	/* number, category, unit, state, due, and
				   the five flags as 0/1 */
};
/* The figures' columns after the key of STORE_STATS_TOTAL..._DAY. */
enum store_stats_col {
	STORE_SC_REGISTERED = 1, STORE_SC_ANSWERED, STORE_SC_DISPATCHED,
	STORE_SC_RETURNED, STORE_SC_EXTENDED, STORE_SC_CLOSED,
	STORE_SC_ON_TIME, STORE_SC_OVERDUE, STORE_SC_SUPERVISED,
	STORE_SC_REHANDLED, STORE_SC_SURVEYED, STORE_SC_RESPONDED,
	STORE_SC_SATISFIED, STORE_SC_BASIC, STORE_SC_DISSATISFIED,
	STORE_SC_UNCLASSIFIED, STORE_SC_MAX
};
#define STORE_STATS_COLS	20	/* most columns a query gives */
/*
 * Run query q over the period [from, to) (ms; cases by reception, the
 * publication by closing) with today (YYYY-MM-DD, for "overdue") and a row
 * limit (lists), handing each row to fn as text (NULL as "").  fn returns
 * 0 to go on, -1 to stop (an error).  0 or -1.
 */
int	 store_stats(struct store *, enum store_stats_query q, int64_t from,
	    int64_t to, const char *today, int64_t limit,
	    int (*fn)(void *, int ncol, const char *const *col), void *arg);

/*
 * Cases from the other channels (v20, store_import.c): a case taken by
 * phone, web, WeChat, letter... enters once per (channel, external id).
 */
/* The case imported as (channel, external_id): 1 with *case_id, 0, -1. */
int	 store_import_find(struct store *, const char *channel,
	    const char *external_id, int64_t *case_id);
/*
 * Register c as a case of channel, remembered under external_id, in the
 * caller's unit: the case, its channel and the import row; 0 or -1.
 */
int	 store_import_add(struct store *, const struct store_case_new *c,
	    const char *channel, const char *external_id, int64_t at,
	    int64_t *idp, char number[STORE_CASE_NUMBER_MAX]);

/* --- approve (v21): extension requests (Art. 18), disclosure (Art. 19) -- */

/* One unit's request for more time on a case (store_ext.c). */
struct store_ext {
	int64_t		 id;
	int64_t		 case_id;
	char		 number[STORE_CASE_NUMBER_MAX];
	char		*unit;		/* the lead unit that asked */
	char		*actor;		/* its token's name */
	char		*reason;
	char		*due_before;	/* the case's due date when asked */
	char		*due;		/* the date asked for */
	int		 days;		/* working days asked, 0: a date */
	char		*state;		/* pending approved refused */
	int64_t		 requested_at;
	int64_t		 decided_at;	/* 0: pending */
	char		*decided_by;	/* NULL: pending */
	char		*decision;	/* the office's reason or note */
	char		*case_state;	/* the case's state now */
};
/* A request to record (borrowed strings). */
struct store_ext_new {
	int64_t		 case_id;
	const char	*unit, *actor, *reason, *due_before, *due;
	int		 days;
	int64_t		 at;
};
/* Record a pending request: 1 with *idp, 0 when one is pending, -1. */
int	 store_ext_add(struct store *, const struct store_ext_new *,
	    int64_t *idp);
/* Read request id; 1, 0, -1. */
int	 store_ext_get(struct store *, int64_t id, struct store_ext *);
/* The case's pending request; 1, 0, -1. */
int	 store_ext_pending(struct store *, int64_t case_id, struct store_ext *);
/*
 * Requests in state (NULL: any) of unit (NULL: any), newest first, with
 * ids below before (0: from the newest), up to max.  Count, or -1.
 */
int	 store_ext_list(struct store *, const char *state, const char *unit,
	    int64_t before, struct store_ext *out, size_t max);
/* Decide a pending request (state approved/refused): 1, 0 not pending, -1. */
int	 store_ext_decide(struct store *, int64_t id, const char *state,
	    const char *by, const char *decision, int64_t at);
/* Requests of the case approved that were asked at or after since; -1. */
int	 store_ext_granted(struct store *, int64_t case_id, int64_t since);
/* Free what a request owns and zero it. */
void	 store_ext_clear(struct store_ext *);

/* What Art. 19 allows of a case (store_ext.c). */
struct store_disclose {
	int		 confidential;	/* the citizen asked, or the office */
	int		 office;	/* 1: the office made it confidential */
	int		 nopublish;	/* the office: not for publication */
};
/* Read a case's disclosure flags; 1, 0 no such case, -1. */
int	 store_case_disclose(struct store *, int64_t case_id,
	    struct store_disclose *);
/* Write them (office: who made it confidential); 0 or -1. */
int	 store_case_set_disclose(struct store *, int64_t case_id,
	    const struct store_disclose *);

#endif /* HOTLINED_STORE_H */
