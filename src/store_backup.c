/*
 * Backup of the open database while the daemon runs: SQLite's online
 * backup API over the daemon's own connection, a few hundred pages a
 * step, a step a loop turn, so intake goes on between steps.
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

static void	store_backup_unlink_journal(const char *);

struct store_backup {
	struct store	*st;		/* borrowed */
	sqlite3		*dst;
	sqlite3_backup	*bk;
	char		*path;
	int		 fd;		/* the copy, for our own syncs */
	int64_t		 last_case;	/* max(cases.id) when it completed */
};

/*
 * The copy is made through the connection that writes: SQLite then
 * updates the pages already copied as the daemon's commits change them,
 * so the copy is the database as of the last step, never a mix.  A step
 * is only taken between batches (depth 0): inside one, it would read
 * pages that are not committed yet.
 */
struct store_backup *
store_backup_start(struct store *st, const char *path, char *err,
    size_t errlen)
{
	struct store_backup	*b;
	int			 fd;

	/* O_EXCL: never over an existing file (the database itself...) */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	b = xcalloc(1, sizeof(*b));
	b->st = st;
	b->fd = fd;
	b->path = xstrdup(path);
	/*
	 * The copy is new and removed when anything fails: no journal.  Its
	 * pages go to the file as they are copied (a small cache) and each
	 * step syncs what it wrote, so the last step has no whole-file sync
	 * to wait for (60 ms for 20 MB, seconds for gigabytes).
	 */
	if (sqlite3_open_v2(path, &b->dst, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK || sqlite3_exec(b->dst, "PRAGMA journal_mode = OFF; "
	    "PRAGMA synchronous = OFF; PRAGMA cache_size = 64", NULL, NULL,
	    NULL) != SQLITE_OK || (b->bk = sqlite3_backup_init(b->dst, "main",
	    st->db, "main")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, b->dst != NULL ?
		    sqlite3_errmsg(b->dst) : "out of memory");
		store_backup_free(b, 0);
		return NULL;
	}
	return b;
}

int
store_backup_step(struct store_backup *b, int pages, char *err,
    size_t errlen)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (store_in_batch(b->st))
		return 1;		/* a batch is open: next turn */
	rc = sqlite3_backup_step(b->bk, pages);
	if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
		if (fdatasync(b->fd) == -1) {
			snprintf(err, errlen, "%s: %s", b->path,
			    strerror(errno));
			return -1;
		}
		return 1;
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", b->path, sqlite3_errstr(rc));
		return -1;
	}
	/* what the copy holds: the cases committed up to now */
	if ((s = store_stmt(b->st, STMT_BACKUP_LAST_CASE)) != NULL) {
		if (store_step(b->st, s, "backup") == SQLITE_ROW)
			b->last_case = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
	}
	return 0;
}

void
store_backup_progress(const struct store_backup *b, int *done, int *total)
{
	*total = sqlite3_backup_pagecount(b->bk);
	*done = *total - sqlite3_backup_remaining(b->bk);
}

int64_t
store_backup_last_case(const struct store_backup *b)
{
	return b->last_case;
}

int
store_backup_free(struct store_backup *b, int keep)
{
	int	rv = 0;

	if (b == NULL)
		return 0;
	if (b->bk != NULL && sqlite3_backup_finish(b->bk) != SQLITE_OK)
		rv = -1;
	if (b->dst != NULL && sqlite3_close(b->dst) != SQLITE_OK)
		rv = -1;
	/* the last step's pages; a complete copy is durable before "done" */
	if (keep && rv == 0 && fsync(b->fd) == -1) {
		log_warn("store backup fsync %s", b->path);
		rv = -1;
	}
	close(b->fd);
	if (!keep || rv == -1) {
		if (unlink(b->path) == -1 && errno != ENOENT)
			log_warn("store backup unlink %s", b->path);
		store_backup_unlink_journal(b->path);
	}
	free(b->path);
	free(b);
	return rv;
}

/* A copy given up may leave its rollback journal: remove it too. */
static void
store_backup_unlink_journal(const char *path)
{
	char	*j;

	xasprintf(&j, "%s-journal", path);
	(void)unlink(j);
	free(j);
}
