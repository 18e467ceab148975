/*
 * Unit tests for commit.c over a real store: lines logged through
 * commit_log() appear only after their batch committed, a message's lines
 * go when its savepoint is undone, a failed batch logs none of them; a
 * failed commit puts the commit in a failing state that takes no writes,
 * holds refusals until its retry, logs once when it starts and once when
 * it ends, and counts every failed try.  One unit of work that fails in
 * a batch of many is undone alone: the others commit and are answered.
 * Two group commits over two stores in one process are independent: one
 * failing refuses nothing of the other, and each batch answers and logs
 * its own.  The log goes to a file the test reads back.
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
#include "store_vfs.h"
#include "lifecycle.h"
#include "log.h"
#include "store.h"
#include "testdb.h"

struct fixture {
	char			 dir[256], path[512], logpath[512];
	struct crypto		*crypto;
	struct store		*st;
	struct event_base	*base;
	struct commit		*c;
};

static int	answers, answer_ok = -1;

static void
answered(void *arg, int ok)
{
	(void)arg;
	answers++;
	answer_ok = ok;
}

/* How many lines of the log file contain s. */
static int
log_count(const struct fixture *f, const char *s)
{
	char	 line[4096];
	FILE	*fp;
	int	 n = 0;

	if ((fp = fopen(f->logpath, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strstr(line, s) != NULL)
			n++;
	fclose(fp);
	return n;
}

/* Run the loop until answers reaches n, at most ms. */
static void
run_until_answers(struct fixture *f, int n, int ms)
{
	struct timeval	tv = { 0, 10000 };
	int		i;

	for (i = 0; i < ms / 10 && answers < n; i++) {
		event_base_loopexit(f->base, &tv);
		event_base_dispatch(f->base);
	}
}

static int
setup(void **state)
{
	struct fixture	*f;
	uint8_t		 key[CRYPTO_KEYFILE_LEN];
	char		 err[256];

	f = calloc(1, sizeof(*f));
	if (f == NULL || testdb_make("test_commit", f->dir, sizeof(f->dir),
	    f->path, sizeof(f->path)) == -1)
		return -1;
	snprintf(f->logpath, sizeof(f->logpath), "%s/log", f->dir);
	log_init(LOG_TO_FILE, LOG_L_INFO, "test_commit");
	if (log_reopen(f->logpath) == -1)
		return -1;
	memset(key, 0x5a, sizeof(key));
	f->crypto = crypto_new(key);
	if ((f->st = store_open(f->path, f->crypto, NULL, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "# store_open: %s\n", err);
		return -1;
	}
	f->base = event_base_new();
	f->c = commit_new(f->base, f->st, 1000, 256);
	answers = 0;
	answer_ok = -1;
	*state = f;
	return 0;
}

/* The same with wal-sync thread: answers wait for the sync thread. */
static int
setup_thread(void **state)
{
	struct fixture	*f;
	char		 err[256];

	if (setup(state) == -1)
		return -1;
	f = *state;
	if (commit_sync_thread(f->c, f->base, err, sizeof(err)) == -1) {
		fprintf(stderr, "# commit_sync_thread: %s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	commit_sync_hold_test(f->c, 0);	/* a test that failed held it */
	commit_free(f->c);
	store_close(f->st);
	crypto_free(f->crypto);
	event_base_free(f->base);
	log_close();
	unlink(f->logpath);
	testdb_remove(f->dir, f->path);
	free(f);
	return 0;
}

/* Lines wait for the commit; an undone message's lines never appear. */
static void
test_log_after_commit(void **state)
{
	struct fixture	*f = *state;
	size_t		 mark;

	commit_log(f->c, "intake case=OUTSIDE");	/* no batch: at once */
	assert_int_equal(log_count(f, "case=OUTSIDE"), 1);
	assert_int_equal(commit_join(f->c), 0);
	commit_log(f->c, "intake case=KEPT%d", 1);
	mark = commit_log_mark(f->c);
	commit_log(f->c, "intake case=UNDONE");
	commit_log_undo(f->c, mark);
	commit_log(f->c, "intake case=KEPT%d", 2);
	assert_int_equal(log_count(f, "case=KEPT"), 0);	/* not yet */
	commit_flush(f->c);
	assert_int_equal(log_count(f, "case=KEPT1"), 1);
	assert_int_equal(log_count(f, "case=KEPT2"), 1);
	assert_int_equal(log_count(f, "case=UNDONE"), 0);
	/* a mark beyond the end changes nothing */
	assert_int_equal(commit_join(f->c), 0);
	commit_log_undo(f->c, 1 << 20);
	commit_log(f->c, "intake case=NEXT");
	commit_flush(f->c);
	assert_int_equal(log_count(f, "case=NEXT"), 1);
}

/* A failed commit: no lines, no writes, refusals held, one log each way. */
static void
test_failing(void **state)
{
	struct fixture	*f = *state;
	uint64_t	 committed, failed, refused, undone;
	size_t		 largest;
	int		 failing, i;

	assert_int_equal(commit_join(f->c), 0);
	commit_log(f->c, "intake case=LOST");
	commit_after(f->c, answered, NULL);
	commit_after(f->c, answered, NULL);
	store_txn_rollback(f->st);	/* what SQLite does on SQLITE_FULL */
	/* the doomed batch takes nothing more, and ends at once */
	assert_int_equal(commit_join(f->c), -1);
	run_until_answers(f, 2, 2000);
	assert_int_equal(answers, 2);
	assert_int_equal(answer_ok, 0);
	assert_int_equal(log_count(f, "case=LOST"), 0);
	assert_int_equal(log_count(f, "commit failing"), 1);
	commit_health(f->c, &failing, &refused, &undone);
	assert_int_equal(failing, 1);
	assert_int_equal(undone, 2);
	commit_stats(f->c, &committed, &failed, &largest);
	assert_int_equal(failed, 1);

	/* until the retry: no batch, refusals wait for it */
	for (i = 0; i < 5; i++)
		assert_int_equal(commit_join(f->c), -1);
	assert_false(store_in_batch(f->st));
	answers = 0;
	commit_refuse(f->c, answered, NULL);
	commit_refuse(f->c, answered, NULL);
	assert_int_equal(answers, 0);		/* held */
	run_until_answers(f, 2, 2000);
	assert_int_equal(answers, 2);
	assert_int_equal(answer_ok, 0);
	commit_health(f->c, &failing, &refused, &undone);
	assert_int_equal(refused, 2);

	/* the retry batch commits: recovered, said once, with the counts */
	assert_int_equal(commit_join(f->c), 0);
	commit_log(f->c, "intake case=BACK");
	commit_flush(f->c);
	assert_int_equal(log_count(f, "case=BACK"), 1);
	assert_int_equal(log_count(f, "commit failing"), 1);
	assert_int_equal(log_count(f, "commit recovered"), 1);
	assert_int_equal(log_count(f, "failed=1 undone=2 refused=2"), 1);
	commit_health(f->c, &failing, &refused, &undone);
	assert_int_equal(failing, 0);
}

/* What each unit of test_unit_alone was answered: -1 not yet, 0, 1. */
static int	unit_ok[20];

static void
unit_answered(void *arg, int ok)
{
	*(int *)arg = ok;
	answers++;
}

/* The lifecycle notify hook of a failing transition (a store error). */
static int
hook_fails(void *arg, struct store *st, const struct store_case *c,
    const struct lc_event *ev)
{
	(void)arg;
	(void)st;
	(void)c;
	(void)ev;
	return -1;
}

/*
 * Twenty units in one batch, each an MO row, an audit event and a log
 * line; the tenth also supervises a case whose notification fails (as a
 * survey reply's re-handling may), so lifecycle_apply() has written half
 * a transition when it reports LC_ERROR.  That unit alone is undone: the
 * nineteen others commit and are acknowledged, the case and the audit
 * chain are as before it, and its refusal is answered after the pause.
 */
static void
test_unit_alone(void **state)
{
	static const struct lc_actor	 sys = { LC_ROLE_SYSTEM, "test", NULL };
	struct fixture			*f = *state;
	struct store_case_new		 cn;
	struct store_case		 c;
	struct store_inbound		 in;
	struct lc_args			 a;
	char				 num[16], text[32], err[256];
	char				 number[STORE_CASE_NUMBER_MAX];
	int64_t				 case_id, id, group, bad;
	int				 i, ok, refused = -1;

	/* a case, written by a tool in a transaction of its own */
	memset(&cn, 0, sizeof(cn));
	cn.msisdn = "13800138000";
	cn.category = "complaint";
	cn.text = "路灯不亮";
	cn.received_at = 1764547200000LL;
	cn.due = "2026-12-10";
	assert_int_equal(commit_txn_begin(f->st), 0);
	assert_int_equal(store_case_add(f->st, &cn, &case_id, number), 0);
	assert_int_equal(commit_txn_end(f->st, 1), 0);
	lifecycle_set_notify(hook_fails, NULL);

	for (i = 0; i < 20; i++) {
		unit_ok[i] = -1;
		snprintf(num, sizeof(num), "138001380%02d", i + 1);
		snprintf(text, sizeof(text), "第%d条", i + 1);
		memset(&in, 0, sizeof(in));
		in.smsc = "smsc1";
		in.source = num;
		in.dest = "12345";
		in.data_coding = 8;
		in.raw = text;
		in.rawlen = strlen(text);
		in.text = text;
		in.concat_total = 1;
		in.received_at = 1764547200000LL + i;
		assert_int_equal(commit_unit_begin(f->c), 0);
		ok = store_inbound_add(f->st, &in, &id, &group) ==
		    STORE_IN_COMPLETE && store_audit(f->st, 0, "test",
		    "unit", text, in.received_at) == 0;
		commit_log(f->c, "unit case=U%02d", i + 1);
		if (i == 9) {
			memset(&a, 0, sizeof(a));
			a.supervision = LC_SUP_OVERDUE;
			assert_int_equal(lifecycle_apply(f->st, case_id,
			    LC_OP_SUPERVISE, &a, &sys, in.received_at, err,
			    sizeof(err)), LC_ERROR);
			ok = 0;
		}
		if (commit_unit_end(f->c, ok) == 0)
			commit_after(f->c, unit_answered, &unit_ok[i]);
		else {
			assert_int_equal(i, 9);
			commit_refuse(f->c, unit_answered, &refused);
		}
	}
	commit_flush(f->c);
	lifecycle_set_notify(NULL, NULL);
	for (i = 0; i < 20; i++)
		assert_int_equal(unit_ok[i], i == 9 ? -1 : 1);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM inbound"),
	    19);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM audit "
	    "WHERE action = 'unit'"), 19);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM audit "
	    "WHERE detail = '第10条'"), 0);
	assert_int_equal(log_count(f, "case=U"), 19);
	assert_int_equal(log_count(f, "case=U10"), 0);
	/* the half transition is gone, and the chain holds */
	assert_int_equal(store_case_get(f->st, case_id, &c), 1);
	assert_int_equal(c.supervised, 0);
	assert_string_equal(c.state, "registered");
	store_case_clear(&c);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM audit "
	    "WHERE action LIKE 'case.%'"), 0);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	/* the undone unit's input is answered "try again", after a pause */
	assert_int_equal(refused, -1);
	run_until_answers(f, 20, 3000);
	assert_int_equal(refused, 0);
}

/* Units do not nest; outside the loop a unit has a transaction of its own. */
static void
test_unit_rules(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(commit_unit_begin(f->c), 0);
	assert_int_equal(commit_unit_begin(f->c), -1);	/* nested */
	assert_int_equal(commit_txn_begin(f->st), -1);	/* inside the batch */
	assert_int_equal(store_audit(f->st, 0, "test", "kept", "{}", 1), 0);
	assert_int_equal(commit_unit_end(f->c, 1), 0);
	assert_int_equal(commit_unit_end(f->c, 1), 0);	/* none open: nothing */
	assert_int_equal(commit_unit_end(f->c, 0), -1);
	commit_flush(f->c);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM audit "
	    "WHERE action = 'kept'"), 1);
	/* a tool's transaction: committed, or undone whole */
	assert_int_equal(commit_txn_begin(f->st), 0);
	assert_int_equal(store_audit(f->st, 0, "test", "tool", "{}", 2), 0);
	assert_int_equal(commit_txn_end(f->st, 0), -1);
	assert_int_equal(commit_txn_begin(f->st), 0);
	assert_int_equal(store_audit(f->st, 0, "test", "tool", "{}", 3), 0);
	assert_int_equal(commit_txn_end(f->st, 1), 0);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM audit "
	    "WHERE action = 'tool'"), 1);
	assert_int_equal(commit_txn_end(f->st, 1), -1);	/* none open */
}

/* The order answers ran in, by the number each was given. */
static int		 order[300];
static int		 norder;
static struct commit	*order_commit;	/* borrowed: the fixture's */

static void
ordered(void *arg, int ok)
{
	assert_int_equal(ok, 1);
	order[norder++] = (int)(intptr_t)arg;
}

/* An answer that writes (as a pump would): its batch is the next one. */
static void
ordered_writes(void *arg, int ok)
{
	ordered(arg, ok);
	assert_int_equal(commit_unit_begin(order_commit), 0);
	assert_int_equal(commit_unit_end(order_commit, 1), 0);
	commit_after(order_commit, ordered, (void *)(intptr_t)1000);
}

/*
 * Answers run after their batch commits, never before, in the order they
 * were given; one given by an answer waits for the next batch; a full
 * batch (256 here) commits by itself, but not inside a unit: at its end.
 */
static void
test_answer_order(void **state)
{
	struct fixture	*f = *state;
	int		 i;

	order_commit = f->c;
	norder = 0;
	for (i = 0; i < 10; i++) {
		assert_int_equal(commit_unit_begin(f->c), 0);
		assert_int_equal(commit_unit_end(f->c, 1), 0);
		commit_after(f->c, i == 4 ? ordered_writes : ordered,
		    (void *)(intptr_t)i);
	}
	assert_int_equal(norder, 0);		/* not before the commit */
	commit_flush(f->c);
	assert_int_equal(norder, 10);
	for (i = 0; i < 10; i++)
		assert_int_equal(order[i], i);
	commit_flush(f->c);			/* the answer's batch */
	assert_int_equal(norder, 11);
	assert_int_equal(order[10], 1000);
	/* a full batch inside a unit commits when the unit ends */
	norder = 0;
	assert_int_equal(commit_unit_begin(f->c), 0);
	for (i = 0; i < 256; i++)
		commit_after(f->c, ordered, (void *)(intptr_t)i);
	assert_int_equal(norder, 0);
	assert_int_equal(commit_unit_end(f->c, 1), 0);
	assert_int_equal(norder, 256);
	for (i = 0; i < 256; i++)
		assert_int_equal(order[i], i);
}

/* A refusal while commits work waits a pause too, then is answered. */
static void
test_refuse_pause(void **state)
{
	struct fixture	*f = *state;
	int		 failing;
	uint64_t	 refused, undone;

	commit_refuse(f->c, answered, NULL);
	assert_int_equal(answers, 0);
	run_until_answers(f, 1, 3000);
	assert_int_equal(answers, 1);
	assert_int_equal(answer_ok, 0);
	commit_health(f->c, &failing, &refused, &undone);
	assert_int_equal(failing, 0);
	assert_int_equal(refused, 1);
	/* commit_release() answers what waits at once (shutdown) */
	commit_refuse(f->c, answered, NULL);
	commit_release(f->c);
	assert_int_equal(answers, 2);
}

static int	other_answers, other_ok = -1;

static void
other_answered(void *arg, int ok)
{
	other_answers++;
	other_ok = ok;
}

/*
 * Two group commits over two stores: a batch of one commits without the
 * other's, and while the first fails (its batch undone, refusing input)
 * the second takes writes, commits, answers and logs its own lines.
 */
static void
test_two_commits(void **state)
{
	struct fixture	*f = *state;
	struct commit	*c2;
	struct crypto	*crypto2;
	struct store	*st2;
	char		 dir2[256], path2[512];
	uint64_t	 committed, failed, refused, undone;
	size_t		 largest;
	int		 failing;

	st2 = testdb_open("test_commit_two", dir2, sizeof(dir2), path2,
	    sizeof(path2), &crypto2);
	assert_non_null(st2);
	c2 = commit_new(f->base, st2, 1000, 256);
	other_answers = 0;
	/* one batch open in each: flushing one leaves the other open */
	assert_int_equal(commit_unit_begin(f->c), 0);
	assert_int_equal(store_audit(f->st, 0, "test", "one", "{}", 1), 0);
	assert_int_equal(commit_unit_end(f->c, 1), 0);
	commit_after(f->c, answered, NULL);
	assert_int_equal(commit_unit_begin(c2), 0);
	assert_int_equal(store_audit(st2, 0, "test", "two", "{}", 1), 0);
	assert_int_equal(commit_unit_end(c2, 1), 0);
	commit_after(c2, other_answered, NULL);
	commit_log(c2, "intake case=OTHER");
	commit_flush(c2);
	assert_int_equal(other_answers, 1);
	assert_int_equal(other_ok, 1);
	assert_int_equal(answers, 0);
	assert_true(store_in_batch(f->st));
	assert_int_equal(log_count(f, "case=OTHER"), 1);
	assert_int_equal(testdb_peek(path2, "SELECT COUNT(*) FROM audit "
	    "WHERE action = 'two'"), 1);
	/* the first fails: the second goes on */
	store_txn_rollback(f->st);	/* what SQLite does on SQLITE_FULL */
	assert_int_equal(commit_join(f->c), -1);
	run_until_answers(f, 1, 2000);
	assert_int_equal(answers, 1);
	assert_int_equal(answer_ok, 0);
	assert_int_equal(commit_join(f->c), -1);
	assert_int_equal(commit_unit_begin(c2), 0);
	assert_int_equal(store_audit(st2, 0, "test", "two", "{}", 2), 0);
	assert_int_equal(commit_unit_end(c2, 1), 0);
	commit_after(c2, other_answered, NULL);
	commit_flush(c2);
	assert_int_equal(other_answers, 2);
	assert_int_equal(other_ok, 1);
	commit_health(f->c, &failing, &refused, &undone);
	assert_int_equal(failing, 1);
	commit_health(c2, &failing, &refused, &undone);
	assert_int_equal(failing, 0);
	assert_int_equal(undone, 0);
	commit_stats(c2, &committed, &failed, &largest);
	assert_int_equal(committed, 2);
	assert_int_equal(failed, 0);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM audit "
	    "WHERE action = 'one'"), 0);
	commit_free(c2);
	store_close(st2);
	crypto_free(crypto2);
	testdb_remove(dir2, path2);
}

/* A row for the outbox, to 13800138000. */
static void
outbox_row(struct store_outbox_new *o)
{
	memset(o, 0, sizeof(*o));
	o->kind = "ack";
	o->msisdn = "13800138000";
	o->source = "12345";
	o->text = "held";
}

/*
 * wal-sync thread: a batch commits (another connection sees its rows) but
 * is answered and logged only once the sync thread has synced the WAL;
 * meanwhile the loop commits the next batch, whose answers wait behind
 * the first's, and the outbox hands out no SMS queued in either.  The
 * loop's thread never syncs the WAL itself.
 */
static void
test_sync_thread(void **state)
{
	struct fixture		*f = *state;
	struct store_outbox_new	 o;
	struct store_outmsg	 rows[4];
	int64_t			 id;
	long			 d0, m0, d1, m1;
	int			 i;

	outbox_row(&o);
	order_commit = f->c;
	norder = 0;
	store_vfs_sync_counts(&d0, &m0);
	commit_sync_hold_test(f->c, 1);
	for (i = 0; i < 2; i++) {
		assert_int_equal(commit_unit_begin(f->c), 0);
		assert_int_equal(store_audit(f->st, 0, "test", "held", "{}",
		    i + 1), 0);
		if (i == 0)
			assert_int_equal(store_outbox_add(f->st, &o, &id), 0);
		assert_int_equal(commit_unit_end(f->c, 1), 0);
		commit_after(f->c, ordered, (void *)(intptr_t)i);
		commit_log(f->c, "intake case=HELD%d", i);
		/* the loop commits the batch when it is idle */
		run_until_answers(f, 1, 100);
		assert_false(store_in_batch(f->st));
		assert_int_equal(commit_syncs_waiting(f->c), (size_t)i + 1);
		assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM "
		    "audit WHERE action = 'held'"), i + 1);
	}
	assert_int_equal(norder, 0);
	assert_int_equal(log_count(f, "case=HELD"), 0);
	/* committed, not durable: the outbox does not hand its SMS out */
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM outbox"),
	    1);
	assert_int_equal(store_outbox_next(f->st, INT64_MAX / 2, rows, 4), 0);
	store_vfs_sync_counts(&d1, &m1);
	assert_int_equal(d1, d0 + 2);	/* both deferred */
	assert_int_equal(m1, m0);	/* and none made on this thread */
	assert_int_equal(commit_syncs_made(f->c), 0);
	commit_sync_hold_test(f->c, 0);
	for (i = 0; i < 200 && norder < 2; i++)
		run_until_answers(f, 1, 10);
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], 0);
	assert_int_equal(order[1], 1);
	assert_int_equal(log_count(f, "case=HELD0"), 1);
	assert_int_equal(log_count(f, "case=HELD1"), 1);
	assert_int_equal(commit_syncs_waiting(f->c), 0);
	/* durable: handed out */
	assert_int_equal(store_outbox_next(f->st, INT64_MAX / 2, rows, 4), 1);
	assert_int_equal(rows[0].id, id);
	store_outmsg_clear(rows, 1);
	/* the second ask found the first still waiting: one sync for both */
	assert_int_equal(commit_syncs_made(f->c), 1);
}

/*
 * An outbox id that a failed commit freed is given again: the batch whose
 * row took it waits for its sync like any other (the limit is the lowest
 * id a waiting batch added, not what the store added last).
 */
static void
test_sync_reused_id(void **state)
{
	struct fixture		*f = *state;
	struct store_outbox_new	 o;
	struct store_outmsg	 rows[4];
	int64_t			 undone, id;
	int			 i;

	outbox_row(&o);
	commit_sync_hold_test(f->c, 1);
	/* a batch adds a row, then fails: answered (0) at once */
	assert_int_equal(commit_unit_begin(f->c), 0);
	assert_int_equal(store_outbox_add(f->st, &o, &undone), 0);
	assert_int_equal(commit_unit_end(f->c, 1), 0);
	commit_after(f->c, answered, NULL);
	store_txn_rollback(f->st);	/* what SQLite does on SQLITE_FULL */
	run_until_answers(f, 1, 100);
	assert_int_equal(answers, 1);
	assert_int_equal(answer_ok, 0);
	assert_int_equal(commit_syncs_waiting(f->c), 0);
	/* the retry's batch: its row takes the freed id, and waits */
	for (i = 0; i < 100 && commit_join(f->c) == -1; i++)
		run_until_answers(f, 2, 10);
	assert_int_equal(commit_unit_begin(f->c), 0);
	assert_int_equal(store_outbox_add(f->st, &o, &id), 0);
	assert_int_equal(id, undone);
	assert_int_equal(commit_unit_end(f->c, 1), 0);
	commit_after(f->c, answered, NULL);
	run_until_answers(f, 2, 100);
	assert_int_equal(answers, 1);
	assert_int_equal(commit_syncs_waiting(f->c), 1);
	assert_int_equal(store_outbox_next(f->st, INT64_MAX / 2, rows, 4), 0);
	commit_sync_hold_test(f->c, 0);
	for (i = 0; i < 200 && answers < 2; i++)
		run_until_answers(f, 2, 10);
	assert_int_equal(answers, 2);
	assert_int_equal(store_outbox_next(f->st, INT64_MAX / 2, rows, 4), 1);
	assert_int_equal(rows[0].id, id);
	store_outmsg_clear(rows, 1);
}

/*
 * Answers go in commit order: a batch that fails while an older one waits
 * for its sync is answered (0) after the older one (1), not before.
 */
static void
test_sync_fail_order(void **state)
{
	struct fixture	*f = *state;
	int		 i;

	order_commit = f->c;
	norder = 0;
	commit_sync_hold_test(f->c, 1);
	assert_int_equal(commit_unit_begin(f->c), 0);
	assert_int_equal(store_audit(f->st, 0, "test", "older", "{}", 1), 0);
	assert_int_equal(commit_unit_end(f->c, 1), 0);
	commit_after(f->c, ordered, (void *)(intptr_t)0);
	run_until_answers(f, 1, 100);
	assert_int_equal(commit_syncs_waiting(f->c), 1);
	/* the next batch fails */
	assert_int_equal(commit_join(f->c), 0);
	commit_after(f->c, answered, NULL);
	store_txn_rollback(f->st);	/* what SQLite does on SQLITE_FULL */
	run_until_answers(f, 1, 100);
	assert_int_equal(answers, 0);		/* behind the older one */
	assert_int_equal(norder, 0);
	commit_sync_hold_test(f->c, 0);
	for (i = 0; i < 200 && answers < 1; i++)
		run_until_answers(f, 1, 10);
	assert_int_equal(norder, 1);
	assert_int_equal(answers, 1);
	assert_int_equal(answer_ok, 0);
	assert_int_equal(commit_syncs_waiting(f->c), 0);
}

/*
 * commit_flush() returns with every batch answered, the ones the sync
 * thread still had too; an answer that writes opens the next batch, which
 * waits for its own sync; a batch that fails is answered at once.
 */
static void
test_sync_flush(void **state)
{
	struct fixture	*f = *state;
	int		 i;

	order_commit = f->c;
	norder = 0;
	for (i = 0; i < 3; i++) {
		assert_int_equal(commit_unit_begin(f->c), 0);
		assert_int_equal(store_audit(f->st, 0, "test", "flushed", "{}",
		    i + 1), 0);
		assert_int_equal(commit_unit_end(f->c, 1), 0);
		commit_after(f->c, i == 1 ? ordered_writes : ordered,
		    (void *)(intptr_t)i);
		commit_log(f->c, "intake case=FLUSHED%d", i);
	}
	commit_flush(f->c);
	assert_int_equal(norder, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(order[i], i);
	assert_int_equal(log_count(f, "case=FLUSHED"), 3);
	assert_int_equal(commit_syncs_waiting(f->c), 0);
	assert_true(commit_syncs_made(f->c) >= 1);
	commit_flush(f->c);			/* the answer's batch */
	assert_int_equal(norder, 4);
	assert_int_equal(order[3], 1000);
	/* a failed batch: answered 0 at once, nothing left to sync */
	assert_int_equal(commit_join(f->c), 0);
	commit_after(f->c, answered, NULL);
	commit_log(f->c, "intake case=FAILED");
	store_txn_rollback(f->st);	/* what SQLite does on SQLITE_FULL */
	commit_flush(f->c);
	assert_int_equal(answers, 1);
	assert_int_equal(answer_ok, 0);
	assert_int_equal(log_count(f, "case=FAILED"), 0);
	assert_int_equal(commit_syncs_waiting(f->c), 0);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_log_after_commit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_failing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_pause, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unit_alone, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unit_rules, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_answer_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_two_commits, setup,
		    teardown),
		/* the same with wal-sync thread, where they hold */
		cmocka_unit_test_setup_teardown(test_log_after_commit,
		    setup_thread, teardown),
		cmocka_unit_test_setup_teardown(test_failing, setup_thread,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unit_alone, setup_thread,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unit_rules, setup_thread,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sync_thread, setup_thread,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sync_flush, setup_thread,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sync_reused_id,
		    setup_thread, teardown),
		cmocka_unit_test_setup_teardown(test_sync_fail_order,
		    setup_thread, teardown),
	};

	return cmocka_run_group_tests_name("test_commit", tests, NULL, NULL);
}
