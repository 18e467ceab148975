/*
 * Unit tests for store.c: schema creation and upgrade, inbound dedupe and
 * concat groups, batches with per-message savepoints, case numbers, the
 * outbox state machine, receipts, opt-out, rate counts, the audit chain
 * and its sealed tip (edit, delete in the middle and at the end, reorder),
 * case rows on the chain (edited, swapped, reassigned, deleted, forged),
 * units, and no plaintext number in the database file.  sqlite3 is used here only
 * to inspect and to tamper, as an attacker or an operator would.
 */
#include "compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
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
#include "testdb.h"
#include "store.h"
#include "util.h"

#define NUM	"13800138001"
#define NUM2	"13800138002"
/* 2026-11-26 10:00:00 +08:00 in ms */
#define T0	(INT64_C(1795658400) * 1000)
#define DAY	(INT64_C(86400) * 1000)
#define HOUR	(INT64_C(3600) * 1000)
#define RESEND	HOUR		/* the windows of a part, as inbound.c's */

struct fixture {
	char		 dir[64];
	char		 path[128];
	struct crypto	*crypto;
	struct store	*st;
};

static struct store *
reopen(struct fixture *f, const struct store_opts *opts)
{
	char	err[256];

	store_close(f->st);
	f->st = store_open(f->path, f->crypto, opts, err, sizeof(err));
	if (f->st == NULL)
		fprintf(stderr, "# store_open: %s\n", err);
	return f->st;
}

static int
setup(void **state)
{
	struct fixture	*f;
	uint8_t		 key[CRYPTO_KEYFILE_LEN];

	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	f = calloc(1, sizeof(*f));
	if (testdb_make("test_store", f->dir, sizeof(f->dir), f->path,
	    sizeof(f->path)) == -1)
		return -1;
	memset(key, 0x5a, sizeof(key));
	f->crypto = crypto_new(key);
	if (reopen(f, NULL) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	store_close(f->st);
	crypto_free(f->crypto);
	testdb_remove(f->dir, f->path);
	free(f);
	return 0;
}

static struct store_inbound
mo(const char *from, const char *text, int64_t at)
{
	struct store_inbound	in;

	memset(&in, 0, sizeof(in));
	in.smsc = "smsc1";
	in.source = from;
	in.dest = "12345";
	in.data_coding = 8;
	in.raw = text;
	in.rawlen = strlen(text);
	in.text = text;
	in.concat_total = 1;
	in.received_at = at;
	in.resend_window = RESEND;
	in.msgid_window = RESEND;
	return in;
}

static struct store_inbound
part(const char *text, int ref, int total, int seq, int64_t at)
{
	struct store_inbound	in = mo(NUM, text, at);

	in.concat_ref = ref;
	in.concat_total = total;
	in.concat_seq = seq;
	return in;
}

static int64_t
add_case(struct store *st, const char *from, int64_t at, char *number)
{
	struct store_case_new	c;
	int64_t			id = 0;

	memset(&c, 0, sizeof(c));
	c.msisdn = from;
	c.category = "complaint";
	c.text = "楼下烧烤店噪音扰民";
	c.received_at = at;
	c.due = "2026-12-10";
	assert_int_equal(store_case_add(st, &c, &id, number), 0);
	return id;
}

static int64_t
add_out(struct store *st, const char *to, int64_t case_id)
{
	struct store_outbox_new	o;
	int64_t			id = 0;

	memset(&o, 0, sizeof(o));
	o.case_id = case_id;
	o.kind = "ack";
	o.msisdn = to;
	o.source = "12345";
	o.text = "您的诉求已受理";
	assert_int_equal(store_outbox_add(st, &o, &id), 0);
	return id;
}

static long long
peek(struct fixture *f, const char *sql)
{
	return testdb_peek(f->path, sql);
}

static void
test_open_create(void **state)
{
	struct fixture	*f = *state;
	struct stat	 sb;
	char		 err[256], other[160];
	sqlite3		*db;
	sqlite3_stmt	*s;
	int		 fd;

	assert_int_equal(store_version(f->st), STORE_SCHEMA_VERSION);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 077, 0);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal(sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	sqlite3_close(db);
	assert_int_equal(peek(f, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	/* a new database has 2 KiB pages */
	assert_int_equal(peek(f, "PRAGMA page_size"), 2048);
	/* opening again changes nothing */
	assert_non_null(reopen(f, NULL));
	assert_int_equal(store_version(f->st), STORE_SCHEMA_VERSION);

	/* a file that is not ours, and a schema from the future */
	snprintf(other, sizeof(other), "%s/other.db", f->dir);
	fd = open(other, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(write(fd, "not a database, just text, long enough "
	    "to be looked at by sqlite's header check.........", 88), 88);
	close(fd);
	assert_null(store_open(other, f->crypto, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "other.db"));
	unlink(other);
	assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_null(store_open(other, f->crypto, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "newer"));
	unlink(other);
	{
		struct store_opts o = { .case_prefix = "hy" };

		assert_null(store_open(other, f->crypto, &o, err,
		    sizeof(err)));
		unlink(other);
	}
	/* a database that has pages already keeps their size */
	{
		struct store	*st2;
		char		 wal[200];

		assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "PRAGMA page_size = 4096; "
		    "PRAGMA journal_mode = WAL; CREATE TABLE x (y);", NULL,
		    NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
		st2 = store_open(other, f->crypto, NULL, err, sizeof(err));
		assert_non_null(st2);
		store_close(st2);
		assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA page_size", -1,
		    &s, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(s, 0), 4096);
		sqlite3_finalize(s);
		sqlite3_close(db);
		unlink(other);
		snprintf(wal, sizeof(wal), "%s-wal", other);
		unlink(wal);
		snprintf(wal, sizeof(wal), "%s-shm", other);
		unlink(wal);
	}
}

static void
test_upgrade_from_v1(void **state)
{
	struct fixture		*f = *state;
	struct store_opts	 o = { .max_version = 1 };
	struct store_case	 c;
	char			 number[STORE_CASE_NUMBER_MAX], p[160];
	int64_t			 bad;

	store_close(f->st);
	f->st = NULL;
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	assert_non_null(reopen(f, &o));
	assert_int_equal(store_version(f->st), 1);
	add_case(f->st, NUM, T0, number);
	/* v2's statements are not there yet */
	assert_int_equal(store_audit(f->st, 0, "test", "x", NULL, T0), -1);

	assert_non_null(reopen(f, NULL));
	assert_int_equal(store_version(f->st), STORE_SCHEMA_VERSION);
	assert_int_equal(store_case_find(f->st, number, NUM, &c), 1);
	assert_string_equal(c.category, "complaint");
	store_case_clear(&c);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM cases "
	    "WHERE survey_state IS NULL AND rehandled = 0"), 1);
	assert_int_equal(store_audit(f->st, 1, "test", "case.upgraded", NULL,
	    T0), 0);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
}

/*
 * v14 on an existing database (v10): the re-attestation table and the
 * inbound index arrive, the cases stay, retention counts, the chain
 * holds; retention refuses a database before v14.
 */
static void
test_upgrade_v14(void **state)
{
	struct fixture		*f = *state;
	struct store_opts	 o = { .max_version = 10 };
	char			 number[STORE_CASE_NUMBER_MAX], p[160];
	int64_t			 bad = 0;

	store_close(f->st);
	f->st = NULL;
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	assert_non_null(reopen(f, &o));
	assert_int_equal(store_version(f->st), 10);
	add_case(f->st, NUM, T0, number);
	assert_int_equal(store_retention_count(f->st, T0 + 1000), -1);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM sqlite_master "
	    "WHERE name IN ('audit_reattest', 'inbound_case')"), 0);

	assert_non_null(reopen(f, NULL));
	assert_int_equal(peek(f, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM sqlite_master "
	    "WHERE name IN ('audit_reattest', 'inbound_case')"), 2);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM cases"), 1);
	/* registered, not closed: nothing to erase */
	assert_int_equal(store_retention_count(f->st, T0 + 1000), 0);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	assert_non_null(reopen(f, NULL));
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
}

/* A new database at opts' version instead of the fixture's. */
static struct store *
recreate(struct fixture *f, const struct store_opts *opts)
{
	char	p[160];

	store_close(f->st);
	f->st = NULL;
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	return reopen(f, opts);
}

/*
 * v17 on an existing database (v16): the dedupe keys' and SMSC ids'
 * indexes lead with the hour; an MO stored before the upgrade is still
 * recognised when the SMSC resends it after, also across an hour's end,
 * the outbox still holds a citizen's second SMS behind the first, the
 * counts by number still count, and the chain is intact.
 */
static void
test_upgrade_v17(void **state)
{
	struct fixture		*f = *state;
	struct store_opts	 o = { .max_version = 16 };
	struct store_inbound	 in, in2;
	struct store_outmsg	 out[4];
	int64_t			 id, g, id2, g2, bad = 0, t;
	int			 n;

	assert_non_null(recreate(f, &o));
	assert_int_equal(store_version(f->st), 16);
	t = (int64_t)clock_now_ms();
	/* ten seconds before an hour ends, and one with an SMSC id */
	in = mo(NUM, "CX", t - t % HOUR + HOUR - 10000);
	in.resend_window = 120 * 1000;
	assert_int_equal(store_inbound_add(f->st, &in, &id, &g),
	    STORE_IN_COMPLETE);
	in2 = mo(NUM2, "hello", t);
	in2.smsc_msgid = "A1B2";
	assert_int_equal(store_inbound_add(f->st, &in2, &id2, &g2),
	    STORE_IN_COMPLETE);
	add_out(f->st, NUM, 0);
	add_out(f->st, NUM, 0);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM sqlite_master WHERE "
	    "name IN ('inbound_dedupe', 'inbound_msgid')"), 2);

	assert_non_null(reopen(f, NULL));
	assert_int_equal(peek(f, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM sqlite_master WHERE "
	    "name IN ('inbound_dedupe', 'inbound_msgid')"), 0);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM sqlite_master WHERE "
	    "name IN ('inbound_dedupe_hour', 'inbound_msgid_hour')"), 2);
	/* the SMSC resends 30 s later, in the next hour: a duplicate */
	in.received_at += 30000;
	assert_int_equal(store_inbound_add(f->st, &in, &g, &g2),
	    STORE_IN_DUPLICATE);
	assert_int_equal(g, id);
	/* the same text after the window: a new message, resent in turn */
	in.received_at += 120 * 1000;
	assert_int_equal(store_inbound_add(f->st, &in, &g, &g2),
	    STORE_IN_COMPLETE);
	assert_true(g > id);
	in.received_at += 1000;
	assert_int_equal(store_inbound_add(f->st, &in, &g2, &bad),
	    STORE_IN_DUPLICATE);
	assert_int_equal(g2, g);
	bad = 0;
	/* the SMSC id, with other bytes: still a resend */
	in2.text = in2.raw = "hello ";
	in2.rawlen = 6;
	in2.received_at += 5000;
	assert_int_equal(store_inbound_add(f->st, &in2, &g, &g2),
	    STORE_IN_DUPLICATE);
	assert_int_equal(g, id2);
	/* one SMS of NUM at a time: the second waits behind the first */
	n = store_outbox_next(f->st, (int64_t)clock_now_ms() + 1000, out,
	    nitems(out));
	assert_int_equal(n, 1);
	store_outmsg_clear(out, (size_t)n);
	assert_int_equal(store_count_replies(f->st, NUM,
	    (int64_t)clock_now_ms() - 3600 * 1000), 2);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	assert_non_null(reopen(f, NULL));
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
}

/* Close case id at "at", as the lifecycle does. */
static void
close_case(struct store *st, int64_t id, int64_t at)
{
	struct store_case_change	ch;

	memset(&ch, 0, sizeof(ch));
	ch.from = "registered";
	ch.to = "closed";
	ch.supervised = ch.rehandled = -1;
	ch.closed_at = at;
	ch.at = at;
	assert_int_equal(store_case_change(st, id, &ch), 1);
}

/* The ids of NUM's open cases, newest first, as "id id ...". */
static void
open_ids(struct store *st, const char *num, char *buf, size_t len)
{
	struct store_case	c[8];
	char			id[24];
	int			i, n;

	buf[0] = '\0';
	n = store_case_list_open(st, num, c, nitems(c));
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%s%lld", i ? " " : "",
		    (long long)c[i].id);
		strlcat(buf, id, len);
		store_case_clear(&c[i]);
	}
}

/* Does the pump's next fetch at now hand out row id? */
static int
next_has(struct store *st, int64_t now, int64_t id)
{
	struct store_outmsg	out[16];
	int			i, n, found = 0;

	n = store_outbox_next(st, now, out, nitems(out));
	assert_true(n >= 0);
	for (i = 0; i < n; i++)
		if (out[i].id == id)
			found = 1;
	store_outmsg_clear(out, (size_t)n);
	return found;
}

/*
 * v23 on an existing database (v22): each number's cases and SMS are
 * chained through citizens in place of their indexes; what a number's
 * statements find is what they found before, newest first, rows added
 * after the upgrade join the chains, the pump still holds a number's
 * second SMS behind its first, and retention takes the erased rows out
 * of their chains (a number with nothing left leaves citizens), the
 * audit chain intact.
 */
static void
test_upgrade_v23(void **state)
{
	struct fixture		*f = *state;
	struct store_opts	 o = { .max_version = 22 };
	struct store_outmsg	 out[4];
	struct store_retention	 r;
	char			 number[STORE_CASE_NUMBER_MAX], ids[128];
	char			 want[128];
	int64_t			 a1, a2, a3, a4, b1, x1, x2, bad = 0, t;
	int			 i, n;

	assert_non_null(recreate(f, &o));
	assert_int_equal(store_version(f->st), 22);
	t = (int64_t)clock_now_ms();
	assert_int_equal(store_txn_begin(f->st), 0);
	a1 = add_case(f->st, NUM, T0, number);
	b1 = add_case(f->st, NUM2, T0 + 1, number);
	a2 = add_case(f->st, NUM, T0 + 2, number);
	a3 = add_case(f->st, NUM, T0 + 3, number);
	add_out(f->st, NUM, a1);
	add_out(f->st, NUM2, b1);
	add_out(f->st, NUM, a2);
	add_out(f->st, NUM, 0);
	assert_int_equal(store_txn_commit(f->st), 0);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM sqlite_master WHERE "
	    "name IN ('cases_msisdn', 'outbox_msisdn')"), 2);

	assert_non_null(reopen(f, NULL));
	assert_int_equal(peek(f, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM sqlite_master WHERE "
	    "name IN ('cases_msisdn', 'outbox_msisdn')"), 0);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM sqlite_master WHERE "
	    "name = 'citizens'"), 1);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM citizens"), 2);
	open_ids(f->st, NUM, ids, sizeof(ids));
	snprintf(want, sizeof(want), "%lld %lld %lld", (long long)a3,
	    (long long)a2, (long long)a1);
	assert_string_equal(ids, want);
	open_ids(f->st, NUM2, ids, sizeof(ids));
	snprintf(want, sizeof(want), "%lld", (long long)b1);
	assert_string_equal(ids, want);
	open_ids(f->st, "13800130023", ids, sizeof(ids));
	assert_string_equal(ids, "");
	assert_int_equal(store_count_cases(f->st, NUM, T0), 3);
	assert_int_equal(store_count_cases(f->st, NUM, T0 + 2), 2);
	assert_int_equal(store_count_cases(f->st, NUM, T0 + 4), 0);
	assert_int_equal(store_count_cases(f->st, "13800130023", T0), 0);
	assert_int_equal(store_count_replies(f->st, NUM, t - HOUR), 3);
	assert_int_equal(store_count_replies(f->st, NUM2, t - HOUR), 1);
	assert_int_equal(store_count_replies(f->st, NUM, t + HOUR), 0);

	/* rows after the upgrade join the chains */
	assert_int_equal(store_txn_begin(f->st), 0);
	a4 = add_case(f->st, NUM, T0 + 4, number);
	add_out(f->st, NUM, a4);
	assert_int_equal(store_txn_commit(f->st), 0);
	open_ids(f->st, NUM, ids, sizeof(ids));
	snprintf(want, sizeof(want), "%lld %lld %lld %lld", (long long)a4,
	    (long long)a3, (long long)a2, (long long)a1);
	assert_string_equal(ids, want);
	assert_int_equal(store_count_cases(f->st, NUM, T0 + 3), 2);
	assert_int_equal(store_count_replies(f->st, NUM, t - HOUR), 4);
	/* one SMS of a number at a time: NUM's first and NUM2's */
	n = store_outbox_next(f->st, (int64_t)clock_now_ms() + 1000, out,
	    nitems(out));
	assert_int_equal(n, 2);
	store_outmsg_clear(out, (size_t)n);

	/*
	 * retention erases a1, a2 and b1: NUM keeps a3, a4; NUM2 goes; and
	 * x1, whose SMS has the number's next one more than 64 rows on
	 * (the chain is walked to find it)
	 */
	assert_int_equal(store_txn_begin(f->st), 0);
	x1 = add_case(f->st, "13800130025", T0 + 5, number);
	add_out(f->st, "13800130025", x1);
	for (i = 0; i < 100; i++)
		add_out(f->st, "13800130026", 0);
	x2 = add_case(f->st, "13800130025", T0 + 6, number);
	add_out(f->st, "13800130025", x2);
	assert_int_equal(store_txn_commit(f->st), 0);
	assert_int_equal(store_txn_begin(f->st), 0);
	close_case(f->st, x1, T0 + DAY);
	close_case(f->st, a1, T0 + DAY);
	close_case(f->st, a2, T0 + DAY);
	close_case(f->st, b1, T0 + DAY);
	assert_int_equal(store_txn_commit(f->st), 0);
	memset(&r, 0, sizeof(r));
	assert_int_equal(store_txn_begin(f->st), 0);
	assert_int_equal(store_retention_chunk(f->st, T0 + 2 * DAY, 10,
	    "test", &r), 0);
	assert_int_equal(store_txn_commit(f->st), 0);
	assert_int_equal(r.cases, 4);
	/*
	 * NUM2 left citizens; NUM and 13800130025 were settled into it
	 * (v24: numbers retention rewires are written through), and
	 * 13800130026's SMS, added since the upgrade, are still above
	 * citizens' mark, in the map (store_citmap.c)
	 */
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM citizens"), 2);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM citizens z WHERE "
	    "NOT EXISTS (SELECT 1 FROM cases WHERE msisdn_hash = "
	    "z.msisdn_hash) AND NOT EXISTS (SELECT 1 FROM outbox WHERE "
	    "msisdn_hash = z.msisdn_hash)"), 0);
	/* nothing erased is in a chain, nothing points at it */
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM cases WHERE "
	    "prev_case IN (SELECT id FROM cases WHERE length(msisdn_hash) "
	    "= 0) OR (length(msisdn_hash) = 0 AND prev_case IS NOT NULL)"),
	    0);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM outbox WHERE "
	    "prev_out IN (SELECT id FROM outbox WHERE length(msisdn_hash) "
	    "= 0) OR (length(msisdn_hash) = 0 AND prev_out IS NOT NULL)"), 0);
	open_ids(f->st, NUM, ids, sizeof(ids));
	snprintf(want, sizeof(want), "%lld %lld", (long long)a4,
	    (long long)a3);
	assert_string_equal(ids, want);
	open_ids(f->st, NUM2, ids, sizeof(ids));
	assert_string_equal(ids, "");
	/* the SMS not of an erased case stays: ack a4, a3's none, the 0 */
	assert_int_equal(store_count_replies(f->st, NUM, t - HOUR), 2);
	assert_int_equal(store_count_replies(f->st, NUM2, t - HOUR), 0);
	open_ids(f->st, "13800130025", ids, sizeof(ids));
	snprintf(want, sizeof(want), "%lld", (long long)x2);
	assert_string_equal(ids, want);
	assert_int_equal(store_count_replies(f->st, "13800130025", t - HOUR),
	    1);

	/* the send order walks over a row that ended unsent */
	t = (int64_t)clock_now_ms();
	a1 = add_out(f->st, "13800130024", 0);
	a2 = add_out(f->st, "13800130024", 0);
	a3 = add_out(f->st, "13800130024", 0);
	assert_true(next_has(f->st, t + 1000, a1));
	assert_false(next_has(f->st, t + 1000, a2));
	assert_int_equal(store_outbox_inflight(f->st, a1, t), 0);
	assert_int_equal(store_outbox_retry(f->st, a1, t + HOUR, "busy"), 0);
	assert_int_equal(store_outbox_fail(f->st, a2, "cancelled"), 0);
	assert_false(next_has(f->st, t + 1000, a3));
	assert_true(next_has(f->st, t + HOUR + 1000, a1));
	assert_false(next_has(f->st, t + HOUR + 1000, a3));
	assert_int_equal(store_outbox_inflight(f->st, a1, t + HOUR), 0);
	assert_false(next_has(f->st, t + HOUR + 1000, a3));
	assert_int_equal(store_outbox_fail(f->st, a1, "rejected"), 0);
	assert_true(next_has(f->st, t + HOUR + 1000, a3));
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	assert_non_null(reopen(f, NULL));
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
}

/*
 * v10 on an existing database (v6, as the previous release left it):
 * unclassified cases written before are in the queue at once, the labels
 * table is new, empty and append-only, and the case_change statement
 * sets a category; a second open changes nothing.
 */
static void
test_upgrade_v10(void **state)
{
	struct fixture		*f = *state;
	struct store_opts	 o = { .max_version = 6 };
	struct store_case_change ch;
	struct store_case_new	 cn;
	struct store_case	 q[4];
	struct store_label	 l[2];
	char			 number[STORE_CASE_NUMBER_MAX], p[160];
	int64_t			 id, un, oldest, bad;
	int			 n;
	sqlite3			*db;

	store_close(f->st);
	f->st = NULL;
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	assert_non_null(reopen(f, &o));
	assert_int_equal(store_version(f->st), 6);
	id = add_case(f->st, NUM, T0, number);
	memset(&cn, 0, sizeof(cn));
	cn.msisdn = NUM2;
	cn.category = "unclassified";	/* a rule said so, before v10 */
	cn.text = "有件事想问问";
	cn.received_at = T0 + 1000;
	cn.due = "2026-11-27";
	assert_int_equal(store_case_add(f->st, &cn, &un, number), 0);
	/* v10's statements are not there yet */
	assert_int_equal(store_queue_stats(f->st, &n, &oldest), -1);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM sqlite_master "
	    "WHERE name = 'case_labels'"), 0);

	assert_non_null(reopen(f, NULL));
	assert_int_equal(store_version(f->st), STORE_SCHEMA_VERSION);
	assert_int_equal(peek(f, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(store_queue_stats(f->st, &n, &oldest), 0);
	assert_int_equal(n, 1);
	assert_int_equal(oldest, T0 + 1000);
	assert_int_equal(store_queue(f->st, 0, q, 4), 1);
	assert_int_equal(q[0].id, un);
	store_case_clear(&q[0]);
	assert_int_equal(store_label_export(f->st, 0, l, 2), 0);
	/* classified as the lifecycle does it: the queue empties */
	memset(&ch, 0, sizeof(ch));
	ch.from = ch.to = "registered";
	ch.category = "consultation";
	ch.due = "2026-11-30";
	ch.due_original = "";
	ch.supervised = ch.rehandled = -1;
	ch.closed_at = -1;
	ch.at = T0 + DAY;
	assert_int_equal(store_case_change(f->st, un, &ch), 1);
	assert_int_equal(store_label_add(f->st, un, "consultation",
	    "unclassified", "office:wang", NULL, T0 + DAY), 0);
	assert_int_equal(store_queue_stats(f->st, &n, &oldest), 0);
	assert_int_equal(n, 0);
	assert_int_equal(oldest, 0);
	assert_int_equal(store_label_export(f->st, 0, l, 2), 1);
	assert_string_equal(l[0].category, "consultation");
	assert_string_equal(l[0].text, "有件事想问问");
	store_label_clear(l, 1);
	/* due_original untouched by the category's first due date */
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM cases WHERE "
	    "due = '2026-11-30' AND due_original IS NULL AND "
	    "category = 'consultation'"), 1);
	/* append-only, as the audit trail */
	store_close(f->st);
	f->st = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE case_labels SET "
	    "category = 'help'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM case_labels",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_non_null(reopen(f, NULL));
	assert_int_equal(store_version(f->st), STORE_SCHEMA_VERSION);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM case_labels"), 1);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	(void)id;
}

/*
 * What a crash leaves of citizens (v24): every number without a row
 * above citizens_mark has its newest case and SMS in citizens.
 */
static long long
lag_stale(struct fixture *f)
{
	return peek(f, "SELECT (SELECT COUNT(*) FROM (SELECT msisdn_hash h, "
	    "max(id) m FROM cases WHERE length(msisdn_hash) = 32 GROUP BY h) g "
	    "WHERE NOT EXISTS (SELECT 1 FROM cases WHERE msisdn_hash = g.h "
	    "AND id > (SELECT last_case FROM citizens_mark)) AND g.m IS NOT "
	    "(SELECT last_case FROM citizens WHERE msisdn_hash = g.h)) + "
	    "(SELECT COUNT(*) FROM (SELECT msisdn_hash h, max(id) m FROM "
	    "outbox WHERE length(msisdn_hash) = 32 GROUP BY h) g WHERE NOT "
	    "EXISTS (SELECT 1 FROM outbox WHERE msisdn_hash = g.h AND id > "
	    "(SELECT last_out FROM citizens_mark)) AND g.m IS NOT (SELECT "
	    "last_out FROM citizens WHERE msisdn_hash = g.h))");
}

/* A number's rows as the chains find them equal the rows with its hash. */
static void
lag_check(struct fixture *f, const char *num)
{
	uint8_t		h[CRYPTO_HASH_LEN];
	char		hex[2 * CRYPTO_HASH_LEN + 1], sql[256];
	size_t		i;

	assert_int_equal(crypto_hash_msisdn(f->crypto, num, h), 0);
	for (i = 0; i < sizeof(h); i++)
		snprintf(hex + 2 * i, 3, "%02X", h[i]);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM cases WHERE "
	    "msisdn_hash = X'%s'", hex);
	assert_int_equal(store_count_cases(f->st, num, 0), peek(f, sql));
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM outbox WHERE "
	    "msisdn_hash = X'%s'", hex);
	assert_int_equal(store_count_replies(f->st, num, 0), peek(f, sql));
}

/*
 * citizens lags the rows (v24, store_citmap.c): with a map frozen every
 * 3 numbers, rounds of cases and SMS for six numbers, some units undone,
 * some batches rolled back, the store reopened now and then (the map
 * rebuilt from the rows above the mark, as after a crash): after each,
 * every number's chains find exactly its rows, and what is on the disk
 * leaves no number stale below the mark.  Passes run and the mark moves.
 */
static void
test_citizens_lag(void **state)
{
	struct fixture			*f = *state;
	struct store_opts		 o = { .citizens_freeze = 3 };
	struct store_citmap_stats	 cs;
	char				 nums[6][16];
	char				 number[STORE_CASE_NUMBER_MAX];
	uint32_t			 rnd = 12345;
	int64_t				 id, passes = 0;
	int				 r, k, n, i, undo, rolled = 0;
	int				 lagged = 0;

	assert_non_null(recreate(f, &o));
	for (i = 0; i < 6; i++)
		snprintf(nums[i], sizeof(nums[i]), "1380013900%d", i);
	for (r = 0; r < 80; r++) {
		assert_int_equal(store_txn_begin(f->st), 0);
		n = 1 + (int)((rnd = rnd * 1103515245 + 12345) >> 16) % 4;
		for (k = 0; k < n; k++) {
			rnd = rnd * 1103515245 + 12345;
			i = (int)(rnd >> 16) % 6;
			undo = (rnd >> 8) % 5 == 0;
			assert_int_equal(store_unit_begin(f->st), 0);
			id = add_case(f->st, nums[i], T0 + r, number);
			add_out(f->st, nums[i], id);
			if ((rnd >> 4) % 2)
				add_out(f->st, nums[(i + 1) % 6], 0);
			store_unit_end(f->st, !undo);
		}
		if (r % 7 == 3) {
			store_txn_rollback(f->st);
			assert_int_equal(store_txn_commit(f->st), -1);
			rolled++;
		} else
			assert_int_equal(store_txn_commit(f->st), 0);
		store_citmap_stats(f->st, &cs);
		if (cs.lagging > 0)
			lagged++;
		for (i = 0; i < 6; i++)
			lag_check(f, nums[i]);
		assert_int_equal(lag_stale(f), 0);
		if (r % 10 == 9) {
			passes += cs.passes;
			assert_non_null(reopen(f, &o));
			for (i = 0; i < 6; i++)
				lag_check(f, nums[i]);
		}
	}
	store_citmap_stats(f->st, &cs);
	assert_true(passes + cs.passes > 0);
	assert_true(cs.mark_case > 0 && cs.mark_out > 0);
	assert_true(lagged > 0);
	assert_true(rolled > 0);
	/* citizens itself lags: fewer numbers than have rows, or old heads */
	assert_true(peek(f, "SELECT COUNT(*) FROM citizens z WHERE "
	    "last_case IS NOT (SELECT max(id) FROM cases WHERE msisdn_hash = "
	    "z.msisdn_hash) OR last_out IS NOT (SELECT max(id) FROM outbox "
	    "WHERE msisdn_hash = z.msisdn_hash)") + 6 - peek(f,
	    "SELECT COUNT(*) FROM citizens") > 0);
}

/* HOTLINED_TEST_EROFS's file (main): writes fail while it exists. */
static char	erofs[64];

/*
 * A new store whose map freezes at 2 numbers, and one batch of three
 * numbers' cases (ids in v), the first two with an SMS each: the next
 * batch begins a pass over them.
 */
static void
lag_seed(struct fixture *f, const struct store_opts *o, int64_t *v)
{
	char	number[STORE_CASE_NUMBER_MAX];

	assert_non_null(recreate(f, o));
	assert_int_equal(store_txn_begin(f->st), 0);
	v[0] = add_case(f->st, NUM, T0, number);
	add_out(f->st, NUM, v[0]);
	v[1] = add_case(f->st, NUM2, T0 + 1, number);
	add_out(f->st, NUM2, v[1]);
	v[2] = add_case(f->st, "13800139009", T0 + 2, number);
	assert_int_equal(store_txn_commit(f->st), 0);
}

/*
 * A COMMIT that fails (the disk refuses the WAL's write) after a pass's
 * slice wrote numbers into citizens: the slice is undone with the batch
 * and the pass writes them again; the store goes on with the next batch.
 */
static void
test_citizens_lag_commit_fail(void **state)
{
	struct fixture			*f = *state;
	struct store_opts		 o = { .citizens_freeze = 2 };
	struct store_citmap_stats	 cs;
	int64_t				 v[3];
	int				 fd;

	lag_seed(f, &o, v);
	assert_int_equal(store_txn_begin(f->st), 0);	/* frozen */
	add_out(f->st, NUM, v[0]);
	assert_true((fd = open(erofs, O_CREAT | O_WRONLY, 0600)) != -1);
	close(fd);
	assert_int_equal(store_txn_commit(f->st), -1);
	unlink(erofs);
	store_citmap_stats(f->st, &cs);
	assert_int_equal(cs.passes, 0);
	assert_int_equal(cs.frozen, 3);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM citizens"), 0);
	assert_int_equal(lag_stale(f), 0);
	lag_check(f, NUM);
	/* the next batch's slice writes them all, and the mark */
	assert_int_equal(store_txn_begin(f->st), 0);
	add_out(f->st, NUM, v[0]);
	assert_int_equal(store_txn_commit(f->st), 0);
	store_citmap_stats(f->st, &cs);
	assert_int_equal(cs.passes, 1);
	assert_int_equal(cs.mark_case, v[2]);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM citizens"), 3);
	assert_int_equal(lag_stale(f), 0);
	lag_check(f, NUM);
	lag_check(f, NUM2);
	assert_non_null(reopen(f, &o));
	lag_check(f, NUM);
	assert_int_equal(store_count_replies(f->st, NUM, 0), 2);
}

/*
 * Two stores on one database, as hotlined and a tool that writes: each
 * takes the rows the other added into its map at its next batch, so
 * neither chains past them, and the passes of both leave nothing stale.
 */
static void
test_citizens_lag_two(void **state)
{
	struct fixture			*f = *state;
	struct store_opts		 o = { .citizens_freeze = 2 };
	struct store			*b;
	char				 err[256];
	char				 number[STORE_CASE_NUMBER_MAX];
	int64_t				 id;
	int				 r;

	assert_non_null(recreate(f, &o));
	assert_non_null(b = store_open(f->path, f->crypto, &o, err,
	    sizeof(err)));
	for (r = 0; r < 12; r++) {
		struct store *w = r % 3 == 1 ? b : f->st;

		assert_int_equal(store_txn_begin(w), 0);
		id = add_case(w, NUM, T0 + r, number);
		add_out(w, NUM, id);
		add_out(w, r % 2 ? NUM2 : "13800139009", 0);
		assert_int_equal(store_txn_commit(w), 0);
		assert_int_equal(lag_stale(f), 0);
	}
	/* b's reads see f's rows once it has begun a batch */
	assert_int_equal(store_txn_begin(b), 0);
	assert_int_equal(store_txn_commit(b), 0);
	assert_int_equal(store_count_cases(b, NUM, 0), 12);
	assert_int_equal(store_count_replies(b, NUM, 0), 12);
	assert_int_equal(store_count_replies(b, NUM2, 0), 6);
	store_close(b);
	lag_check(f, NUM);
	lag_check(f, NUM2);
	lag_check(f, "13800139009");
	assert_int_equal(store_count_cases(f->st, NUM, 0), 12);
	assert_non_null(reopen(f, &o));
	lag_check(f, NUM);
	lag_check(f, NUM2);
	assert_int_equal(lag_stale(f), 0);
}

/*
 * The map's table under load: a unit adds 2,000 numbers (the table grows
 * from 1,024 slots) and is undone (each taken out again, the entries
 * after it moving back), then 1,500 others are kept; every number is
 * found where it is, none of the undone ones anywhere, and the map
 * holds exactly the kept ones.  Then retention takes numbers out from
 * among others (settled, in no order of the table's), and the others
 * are all still found.
 */
static void
test_citizens_map_table(void **state)
{
	struct fixture			*f = *state;
	struct store_citmap_stats	 cs;
	struct store_retention		 ret;
	char				 num[16], number[STORE_CASE_NUMBER_MAX];
	int64_t				 id;
	int				 i;

	assert_int_equal(store_txn_begin(f->st), 0);
	assert_int_equal(store_unit_begin(f->st), 0);
	for (i = 0; i < 2000; i++) {
		snprintf(num, sizeof(num), "1390000%04d", i);
		add_case(f->st, num, T0, number);
	}
	assert_int_equal(store_unit_end(f->st, 0), -1);
	for (i = 0; i < 1500; i++) {
		snprintf(num, sizeof(num), "1370000%04d", i);
		add_case(f->st, num, T0, number);
	}
	assert_int_equal(store_txn_commit(f->st), 0);
	store_citmap_stats(f->st, &cs);
	assert_int_equal(cs.lagging, 1500);
	for (i = 0; i < 2000; i += 7) {
		snprintf(num, sizeof(num), "1390000%04d", i);
		assert_int_equal(store_count_cases(f->st, num, 0), 0);
	}
	for (i = 0; i < 1500; i += 3) {
		snprintf(num, sizeof(num), "1370000%04d", i);
		assert_int_equal(store_count_cases(f->st, num, 0), 1);
	}
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM citizens"), 0);

	/*
	 * retention settles 600 numbers out of the map, in the order they
	 * came, while 600 others that came between them stay
	 */
	assert_int_equal(store_txn_begin(f->st), 0);
	for (i = 0; i < 1200; i++) {
		snprintf(num, sizeof(num), "13600%02d%04d", i % 2, i);
		id = add_case(f->st, num, T0, number);
		if (i % 2 == 0)
			close_case(f->st, id, T0 + DAY);
	}
	assert_int_equal(store_txn_commit(f->st), 0);
	memset(&ret, 0, sizeof(ret));
	assert_int_equal(store_txn_begin(f->st), 0);
	assert_int_equal(store_retention_chunk(f->st, T0 + 2 * DAY, 1000,
	    "test", &ret), 0);
	assert_int_equal(store_txn_commit(f->st), 0);
	assert_int_equal(ret.cases, 600);
	for (i = 0; i < 1200; i++) {
		snprintf(num, sizeof(num), "13600%02d%04d", i % 2, i);
		assert_int_equal(store_count_cases(f->st, num, 0), i % 2);
	}
	for (i = 0; i < 1500; i += 3) {
		snprintf(num, sizeof(num), "1370000%04d", i);
		assert_int_equal(store_count_cases(f->st, num, 0), 1);
	}
	store_citmap_stats(f->st, &cs);
	assert_int_equal(cs.lagging, 1500 + 600);
	assert_int_equal(lag_stale(f), 0);
}

/*
 * A pass's slice rides in a batch that fails: the batch and the slice
 * are undone together, and the pass writes those numbers again later;
 * the chains stay whole.  A number retention rewires while it is in the
 * map is settled into citizens first.
 */
static void
test_citizens_lag_fail(void **state)
{
	struct fixture			*f = *state;
	struct store_opts		 o = { .citizens_freeze = 2 };
	struct store_citmap_stats	 cs, before;
	struct store_retention		 ret;
	char				 number[STORE_CASE_NUMBER_MAX];
	int64_t				 v[3], a;
	int				 i;

	lag_seed(f, &o, v);
	a = v[0];
	/* frozen at this begin; the slice is in this batch, which fails */
	store_citmap_stats(f->st, &before);
	assert_int_equal(store_txn_begin(f->st), 0);
	store_citmap_stats(f->st, &cs);
	assert_int_equal(cs.frozen, 3);
	add_out(f->st, NUM, a);
	store_txn_rollback(f->st);
	assert_int_equal(store_txn_commit(f->st), -1);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM citizens"), 0);
	store_citmap_stats(f->st, &cs);
	assert_int_equal(cs.passes, before.passes);
	lag_check(f, NUM);
	lag_check(f, NUM2);
	assert_int_equal(lag_stale(f), 0);
	/* the next batch writes them: the pass ends, the mark moves */
	assert_int_equal(store_txn_begin(f->st), 0);
	assert_int_equal(store_txn_commit(f->st), 0);
	store_citmap_stats(f->st, &cs);
	assert_int_equal(cs.passes, before.passes + 1);
	assert_int_equal(cs.mark_case, v[2]);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM citizens"), 3);
	assert_int_equal(lag_stale(f), 0);

	/*
	 * NUM's newest case is in the map when retention erases a, and a
	 * pass over NUM and NUM2 begins with retention's batch: NUM is
	 * settled out of it
	 */
	assert_int_equal(store_txn_begin(f->st), 0);
	for (i = 0; i < 2; i++)
		add_case(f->st, NUM, T0 + 3 + i, number);
	add_case(f->st, NUM2, T0 + 5, number);
	close_case(f->st, a, T0 + DAY);
	assert_int_equal(store_txn_commit(f->st), 0);
	memset(&ret, 0, sizeof(ret));
	assert_int_equal(store_txn_begin(f->st), 0);
	store_citmap_stats(f->st, &cs);
	assert_int_equal(cs.frozen, 2);
	assert_int_equal(store_retention_chunk(f->st, T0 + 2 * DAY, 10,
	    "test", &ret), 0);
	store_citmap_stats(f->st, &cs);
	assert_int_equal(cs.frozen, 1);
	assert_int_equal(cs.lagging, 1);
	assert_int_equal(store_txn_commit(f->st), 0);
	store_citmap_stats(f->st, &cs);
	assert_int_equal(cs.lagging, 0);
	assert_int_equal(ret.cases, 1);
	lag_check(f, NUM);
	assert_int_equal(store_count_cases(f->st, NUM, 0), 2);
	assert_int_equal(lag_stale(f), 0);
	assert_non_null(reopen(f, &o));
	lag_check(f, NUM);
	lag_check(f, NUM2);
	assert_int_equal(store_count_cases(f->st, NUM, 0), 2);
}

/*
 * v13 on an existing database (v10): rows queued before are counted and
 * can be held, released, retried and cancelled; a held row is not handed
 * out and holds back its citizen's later rows; a cancel is an outcome on
 * the audit chain, which still verifies.
 */
static void
test_upgrade_v13(void **state)
{
	struct fixture		*f = *state;
	struct store_opts	 o = { .max_version = 10 };
	struct store_obs_outbox	 ob;
	struct store_obs_row	 rows[4], r;
	struct store_outmsg	 m[4];
	char			 p[160];
	int64_t			 a, b, c, bad, now;
	int			 n;

	store_close(f->st);
	f->st = NULL;
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	assert_non_null(reopen(f, &o));
	assert_int_equal(store_version(f->st), 10);
	a = add_out(f->st, NUM, 0);
	b = add_out(f->st, NUM, 0);	/* the same citizen, after a */
	c = add_out(f->st, NUM2, 0);
	assert_int_equal(store_obs_outbox(f->st, &ob), -1);	/* not yet */

	assert_non_null(reopen(f, NULL));
	assert_int_equal(peek(f, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM sqlite_master WHERE "
	    "name = 'outbox_held'"), 1);
	assert_int_equal(store_obs_outbox(f->st, &ob), 0);
	assert_int_equal(ob.queued, 3);
	assert_int_equal(ob.held, 0);
	assert_true(ob.oldest > 0);
	now = (int64_t)clock_now_ms() + 1000;

	assert_int_equal(store_txn_begin(f->st), 0);
	assert_int_equal(store_obs_hold(f->st, a), 1);
	assert_int_equal(store_obs_hold(f->st, a), 0);	/* held already */
	assert_int_equal(store_obs_hold(f->st, 999), 0);
	assert_int_equal(store_txn_commit(f->st), 0);
	assert_int_equal(store_obs_outbox(f->st, &ob), 0);
	assert_int_equal(ob.queued, 2);
	assert_int_equal(ob.held, 1);
	/* a is held: only c goes, b waits behind a */
	n = store_outbox_next(f->st, now, m, 4);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].id, c);
	store_outmsg_clear(m, (size_t)n);
	assert_int_equal(store_obs_list(f->st, -2, 0, rows, 4), 3);
	assert_int_equal(rows[0].state, STORE_OUT_HELD);
	assert_string_equal(store_outbox_strstate(rows[0].state), "held");
	assert_int_equal(store_outbox_parsestate("held"), STORE_OUT_HELD);
	assert_int_equal(store_outbox_parsestate("bogus"), -2);
	assert_int_equal(store_obs_list(f->st, STORE_OUT_HELD, 0, rows, 4), 1);
	assert_int_equal(store_obs_list(f->st, -2, a, rows, 4), 2);

	assert_int_equal(store_txn_begin(f->st), 0);
	assert_int_equal(store_obs_release(f->st, a), 1);
	assert_int_equal(store_obs_release(f->st, a), 0);
	assert_int_equal(store_obs_retry(f->st, c, 5), 1);
	assert_int_equal(store_obs_cancel(f->st, b, "cancelled: asked by "
	    "phone"), 1);
	assert_int_equal(store_obs_cancel(f->st, b, "again"), 0);
	assert_int_equal(store_obs_retry(f->st, b, 5), 0);
	assert_int_equal(store_txn_commit(f->st), 0);
	assert_int_equal(peek(f, "SELECT next_attempt_at FROM outbox WHERE "
	    "id = 3"), 5);
	assert_int_equal(store_obs_get(f->st, b, &r), 1);
	assert_int_equal(r.state, STORE_OUT_CANCELLED);
	assert_string_equal(r.last_error, "cancelled: asked by phone");
	assert_string_equal(r.text, "您的诉求已受理");
	assert_string_equal(r.msisdn, NUM);
	free(r.text);
	assert_int_equal(store_obs_get(f->st, 999, &r), 0);
	n = store_outbox_next(f->st, now, m, 4);
	assert_int_equal(n, 2);
	store_outmsg_clear(m, (size_t)n);
	assert_int_equal(store_obs_list(f->st, STORE_OUT_CANCELLED, 0, rows,
	    4), 1);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
}

/* The queue is oldest first, pages by offset, and holds only open ones. */
static void
test_queue_order(void **state)
{
	struct fixture		*f = *state;
	struct store_case_new	 cn;
	struct store_case	 q[8];
	char			 number[STORE_CASE_NUMBER_MAX];
	int64_t			 ids[4], oldest;
	int			 i, n;

	memset(&cn, 0, sizeof(cn));
	cn.msisdn = NUM;
	cn.category = "unclassified";
	cn.text = "说不清是什么事";
	cn.due = "2026-11-27";
	/* written out of order: a late concatenated text sorts by receipt */
	for (i = 0; i < 4; i++) {
		cn.received_at = T0 + (i == 3 ? -HOUR : i * HOUR);
		assert_int_equal(store_case_add(f->st, &cn, &ids[i], number),
		    0);
	}
	add_case(f->st, NUM, T0 - DAY, number);		/* classified */
	assert_int_equal(store_queue_stats(f->st, &n, &oldest), 0);
	assert_int_equal(n, 4);
	assert_int_equal(oldest, T0 - HOUR);
	assert_int_equal((n = store_queue(f->st, 0, q, 8)), 4);
	assert_int_equal(q[0].id, ids[3]);
	assert_int_equal(q[1].id, ids[0]);
	assert_int_equal(q[3].id, ids[2]);
	for (i = 0; i < n; i++)
		store_case_clear(&q[i]);
	assert_int_equal(store_queue(f->st, 2, q, 1), 1);
	assert_int_equal(q[0].id, ids[1]);
	store_case_clear(&q[0]);
	assert_int_equal(store_queue(f->st, 4, q, 8), 0);
	/* the query walks an index in this order: no sort per call */
	{
		sqlite3		*db;
		sqlite3_stmt	*st;
		const char	*d;
		int		 idx = 0, sort = 0;

		assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN "
		    "SELECT id FROM cases WHERE category = 'unclassified' AND "
		    "closed_at IS NULL ORDER BY received_at, id LIMIT 5",
		    -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			d = (const char *)sqlite3_column_text(st, 3);
			idx += strstr(d, "INDEX cases_category") != NULL;
			sort += strstr(d, "TEMP B-TREE") != NULL;
		}
		sqlite3_finalize(st);
		sqlite3_close(db);
		assert_int_equal(idx, 1);
		assert_int_equal(sort, 0);
	}
}

static void
test_inbound_dedupe(void **state)
{
	struct fixture		*f = *state;
	struct store_inbound	 in = mo(NUM, "CX", T0), other;
	int64_t			 id, g, id2, g2;

	assert_int_equal(store_inbound_add(f->st, &in, &id, &g), STORE_IN_COMPLETE);
	assert_int_equal(id, g);
	/* the SMSC resends 30 s later (new sequence_number, same content) */
	in.received_at = T0 + 30000;
	assert_int_equal(store_inbound_add(f->st, &in, &id2, &g2),
	    STORE_IN_DUPLICATE);
	assert_int_equal(id2, id);
	/* "+86" form of the same sender is the same sender */
	other = in;
	other.source = "+86" NUM;
	assert_int_equal(store_inbound_add(f->st, &other, &id2, &g2),
	    STORE_IN_DUPLICATE);
	/* another destination (extension code), another sender: new */
	other = in;
	other.dest = "123450417";
	assert_int_equal(store_inbound_add(f->st, &other, &id2, &g2),
	    STORE_IN_COMPLETE);
	other = in;
	other.source = NUM2;
	assert_int_equal(store_inbound_add(f->st, &other, &id2, &g2),
	    STORE_IN_COMPLETE);
	/* the same text again after the window: a new message */
	in.received_at = T0 + RESEND + 1;
	assert_int_equal(store_inbound_add(f->st, &in, &id2, &g2),
	    STORE_IN_COMPLETE);
	assert_true(id2 > id);
	in.received_at += 1000;
	assert_int_equal(store_inbound_add(f->st, &in, &g, &g2),
	    STORE_IN_DUPLICATE);
	assert_int_equal(g, id2);

	/* an SMSC-given id: a resend with other bytes is still a resend */
	other = mo(NUM2, "hello", T0);
	other.smsc_msgid = "A1B2";
	assert_int_equal(store_inbound_add(f->st, &other, &id, &g),
	    STORE_IN_COMPLETE);
	other.text = other.raw = "hello ";
	other.rawlen = 6;
	assert_int_equal(store_inbound_add(f->st, &other, &id2, &g2),
	    STORE_IN_DUPLICATE);
	assert_int_equal(id2, id);
	/* the same id from another SMSC is another message */
	other.smsc = "smsc2";
	assert_int_equal(store_inbound_add(f->st, &other, &id2, &g2),
	    STORE_IN_COMPLETE);
	/* a caller's bug is refused, not stored */
	other = part("x", 7, 2, 3, T0);
	assert_int_equal(store_inbound_add(f->st, &other, &id2, &g2),
	    STORE_IN_ERROR);
}

/*
 * The windows are the caller's: a one-part text is a resend only within
 * its resend_window (inbound.c: retransmit-window); a part of a long text
 * and a text with the same SMSC id stay resends for theirs (an hour).
 */
static void
test_inbound_retransmit_window(void **state)
{
	struct fixture		*f = *state;
	struct store_inbound	 in = mo(NUM, "CX", T0), p, idd;
	int64_t			 id, g, id2, g2;

	in.resend_window = 120 * 1000;
	assert_int_equal(store_inbound_add(f->st, &in, &id, &g),
	    STORE_IN_COMPLETE);
	in.received_at = T0 + 120 * 1000;	/* at the window's end */
	assert_int_equal(store_inbound_add(f->st, &in, &id2, &g2),
	    STORE_IN_DUPLICATE);
	in.received_at = T0 + 121 * 1000;	/* the citizen again */
	assert_int_equal(store_inbound_add(f->st, &in, &id2, &g2),
	    STORE_IN_COMPLETE);
	assert_true(id2 > id);

	p = part("第一部分", 9, 2, 1, T0);
	assert_int_equal(store_inbound_add(f->st, &p, &id, &g),
	    STORE_IN_PARTIAL);
	p.received_at = T0 + 30 * 60 * 1000;
	assert_int_equal(store_inbound_add(f->st, &p, &id2, &g2),
	    STORE_IN_DUPLICATE);
	assert_int_equal(id2, id);

	idd = mo(NUM2, "你好", T0);
	idd.resend_window = 120 * 1000;
	idd.smsc_msgid = "77";
	assert_int_equal(store_inbound_add(f->st, &idd, &id, &g),
	    STORE_IN_COMPLETE);
	idd.text = idd.raw = "你好 ";
	idd.rawlen = strlen(idd.raw);
	idd.received_at = T0 + 30 * 60 * 1000;
	assert_int_equal(store_inbound_add(f->st, &idd, &id2, &g2),
	    STORE_IN_DUPLICATE);
}

/* One deliver_sm's worth: inbound, case, ack, audit. */
static int
one_message(struct store *st, int i, int64_t at)
{
	struct store_inbound	in;
	char			text[64], number[STORE_CASE_NUMBER_MAX];
	char			from[16];
	int64_t			id, g, case_id;

	snprintf(text, sizeof(text), "投诉 %d", i);
	snprintf(from, sizeof(from), "1380013%04d", i % 10000);
	in = mo(from, text, at);
	if (store_inbound_add(st, &in, &id, &g) != STORE_IN_COMPLETE)
		return -1;
	case_id = add_case(st, from, at, number);
	if (store_inbound_done(st, g, 0, case_id) == -1)
		return -1;
	add_out(st, from, case_id);
	return store_audit(st, case_id, "intake", "case.registered", NULL, at);
}

static void
test_group_commit(void **state)
{
	struct fixture	*f = *state;
	int		 i;

	assert_int_equal(store_txn_begin(f->st), 0);
	assert_int_equal(store_in_batch(f->st), 1);
	for (i = 0; i < 200; i++) {
		assert_int_equal(store_unit_begin(f->st), 0);
		assert_int_equal(store_unit_end(f->st,
		    one_message(f->st, i, T0) == 0), 0);
	}
	/* transactions do not nest: a second begin is refused */
	assert_int_equal(store_txn_begin(f->st), -1);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM cases"), 0);
	assert_int_equal(store_txn_commit(f->st), 0);
	assert_int_equal(store_in_batch(f->st), 0);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM cases"), 200);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM inbound "
	    "WHERE state = 2 AND case_id IS NOT NULL"), 200);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM outbox"), 200);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM audit "
	    "WHERE actor <> 'store'"), 200);
	/* the batch's 400 message rows: one chained digest */
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM audit "
	    "WHERE action = 'messages'"), 1);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM audit WHERE action = "
	    "'messages' AND detail LIKE 'in=1-200 out=1-200 mac=%'"), 1);
	assert_int_equal(store_txn_commit(f->st), -1);	/* no batch */
	assert_int_equal(store_unit_begin(f->st), -1);	/* no batch */
}

static void
test_rollback(void **state)
{
	struct fixture		*f = *state;
	struct store_inbound	 in;
	int64_t			 id, g;
	struct fixture		 f2;
	char			 err[256];

	/* message 2 fails half-way: only its writes go */
	assert_int_equal(store_txn_begin(f->st), 0);
	assert_int_equal(store_unit_begin(f->st), 0);
	assert_int_equal(store_unit_end(f->st, one_message(f->st, 1, T0) == 0),
	    0);
	assert_int_equal(store_unit_begin(f->st), 0);
	in = mo(NUM, "message two", T0);
	assert_int_equal(store_inbound_add(f->st, &in, &id, &g),
	    STORE_IN_COMPLETE);
	/* a constraint failure: supplement to a case that does not exist */
	assert_int_equal(store_case_supplement(f->st, 424242, g, "more", T0),
	    -1);
	assert_int_equal(store_unit_end(f->st, 0), -1);
	assert_int_equal(store_unit_begin(f->st), 0);
	assert_int_equal(store_unit_end(f->st, one_message(f->st, 3, T0) == 0),
	    0);
	assert_int_equal(store_txn_commit(f->st), 0);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM cases"), 2);
	/* message two was never stored: the SMSC's retry is new, not a dup */
	assert_int_equal(store_inbound_add(f->st, &in, &id, &g),
	    STORE_IN_COMPLETE);

	/* the whole batch undone: the outer commit reports it */
	assert_int_equal(store_txn_begin(f->st), 0);
	assert_int_equal(one_message(f->st, 4, T0), 0);
	store_txn_rollback(f->st);
	assert_int_equal(store_txn_commit(f->st), -1);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM cases"), 2);

	/* the database locked by another writer: begin fails, quickly */
	memset(&f2, 0, sizeof(f2));
	{
		struct store_opts	 o = { .busy_timeout = 20 };
		struct store		*other;
		uint64_t		 t;

		other = store_open(f->path, f->crypto, &o, err, sizeof(err));
		assert_non_null(other);
		assert_int_equal(store_txn_begin(other), 0);
		assert_int_equal(one_message(other, 5, T0), 0);
		store_close(f->st);
		f->st = store_open(f->path, f->crypto, &o, err, sizeof(err));
		assert_non_null(f->st);
		t = clock_mono_ms();
		assert_int_equal(store_txn_begin(f->st), -1);
		assert_true(clock_mono_ms() - t < 1000);
		assert_int_equal(store_in_batch(f->st), 0);
		/* outside a batch too: one write, refused, nothing kept */
		assert_int_equal(store_optout_set(f->st, NUM, 1, T0), -1);
		assert_int_equal(store_txn_commit(other), 0);
		store_close(other);
	}
	assert_int_equal(store_txn_begin(f->st), 0);
	assert_int_equal(store_txn_commit(f->st), 0);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM cases"), 3);
}

static void
test_case_numbers(void **state)
{
	struct fixture	*f = *state;
	char		 number[STORE_CASE_NUMBER_MAX];
	int		 i;

	add_case(f->st, NUM, T0, number);
	assert_string_equal(number, "HY2611260001");
	add_case(f->st, NUM2, T0 + 1000, number);
	assert_string_equal(number, "HY2611260002");
	/* 23:59:59 local is still the 26th; 00:00 is the 27th */
	add_case(f->st, NUM, T0 + 14 * 3600 * 1000 - 1000, number);
	assert_string_equal(number, "HY2611260003");
	add_case(f->st, NUM, T0 + 14 * 3600 * 1000, number);
	assert_string_equal(number, "HY2611270001");
	assert_int_equal(store_set_case_prefix(f->st, "ZJ12"), 0);
	add_case(f->st, NUM, T0 + DAY, number);
	assert_string_equal(number, "ZJ122611270002");
	assert_int_equal(store_set_case_prefix(f->st, "hy"), -1);
	assert_int_equal(store_set_case_prefix(f->st, ""), -1);
	assert_int_equal(store_set_case_prefix(f->st, "ABCDEFGHI"), -1);
	assert_int_equal(store_set_case_prefix(f->st, "HY"), 0);

	/* a day past 9999: the sequence goes on with five digits */
	assert_int_equal(store_txn_begin(f->st), 0);
	for (i = 1; i <= 9999; i++)
		add_case(f->st, NUM, T0 + 2 * DAY, number);
	assert_string_equal(number, "HY2611289999");
	add_case(f->st, NUM, T0 + 2 * DAY, number);
	assert_string_equal(number, "HY26112810000");
	assert_int_equal(store_txn_commit(f->st), 0);
	add_case(f->st, NUM, T0 + 3 * DAY, number);
	assert_string_equal(number, "HY2611290001");
}

/*
 * Inside a batch the day's last number is counted in memory and written
 * once before COMMIT: a message undone gives its number back, a case of
 * another day in the same batch has its own count, an undone batch gives
 * back all of its numbers, and the count survives a reopen.
 */
static void
test_case_numbers_batch(void **state)
{
	struct fixture	*f = *state;
	char		 number[STORE_CASE_NUMBER_MAX];

	add_case(f->st, NUM, T0, number);		/* outside: 0001 */
	assert_int_equal(store_txn_begin(f->st), 0);
	assert_int_equal(store_unit_begin(f->st), 0);
	add_case(f->st, NUM, T0, number);
	assert_string_equal(number, "HY2611260002");
	assert_int_equal(store_unit_end(f->st, 1), 0);
	assert_int_equal(store_unit_begin(f->st), 0);
	add_case(f->st, NUM, T0, number);
	assert_string_equal(number, "HY2611260003");
	assert_int_equal(store_unit_end(f->st, 0), -1);	/* undone */
	assert_int_equal(store_unit_begin(f->st), 0);
	add_case(f->st, NUM, T0, number);
	assert_string_equal(number, "HY2611260003");
	add_case(f->st, NUM, T0 + DAY, number);		/* the next day */
	assert_string_equal(number, "HY2611270001");
	add_case(f->st, NUM, T0, number);		/* and back */
	assert_string_equal(number, "HY2611260004");
	assert_int_equal(store_unit_end(f->st, 1), 0);
	/* not written before the commit */
	assert_int_equal(peek(f, "SELECT last FROM case_seq "
	    "WHERE day = 261126"), 1);
	assert_int_equal(store_txn_commit(f->st), 0);
	assert_int_equal(peek(f, "SELECT last FROM case_seq "
	    "WHERE day = 261126"), 4);
	assert_int_equal(peek(f, "SELECT last FROM case_seq "
	    "WHERE day = 261127"), 1);

	/* a batch undone as a whole */
	assert_int_equal(store_txn_begin(f->st), 0);
	add_case(f->st, NUM, T0, number);
	assert_string_equal(number, "HY2611260005");
	store_txn_rollback(f->st);
	assert_int_equal(store_txn_commit(f->st), -1);
	assert_non_null(reopen(f, NULL));
	assert_int_equal(store_txn_begin(f->st), 0);
	add_case(f->st, NUM, T0, number);
	assert_string_equal(number, "HY2611260005");
	assert_int_equal(store_txn_commit(f->st), 0);
	assert_int_equal(peek(f, "SELECT COUNT(DISTINCT number) FROM cases"),
	    6);
}

/*
 * A single-part text read back as a group, twice: both reads agree, with
 * what was written (inbound.c builds the same group without a read); an
 * undone unit leaves nothing to read.
 */
static void
test_inbound_fresh(void **state)
{
	struct fixture		*f = *state;
	struct store_inbound	 in = mo(NUM, "路灯坏了三天", T0);
	struct store_group	 a, b;
	int64_t			 id, g;

	in.smsc_msgid = "abc";
	in.esm_class = 0x40;
	assert_int_equal(store_txn_begin(f->st), 0);
	assert_int_equal(store_unit_begin(f->st), 0);
	assert_int_equal(store_inbound_add(f->st, &in, &id, &g),
	    STORE_IN_COMPLETE);
	assert_int_equal(store_inbound_group(f->st, g, &a), 1);
	assert_int_equal(store_inbound_group(f->st, g, &b), 1);
	assert_int_equal(a.group, b.group);
	assert_int_equal(a.state, b.state);
	assert_string_equal(a.smsc, b.smsc);
	assert_string_equal(a.source, NUM);
	assert_string_equal(a.source, b.source);
	assert_string_equal(a.dest, b.dest);
	assert_int_equal(a.total, b.total);
	assert_int_equal(a.nparts, 1);
	assert_int_equal(b.nparts, 1);
	assert_int_equal(a.parts[0].id, b.parts[0].id);
	assert_int_equal(a.parts[0].seq, b.parts[0].seq);
	assert_int_equal(a.parts[0].data_coding, b.parts[0].data_coding);
	assert_int_equal(a.parts[0].esm_class, b.parts[0].esm_class);
	assert_int_equal(a.parts[0].rawlen, b.parts[0].rawlen);
	assert_memory_equal(a.parts[0].raw, b.parts[0].raw, a.parts[0].rawlen);
	assert_string_equal(a.parts[0].text, b.parts[0].text);
	assert_int_equal(a.parts[0].received_at, b.parts[0].received_at);
	assert_null(a.text);		/* inbound_join()'s to write */
	assert_int_equal(a.first_at, b.first_at);
	store_group_clear(&a);
	store_group_clear(&b);
	/* an undone unit leaves nothing to read */
	assert_int_equal(store_unit_end(f->st, 1), 0);
	assert_int_equal(store_unit_begin(f->st), 0);
	in = mo(NUM2, "井盖丢了", T0);
	assert_int_equal(store_inbound_add(f->st, &in, &id, &g),
	    STORE_IN_COMPLETE);
	assert_int_equal(store_unit_end(f->st, 0), -1);
	assert_int_equal(store_inbound_group(f->st, g, &a), 0);
	assert_int_equal(store_txn_commit(f->st), 0);
}

static void
test_case_lookup(void **state)
{
	struct fixture		*f = *state;
	struct store_case	 c, list[4];
	char			 n1[STORE_CASE_NUMBER_MAX];
	char			 n2[STORE_CASE_NUMBER_MAX];
	int64_t			 id1, id2;
	int			 n;

	id1 = add_case(f->st, NUM, T0, n1);
	id2 = add_case(f->st, NUM, T0 + 1000, n2);
	add_case(f->st, NUM2, T0, (char[STORE_CASE_NUMBER_MAX]){0});
	assert_int_equal(store_case_find(f->st, n1, NUM, &c), 1);
	assert_int_equal(c.id, id1);
	assert_string_equal(c.state, "registered");
	assert_string_equal(c.due, "2026-12-10");
	assert_null(c.rule);
	assert_int_equal(c.closed_at, 0);
	store_case_clear(&c);
	/* another number's case reads as not found */
	assert_int_equal(store_case_find(f->st, n1, NUM2, &c), 0);
	assert_int_equal(store_case_find(f->st, n1, "+86" NUM, &c), 1);
	store_case_clear(&c);
	assert_int_equal(store_case_find(f->st, n1, NULL, &c), 1);
	store_case_clear(&c);
	assert_int_equal(store_case_find(f->st, "HY0000000000", NULL, &c), 0);

	assert_int_equal(store_case_supplement(f->st, id2, 0, "补充：晚上十点后",
	    T0 + 5000), 0);
	assert_int_equal(store_case_get(f->st, id2, &c), 1);
	assert_int_equal(c.nsupplements, 1);
	store_case_clear(&c);

	n = store_case_list_open(f->st, NUM, list, 4);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, id2);	/* newest first */
	assert_int_equal(list[1].id, id1);
	store_case_clear(&list[0]);
	store_case_clear(&list[1]);
	assert_int_equal(store_case_list_open(f->st, NUM, list, 1), 1);
	store_case_clear(&list[0]);
	assert_int_equal(store_case_list_open(f->st, "13800138009", list, 4),
	    0);
}

static void
test_outbox(void **state)
{
	struct fixture		*f = *state;
	struct store_outmsg	 m[8];
	int64_t			 a, b, c, id, case_id, now, when;
	int			 n, st, attempts;

	case_id = add_case(f->st, NUM, T0, (char[STORE_CASE_NUMBER_MAX]){0});
	a = add_out(f->st, NUM, case_id);
	b = add_out(f->st, NUM, case_id);
	c = add_out(f->st, NUM2, 0);
	now = (int64_t)clock_now_ms();

	/* b waits behind a: one citizen's messages stay in order */
	n = store_outbox_next(f->st, now, m, 8);
	assert_int_equal(n, 2);
	assert_int_equal(m[0].id, a);
	assert_int_equal(m[1].id, c);
	assert_true(strcmp(m[0].to, NUM) == 0);
	assert_string_equal(m[0].from, "12345");
	assert_string_equal(m[0].text, "您的诉求已受理");
	assert_int_equal(m[0].case_id, case_id);
	store_outmsg_clear(m, (size_t)n);

	/* a goes out in two parts */
	assert_int_equal(store_outbox_inflight(f->st, a, now), 0);
	assert_int_equal(store_outbox_inflight(f->st, a, now), -1);
	assert_int_equal(store_outbox_next(f->st, now, m, 8), 1);	/* c */
	store_outmsg_clear(m, 1);
	assert_int_equal(store_outbox_submitted(f->st, a, 1, 2, "smsc1",
	    "1f2e", now), 0);
	assert_int_equal(store_outbox_state(f->st, a, &st, &attempts), 0);
	assert_int_equal(st, STORE_OUT_INFLIGHT);
	assert_int_equal(attempts, 1);
	assert_int_equal(store_outbox_submitted(f->st, a, 2, 2, "smsc1",
	    "1f2f", now), 0);
	assert_int_equal(store_outbox_state(f->st, a, &st, NULL), 0);
	assert_int_equal(st, STORE_OUT_SENT);

	/* receipts: unknown id (raced the resp), interim, then delivered */
	assert_int_equal(store_outbox_receipt(f->st, "smsc1", "ffff",
	    STORE_RCPT_DELIVERED, "DELIVRD", "000", now, &id, NULL), 0);
	assert_int_equal(store_outbox_receipt(f->st, "smsc2", "1f2e",
	    STORE_RCPT_DELIVERED, "DELIVRD", "000", now, &id, NULL), 0);
	assert_int_equal(store_outbox_receipt(f->st, "smsc1", "1f2e",
	    STORE_RCPT_INTERIM, "ENROUTE", "000", now, &id, NULL), 1);
	assert_int_equal(store_outbox_receipt(f->st, "smsc1", "1f2e",
	    STORE_RCPT_DELIVERED, "DELIVRD", "000", now, &id, &case_id), 1);
	assert_int_equal(id, a);
	assert_int_equal(store_outbox_state(f->st, a, &st, NULL), 0);
	assert_int_equal(st, STORE_OUT_SENT);	/* part 2 not yet */
	assert_int_equal(store_outbox_receipt(f->st, "smsc1", "1f2f",
	    STORE_RCPT_DELIVERED, "DELIVRD", "000", now, &id, NULL), 1);
	assert_int_equal(store_outbox_state(f->st, a, &st, NULL), 0);
	assert_int_equal(st, STORE_OUT_DELIVERED);
	assert_string_equal(store_outbox_strstate(st), "delivered");

	/* now b may go; throttled, retried in 60 s */
	n = store_outbox_next(f->st, now, m, 8);
	assert_int_equal(n, 2);
	assert_int_equal(m[0].id, b);
	store_outmsg_clear(m, (size_t)n);
	assert_int_equal(store_outbox_inflight(f->st, b, now), 0);
	assert_int_equal(store_outbox_retry(f->st, b, now + 60000,
	    "ESME_RTHROTTLED"), 0);
	assert_int_equal(store_outbox_state(f->st, b, &st, &attempts), 0);
	assert_int_equal(st, STORE_OUT_QUEUED);
	assert_int_equal(attempts, 1);
	n = store_outbox_next(f->st, now, m, 8);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].id, c);
	store_outmsg_clear(m, (size_t)n);
	assert_int_equal(store_outbox_next_time(f->st, &when), 1);
	assert_true(when <= now + 60000);
	n = store_outbox_next(f->st, now + 60000, m, 8);
	assert_int_equal(n, 2);
	store_outmsg_clear(m, (size_t)n);

	/* c: permanent failure; then b fails by receipt */
	assert_int_equal(store_outbox_fail(f->st, c, "ESME_RINVDSTADR"), 0);
	assert_int_equal(store_outbox_state(f->st, c, &st, NULL), 0);
	assert_int_equal(st, STORE_OUT_FAILED);
	assert_int_equal(store_outbox_inflight(f->st, b, now), 0);
	assert_int_equal(store_outbox_submitted(f->st, b, 1, 1, "smsc1", "77",
	    now), 0);
	assert_int_equal(store_outbox_receipt(f->st, "smsc1", "77",
	    STORE_RCPT_FAILED, "UNDELIV", "001", now, &id, NULL), 1);
	assert_int_equal(store_outbox_state(f->st, b, &st, &attempts), 0);
	assert_int_equal(st, STORE_OUT_FAILED);
	assert_int_equal(attempts, 2);
	assert_int_equal(store_outbox_next_time(f->st, &when), 0);

	/* expiry */
	{
		struct store_outbox_new	o;

		memset(&o, 0, sizeof(o));
		o.kind = "result";
		o.msisdn = NUM2;
		o.source = "12345";
		o.text = "x";
		o.expire_at = now + 1000;
		assert_int_equal(store_outbox_add(f->st, &o, &id), 0);
		assert_int_equal(store_outbox_expiring(f->st, now), 0);
		assert_int_equal(store_outbox_expire(f->st, now), 0);
		assert_int_equal(store_outbox_expiring(f->st, now + 1000), 1);
		assert_int_equal(store_outbox_expire(f->st, now + 1000), 1);
		assert_int_equal(store_outbox_expiring(f->st, now + 1000), 0);
		assert_int_equal(store_outbox_state(f->st, id, &st, NULL), 0);
		assert_int_equal(st, STORE_OUT_EXPIRED);
	}
}

/*
 * The next due time is that of a row the fetch hands out: a citizen's
 * second SMS behind a first one waiting for its retry is not due before
 * the first (counting it made the pump spin for the whole backoff).
 */
static void
test_outbox_next_time_heads(void **state)
{
	struct fixture		*f = *state;
	struct store_outmsg	 m[4];
	int64_t			 a, b, c, d, now, when, retry;

	a = add_out(f->st, NUM, 0);
	b = add_out(f->st, NUM, 0);
	now = (int64_t)clock_now_ms();
	assert_int_equal(store_outbox_inflight(f->st, a, now), 0);
	retry = now + 60000;
	assert_int_equal(store_outbox_retry(f->st, a, retry,
	    "ESME_RTHROTTLED"), 0);
	/* b is due, but behind a: nothing is fetched, nothing due before a */
	assert_int_equal(store_outbox_next(f->st, now, m, 4), 0);
	assert_int_equal(store_outbox_next_time(f->st, &when), 1);
	assert_int_equal(when, retry);

	/* another citizen: d behind c in flight counts neither */
	c = add_out(f->st, NUM2, 0);
	d = add_out(f->st, NUM2, 0);
	assert_int_equal(store_outbox_inflight(f->st, c, now), 0);
	assert_int_equal(store_outbox_next_time(f->st, &when), 1);
	assert_int_equal(when, retry);
	assert_int_equal(store_outbox_next(f->st, now, m, 4), 0);

	/* c fails for good: d is its citizen's head, due now */
	assert_int_equal(store_outbox_fail(f->st, c, "ESME_RINVDSTADR"), 0);
	now = (int64_t)clock_now_ms();
	assert_int_equal(store_outbox_next_time(f->st, &when), 1);
	assert_true(when <= now);
	assert_int_equal(store_outbox_next(f->st, now, m, 4), 1);
	assert_int_equal(m[0].id, d);
	store_outmsg_clear(m, 1);

	/* a due: both heads, then b only after a has gone */
	assert_int_equal(store_outbox_next(f->st, retry, m, 4), 2);
	store_outmsg_clear(m, 2);
	assert_int_equal(store_outbox_inflight(f->st, a, now), 0);
	assert_int_equal(store_outbox_inflight(f->st, d, now), 0);
	assert_int_equal(store_outbox_next_time(f->st, &when), 0);
	assert_int_equal(store_outbox_submitted(f->st, a, 1, 1, "smsc1", "5",
	    now), 0);
	assert_int_equal(store_outbox_next_time(f->st, &when), 1);
	assert_int_equal(store_outbox_next(f->st, now, m, 4), 1);
	assert_int_equal(m[0].id, b);
	store_outmsg_clear(m, 1);
}

static void
test_outbox_restart(void **state)
{
	struct fixture		*f = *state;
	struct store_outmsg	 m[4];
	int64_t			 a, now, id;
	int			 st, n;

	a = add_out(f->st, NUM, 0);
	/* after the row is made: it is due from its creation on */
	now = (int64_t)clock_now_ms();
	assert_int_equal(store_outbox_inflight(f->st, a, now), 0);
	assert_int_equal(store_outbox_submitted(f->st, a, 1, 2, "smsc1", "100",
	    now), 0);
	/* crash: the row was in flight, part 2 never acknowledged */
	assert_non_null(reopen(f, NULL));
	assert_int_equal(store_outbox_next(f->st, now, m, 4), 0);
	assert_int_equal(store_outbox_reset_inflight(f->st), 1);
	assert_int_equal(store_outbox_reset_inflight(f->st), 0);
	n = store_outbox_next(f->st, now, m, 4);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].id, a);
	assert_int_equal(m[0].attempts, 1);
	store_outmsg_clear(m, (size_t)n);
	/* second attempt: both parts needed again */
	assert_int_equal(store_outbox_inflight(f->st, a, now), 0);
	assert_int_equal(store_outbox_submitted(f->st, a, 1, 2, "smsc1", "200",
	    now), 0);
	assert_int_equal(store_outbox_state(f->st, a, &st, NULL), 0);
	assert_int_equal(st, STORE_OUT_INFLIGHT);
	assert_int_equal(store_outbox_submitted(f->st, a, 2, 2, "smsc1", "201",
	    now), 0);
	assert_int_equal(store_outbox_state(f->st, a, &st, NULL), 0);
	assert_int_equal(st, STORE_OUT_SENT);
	/* a late receipt of the first attempt is recorded, not counted */
	assert_int_equal(store_outbox_receipt(f->st, "smsc1", "100",
	    STORE_RCPT_FAILED, "UNDELIV", "1", now, &id, NULL), 1);
	assert_int_equal(store_outbox_state(f->st, a, &st, NULL), 0);
	assert_int_equal(st, STORE_OUT_SENT);
}

/*
 * Issue 14: part 1 accepted, part 2 throttled.  The retry knows part 1 is
 * done, carries it into its attempt with its id and its receipt, sends
 * part 2 alone; every part's receipt is matched and the row delivered.
 */
static void
test_outbox_partial_retry(void **state)
{
	struct fixture		*f = *state;
	int64_t			 a, now, id;
	uint32_t		 mask;
	int			 st, nparts;

	a = add_out(f->st, NUM, 0);
	now = (int64_t)clock_now_ms();
	assert_int_equal(store_outbox_parts_done(f->st, a, &nparts, &mask), 0);
	assert_int_equal(nparts, 0);
	assert_int_equal(store_outbox_inflight(f->st, a, now), 0);
	assert_int_equal(store_outbox_accepted(f->st, a, 1, 3, "smsc1", "300",
	    now), 0);
	assert_int_equal(store_outbox_accepted(f->st, a, 3, 3, "smsc1", "302",
	    now), 0);
	assert_int_equal(store_outbox_retry(f->st, a, now, "throttled"), 0);
	/* part 1's receipt comes while the row waits for its retry */
	assert_int_equal(store_outbox_receipt(f->st, "smsc1", "300",
	    STORE_RCPT_DELIVERED, "DELIVRD", "000", now, &id, NULL), 1);
	assert_int_equal(id, a);
	assert_int_equal(store_outbox_parts_done(f->st, a, &nparts, &mask), 1);
	assert_int_equal(nparts, 3);
	assert_int_equal(mask, 0x5);
	/* the retry: nothing to carry before it is in flight */
	assert_int_equal(store_outbox_part_carry(f->st, a, 1, 3), -1);
	assert_int_equal(store_outbox_inflight(f->st, a, now), 0);
	assert_int_equal(store_outbox_part_carry(f->st, a, 2, 3), -1);
	assert_int_equal(store_outbox_submitted(f->st, a, 1, 3, "smsc1", NULL,
	    now), 0);
	assert_int_equal(store_outbox_submitted(f->st, a, 2, 3, "smsc1", "401",
	    now), 0);
	assert_int_equal(store_outbox_submitted(f->st, a, 3, 3, "smsc1", NULL,
	    now), 0);
	assert_int_equal(store_outbox_state(f->st, a, &st, NULL), 0);
	assert_int_equal(st, STORE_OUT_SENT);
	assert_int_equal(store_outbox_receipt(f->st, "smsc1", "401",
	    STORE_RCPT_DELIVERED, "DELIVRD", "000", now, &id, NULL), 1);
	assert_int_equal(store_outbox_state(f->st, a, &st, NULL), 0);
	assert_int_equal(st, STORE_OUT_SENT);	/* part 3's still to come */
	assert_int_equal(store_outbox_receipt(f->st, "smsc1", "302",
	    STORE_RCPT_DELIVERED, "DELIVRD", "000", now, &id, NULL), 1);
	assert_int_equal(store_outbox_state(f->st, a, &st, NULL), 0);
	assert_int_equal(st, STORE_OUT_DELIVERED);
	/* bad parts are the caller's bug, refused */
	assert_int_equal(store_outbox_accepted(f->st, a, 0, 3, "smsc1", "9",
	    now), -1);
	assert_int_equal(store_outbox_accepted(f->st, a, 4, 3, "smsc1", "9",
	    now), -1);
}

static void
test_optout_and_rates(void **state)
{
	struct fixture		*f = *state;
	struct store_refusal	 r;
	int64_t			 id;

	assert_int_equal(store_optout_has(f->st, NUM), 0);
	assert_int_equal(store_optout_set(f->st, NUM, 1, T0), 0);
	assert_int_equal(store_optout_set(f->st, "+86" NUM, 1, T0), 0);
	assert_int_equal(store_optout_has(f->st, "0086" NUM), 1);
	assert_int_equal(store_optout_has(f->st, NUM2), 0);
	assert_int_equal(store_optout_set(f->st, NUM, 0, T0), 0);
	assert_int_equal(store_optout_has(f->st, NUM), 0);
	assert_int_equal(store_optout_has(f->st, ""), -1);

	add_case(f->st, NUM, T0 - 2 * 3600 * 1000,
	    (char[STORE_CASE_NUMBER_MAX]){0});
	add_case(f->st, NUM, T0 - 600 * 1000, (char[STORE_CASE_NUMBER_MAX]){0});
	add_case(f->st, NUM, T0, (char[STORE_CASE_NUMBER_MAX]){0});
	add_case(f->st, NUM2, T0, (char[STORE_CASE_NUMBER_MAX]){0});
	assert_int_equal(store_count_cases(f->st, NUM, T0 - 3600 * 1000), 2);
	assert_int_equal(store_count_cases(f->st, "+86" NUM, 0), 3);
	assert_int_equal(store_count_cases(f->st, "13800138009", 0), 0);
	add_out(f->st, NUM, 0);
	add_out(f->st, NUM, 0);
	assert_int_equal(store_count_replies(f->st, NUM,
	    (int64_t)clock_now_ms() - 3600 * 1000), 2);
	assert_int_equal(store_count_replies(f->st, NUM,
	    (int64_t)clock_now_ms() + 1000), 0);

	memset(&r, 0, sizeof(r));
	r.msisdn = NUM2;
	r.reason = "emergency";
	r.rule = "fire";
	r.channel = "119";
	r.text = "着火了";
	r.at = T0;
	assert_int_equal(store_refusal_add(f->st, &r, &id), 0);
	assert_true(id > 0);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM refusals "
	    "WHERE channel = '119'"), 1);
}

static void
test_audit_chain(void **state)
{
	struct fixture	*f = *state;
	sqlite3		*db;
	int64_t		 bad = 0, case_id;

	case_id = add_case(f->st, NUM, T0, (char[STORE_CASE_NUMBER_MAX]){0});
	assert_int_equal(store_audit(f->st, case_id, "intake",
	    "case.registered", "{\"cat\":\"complaint\"}", T0), 0);
	assert_int_equal(store_audit(f->st, 0, "intake", "refusal",
	    NULL, T0 + 1), 0);
	assert_int_equal(store_audit(f->st, case_id, "op:wang", "case.dispatch",
	    "{\"unit\":\"城管局\"}", T0 + 2), 0);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	/* the triggers refuse edits... */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE audit SET actor = 'x' "
	    "WHERE id = 2", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit WHERE id = 2",
	    NULL, NULL, NULL), SQLITE_OK);
	/* ...and the chain catches whoever drops them */
	assert_int_equal(sqlite3_exec(db, "DROP TRIGGER audit_no_update; "
	    "UPDATE audit SET detail = '{\"unit\":\"别处\"}' WHERE id = 3",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_audit_verify(f->st, &bad), 1);
	assert_int_equal(bad, 3);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TRIGGER audit_no_delete; "
	    "DELETE FROM audit WHERE id = 2", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_audit_verify(f->st, &bad), 1);
	assert_int_equal(bad, 3);
}

/* 1 when needle occurs in the file's bytes. */
static int
file_has(const char *path, const void *needle, size_t len)
{
	FILE	*fp;
	char	*buf;
	long	 n;
	int	 found;

	if ((fp = fopen(path, "rb")) == NULL)
		return 0;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	found = memmem(buf, (size_t)n, needle, len) != NULL;
	free(buf);
	return found;
}

static void
test_no_plaintext_number(void **state)
{
	struct fixture		*f = *state;
	struct store_inbound	 in = mo("+86" NUM, "我要投诉", T0);
	struct store_refusal	 r;
	int64_t			 id, g, case_id;
	char			 wal[160];
	static const char	 utf16[] = {
		'1', 0, '3', 0, '8', 0, '0', 0, '0', 0, '1', 0, '3', 0, '8', 0
	};

	assert_int_equal(store_txn_begin(f->st), 0);
	assert_int_equal(store_inbound_add(f->st, &in, &id, &g),
	    STORE_IN_COMPLETE);
	case_id = add_case(f->st, NUM, T0, (char[STORE_CASE_NUMBER_MAX]){0});
	add_out(f->st, NUM, case_id);
	memset(&r, 0, sizeof(r));
	r.msisdn = NUM;
	r.reason = "emergency";
	r.text = "x";
	r.at = T0;
	assert_int_equal(store_refusal_add(f->st, &r, NULL), 0);
	assert_int_equal(store_optout_set(f->st, NUM, 1, T0), 0);
	assert_int_equal(store_audit(f->st, case_id, "intake", "case", NULL,
	    T0), 0);
	assert_int_equal(store_txn_commit(f->st), 0);

	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	/* in the WAL while open, in the main file after the checkpoint */
	assert_true(file_has(wal, "我要投诉", strlen("我要投诉")));
	assert_false(file_has(wal, "13800138", 8));
	assert_false(file_has(wal, utf16, sizeof(utf16)));
	store_close(f->st);
	f->st = NULL;
	assert_true(file_has(f->path, "我要投诉", strlen("我要投诉")));
	assert_false(file_has(f->path, "13800138", 8));
	assert_false(file_has(f->path, "0138001", 7));
	assert_false(file_has(f->path, utf16, sizeof(utf16)));
	assert_non_null(reopen(f, NULL));
}

/* Start again from an empty database file. */
static struct store *
fresh(struct fixture *f, const struct store_opts *opts)
{
	char	p[160];

	store_close(f->st);
	f->st = NULL;
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	return reopen(f, opts);
}

/* A chain of n events on a fresh case; the tamper tests start here. */
static void
audit_events(struct fixture *f, int n)
{
	int64_t	case_id, bad;
	int	i;

	case_id = add_case(f->st, NUM, T0, (char[STORE_CASE_NUMBER_MAX]){0});
	for (i = 0; i < n; i++)
		assert_int_equal(store_audit(f->st, case_id, "op:wang",
		    "case.note", "{\"n\":1}", T0 + i), 0);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
}

/* Run SQL as an attacker with write access and no key. */
static void
tamper(struct fixture *f, const char *sql)
{
	sqlite3	*db;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TRIGGER IF EXISTS "
	    "audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete", NULL,
	    NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/*
 * Edit, delete at the end (the chain alone would still verify: the tip
 * catches it), delete in the middle, reorder (contents of 2 and 3 swapped):
 * each on a fresh chain of five, with the first broken link expected.
 */
static void
test_audit_tamper(void **state)
{
	struct fixture		*f = *state;
	static const struct {
		const char	*sql;
		int64_t		 bad;
	} t[] = {
		{ "UPDATE audit SET at = at + 1 WHERE id = 5", 5 },
		{ "DELETE FROM audit WHERE id >= 4", 4 },
		{ "DELETE FROM audit WHERE id = 3", 4 },
		{ "UPDATE audit SET id = -2 WHERE id = 2;"
		    "UPDATE audit SET id = 2 WHERE id = 3;"
		    "UPDATE audit SET id = 3 WHERE id = -2", 2 },
	};
	int64_t			 bad;
	size_t			 i;

	for (i = 0; i < nitems(t); i++) {
		assert_non_null(fresh(f, NULL));
		audit_events(f, 5);
		tamper(f, t[i].sql);
		bad = 0;
		assert_int_equal(store_audit_verify(f->st, &bad), 1);
		assert_int_equal(bad, t[i].bad);
	}
}

static void
test_audit_tip(void **state)
{
	struct fixture	*f = *state;
	int64_t		 bad = 0;

	/* empty (events 1, 2: messages.covered, cases.covered): intact */
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	audit_events(f, 3);	/* 3: the case's "cases", 4-6 */
	/* tip removed */
	tamper(f, "DELETE FROM audit_tip");
	assert_int_equal(store_audit_verify(f->st, &bad), 1);
	assert_int_equal(bad, 7);
	/* a forged tip (no key): last event deleted, tip moved back */
	assert_non_null(reopen(f, NULL));
	tamper(f, "DELETE FROM audit WHERE id = 6;"
	    "INSERT INTO audit_tip (id, last_id, last_hmac, tip_mac) "
	    "SELECT 1, id, hmac, hmac FROM audit WHERE id = 5");
	assert_int_equal(store_audit_verify(f->st, &bad), 1);
	assert_int_equal(bad, 6);
	/* unsealed (NULL) tips are only accepted by the upgrade */
	tamper(f, "UPDATE audit_tip SET tip_mac = NULL");
	assert_non_null(reopen(f, NULL));
	assert_int_equal(store_audit_verify(f->st, &bad), 1);
	/* everything deleted, tip left: broken at 1 */
	tamper(f, "DELETE FROM audit");
	assert_int_equal(store_audit_verify(f->st, &bad), 1);
	assert_int_equal(bad, 1);
}

/*
 * Inside a batch the tip is sealed once, before COMMIT (and at once when
 * verified inside the batch); a message undone takes its events along and
 * the chain goes on without a gap; a batch rolled back leaves the tip where
 * it was.
 */
static void
test_audit_batch(void **state)
{
	struct fixture	*f = *state;
	int64_t		 bad = 0;

	assert_int_equal(store_audit(f->st, 0, "test", "before", NULL, T0), 0);
	assert_int_equal(store_txn_begin(f->st), 0);
	assert_int_equal(store_unit_begin(f->st), 0);
	assert_int_equal(store_audit(f->st, 0, "test", "a", NULL, T0), 0);
	assert_int_equal(store_audit(f->st, 0, "test", "b", NULL, T0), 0);
	assert_int_equal(store_unit_end(f->st, 1), 0);
	assert_int_equal(store_unit_begin(f->st), 0);
	assert_int_equal(store_audit(f->st, 0, "test", "undone", NULL, T0), 0);
	assert_int_equal(store_unit_end(f->st, 0), -1);
	assert_int_equal(store_unit_begin(f->st), 0);
	assert_int_equal(store_audit(f->st, 0, "test", "c", NULL, T0), 0);
	assert_int_equal(store_unit_end(f->st, 1), 0);
	assert_int_equal(peek(f, "SELECT last_id FROM audit_tip"), 3);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	assert_int_equal(store_audit(f->st, 0, "test", "d", NULL, T0), 0);
	assert_int_equal(store_txn_commit(f->st), 0);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM audit"), 7);
	assert_int_equal(peek(f, "SELECT last_id FROM audit_tip"), 7);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);

	assert_int_equal(store_txn_begin(f->st), 0);
	assert_int_equal(store_audit(f->st, 0, "test", "gone", NULL, T0), 0);
	store_txn_rollback(f->st);
	assert_int_equal(store_txn_commit(f->st), -1);
	assert_int_equal(peek(f, "SELECT last_id FROM audit_tip"), 7);
	assert_int_equal(store_audit(f->st, 0, "test", "e", NULL, T0), 0);
	assert_int_equal(peek(f, "SELECT last_id FROM audit_tip"), 8);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	/* the newest event deleted: the tip still catches it */
	tamper(f, "DELETE FROM audit WHERE id = 8");
	assert_int_equal(store_audit_verify(f->st, &bad), 1);
	assert_int_equal(bad, 8);
}

static void
test_upgrade_v2_seals_tip(void **state)
{
	struct fixture		*f = *state;
	struct store_opts	 o = { .max_version = 2 };
	int64_t			 bad;

	assert_non_null(fresh(f, &o));
	assert_int_equal(store_version(f->st), 2);
	assert_int_equal(store_audit(f->st, 0, "test", "a", NULL, T0), 0);
	assert_int_equal(store_audit(f->st, 0, "test", "b", NULL, T0), 0);
	assert_non_null(reopen(f, NULL));
	assert_int_equal(store_version(f->st), STORE_SCHEMA_VERSION);
	/*
	 * sealed at 2 by the v3 upgrade, then v6 chains messages.covered
	 * and v8 cases.covered
	 */
	assert_int_equal(peek(f, "SELECT last_id FROM audit_tip "
	    "WHERE tip_mac IS NOT NULL"), 4);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM audit WHERE id = 3 "
	    "AND action = 'messages.covered'"), 1);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM audit WHERE id = 4 "
	    "AND action = 'cases.covered'"), 1);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	assert_int_equal(store_audit(f->st, 0, "test", "c", NULL, T0), 0);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	tamper(f, "DELETE FROM audit WHERE id = 5");
	assert_int_equal(store_audit_verify(f->st, &bad), 1);
	assert_int_equal(bad, 5);
}

/*
 * Messages in and out (v6): three MOs with their acknowledgements in one
 * batch (event ev[0]), two acknowledgements sent in the next (ev[1]), the
 * first delivered in a third (ev[2]).  Then one tampering each on a fresh
 * copy, with the first broken link expected.
 */
static void
messages_chain(struct fixture *f, int64_t ev[3])
{
	int64_t	now = (int64_t)clock_now_ms(), id;
	int	i;

	assert_int_equal(store_txn_begin(f->st), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(store_unit_begin(f->st), 0);
		assert_int_equal(store_unit_end(f->st,
		    one_message(f->st, i, T0) == 0), 0);
	}
	/* a message undone gives its ids back: no gap in the range */
	assert_int_equal(store_unit_begin(f->st), 0);
	assert_int_equal(one_message(f->st, 9, T0), 0);
	assert_int_equal(store_unit_end(f->st, 0), -1);
	assert_int_equal(store_txn_commit(f->st), 0);
	ev[0] = peek(f, "SELECT MAX(id) FROM audit WHERE action = 'messages'");

	assert_int_equal(store_txn_begin(f->st), 0);
	for (id = 1; id <= 2; id++) {
		assert_int_equal(store_outbox_inflight(f->st, id, now), 0);
		assert_int_equal(store_outbox_submitted(f->st, id, 1, 1,
		    "smsc1", id == 1 ? "m1" : "m2", now), 0);
	}
	assert_int_equal(store_txn_commit(f->st), 0);
	ev[1] = peek(f, "SELECT MAX(id) FROM audit WHERE action = 'messages'");

	assert_int_equal(store_txn_begin(f->st), 0);
	assert_int_equal(store_outbox_receipt(f->st, "smsc1", "m1",
	    STORE_RCPT_DELIVERED, "DELIVRD", "000", now + 1, NULL, NULL), 1);
	assert_int_equal(store_txn_commit(f->st), 0);
	ev[2] = peek(f, "SELECT MAX(id) FROM audit WHERE action = 'messages'");
}

static void
test_audit_messages(void **state)
{
	struct fixture		*f = *state;
	static const struct {
		const char	*sql;
		int		 bad;	/* ev[bad], 3: one past the last event */
	} t[] = {
		/* an inbound text edited */
		{ "UPDATE inbound SET text = '表扬' WHERE id = 2", 0 },
		/* an outbox row deleted */
		{ "DELETE FROM outbox WHERE id = 3", 0 },
		/* the newest inbound row deleted */
		{ "DELETE FROM inbound WHERE id = 3", 0 },
		/* two inbound rows reordered */
		{ "UPDATE inbound SET id = -1 WHERE id = 1;"
		    "UPDATE inbound SET id = 1 WHERE id = 2;"
		    "UPDATE inbound SET id = 2 WHERE id = -1", 0 },
		/* an outbox text edited */
		{ "UPDATE outbox SET text = '已办结' WHERE id = 1", 0 },
		/* a sent SMS put back in the queue (it would go out again) */
		{ "UPDATE outbox SET state = 0 WHERE id = 2", 1 },
		/* another message id for the SMSC */
		{ "UPDATE outbox SET smsc_msgid = 'm9' WHERE id = 2", 1 },
		/* a receipt edited */
		{ "UPDATE outbox SET receipt_stat = 'UNDELIV' WHERE id = 1", 2 },
		/* a delivered SMS made failed */
		{ "UPDATE outbox SET state = 4 WHERE id = 1", 2 },
		/* a sent SMS claimed delivered: no outcome chained for it */
		{ "UPDATE outbox SET state = 3, receipt_stat = 'DELIVRD' "
		    "WHERE id = 2", 0 },
		/* a queued SMS claimed sent */
		{ "UPDATE outbox SET state = 2 WHERE id = 3", 0 },
		/* an MO slipped in without its event */
		{ "INSERT INTO inbound (smsc, source_enc, source_hash, dest, "
		    "data_coding, esm_class, raw, text, concat_ref, "
		    "concat_total, concat_seq, received_at, state) SELECT smsc, "
		    "source_enc, source_hash, dest, data_coding, esm_class, raw, "
		    "'伪造', 0, 1, 1, received_at, 2 FROM inbound WHERE id = 1",
		    3 },
	};
	int64_t			 ev[3], bad, last;
	size_t			 i;

	for (i = 0; i < nitems(t); i++) {
		assert_non_null(fresh(f, NULL));
		messages_chain(f, ev);
		assert_true(ev[0] < ev[1] && ev[1] < ev[2]);
		assert_int_equal(peek(f, "SELECT COUNT(*) FROM audit WHERE "
		    "action = 'messages' AND detail LIKE 'in=1-3 out=1-3 %'"),
		    1);
		assert_int_equal(store_audit_verify(f->st, &bad), 0);
		last = peek(f, "SELECT MAX(id) FROM audit");
		tamper(f, t[i].sql);
		bad = 0;
		assert_int_equal(store_audit_verify(f->st, &bad), 1);
		if (bad != (t[i].bad == 3 ? last + 1 : ev[t[i].bad]))
			fail_msg("case %zu (%s): first bad %lld", i, t[i].sql,
			    (long long)bad);
	}
	/* no number and no citizen text in the events */
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM audit WHERE "
	    "detail LIKE '%13800%' OR detail LIKE '%投诉%'"), 0);
}

/*
 * An existing database upgraded to v6: rows written before are declared
 * not covered (messages.covered names the first ids covered) and may be
 * edited unnoticed; rows written after are covered.
 */
static void
test_audit_messages_upgrade(void **state)
{
	struct fixture		*f = *state;
	struct store_opts	 o = { .max_version = 5 };
	int64_t			 bad;

	assert_non_null(fresh(f, &o));
	assert_int_equal(one_message(f->st, 1, T0), 0);
	assert_non_null(reopen(f, NULL));
	assert_int_equal(store_version(f->st), STORE_SCHEMA_VERSION);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM audit WHERE action = "
	    "'messages.covered' AND detail = 'in>=2 out>=2'"), 1);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	/* a second open chains nothing more */
	assert_non_null(reopen(f, NULL));
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM audit WHERE action = "
	    "'messages.covered'"), 1);
	assert_int_equal(one_message(f->st, 2, T0), 0);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	tamper(f, "UPDATE inbound SET text = '旧的' WHERE id = 1");
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	tamper(f, "UPDATE inbound SET text = '新的' WHERE id = 2");
	assert_int_equal(store_audit_verify(f->st, &bad), 1);
	assert_int_equal(bad, peek(f, "SELECT id FROM audit WHERE action = "
	    "'messages' AND detail LIKE 'in=2-2 %'"));
}

/*
 * v9: an existing v6 database gains the alerts table in place; an alert is
 * written with its case, listed, due for a repeat, logged again,
 * acknowledged once (who, when, what), and then neither open nor due.
 */
static void
test_alerts_upgrade(void **state)
{
	struct fixture		*f = *state;
	struct store_opts	 o = { .max_version = 6 };
	struct store_alert_new	 a;
	struct store_alert	 got, list[4];
	char			 number[STORE_CASE_NUMBER_MAX];
	int64_t			 id, case_id, due[4];

	assert_non_null(fresh(f, &o));
	assert_int_equal(one_message(f->st, 1, T0), 0);
	assert_int_equal(store_alert_open(f->st), -1);	/* no table yet */
	assert_non_null(reopen(f, NULL));
	assert_int_equal(store_version(f->st), STORE_SCHEMA_VERSION);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM cases"), 1);
	assert_int_equal(store_alert_open(f->st), 0);

	assert_int_equal(store_txn_begin(f->st), 0);
	case_id = add_case(f->st, NUM, T0, number);
	memset(&a, 0, sizeof(a));
	a.at = T0;
	a.verdict = "possible";
	a.channel = "selfharm";
	a.word = "跳楼";
	a.msisdn = NUM;
	a.mask = "138****0001";
	a.case_id = case_id;
	assert_int_equal(store_alert_add(f->st, &a, &id), 0);
	a.mask = NULL;
	assert_int_equal(store_alert_add(f->st, &a, NULL), -1);
	assert_int_equal(store_txn_commit(f->st), 0);
	/* the number is encrypted in the row, masked beside it */
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM alerts WHERE "
	    "msisdn_enc LIKE '%" NUM "%'"), 0);

	assert_int_equal(store_alert_get(f->st, id, &got), 1);
	assert_string_equal(got.verdict, "possible");
	assert_string_equal(got.channel, "selfharm");
	assert_string_equal(got.word, "跳楼");
	assert_string_equal(got.mask, "138****0001");
	assert_string_equal(got.case_number, number);
	assert_int_equal(got.refusal_id, 0);
	assert_int_equal(got.logs, 1);
	assert_int_equal(got.acked_at, 0);
	assert_null(got.note);
	assert_non_null(got.text);
	store_alert_clear(&got);
	assert_int_equal(store_alert_get(f->st, id + 1, &got), 0);

	/* due for a repeat only once logged_at is old enough */
	assert_int_equal(store_alert_due(f->st, T0 - 1, due, 4), 0);
	assert_int_equal(store_alert_due(f->st, T0, due, 4), 1);
	assert_int_equal(due[0], id);
	assert_int_equal(store_alert_relogged(f->st, id, T0 + 600000), 0);
	assert_int_equal(store_alert_due(f->st, T0 + 1000, due, 4), 0);
	assert_int_equal(store_alert_get(f->st, id, &got), 1);
	assert_int_equal(got.logs, 2);
	store_alert_clear(&got);

	/* acknowledged once: who, when, what */
	assert_int_equal(store_alert_ack(f->st, id, "ops", "已回电", T0 + 5),
	    1);
	assert_int_equal(store_alert_ack(f->st, id, "ops", "again", T0 + 6),
	    0);
	assert_int_equal(store_alert_ack(f->st, id + 9, "ops", "x", T0), 0);
	assert_int_equal(store_alert_get(f->st, id, &got), 1);
	assert_string_equal(got.acked_by, "ops");
	assert_string_equal(got.note, "已回电");
	assert_int_equal(got.acked_at, T0 + 5);
	store_alert_clear(&got);
	assert_int_equal(store_alert_open(f->st), 0);
	assert_int_equal(store_alert_due(f->st, T0 + 9999999, due, 4), 0);
	assert_int_equal(store_alert_list(f->st, 1, list, 4, 0), 0);
	assert_int_equal(store_alert_list(f->st, 0, list, 4, 0), 1);
	store_alert_clear(&list[0]);
	store_alert_clear(NULL);
}

/* The id of the newest audit event. */
static int64_t
last_event(struct fixture *f)
{
	return peek(f, "SELECT MAX(id) FROM audit");
}

/*
 * Case rows (v8): three cases registered in one batch (event ev[0] names
 * them), the first dispatched to a lead unit and a co-unit with a new due
 * date in a second batch (ev[1]), the second given its result cut outside
 * a batch (ev[2]).  ev[3]: one past the last event.
 */
static void
cases_chain(struct fixture *f, int64_t ev[4])
{
	struct store_case_change	 ch;
	const char			*co[] = { "hbj" };
	char				 from[16];
	int64_t				 bad;
	int				 i;

	assert_int_equal(store_unit_add(f->st, "cgj", "城管局", NULL, T0), 0);
	assert_int_equal(store_unit_add(f->st, "hbj", "环保局", NULL, T0), 0);
	assert_int_equal(store_txn_begin(f->st), 0);
	for (i = 1; i <= 3; i++) {
		snprintf(from, sizeof(from), "1380013%04d", 8040 + i);
		assert_int_equal(add_case(f->st, from, T0,
		    (char[STORE_CASE_NUMBER_MAX]){0}), i);
	}
	/* a message undone takes its case (and its noted row) along */
	assert_int_equal(store_unit_begin(f->st), 0);
	add_case(f->st, "13800138049", T0, (char[STORE_CASE_NUMBER_MAX]){0});
	assert_int_equal(store_unit_end(f->st, 0), -1);
	assert_int_equal(store_txn_commit(f->st), 0);
	ev[0] = last_event(f);

	assert_int_equal(store_txn_begin(f->st), 0);
	memset(&ch, 0, sizeof(ch));
	ch.from = "registered";
	ch.to = "dispatched";
	ch.unit = "cgj";
	ch.dispatched_at = T0 + 1000;
	ch.due = "2026-12-11";
	ch.supervised = -1;
	ch.closed_at = -1;
	ch.rehandled = -1;
	ch.at = T0 + 1000;
	assert_int_equal(store_case_change(f->st, 1, &ch), 1);
	assert_int_equal(store_case_assign(f->st, 1, "cgj", co, 1, T0 + 1000),
	    0);
	assert_int_equal(store_txn_commit(f->st), 0);
	ev[1] = last_event(f);
	assert_int_equal(store_case_set_result_cut(f->st, 2, 5), 0);
	ev[2] = last_event(f);
	ev[3] = ev[2] + 1;
	assert_true(ev[0] < ev[1] && ev[1] < ev[2]);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM audit WHERE action = "
	    "'cases' AND detail LIKE '1:% 2:% 3:%'"), 1);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM audit WHERE action = "
	    "'cases' AND detail LIKE '%4:%'"), 0);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
}

static void
test_audit_cases(void **state)
{
	struct fixture		*f = *state;
	static const struct {
		const char	*sql;
		int		 bad;	/* ev[bad] */
	} t[] = {
		{ "UPDATE cases SET state = 'closed' WHERE id = 3", 0 },
		{ "UPDATE cases SET result = '已解决' WHERE id = 2", 2 },
		{ "UPDATE cases SET confidential = 1 WHERE id = 3", 0 },
		{ "UPDATE cases SET due = '2027-01-30' WHERE id = 1", 1 },
		{ "UPDATE cases SET unit = 'hbj' WHERE id = 1", 1 },
		/* the lead unit, which then may read the number */
		{ "UPDATE case_units SET unit = 'hbj' WHERE case_id = 1 "
		    "AND role = 1", 1 },
		{ "INSERT INTO case_units (case_id, unit, role, assigned_at, "
		    "active) VALUES (3, 'hbj', 1, 0, 1)", 0 },
		{ "UPDATE case_units SET role = 1 WHERE case_id = 1 "
		    "AND role = 2", 1 },
		/* numbers swapped between two cases */
		{ "UPDATE cases SET msisdn_enc = (SELECT msisdn_enc FROM cases "
		    "WHERE id = 1), msisdn_hash = (SELECT msisdn_hash FROM "
		    "cases WHERE id = 1) WHERE id = 3;"
		    "UPDATE cases SET msisdn_enc = (SELECT msisdn_enc FROM cases "
		    "WHERE id = 2) WHERE id = 1", 0 },
		/* whole rows swapped: ids exchanged */
		{ "UPDATE cases SET id = -1, number = 'x' WHERE id = 2;"
		    "UPDATE cases SET id = 2 WHERE id = 3;"
		    "UPDATE cases SET id = 3 WHERE id = -1", 0 },
		{ "DELETE FROM cases WHERE id = 3", 0 },
		{ "DELETE FROM case_units WHERE case_id = 1", 1 },
		/* a case forged into the table, chained by nobody */
		{ "INSERT INTO cases (number, category, msisdn_enc, "
		    "msisdn_hash, text, received_at, updated_at) SELECT "
		    "'HY9', category, msisdn_enc, msisdn_hash, text, "
		    "received_at, updated_at FROM cases WHERE id = 1", 3 },
	};
	int64_t			 ev[4], bad;
	size_t			 i;

	for (i = 0; i < nitems(t); i++) {
		assert_non_null(fresh(f, NULL));
		cases_chain(f, ev);
		tamper(f, t[i].sql);
		bad = 0;
		assert_int_equal(store_audit_verify(f->st, &bad), 1);
		if (bad != ev[t[i].bad])
			fail_msg("case %zu (%s): first bad %lld, want %lld", i,
			    t[i].sql, (long long)bad, (long long)ev[t[i].bad]);
	}
	/* the last write is what counts: a row changed back verifies */
	assert_non_null(fresh(f, NULL));
	cases_chain(f, ev);
	tamper(f, "UPDATE cases SET state = 'closed' WHERE id = 2");
	assert_int_equal(store_audit_verify(f->st, &bad), 1);
	tamper(f, "UPDATE cases SET state = 'registered' WHERE id = 2");
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	/* and the chain's own "cases" event cannot be edited */
	tamper(f, "UPDATE audit SET detail = replace(detail, '1:', '7:') "
	    "WHERE action = 'cases' AND id = (SELECT MIN(id) FROM audit "
	    "WHERE action = 'cases')");
	assert_int_equal(store_audit_verify(f->st, &bad), 1);
	assert_int_equal(bad, ev[0]);
}

/*
 * An existing database upgraded to v8: cases written before are declared
 * not covered (cases.covered names the first id covered) until written
 * again; rows written after are covered.
 */
static void
test_audit_cases_upgrade(void **state)
{
	struct fixture		*f = *state;
	struct store_opts	 o = { .max_version = 6 };
	int64_t			 bad, c1, c2, c3;

	assert_non_null(fresh(f, &o));
	c1 = add_case(f->st, "13800138051", T0, (char[STORE_CASE_NUMBER_MAX]){0});
	c2 = add_case(f->st, "13800138052", T0, (char[STORE_CASE_NUMBER_MAX]){0});
	assert_non_null(reopen(f, NULL));
	assert_int_equal(store_version(f->st), STORE_SCHEMA_VERSION);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM audit WHERE action = "
	    "'cases.covered' AND detail = 'cases>=3'"), 1);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	/* a second open chains nothing more */
	assert_non_null(reopen(f, NULL));
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM audit WHERE action = "
	    "'cases.covered'"), 1);
	c3 = add_case(f->st, "13800138053", T0, (char[STORE_CASE_NUMBER_MAX]){0});
	assert_int_equal(c3, 3);
	/* an old case written after the upgrade is covered from then on */
	assert_int_equal(store_case_set_result_cut(f->st, c2, 3), 0);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	tamper(f, "UPDATE cases SET state = 'closed' WHERE id = 1");
	assert_int_equal(store_audit_verify(f->st, &bad), 0);	/* c1: old */
	tamper(f, "UPDATE cases SET state = 'closed' WHERE id = 2");
	assert_int_equal(store_audit_verify(f->st, &bad), 1);
	assert_int_equal(bad, last_event(f));
	tamper(f, "UPDATE cases SET state = 'registered' WHERE id = 2;"
	    "UPDATE cases SET state = 'closed' WHERE id = 3");
	assert_int_equal(store_audit_verify(f->st, &bad), 1);
	assert_int_equal(bad, last_event(f) - 1);
	(void)c1;
}

static void
test_units(void **state)
{
	struct fixture		*f = *state;
	struct store_unit	 u, list[4];
	int			 n;

	assert_int_equal(store_unit_add(f->st, "cgj", "城管局", "0762-1", T0),
	    0);
	assert_int_equal(store_unit_add(f->st, "cgj", "别的", NULL, T0), 1);
	assert_int_equal(store_unit_add(f->st, "a b", "x", NULL, T0), -1);
	assert_int_equal(store_unit_add(f->st, "", "x", NULL, T0), -1);
	assert_int_equal(store_unit_add(f->st, "hbj", "", NULL, T0), -1);
	assert_int_equal(store_unit_add(f->st, "hbj", "环保局", NULL, T0), 0);
	assert_int_equal(store_unit_get(f->st, "cgj", &u), 1);
	assert_string_equal(u.name, "城管局");
	assert_string_equal(u.contact, "0762-1");
	store_unit_clear(&u);
	assert_int_equal(store_unit_get(f->st, "nope", &u), 0);
	assert_int_equal(n = store_unit_list(f->st, list, 4, 0), 2);
	assert_string_equal(list[0].code, "cgj");
	assert_null(list[1].contact);
	while (n > 0)
		store_unit_clear(&list[--n]);
	assert_int_equal(store_unit_list(f->st, list, 4, 2), 0);
}

/* Opening f's database with another key fails and says why. */
static void
open_wrong_key(struct fixture *f, int fill, const char *why)
{
	struct crypto	*other;
	uint8_t		 key[CRYPTO_KEYFILE_LEN];
	char		 err[512];

	memset(key, fill, sizeof(key));
	other = crypto_new(key);
	assert_null(store_open(f->path, other, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, why));
	crypto_free(other);
}

/* v7: the identity and key check value are made once and checked after. */
static void
test_keycheck(void **state)
{
	struct fixture	*f = *state;
	char		 ident[STORE_IDENT_LEN + 1];
	int64_t		 created;

	strlcpy(ident, store_ident(f->st, &created), sizeof(ident));
	assert_int_equal(strlen(ident), STORE_IDENT_LEN);
	assert_int_equal(strspn(ident, "0123456789abcdef"), STORE_IDENT_LEN);
	assert_true(created > 0);
	assert_int_equal(store_ident_new(f->st), 1);
	assert_non_null(reopen(f, NULL));
	assert_string_equal(store_ident(f->st, NULL), ident);
	assert_int_equal(store_ident_new(f->st), 0);
	/* the new row was checkpointed: the file itself says who it is */
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM keycheck"), 1);
	open_wrong_key(f, 0x11, "was written with another key");
	/* and the right key still opens it */
	assert_non_null(reopen(f, NULL));
	assert_string_equal(store_ident(f->st, NULL), ident);
}

/* Upgrading to v7 checks that the key decrypts the numbers stored. */
static void
test_keycheck_upgrade(void **state)
{
	struct fixture		*f = *state;
	struct store_opts	 o = { .max_version = 6 };
	struct store_inbound	 in;
	char			 number[STORE_CASE_NUMBER_MAX];
	int64_t			 id, group;

	assert_non_null(fresh(f, &o));
	memset(&in, 0, sizeof(in));
	in.smsc = "sim";
	in.source = NUM;
	in.dest = "12345";
	in.raw = "hi";
	in.rawlen = 2;
	in.text = "hi";
	in.concat_total = 1;
	in.concat_seq = 1;
	in.received_at = T0;
	assert_int_equal(store_inbound_add(f->st, &in, &id, &group),
	    STORE_IN_COMPLETE);
	store_close(f->st);
	f->st = NULL;
	open_wrong_key(f, 0x22, "does not decrypt its stored numbers");
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM keycheck"), 0);

	assert_non_null(reopen(f, NULL));
	assert_int_equal(store_version(f->st), STORE_SCHEMA_VERSION);
	assert_int_equal(store_ident_new(f->st), 1);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM keycheck"), 1);

	/* cases without any inbound row (an old import) are checked too */
	assert_non_null(fresh(f, &o));
	add_case(f->st, NUM, T0, number);
	store_close(f->st);
	f->st = NULL;
	open_wrong_key(f, 0x33, "does not decrypt its stored numbers");
	assert_non_null(reopen(f, NULL));
}

/* store_peek() reads what is there and never creates a file. */
static void
test_peek(void **state)
{
	struct fixture		*f = *state;
	struct store_peek	 pk;
	char			 err[512], p[160], kcv[CRYPTO_KCV_LEN + 1];
	char			 number[STORE_CASE_NUMBER_MAX];
	int			 fd;

	snprintf(p, sizeof(p), "%s/none.db", f->dir);
	assert_int_equal(store_peek(p, &pk, err, sizeof(err)), 0);
	assert_int_equal(pk.exists, 0);
	assert_int_equal(access(p, F_OK), -1);
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	assert_true(fd != -1);
	close(fd);
	assert_int_equal(store_peek(p, &pk, err, sizeof(err)), 0);
	assert_int_equal(pk.exists, 0);
	unlink(p);
	/* not a database at all */
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	assert_int_equal(write(fd, "this is no database, just some text that "
	    "is longer than a header of one hundred bytes, to be sure it "
	    "is read as one........................", 140), 140);
	close(fd);
	assert_int_equal(store_peek(p, &pk, err, sizeof(err)), -1);
	unlink(p);

	assert_int_equal(store_peek(f->path, &pk, err, sizeof(err)), 0);
	assert_int_equal(pk.exists, 1);
	assert_int_equal(pk.version, STORE_SCHEMA_VERSION);
	assert_int_equal(pk.has_data, 0);
	assert_string_equal(pk.ident, store_ident(f->st, NULL));
	assert_int_equal(crypto_check_value(f->crypto, kcv), 0);
	assert_string_equal(pk.kcv, kcv);
	add_case(f->st, NUM, T0, number);
	assert_int_equal(store_peek(f->path, &pk, err, sizeof(err)), 0);
	assert_int_equal(pk.has_data, 1);
}

/* Overwrite three pages in the middle of path with a pattern. */
static void
damage(const char *path)
{
	struct stat	 sb;
	char		 page[2048];
	off_t		 n, i;
	int		 fd;

	assert_int_equal(stat(path, &sb), 0);
	n = sb.st_size / 2048;
	assert_true(n >= 8);
	memset(page, 0x55, sizeof(page));
	fd = open(path, O_WRONLY);
	assert_true(fd != -1);
	for (i = n / 2; i < n / 2 + 3; i++)
		assert_int_equal(pwrite(fd, page, sizeof(page), i * 2048),
		    (ssize_t)sizeof(page));
	close(fd);
}

static void
count_line(void *arg, const char *line)
{
	(*(int *)arg)++;
}

/* A damaged file is refused at open; store_integrity() lists problems. */
static void
test_quick_check(void **state)
{
	struct fixture	*f = *state;
	char		 number[STORE_CASE_NUMBER_MAX], err[512];
	int		 i, lines = 0;

	assert_int_equal(store_txn_begin(f->st), 0);
	for (i = 0; i < 300; i++)
		add_case(f->st, NUM, T0 + i, number);
	assert_int_equal(store_txn_commit(f->st), 0);
	store_close(f->st);		/* checkpointed into the file */
	f->st = NULL;
	assert_int_equal(store_integrity(f->path, 1, 10, count_line, &lines,
	    err, sizeof(err)), 0);
	assert_int_equal(lines, 0);
	damage(f->path);
	assert_true(store_integrity(f->path, 0, 10, count_line, &lines, err,
	    sizeof(err)) > 0);
	assert_true(lines > 0);
	f->st = store_open(f->path, f->crypto, NULL, err, sizeof(err));
	assert_null(f->st);
	/* quick_check's finding, or the schema's page when it is hit */
	assert_true(strstr(err, "is damaged (quick_check: ") != NULL ||
	    strstr(err, "is damaged (schema: ") != NULL);
	assert_int_equal(store_integrity("/nonexistent/x.db", 1, 10,
	    count_line, &lines, err, sizeof(err)), -1);
}

/* A WAL deleted under the store: saved, then every write refused. */
static void
test_wal_deleted(void **state)
{
	struct fixture	*f = *state;
	char		 number[STORE_CASE_NUMBER_MAX], p[160];

	snprintf(p, sizeof(p), "%s-wal", f->path);
	assert_int_equal(store_wal_check(f->st), 0);
	assert_null(store_failed(f->st));
	assert_int_equal(store_txn_begin(f->st), 0);
	add_case(f->st, NUM, T0, number);
	add_case(f->st, NUM2, T0, number);
	assert_int_equal(unlink(p), 0);
	/* committed into the unlinked WAL, then saved into the file */
	assert_int_equal(store_txn_commit(f->st), 0);
	assert_non_null(store_failed(f->st));
	assert_non_null(strstr(store_failed(f->st), "was deleted"));
	assert_int_equal(store_wal_check(f->st), -1);
	assert_int_equal(store_txn_begin(f->st), -1);
	assert_int_equal(store_in_batch(f->st), 0);
	/* the data is in the database file, whatever becomes of the WAL */
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM cases"), 2);

	/* a replaced WAL (another inode) is noticed as well */
	assert_non_null(reopen(f, NULL));
	assert_int_equal(store_wal_check(f->st), 0);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(close(open(p, O_WRONLY | O_CREAT, 0600)), 0);
	assert_int_equal(store_wal_check(f->st), -1);
	assert_non_null(strstr(store_failed(f->st), "was replaced"));
}

/* The database file deleted under the store: copied back, then refused. */
static void
test_db_deleted(void **state)
{
	struct fixture	*f = *state;
	char		 number[STORE_CASE_NUMBER_MAX], ident[STORE_IDENT_LEN + 1];
	char		 saved[PATH_MAX];
	struct dirent	*de;
	DIR		*d;
	int		 fd;

	strlcpy(ident, store_ident(f->st, NULL), sizeof(ident));
	assert_int_equal(store_txn_begin(f->st), 0);
	add_case(f->st, NUM, T0, number);
	add_case(f->st, NUM2, T0, number);
	assert_int_equal(store_txn_commit(f->st), 0);
	assert_int_equal(unlink(f->path), 0);
	assert_int_equal(store_wal_check(f->st), -1);
	assert_non_null(strstr(store_failed(f->st), "database file"));
	assert_non_null(strstr(store_failed(f->st), "was deleted"));
	assert_int_equal(store_txn_begin(f->st), -1);
	/* the copy at the old path has everything, and is the same database */
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM cases"), 2);
	assert_non_null(reopen(f, NULL));
	assert_string_equal(store_ident(f->st, NULL), ident);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM cases"), 2);

	/* replaced by another file: that file is left alone */
	assert_int_equal(unlink(f->path), 0);
	fd = open(f->path, O_WRONLY | O_CREAT, 0600);
	assert_int_equal(write(fd, "other", 5), 5);
	close(fd);
	assert_int_equal(store_wal_check(f->st), -1);
	assert_non_null(strstr(store_failed(f->st), "was replaced"));
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM cases"), -1);
	/* the copy went beside it */
	assert_non_null(d = opendir(f->dir));
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "hotlined.db.saved-", 18) == 0)
			break;
	assert_non_null(de);
	snprintf(saved, sizeof(saved), "%s/%s", f->dir, de->d_name);
	closedir(d);
	assert_int_equal(testdb_peek(saved, "SELECT COUNT(*) FROM cases"), 2);
	unlink(saved);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_create, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_v14, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_v10, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_v17, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_v23, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_citizens_lag, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_citizens_lag_fail, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_citizens_lag_commit_fail,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_citizens_lag_two, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_citizens_map_table, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_v13, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_queue_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_from_v1, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_inbound_dedupe, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_inbound_retransmit_window,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_commit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_numbers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_case_numbers_batch, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_inbound_fresh, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_case_lookup, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_outbox, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_next_time_heads,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_restart, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_outbox_partial_retry,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_optout_and_rates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit_chain, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_plaintext_number,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_tamper, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit_tip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit_batch, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_v2_seals_tip,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_messages, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit_messages_upgrade,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_alerts_upgrade, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit_cases, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit_cases_upgrade,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_units, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keycheck, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keycheck_upgrade, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_peek, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quick_check, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wal_deleted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_db_deleted, setup,
		    teardown),
	};

	log_init(LOG_TO_STDERR, LOG_L_WARN, "test_store");
	/* before the first open: the store's VFS reads it once */
	snprintf(erofs, sizeof(erofs), "/tmp/test_store.erofs.%ld",
	    (long)getpid());
	setenv("HOTLINED_TEST_EROFS", erofs, 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
