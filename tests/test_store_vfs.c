/*
 * Unit tests for store_vfs.c, the VFS that gathers a commit's WAL writes:
 * a commit is whole for another connection (on the default VFS) and not
 * before; transactions larger than the buffer and than the page cache
 * (frames spilled mid-transaction) commit and roll back cleanly; a process
 * that dies with frames still gathered leaves every committed transaction
 * and an intact database.  Every test runs twice: through the gathering
 * VFS and through its twin for wal-write-gather no.
 */
#include "compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/types.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store_vfs.h"
#include "testdb.h"

struct fixture {
	char	 dir[64];
	char	 path[128];
	sqlite3	*db;		/* through store_vfs */
	int	 gather;	/* which of its two VFSes */
};

static void
exec_ok(sqlite3 *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err ? err : "?");
}

static long long
peek(struct fixture *f, const char *sql)
{
	return testdb_peek(f->path, sql);
}

static int
open_vfs(struct fixture *f)
{
	const char	*name = store_vfs_name(f->gather);

	if (name == NULL || sqlite3_open_v2(f->path, &f->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, name) != SQLITE_OK)
		return -1;
	exec_ok(f->db, "PRAGMA page_size = 2048; PRAGMA journal_mode = WAL; "
	    "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 0");
	return 0;
}

static int
setup(void **state, int gather)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	if (f != NULL)
		f->gather = gather;
	if (f == NULL || testdb_make("test_store_vfs", f->dir, sizeof(f->dir),
	    f->path, sizeof(f->path)) == -1 || open_vfs(f) == -1)
		return -1;
	exec_ok(f->db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
	*state = f;
	return 0;
}

static int
setup_gather(void **state)
{
	return setup(state, 1);
}

static int
setup_plain(void **state)
{
	return setup(state, 0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	sqlite3_close(f->db);
	testdb_remove(f->dir, f->path);
	free(f);
	return 0;
}

/* n rows of len random bytes each, in the caller's transaction. */
static void
rows(sqlite3 *db, int n, int len)
{
	sqlite3_stmt	*s;
	int		 i;

	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t (v) "
	    "VALUES (randomblob(?1))", -1, &s, NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		sqlite3_bind_int(s, 1, len);
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
}

static void
test_commit_visible(void **state)
{
	struct fixture	*f = *state;

	assert_string_equal(store_vfs_name(f->gather), f->gather ?
	    "hotlined-wal" : "hotlined-unix");
	exec_ok(f->db, "BEGIN IMMEDIATE");
	rows(f->db, 10, 100);
	/* frames may be written or gathered: either way not committed */
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM t"), 0);
	exec_ok(f->db, "COMMIT");
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM t"), 10);
	/* a transaction of ~2 MiB: many times the 64 KiB buffer */
	exec_ok(f->db, "BEGIN IMMEDIATE");
	rows(f->db, 1000, 2000);
	exec_ok(f->db, "COMMIT");
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM t"), 1010);
	assert_int_equal(peek(f, "SELECT SUM(length(v)) FROM t"),
	    10 * 100 + 1000 * 2000);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM pragma_integrity_check "
	    "WHERE integrity_check = 'ok'"), 1);
}

/* A page cache of 10 pages: frames are written long before COMMIT. */
static void
test_spill_and_rollback(void **state)
{
	struct fixture	*f = *state;

	exec_ok(f->db, "PRAGMA cache_size = 10");
	exec_ok(f->db, "BEGIN IMMEDIATE");
	rows(f->db, 500, 500);
	exec_ok(f->db, "ROLLBACK");
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM t"), 0);
	exec_ok(f->db, "BEGIN IMMEDIATE");
	rows(f->db, 300, 700);
	exec_ok(f->db, "COMMIT");
	/* the writer reads back what it spilled */
	{
		sqlite3_stmt	*s;

		assert_int_equal(sqlite3_prepare_v2(f->db, "SELECT COUNT(*), "
		    "SUM(length(v)) FROM t", -1, &s, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(s, 0), 300);
		assert_int_equal(sqlite3_column_int(s, 1), 300 * 700);
		sqlite3_finalize(s);
	}
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM t"), 300);
	/* a checkpoint through the VFS, then more on a restarted WAL */
	exec_ok(f->db, "PRAGMA wal_checkpoint(TRUNCATE)");
	exec_ok(f->db, "BEGIN IMMEDIATE");
	rows(f->db, 50, 300);
	exec_ok(f->db, "COMMIT");
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM t"), 350);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM pragma_integrity_check "
	    "WHERE integrity_check = 'ok'"), 1);
}

/*
 * Frames spilled by a transaction that is rolled back must not outlive
 * the write lock: another connection commits next, and the first one's
 * next read must not write the stale frames over the other's.
 */
static void
test_rollback_then_other_writer(void **state)
{
	struct fixture	*f = *state;
	sqlite3		*b;

	exec_ok(f->db, "CREATE TABLE u (w TEXT)");
	exec_ok(f->db, "BEGIN IMMEDIATE");
	rows(f->db, 10, 100);
	exec_ok(f->db, "COMMIT");
	/* a restarted WAL: the spilled frames go right after its header */
	exec_ok(f->db, "PRAGMA wal_checkpoint; PRAGMA cache_size = 5");
	exec_ok(f->db, "BEGIN");
	rows(f->db, 10, 1500);
	exec_ok(f->db, "ROLLBACK; PRAGMA cache_size = -8192");
	assert_int_equal(sqlite3_open(f->path, &b), SQLITE_OK);
	exec_ok(b, "PRAGMA synchronous = FULL; "
	    "INSERT INTO u (w) VALUES ('B'); INSERT INTO t (v) VALUES (x'4f4b')");
	sqlite3_close(b);
	/* the first connection reads, then writes on */
	{
		sqlite3_stmt	*s;

		assert_int_equal(sqlite3_prepare_v2(f->db, "SELECT COUNT(*), "
		    "(SELECT w FROM u) FROM t", -1, &s, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(s, 0), 11);
		assert_string_equal(sqlite3_column_text(s, 1), "B");
		sqlite3_finalize(s);
	}
	exec_ok(f->db, "INSERT INTO t (v) VALUES (x'00')");
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM t"), 12);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM t WHERE v = x'4f4b'"),
	    1);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM u WHERE w = 'B'"), 1);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM pragma_integrity_check "
	    "WHERE integrity_check = 'ok'"), 1);
}

/*
 * A child commits, then dies in the middle of a big transaction with
 * frames gathered and unwritten: the committed rows are all there, the
 * dead transaction's none, and the database is intact.
 */
static void
test_death_mid_transaction(void **state)
{
	struct fixture	*f = *state;
	pid_t		 pid;
	int		 status;

	sqlite3_close(f->db);
	f->db = NULL;
	if ((pid = fork()) == 0) {
		if (open_vfs(f) == -1)
			_exit(2);
		exec_ok(f->db, "BEGIN IMMEDIATE");
		rows(f->db, 200, 1000);
		exec_ok(f->db, "COMMIT");
		exec_ok(f->db, "BEGIN IMMEDIATE");
		rows(f->db, 100, 1500);
		_exit(0);		/* no COMMIT, no close */
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM t"), 200);
	assert_int_equal(peek(f, "SELECT MAX(length(v)) FROM t"), 1000);
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM pragma_integrity_check "
	    "WHERE integrity_check = 'ok'"), 1);
	assert_int_equal(open_vfs(f), 0);
	exec_ok(f->db, "BEGIN IMMEDIATE");
	rows(f->db, 10, 10);
	exec_ok(f->db, "COMMIT");
	assert_int_equal(peek(f, "SELECT COUNT(*) FROM t"), 210);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define BOTH(t)	{ #t " (wal-write-gather yes)", t, setup_gather, teardown, \
		    NULL }, \
		{ #t " (wal-write-gather no)", t, setup_plain, teardown, NULL }
		BOTH(test_commit_visible),
		BOTH(test_spill_and_rollback),
		BOTH(test_rollback_then_other_writer),
		BOTH(test_death_mid_transaction),
#undef BOTH
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
