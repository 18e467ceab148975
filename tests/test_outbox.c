/*
 * Unit tests of outbox.c over a real store in a temporary directory and
 * two fake bearers: which bearer a row goes out by (the citizen's own way
 * first), the order each citizen receives in (one row at a time, priority
 * first), and what a failure does (a temporary one backs off and retries,
 * doubling, attempts run out, a permanent one fails the row at once, a
 * bearer that refuses the job puts it back).  A row written in an open
 * batch waits for its commit; rows share the bearers with room in turn;
 * receipts are answered after their commit, or at once when early; two
 * outboxes over two stores keep to their own rows and bearers.
 */
#include "compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "commit.h"
#include "crypto.h"
#include "log.h"
#include "outbox.h"
#include "store.h"
#include "testdb.h"
#include "util.h"

#define NUM1		"13800138201"
#define NUM2		"13800138202"
#define NUM3		"13800138203"
#define NUM4		"13800138204"
#define NUM5		"13800138205"
#define MAX_ATTEMPTS	3
#define BACKOFF_MIN	5000		/* outbox.c's OUTBOX_BACKOFF_MIN */

/* A fake bearer: room as set, every job it took, by id. */
struct fake {
	const char	*name;
	int		 room;
	int64_t		 took[32];
	char		 to[32][16];
	int		 ntook;
	int		 refuse;	/* send() says "not now" */
};

struct fix {
	char			 dir[256], path[512];
	struct crypto		*crypto;
	struct store		*st;
	struct event_base	*base;
	struct commit		*commit;
	struct outbox		*outbox;
};

static const char	*watch;		/* the store's path: look at sends */
static int		 unseen;	/* jobs not committed when sent */
static struct fake	a = { "a", 0, { 0 }, { { 0 } }, 0, 0 };
static struct fake	b = { "b", 0, { 0 }, { { 0 } }, 0, 0 };

static int
fake_room(void *ctx)
{
	return ((struct fake *)ctx)->room;
}

static int
fake_send(void *ctx, const struct outbox_job *j)
{
	struct fake	*f = ctx;
	char		 sql[128];

	if (f->room <= 0 || f->ntook == (int)nitems(f->took) || f->refuse)
		return -1;
	/* handed out only once durable: another connection sees it */
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM outbox WHERE id = "
	    "%lld", (long long)j->id);
	if (watch != NULL && testdb_peek(watch, sql) != 1)
		unseen++;
	f->room--;
	f->took[f->ntook] = j->id;
	strlcpy(f->to[f->ntook], j->to, sizeof(f->to[0]));
	f->ntook++;
	return 0;
}

static const struct bearer_ops	fake_ops = { fake_room, fake_send };

static int64_t	add(struct store *, const char *, const char *, int, int64_t);

/* Let the loop run the pump (and commit what it wrote). */
static void
pump(struct fix *f)
{
	int	i;

	for (i = 0; i < 4; i++) {
		outbox_kick(f->outbox);
		event_base_loop(f->base, EVLOOP_NONBLOCK);
		commit_flush(f->commit);
	}
}

/* Queue one SMS to msisdn (answering inbound group via, 0: none). */
static int64_t
queue(struct fix *f, const char *msisdn, const char *text, int priority,
    int64_t via)
{
	int64_t	id;

	assert_int_equal(commit_unit_begin(f->commit), 0);
	id = add(f->st, msisdn, text, priority, via);
	assert_int_equal(commit_unit_end(f->commit, 1), 0);
	commit_flush(f->commit);
	return id;
}

/* One outbox row written in the caller's unit: its id. */
static int64_t
add(struct store *st, const char *msisdn, const char *text, int priority,
    int64_t via)
{
	struct store_outbox_new	o;
	int64_t			id = 0;

	memset(&o, 0, sizeof(o));
	o.kind = "ack";
	o.msisdn = msisdn;
	o.source = "12345";
	o.text = text;
	o.priority = priority;
	o.inbound = via;
	assert_int_equal(store_outbox_add(st, &o, &id), 0);
	return id;
}

/* An MO from msisdn received by bearer name: its group id. */
static int64_t
received(struct fix *f, const char *name, const char *msisdn)
{
	struct store_inbound	in;
	int64_t			id, group;

	memset(&in, 0, sizeof(in));
	in.smsc = name;
	in.source = msisdn;
	in.dest = "12345";
	in.data_coding = 8;
	in.raw = "CX";
	in.rawlen = 2;
	in.text = "CX";
	in.concat_total = 1;
	in.received_at = (int64_t)clock_now_ms();
	assert_int_equal(commit_unit_begin(f->commit), 0);
	assert_int_equal(store_inbound_add(f->st, &in, &id, &group),
	    STORE_IN_COMPLETE);
	assert_int_equal(commit_unit_end(f->commit, 1), 0);
	commit_flush(f->commit);
	return group;
}

static long long
row(struct fix *f, const char *col, int64_t id)
{
	char	sql[128];

	snprintf(sql, sizeof(sql), "SELECT %s FROM outbox WHERE id = %lld",
	    col, (long long)id);
	return testdb_peek(f->path, sql);
}

static void
reset_fakes(void)
{
	a.room = b.room = 0;
	a.ntook = b.ntook = 0;
	a.refuse = b.refuse = 0;
}

static int
setup(void **state)
{
	struct fix	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->st = testdb_open("test_outbox", f->dir, sizeof(f->dir),
	    f->path, sizeof(f->path), &f->crypto)) == NULL)
		return -1;
	log_init(LOG_TO_STDERR, LOG_L_WARN, "test_outbox");
	f->base = event_base_new();
	f->commit = commit_new(f->base, f->st, 1000, 256);
	f->outbox = outbox_new(f->base, f->st, f->commit, MAX_ATTEMPTS);
	outbox_add_bearer(f->outbox, a.name, &fake_ops, &a);
	outbox_add_bearer(f->outbox, b.name, &fake_ops, &b);
	reset_fakes();
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix	*f = *state;

	outbox_free(f->outbox);
	commit_free(f->commit);
	store_close(f->st);
	crypto_free(f->crypto);
	event_base_free(f->base);
	testdb_remove(f->dir, f->path);
	free(f);
	return 0;
}

/*
 * Order: one row at a time per citizen, the older first; another
 * citizen's row is not held up by it; the next goes once the first is
 * sent; across citizens, priority (a refusal's 10) goes before an older
 * row, though never before a citizen's own older one.
 */
static void
test_order(void **state)
{
	struct fix	*f = *state;
	int64_t		 r1, r2, r3, r4;
	const char	*id = "1";

	reset_fakes();
	r1 = queue(f, NUM1, "第一条", 0, 0);
	r2 = queue(f, NUM1, "第二条", 0, 0);
	r3 = queue(f, NUM2, "另一位", 0, 0);
	a.room = 10;
	pump(f);
	assert_int_equal(a.ntook, 2);
	assert_int_equal(a.took[0], r1);
	assert_int_equal(a.took[1], r3);
	assert_int_equal(row(f, "state", r1), STORE_OUT_INFLIGHT);
	assert_int_equal(row(f, "state", r2), STORE_OUT_QUEUED);
	/* the first is sent: the second may go */
	outbox_sent(f->outbox, r1, "a", &id, 1);
	commit_flush(f->commit);
	assert_int_equal(row(f, "state", r1), STORE_OUT_SENT);
	pump(f);
	assert_int_equal(a.ntook, 3);
	assert_int_equal(a.took[2], r2);
	/* priority first across citizens: room for one */
	reset_fakes();
	r1 = queue(f, NUM3, "回执", 0, 0);
	r4 = queue(f, NUM4, "拒绝", 10, 0);
	a.room = 1;
	pump(f);
	assert_int_equal(a.ntook, 1);
	assert_int_equal(a.took[0], r4);
	assert_string_equal(a.to[0], NUM4);
	id = "2";
	outbox_sent(f->outbox, r4, "a", &id, 1);
	commit_flush(f->commit);
	a.room = 1;
	pump(f);
	assert_int_equal(a.ntook, 2);
	assert_int_equal(a.took[1], r1);
	assert_string_equal(a.to[1], NUM3);
	id = "3";
	outbox_sent(f->outbox, r1, "a", &id, 1);
	id = "4";
	outbox_sent(f->outbox, r3, "a", &id, 1);
	id = "5";
	outbox_sent(f->outbox, r2, "a", &id, 1);
	commit_flush(f->commit);
}

/*
 * Pick: a first attempt goes out by the bearer its citizen wrote through,
 * and waits while that one is full, though another has room; a row with
 * no such bearer takes any.
 */
static void
test_pick(void **state)
{
	struct fix	*f = *state;
	int64_t		 via, r1, r2;
	const char	*id = "6";

	reset_fakes();
	via = received(f, "b", NUM1);
	r1 = queue(f, NUM1, "经b回复", 0, via);
	r2 = queue(f, NUM2, "任意", 0, 0);
	a.room = 10;
	pump(f);
	/* b is full: r1 waits; r2 goes by a */
	assert_int_equal(a.ntook, 1);
	assert_int_equal(a.took[0], r2);
	assert_int_equal(row(f, "state", r1), STORE_OUT_QUEUED);
	b.room = 1;
	pump(f);
	assert_int_equal(b.ntook, 1);
	assert_int_equal(b.took[0], r1);
	assert_int_equal(a.ntook, 1);
	outbox_sent(f->outbox, r1, "b", &id, 1);
	id = "7";
	outbox_sent(f->outbox, r2, "a", &id, 1);
	commit_flush(f->commit);
	assert_int_equal(row(f, "state", r1), STORE_OUT_SENT);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM outbox "
	    "WHERE smsc = 'b'"), 1);
}

/*
 * Backoff: a temporary failure puts the row back, due 5 s later (plus at
 * most a quarter of jitter), counted; the attempts run out at
 * MAX_ATTEMPTS and the row fails; a permanent failure fails it at once.
 */
static void
test_backoff(void **state)
{
	struct fix	*f = *state;
	int64_t		 r1, r2, before, next;
	int		 i;

	reset_fakes();
	r1 = queue(f, NUM1, "重试", 0, 0);
	a.room = 10;
	pump(f);
	assert_int_equal(a.ntook, 1);
	before = (int64_t)clock_now_ms();
	outbox_failed(f->outbox, r1, 1, "throttled");
	commit_flush(f->commit);
	next = row(f, "next_attempt_at", r1);
	assert_int_equal(row(f, "state", r1), STORE_OUT_QUEUED);
	assert_true(next >= before + BACKOFF_MIN);
	assert_true(next <= (int64_t)clock_now_ms() + BACKOFF_MIN +
	    BACKOFF_MIN / 4 + 1);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM outbox "
	    "WHERE last_error = 'throttled'"), 1);
	/* not due yet: the pump leaves it */
	pump(f);
	assert_int_equal(a.ntook, 1);
	/* attempts run out */
	for (i = 1; i < MAX_ATTEMPTS; i++) {
		assert_int_equal(commit_unit_begin(f->commit), 0);
		assert_int_equal(store_outbox_inflight(f->st, r1,
		    (int64_t)clock_now_ms()), 0);
		assert_int_equal(commit_unit_end(f->commit, 1), 0);
		commit_flush(f->commit);
		outbox_failed(f->outbox, r1, 1, "throttled");
		commit_flush(f->commit);
	}
	assert_int_equal(row(f, "state", r1), STORE_OUT_FAILED);
	/* a permanent error fails at once */
	r2 = queue(f, NUM2, "永久", 0, 0);
	pump(f);
	assert_int_equal(a.took[a.ntook - 1], r2);
	outbox_failed(f->outbox, r2, 0, "invalid destination");
	commit_flush(f->commit);
	assert_int_equal(row(f, "state", r2), STORE_OUT_FAILED);
	assert_int_equal(row(f, "attempts", r2), 1);
}

/*
 * A row written in an open batch is not durable yet: a kick while it is
 * open waits for its commit, and the bearer is handed the row only once
 * another connection can read it.
 */
static void
test_after_commit(void **state)
{
	struct fix	*f = *state;
	int64_t		 r1;
	const char	*id = "8";

	reset_fakes();
	a.room = 10;
	watch = f->path;
	unseen = 0;
	assert_int_equal(commit_unit_begin(f->commit), 0);
	r1 = add(f->st, NUM1, "提交后才发", 0, 0);
	assert_int_equal(commit_unit_end(f->commit, 1), 0);
	outbox_kick(f->outbox);
	/* the kick, the commit when the loop is idle, then the pump */
	event_base_loop(f->base, EVLOOP_NONBLOCK);
	event_base_loop(f->base, EVLOOP_NONBLOCK);
	commit_flush(f->commit);		/* the pump's own batch */
	assert_int_equal(a.ntook, 1);
	assert_int_equal(a.took[0], r1);
	assert_int_equal(unseen, 0);
	assert_int_equal(row(f, "state", r1), STORE_OUT_INFLIGHT);
	outbox_sent(f->outbox, r1, "a", &id, 1);
	commit_flush(f->commit);
	watch = NULL;
}

/*
 * Rows for no bearer in particular go to the bearers with room in turn;
 * a bearer that refuses a job (send() -1) puts its row back, due after
 * the first backoff.
 */
static void
test_turns(void **state)
{
	struct fix	*f = *state;
	static const char *nums[] = { NUM1, NUM2, NUM3, NUM4 };
	int64_t		 r[4], before;
	int		 i;

	reset_fakes();
	for (i = 0; i < 4; i++)
		r[i] = queue(f, nums[i], "轮流", 0, 0);
	queue(f, NUM5, "被拒", 0, 0);
	a.room = b.room = 2;
	pump(f);
	assert_int_equal(a.ntook, 2);
	assert_int_equal(b.ntook, 2);
	assert_int_equal(a.took[0], r[0]);
	assert_int_equal(b.took[0], r[1]);
	/* full, and then a bearer that will not take it */
	reset_fakes();
	a.room = 1;
	a.refuse = 1;
	before = (int64_t)clock_now_ms();
	pump(f);
	assert_int_equal(a.ntook, 0);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM outbox "
	    "WHERE last_error = 'bearer refused' AND state = 0"), 1);
	assert_true(testdb_peek(f->path, "SELECT next_attempt_at FROM outbox "
	    "WHERE last_error = 'bearer refused'") >= before + BACKOFF_MIN);
}

/* The second temporary failure waits twice the first. */
static void
test_backoff_doubles(void **state)
{
	struct fix	*f = *state;
	int64_t		 r1, before;

	reset_fakes();
	r1 = queue(f, NUM1, "两次", 0, 0);
	a.room = 10;
	pump(f);
	outbox_failed(f->outbox, r1, 1, "throttled");
	commit_flush(f->commit);
	assert_int_equal(commit_unit_begin(f->commit), 0);
	assert_int_equal(store_outbox_inflight(f->st, r1,
	    (int64_t)clock_now_ms()), 0);
	assert_int_equal(commit_unit_end(f->commit, 1), 0);
	commit_flush(f->commit);
	before = (int64_t)clock_now_ms();
	outbox_failed(f->outbox, r1, 1, "throttled");
	commit_flush(f->commit);
	assert_int_equal(row(f, "state", r1), STORE_OUT_QUEUED);
	assert_int_equal(row(f, "attempts", r1), 2);
	assert_true(row(f, "next_attempt_at", r1) >= before + 2 * BACKOFF_MIN);
	assert_true(row(f, "next_attempt_at", r1) <= (int64_t)clock_now_ms() +
	    2 * BACKOFF_MIN + BACKOFF_MIN / 2 + 1);
}

static int	rcpt_ok = -1;

static void
rcpt_done(void *arg, int ok)
{
	rcpt_ok = ok;
}

/*
 * A receipt for a row sent is recorded and answered after its commit; a
 * receipt for an id not known yet is answered at once (it holds no slot
 * of the SMSC's window) and leaves the rows alone.
 */
static void
test_receipt(void **state)
{
	struct fix	*f = *state;
	int64_t		 r1;
	const char	*id = "m-41";

	reset_fakes();
	r1 = queue(f, NUM1, "回执", 0, 0);
	a.room = 1;
	pump(f);
	outbox_sent(f->outbox, r1, "a", &id, 1);
	commit_flush(f->commit);
	rcpt_ok = -1;
	outbox_receipt(f->outbox, "a", "m-41", NULL, "m-41",
	    STORE_RCPT_DELIVERED, "DELIVRD", "000", rcpt_done, NULL);
	assert_int_equal(rcpt_ok, -1);		/* not before the commit */
	commit_flush(f->commit);
	assert_int_equal(rcpt_ok, 1);
	assert_int_equal(row(f, "state", r1), STORE_OUT_DELIVERED);
	rcpt_ok = -1;
	outbox_receipt(f->outbox, "a", "m-99", NULL, "m-99",
	    STORE_RCPT_DELIVERED, "DELIVRD", "000", rcpt_done, NULL);
	assert_int_equal(rcpt_ok, 1);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM outbox "
	    "WHERE state = 3"), 1);
}

/*
 * Two outboxes, each over its own store and commit with its own bearer:
 * each pumps its rows to its bearer only.
 */
static void
test_two_outboxes(void **state)
{
	struct fix	*f = *state;
	struct fix	 g;
	int64_t		 r1, r2;
	int		 i;

	memset(&g, 0, sizeof(g));
	g.st = testdb_open("test_outbox_two", g.dir, sizeof(g.dir), g.path,
	    sizeof(g.path), &g.crypto);
	assert_non_null(g.st);
	g.base = f->base;
	g.commit = commit_new(g.base, g.st, 1000, 256);
	g.outbox = outbox_new(g.base, g.st, g.commit, MAX_ATTEMPTS);
	reset_fakes();
	outbox_add_bearer(g.outbox, b.name, &fake_ops, &b);
	r1 = queue(f, NUM1, "甲库", 0, 0);
	r2 = queue(&g, NUM1, "乙库", 0, 0);
	a.room = b.room = 10;
	for (i = 0; i < 4; i++) {
		pump(f);
		pump(&g);
	}
	/* f's outbox has both bearers; the rows of g go by g's only */
	assert_int_equal(a.ntook + b.ntook, 2);
	assert_int_equal(row(f, "state", r1), STORE_OUT_INFLIGHT);
	assert_int_equal(row(&g, "state", r2), STORE_OUT_INFLIGHT);
	assert_int_equal(testdb_peek(g.path, "SELECT COUNT(*) FROM outbox"),
	    1);
	assert_int_equal(b.took[b.ntook - 1], r2);
	outbox_free(g.outbox);
	commit_free(g.commit);
	store_close(g.st);
	crypto_free(g.crypto);
	testdb_remove(g.dir, g.path);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_after_commit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_turns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backoff_doubles, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_receipt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_outboxes, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("test_outbox", tests, NULL, NULL);
}
