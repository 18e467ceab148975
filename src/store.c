/*
 * The SQLite store: open and close, the database's identity and its WAL
 * file (v7), statements and their errors, the encryption of phone numbers
 * on their way in and out, and batches with a savepoint per message.
 * Each kind of record has its own store_<kind>.c behind store_int.h.
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
#include "store_int.h"
#include "store_vfs.h"
#include "util.h"

static int	 store_temp_store(struct store *, const char *, const char *,
		    char *, size_t);
static void	 store_open_error(struct store *, const char *, char *, size_t);
static int	 store_quick_check(struct store *, const char *, char *,
		    size_t);
static int	 store_wal_ident(struct store *);
static int	 store_file_moved(const char *, dev_t, ino_t);
static int	 store_db_lost(struct store *, int);
static int	 store_peek_int(sqlite3 *, const char *, int64_t *);
static void	 store_error(struct store *, const char *);

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

static int	store_mt;	/* SQLite configured for threads */

/*
 * Once per process, before SQLite's first use.  Each connection lives in
 * one thread (the loop's, or the checkpointer's: store_checkpoint.c), so
 * multi-thread mode: SQLite's own structures (the VFS's files, the WAL
 * index) are guarded, a connection is not.  Memory statistics stay off:
 * they are a mutex per allocation (a few percent of the time per
 * message).  Too late (SQLite already initialised by the caller) leaves
 * the defaults, which are serialized, as safe.
 */
static void
store_sqlite_init(void)
{
	static int	done;

	if (done)
		return;
	done = 1;
	if (sqlite3_config(SQLITE_CONFIG_MULTITHREAD) == SQLITE_OK ||
	    sqlite3_threadsafe() != 0)
		store_mt = 1;
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int
store_sqlite_mt(void)
{
	return store_mt && sqlite3_threadsafe() != 0;
}

/*
 * Why a step of store_open() failed; a damaged page of the schema, which
 * the first statement reads, is said as damage (issue 17: v18's indexes
 * made the schema longer than its first page).
 */
static void
store_open_error(struct store *st, const char *path, char *err,
    size_t errlen)
{
	if ((sqlite3_errcode(st->db) & 0xff) == SQLITE_CORRUPT)
		snprintf(err, errlen, "database %s is damaged (schema: %s): "
		    "restore it from a backup (hotlined(8) RECOVERY)", path,
		    sqlite3_errmsg(st->db));
	else
		snprintf(err, errlen, "database %s: %s", path,
		    sqlite3_errmsg(st->db));
}

struct store *
store_open(const char *path, struct crypto *crypto,
    const struct store_opts *opts, char *err, size_t errlen)
{
	struct store	*st;
	struct stat	 sb;
	sqlite3_stmt	*s;
	const char	*mode, *wal;
	char		 why[256];
	int		 fd, i, target, appid, from;

	store_sqlite_init();
	st = xcalloc(1, sizeof(*st));
	st->outbox_limit = INT64_MAX;
	st->crypto = crypto;
	st->wal_gather = opts == NULL || !opts->no_wal_gather;
	strlcpy(st->prefix, "HY", sizeof(st->prefix));
	target = STORE_SCHEMA_VERSION;
	if (opts != NULL) {
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

	/* the VFS that gathers the WAL's writes, or its twin (store_vfs.c) */
	if (!st->wal_gather)
		log_info("store wal-write-gather=no: WAL written one page at "
		    "a time");
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    store_vfs_name(st->wal_gather)) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "database %s: %s", path,
		    st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, opts != NULL && opts->busy_timeout > 0 ?
	    opts->busy_timeout : STORE_BUSY_TIMEOUT);

	if (store_pragma_int(st->db, "PRAGMA application_id", &appid) == -1) {
		store_open_error(st, path, err, errlen);
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
		store_open_error(st, path, err, errlen);
		goto fail;
	}
	/* WAL: readers never block the writer; FULL: fsync at each commit */
	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &s,
	    NULL) != SQLITE_OK) {
		store_open_error(st, path, err, errlen);
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
	    "PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 10000",
	    NULL, NULL, NULL) != SQLITE_OK) {
		/* these read the whole schema: a damaged page is said so */
		store_open_error(st, path, err, errlen);
		goto fail;
	}

	/* a damaged file is refused before anything is written to it */
	if (st->version > 0 && store_quick_check(st, path, err, errlen) == -1)
		goto fail;
	from = st->version;
	/*
	 * An upgrade that builds an index over years of rows sorts them in
	 * temporary files: in memory it held every key at once (v17 on 5 M
	 * cases, hundreds of MiB).
	 */
	if (st->version < target) {
		if (store_temp_store(st, path, "FILE", err, errlen) == -1 ||
		    store_upgrade(st, target, err, errlen) == -1 ||
		    store_temp_store(st, path, "MEMORY", err, errlen) == -1)
			goto fail;
	}

	if (store_citmap_fn(st) == -1) {
		store_open_error(st, path, err, errlen);
		goto fail;
	}
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
	if (store_citmap_open(st, opts != NULL ? opts->citizens_freeze :
	    0) == -1) {
		snprintf(err, errlen, "database %s: cannot read the citizens "
		    "above their mark: %s", path, sqlite3_errmsg(st->db));
		goto fail;
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
	/* last: the thread starts on a database opened, upgraded, checked */
	if (store_ckpt_start(st, opts != NULL && opts->checkpoint_thread,
	    opts != NULL ? opts->checkpoint_wake : 0, opts != NULL ?
	    opts->checkpoint_limit : 0, why, sizeof(why)) == -1)
		log_warnx("store checkpoint thread not started: %s; "
		    "checkpoints on the loop", why);
	else if (st->ckpt != NULL && opts != NULL && opts->checkpoint_thread)
		log_info("store checkpoint thread started");
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
	store_ckpt_stop(st);	/* joined before the close's checkpoint */
	if (st->db != NULL && !sqlite3_get_autocommit(st->db)) {
		log_warnx("store closing with an open batch: rolled back");
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	} else if (st->db != NULL)
		store_cases_done(st);	/* rows written outside a transaction */
	for (i = 0; i < STMT_MAX; i++)
		sqlite3_finalize(st->stmt[i]);
	free(st->msgs.outcome);
	free(st->wal_path);
	free(st->cases.ids);
	free(st->cases.units);
	store_citmap_free(st);
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
int
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

/* PRAGMA temp_store = how (FILE, MEMORY); 0, or -1 with the reason. */
static int
store_temp_store(struct store *st, const char *path, const char *how,
    char *err, size_t errlen)
{
	char	sql[40];

	snprintf(sql, sizeof(sql), "PRAGMA temp_store = %s", how);
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	snprintf(err, errlen, "database %s: %s: %s", path, sql,
	    sqlite3_errmsg(st->db));
	return -1;
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

	if ((rc = sqlite3_prepare_v2(st->db, "PRAGMA quick_check(20)", -1,
	    &s, NULL)) != SQLITE_OK && (rc & 0xff) != SQLITE_CORRUPT) {
		snprintf(err, errlen, "database %s: quick_check: %s", path,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	/* a damaged schema page stops the check before it starts */
	while (s != NULL && (rc = sqlite3_step(s)) == SQLITE_ROW) {
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
	store_ckpt_stop(st);	/* the loop's checkpoint alone, from now on */
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

	store_ckpt_poll(st);	/* the checkpointer's news, logged here */
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
	store_ckpt_stop(st);	/* the loop's checkpoint alone, from now on */
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
	    store_vfs_name(1)) != SQLITE_OK)
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
	    store_vfs_name(1)) != SQLITE_OK)
		goto fail;
	sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_busy_timeout(db, 5000);
	snprintf(sql, sizeof(sql), "PRAGMA %s(%d)", full ? "integrity_check" :
	    "quick_check", max > 0 ? max : 100);
	if (((rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL)) & 0xff) ==
	    SQLITE_CORRUPT) {
		/* a damaged schema page stops the check before it starts */
		fn(arg, sqlite3_errmsg(db));
		sqlite3_close(db);
		return 1;
	}
	if (rc != SQLITE_OK)
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

sqlite3_stmt *
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
 * Whether this failure (what, code) was logged less than STORE_ERR_QUIET_MS
 * ago: then it is counted and 1 returned.  Else it takes a slot (the
 * oldest) and 0 is returned with the repeats its last logging saw.
 */
static int
store_error_quiet(struct store *st, const char *what, int code,
    unsigned *quiet)
{
	struct store_err	*x, *old = &st->errs[0];
	uint64_t		 now = clock_mono_ms();
	size_t			 i;

	*quiet = 0;
	for (i = 0; i < STORE_ERR_SLOTS; i++) {
		x = &st->errs[i];
		if (x->code == code && strncmp(x->what, what,
		    sizeof(x->what) - 1) == 0) {
			if (now - x->at < STORE_ERR_QUIET_MS) {
				x->quiet++;
				return 1;
			}
			*quiet = x->quiet;
			x->at = now;
			x->quiet = 0;
			return 0;
		}
		if (x->at < old->at)
			old = x;
	}
	strlcpy(old->what, what, sizeof(old->what));
	old->code = code;
	old->at = now;
	old->quiet = 0;
	return 0;
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
	int	code = sqlite3_extended_errcode(st->db);
	unsigned quiet;

	if (store_error_quiet(st, what, code, &quiet))
		;
	else if (quiet > 0)
		/* "disk I/O error" alone does not say a disk is full */
		log_err("store %s failed: %s (%d)%s%s, and %u times more "
		    "since it was last logged", what, sqlite3_errmsg(st->db),
		    code, e != 0 ? ": " : "", e != 0 ? strerror(e) : "", quiet);
	else
		log_err("store %s failed: %s (%d)%s%s", what,
		    sqlite3_errmsg(st->db), code, e != 0 ? ": " : "",
		    e != 0 ? strerror(e) : "");
	if (st->txn && !st->doomed && sqlite3_get_autocommit(st->db)) {
		st->doomed = 1;
		log_err("store batch rolled back by sqlite: every message "
		    "in it gets a temporary error");
	}
}

/* Step once: SQLITE_ROW or SQLITE_DONE, or -1 after logging. */
int
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

int
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

char *
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
int
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

int
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

int
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

/* --- transactions: only commit.c calls these ------------------------- */

int
store_txn_begin(struct store *st)
{
	if (st->txn) {
		log_warnx("store begin inside a transaction (caller's bug)");
		return -1;
	}
	if (st->failed[0] != '\0')
		return -1;
	st->doomed = 0;
	st->unit = 0;
	st->outbox_first = 0;
	memset(&st->audit, 0, sizeof(st->audit));
	memset(&st->seq, 0, sizeof(st->seq));
	store_msgs_undo(st, NULL);
	/* rows written outside a transaction and not yet chained stay noted */
	st->cases.base = st->cases.n;
	st->cases.baseunits = st->cases.nunits;
	if (store_exec(st, STMT_BEGIN, "begin") == -1)
		return -1;
	st->txn = 1;
	/* under the write lock: what another process wrote, a pass's start */
	if (store_citmap_begin(st) == -1) {
		st->txn = 0;
		if (!sqlite3_get_autocommit(st->db))
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int
store_txn_commit(struct store *st)
{
	if (!st->txn) {
		log_warnx("store commit outside a transaction");
		return -1;
	}
	st->txn = 0;
	st->unit = 0;
	/* the transaction's case and message rows, then its audit events */
	if (!st->doomed && (store_seq_flush(st) == -1 ||
	    store_cases_seal(st) == -1 || store_msgs_seal(st) == -1 ||
	    (st->audit.dirty && store_audit_tip_flush(st) == -1) ||
	    store_citmap_slice(st) == -1))
		st->doomed = 1;
	memset(&st->audit, 0, sizeof(st->audit));
	memset(&st->seq, 0, sizeof(st->seq));
	store_msgs_undo(st, NULL);
	if (st->doomed) {
		st->doomed = 0;
		store_cases_undo(st, st->cases.base, st->cases.baseunits);
		store_citmap_end(st, 0);
		if (!sqlite3_get_autocommit(st->db))
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (store_exec(st, STMT_COMMIT, "commit") == -1) {
		store_cases_undo(st, st->cases.base, st->cases.baseunits);
		store_citmap_end(st, 0);
		if (!sqlite3_get_autocommit(st->db) &&
		    store_exec(st, STMT_ROLLBACK, "rollback") == -1)
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	store_cases_undo(st, 0, 0);
	store_citmap_end(st, 1);
	/*
	 * A WAL deleted under us holds this transaction only in an unlinked
	 * file: acknowledged only if store_wal_check() saved it into the
	 * database.
	 */
	if (store_wal_check(st) == -2)
		return -1;
	return 0;
}

void
store_txn_rollback(struct store *st)
{
	if (!st->txn)
		return;
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->doomed = 1;		/* store_txn_commit() ends it with -1 */
	st->unit = 0;
	memset(&st->audit, 0, sizeof(st->audit));
	memset(&st->seq, 0, sizeof(st->seq));
	store_msgs_undo(st, NULL);
	store_cases_undo(st, st->cases.base, st->cases.baseunits);
	store_citmap_end(st, 0);
}

int
store_in_batch(struct store *st)
{
	return st->txn;
}

int
store_doomed(const struct store *st)
{
	return st->txn && st->doomed;
}

/*
 * A unit's savepoint.  What the transaction keeps in memory (the audit
 * tip, the case sequence, the message and case rows to digest) is saved
 * here and put back when the unit is undone, with its rows.
 */
int
store_unit_begin(struct store *st)
{
	if (!st->txn || st->unit) {
		log_warnx("store unit begun %s (caller's bug)", !st->txn ?
		    "outside a transaction" : "inside another");
		return -1;
	}
	if (store_exec(st, STMT_SAVEPOINT, "savepoint") == -1)
		return -1;
	st->unit = 1;
	st->audit_saved = st->audit;
	st->seq_saved = st->seq;
	store_msgs_mark(st, &st->msgs_saved);
	st->cases.mark = st->cases.n;
	st->cases.markunits = st->cases.nunits;
	store_citmap_unit(st);
	return 0;
}

int
store_unit_end(struct store *st, int ok)
{
	if (!st->unit)
		return -1;
	st->unit = 0;
	if (st->doomed)
		return -1;
	if (ok && store_exec(st, STMT_RELEASE, "release") == 0)
		return 0;
	st->audit = st->audit_saved;	/* its events are undone too */
	st->seq = st->seq_saved;	/* and its case numbers */
	store_msgs_undo(st, &st->msgs_saved);
	store_cases_undo(st, st->cases.mark, st->cases.markunits);
	store_citmap_unit_undo(st);
	/* the unit's rows stay if this fails: the batch may not commit */
	if (store_exec(st, STMT_ROLLBACK_TO, "rollback to savepoint") == -1 ||
	    store_exec(st, STMT_RELEASE, "release") == -1)
		st->doomed = 1;
	return -1;
}
