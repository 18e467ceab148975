/*
 * Unit tests for store_checkpoint.c, the WAL's checkpoints: with the
 * thread, a bounded load is checkpointed by it and the WAL stays under its
 * limit; inline, the loop checkpoints at the same threshold; a checkpoint
 * that fails (the database file's writes fail, the WAL's do not) is
 * counted, retried and recovers, while commits go on and nothing
 * committed is lost; a WAL past its limit is checkpointed by the loop;
 * closing while the thread works keeps every row.
 * Waits for the thread are bounded polls of its counters, never a time.
 */
#include "compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commit.h"
#include "crypto.h"
#include "store.h"
#include "store_vfs.h"
#include "testdb.h"

#define WAKE		64	/* frames: a small WAL for a test */
#define LIMIT		512
#define DETAIL_LEN	1500	/* about a page of audit detail per event */
#define EVENTS		4	/* per transaction */
#define POLL_MAX	2000	/* x 5 ms: the bound on waiting for it */

struct fixture {
	char		 dir[64];
	char		 path[128];
	struct crypto	*crypto;
	struct store	*st;
	int		 events;	/* committed */
	int		 maxframes;	/* the WAL's largest after a commit */
	int		 txnframes;	/* the most one transaction added */
};

static char	eio_flag[160];

static int
open_store(struct fixture *f, int thread)
{
	struct store_opts	 o;
	uint8_t			 key[CRYPTO_KEYFILE_LEN];
	char			 err[256];

	memset(f, 0, sizeof(*f));
	if (testdb_make("ckpt", f->dir, sizeof(f->dir), f->path,
	    sizeof(f->path)) == -1)
		return -1;
	memset(key, 0x5a, sizeof(key));
	f->crypto = crypto_new(key);
	memset(&o, 0, sizeof(o));
	o.checkpoint_thread = thread;
	o.checkpoint_wake = WAKE;
	o.checkpoint_limit = LIMIT;
	if ((f->st = store_open(f->path, f->crypto, &o, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "# store_open: %s\n", err);
		return -1;
	}
	return 0;
}

static int
setup_thread(void **state)
{
	static struct fixture	f;

	*state = &f;
	return open_store(&f, 1);
}

static int
setup_inline(void **state)
{
	static struct fixture	f;

	*state = &f;
	return open_store(&f, 0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	unlink(eio_flag);
	store_close(f->st);
	crypto_free(f->crypto);
	testdb_remove(f->dir, f->path);
	return 0;
}

/* One transaction of EVENTS audit events; the WAL's size noted. */
static void
commit_one(struct fixture *f)
{
	struct store_ckpt_stats	c;
	char			 detail[DETAIL_LEN + 1];
	int			 i, before;

	store_ckpt_stats(f->st, &c);
	before = c.wal_frames;
	memset(detail, 'a' + f->events % 26, DETAIL_LEN);
	detail[DETAIL_LEN] = '\0';
	assert_int_equal(commit_txn_begin(f->st), 0);
	for (i = 0; i < EVENTS; i++)
		assert_int_equal(store_audit(f->st, 0, "test", "load", detail,
		    (int64_t)(f->events + i)), 0);
	assert_int_equal(commit_txn_end(f->st, 1), 0);
	f->events += EVENTS;
	store_ckpt_stats(f->st, &c);
	if (c.wal_frames > f->maxframes)
		f->maxframes = c.wal_frames;
	if (c.wal_frames - before > f->txnframes)
		f->txnframes = c.wal_frames - before;
}

/* Commit until the WAL holds at least n frames (bounded). */
static void
commit_until(struct fixture *f, int n)
{
	struct store_ckpt_stats	c;
	int			 i;

	for (i = 0; i < 1000; i++) {
		commit_one(f);
		store_ckpt_stats(f->st, &c);
		if (c.wal_frames >= n)
			return;
	}
	fail_msg("the WAL never reached %d frames", n);
}

/* Poll the counters until fn says yes, at most POLL_MAX times. */
static int
wait_stats(struct fixture *f, int (*fn)(const struct store_ckpt_stats *))
{
	struct store_ckpt_stats	c;
	struct timespec		ts = { 0, 5 * 1000 * 1000 };
	int			i;

	for (i = 0; i < POLL_MAX; i++) {
		store_wal_check(f->st);	/* logs the thread's news */
		store_ckpt_stats(f->st, &c);
		if (fn(&c))
			return 1;
		nanosleep(&ts, NULL);
	}
	return 0;
}

static int
thread_ran(const struct store_ckpt_stats *c)
{
	return c->runs > c->tail + c->forced;
}

static int
thread_failed(const struct store_ckpt_stats *c)
{
	return c->failing && c->failed > 0;
}

static int
recovered(const struct store_ckpt_stats *c)
{
	return !c->failing && c->runs > 0;
}

/* Every committed event is there, seen by another connection. */
static void
assert_rows(struct fixture *f)
{
	assert_int_equal(testdb_peek(f->path, "SELECT count(*) FROM audit "
	    "WHERE action = 'load'"), f->events);
}

/*
 * A checkpoint's writes to the database file started the kernel's
 * writeback every 256 KiB (store_vfs.c), where the kernel has it.
 */
static void
writeback_began(long before)
{
#ifdef SYNC_FILE_RANGE_WRITE
	assert_true(store_vfs_writebacks() > before);
#else
	assert_int_equal(store_vfs_writebacks(), before);
#endif
}

/* The thread checkpoints a WAL past its threshold, and keeps it bounded. */
static void
test_thread_bounded(void **state)
{
	struct fixture		*f = *state;
	struct store_ckpt_stats	 c;
	struct stat		 sb;
	char			 wal[200];
	long			 wb = store_vfs_writebacks();
	long			 pauses = store_vfs_pauses();
	int			 i;

	store_ckpt_stats(f->st, &c);
	assert_int_equal(c.thread, 1);
	commit_until(f, WAKE);
	assert_true(wait_stats(f, thread_ran));
	for (i = 0; i < 300; i++)
		commit_one(f);
	store_ckpt_stats(f->st, &c);
	assert_int_equal(c.failed, 0);
	assert_true(c.runs > 0);
	/* the limit, and one transaction past it at most */
	assert_true(f->maxframes <= LIMIT + f->txnframes);
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	assert_int_equal(stat(wal, &sb), 0);
	assert_true(sb.st_size <= 32 + (off_t)(LIMIT + f->txnframes) *
	    (24 + 4096));
	assert_rows(f);
	/* over 1 MiB checkpointed: the writeback began before each sync */
	writeback_began(wb);
	/* and the thread spread its writes, pausing between runs of them */
	assert_true(store_vfs_pauses() > pauses);
}

/* Inline: the loop checkpoints at the threshold, as SQLite's own did. */
static void
test_inline_bounded(void **state)
{
	struct fixture		*f = *state;
	struct store_ckpt_stats	 c;
	long			 wb = store_vfs_writebacks();
	long			 pauses = store_vfs_pauses();
	int			 i;

	for (i = 0; i < 300; i++)
		commit_one(f);
	store_ckpt_stats(f->st, &c);
	assert_int_equal(c.thread, 0);
	assert_true(c.runs > 0);
	assert_int_equal(c.tail + c.forced + c.failed, 0);
	assert_true(f->maxframes <= WAKE + f->txnframes);
	assert_rows(f);
	writeback_began(wb);
	/* the loop's own checkpoints never pause */
	assert_int_equal(store_vfs_pauses(), pauses);
}

/*
 * wal-sync thread's deferral (store_vfs.c): a commit's sync of the WAL is
 * left to the caller, who gets a descriptor of the WAL; but a checkpoint
 * on the same thread (here the loop's, from the commit's WAL hook) makes
 * it before it copies a page into the database file, and the caller then
 * has nothing left to sync.  A commit that starts the WAL again from its
 * head (after a checkpoint that copied it all) writes a new header, and
 * the sync after that write is made, not deferred (SQLite's order: the
 * new header is on the disk before a frame overwrites an old one); the
 * commit's own sync after its frames is deferred then.  Every row is
 * there whichever way.
 */
static void
test_deferred_sync(void **state)
{
	struct fixture		*f = *state;
	struct store_ckpt_stats	 c;
	uint64_t		 id, id2;
	long			 d0, m0, d1, m1;
	int			 i, fd, kept = 0, moot = 0, restarted = 0;
	int			 runs, frames;

	for (i = 0; i < 600 && (kept == 0 || moot == 0 || restarted == 0);
	    i++) {
		store_ckpt_stats(f->st, &c);
		runs = (int)c.runs;
		frames = c.wal_frames;
		store_vfs_sync_counts(&d0, &m0);
		store_vfs_defer_sync();
		commit_one(f);
		fd = store_vfs_deferred(&id);
		store_vfs_sync_counts(&d1, &m1);
		store_ckpt_stats(f->st, &c);
		assert_int_equal(d1, d0 + 1);	/* the commit's, deferred */
		if ((int)c.runs > runs) {
			/* the checkpoint synced the WAL first: moot */
			assert_int_equal(fd, -1);
			assert_true(m1 > m0);
			moot++;
			continue;
		}
		/* nothing synced the commit's frames: ours to do */
		assert_true(fd >= 0);
		assert_true(id > 0);
		assert_int_equal(fdatasync(fd), 0);
		close(fd);
		if (c.wal_frames < frames) {
			/* the WAL began again: its header's sync was made */
			assert_int_equal(m1, m0 + 1);
			restarted++;
		} else {
			assert_int_equal(m1, m0);
			kept++;
		}
	}
	assert_true(kept > 0);
	assert_true(moot > 0);
	assert_true(restarted > 0);
	/* disarmed: the next commit syncs as SQLite does */
	store_vfs_sync_counts(&d0, &m0);
	commit_one(f);
	store_vfs_sync_counts(&d1, &m1);
	assert_int_equal(d1, d0);
	assert_true(m1 > m0);
	assert_int_equal(store_vfs_deferred(&id2), -1);
	assert_rows(f);
}

/*
 * The database file's writes fail: the thread's checkpoint fails, is
 * counted and said (failing, the error), commits go on; once the fault
 * is gone the retry succeeds without a commit to wake it.
 */
static void
test_failure_retried(void **state)
{
	struct fixture		*f = *state;
	struct store_ckpt_stats	 c;
	int			 fd, i;

	assert_true((fd = open(eio_flag, O_CREAT | O_WRONLY, 0600)) != -1);
	close(fd);
	commit_until(f, WAKE);
	assert_true(wait_stats(f, thread_failed));
	store_ckpt_stats(f->st, &c);
	assert_true(strlen(c.error) > 0);
	/* not fatal: commits go on while checkpoints fail */
	for (i = 0; i < 10; i++)
		commit_one(f);
	unlink(eio_flag);
	assert_true(wait_stats(f, recovered));
	assert_rows(f);
}

/*
 * The bound: while checkpoints fail the WAL passes its limit and the loop
 * tries a checkpoint of its own at each commit; once the fault is gone
 * the first one empties the WAL, which starts again from its head.
 */
static void
test_limit(void **state)
{
	struct fixture		*f = *state;
	struct store_ckpt_stats	 c;
	int			 fd, i;

	assert_true((fd = open(eio_flag, O_CREAT | O_WRONLY, 0600)) != -1);
	close(fd);
	commit_until(f, LIMIT);
	commit_one(f);
	store_ckpt_stats(f->st, &c);
	assert_true(c.forced > 0 || c.failed > 0);
	unlink(eio_flag);
	for (i = 0; i < 20; i++) {
		commit_one(f);
		store_ckpt_stats(f->st, &c);
		if (c.wal_frames < WAKE)
			break;
	}
	assert_true(c.wal_frames < WAKE);
	assert_true(c.forced > 0);
	assert_rows(f);
}

/* Closing while the thread may be mid-checkpoint keeps every row. */
static void
test_close_busy(void **state)
{
	struct fixture	*f = *state;
	char		 err[256];
	int		 round, i;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < 40; i++)
			commit_one(f);
		store_close(f->st);
		f->st = NULL;
		assert_rows(f);
		assert_non_null(f->st = store_open(f->path, f->crypto,
		    &(struct store_opts){ .checkpoint_thread = 1,
		    .checkpoint_wake = WAKE, .checkpoint_limit = LIMIT }, err,
		    sizeof(err)));
	}
	assert_rows(f);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_thread_bounded,
		    setup_thread, teardown),
		cmocka_unit_test_setup_teardown(test_inline_bounded,
		    setup_inline, teardown),
		cmocka_unit_test_setup_teardown(test_deferred_sync,
		    setup_inline, teardown),
		cmocka_unit_test_setup_teardown(test_failure_retried,
		    setup_thread, teardown),
		cmocka_unit_test_setup_teardown(test_limit,
		    setup_thread, teardown),
		cmocka_unit_test_setup_teardown(test_close_busy,
		    setup_thread, teardown),
	};

	/* read once, when the store's VFS registers: before the first open */
	snprintf(eio_flag, sizeof(eio_flag), "/tmp/ckpt-eio.%ld",
	    (long)getpid());
	setenv("HOTLINED_TEST_EIO_DB", eio_flag, 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
