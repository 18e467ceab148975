/*
 * Unit tests for commit.c over a real store: lines logged through
 * commit_log() appear only after their batch committed, a message's lines
 * go when its savepoint is undone, a failed batch logs none of them; a
 * failed commit puts the commit in a failing state that takes no writes,
 * holds refusals until its retry, logs once when it starts and once when
 * it ends, and counts every failed try.  The log goes to a file the test
 * reads back.
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
#include "store.h"
#include "testdb.h"

struct fixture {
	char			 dir[256], path[512], logpath[512];
	struct crypto		*crypto;
	struct store		*st;
	struct event_base	*base;
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
	commit_init(f->base, f->st, 1000, 256);
	answers = 0;
	answer_ok = -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	commit_shutdown();
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

	commit_log("intake case=OUTSIDE");	/* no batch: at once */
	assert_int_equal(log_count(f, "case=OUTSIDE"), 1);
	assert_int_equal(commit_join(), 0);
	commit_log("intake case=KEPT%d", 1);
	mark = commit_log_mark();
	commit_log("intake case=UNDONE");
	commit_log_undo(mark);
	commit_log("intake case=KEPT%d", 2);
	assert_int_equal(log_count(f, "case=KEPT"), 0);	/* not yet */
	commit_flush();
	assert_int_equal(log_count(f, "case=KEPT1"), 1);
	assert_int_equal(log_count(f, "case=KEPT2"), 1);
	assert_int_equal(log_count(f, "case=UNDONE"), 0);
	/* a mark beyond the end changes nothing */
	assert_int_equal(commit_join(), 0);
	commit_log_undo(1 << 20);
	commit_log("intake case=NEXT");
	commit_flush();
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

	assert_int_equal(commit_join(), 0);
	commit_log("intake case=LOST");
	commit_after(answered, NULL);
	commit_after(answered, NULL);
	store_rollback(f->st);		/* what SQLite does on SQLITE_FULL */
	/* the doomed batch takes nothing more, and ends at once */
	assert_int_equal(commit_join(), -1);
	run_until_answers(f, 2, 2000);
	assert_int_equal(answers, 2);
	assert_int_equal(answer_ok, 0);
	assert_int_equal(log_count(f, "case=LOST"), 0);
	assert_int_equal(log_count(f, "commit failing"), 1);
	commit_health(&failing, &refused, &undone);
	assert_int_equal(failing, 1);
	assert_int_equal(undone, 2);
	commit_stats(&committed, &failed, &largest);
	assert_int_equal(failed, 1);

	/* until the retry: no batch, refusals wait for it */
	for (i = 0; i < 5; i++)
		assert_int_equal(commit_join(), -1);
	assert_false(store_in_batch(f->st));
	answers = 0;
	commit_refuse(answered, NULL);
	commit_refuse(answered, NULL);
	assert_int_equal(answers, 0);		/* held */
	run_until_answers(f, 2, 2000);
	assert_int_equal(answers, 2);
	assert_int_equal(answer_ok, 0);
	commit_health(&failing, &refused, &undone);
	assert_int_equal(refused, 2);

	/* the retry batch commits: recovered, said once, with the counts */
	assert_int_equal(commit_join(), 0);
	commit_log("intake case=BACK");
	commit_flush();
	assert_int_equal(log_count(f, "case=BACK"), 1);
	assert_int_equal(log_count(f, "commit failing"), 1);
	assert_int_equal(log_count(f, "commit recovered"), 1);
	assert_int_equal(log_count(f, "failed=1 undone=2 refused=2"), 1);
	commit_health(&failing, &refused, &undone);
	assert_int_equal(failing, 0);
}

/* A refusal while commits work waits a pause too, then is answered. */
static void
test_refuse_pause(void **state)
{
	struct fixture	*f = *state;
	int		 failing;
	uint64_t	 refused, undone;

	commit_refuse(answered, NULL);
	assert_int_equal(answers, 0);
	run_until_answers(f, 1, 3000);
	assert_int_equal(answers, 1);
	assert_int_equal(answer_ok, 0);
	commit_health(&failing, &refused, &undone);
	assert_int_equal(failing, 0);
	assert_int_equal(refused, 1);
	/* commit_release() answers what waits at once (shutdown) */
	commit_refuse(answered, NULL);
	commit_release();
	assert_int_equal(answers, 2);
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
	};

	return cmocka_run_group_tests_name("test_commit", tests, NULL, NULL);
}
