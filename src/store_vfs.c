/*
 * store_vfs: SQLite's unix VFS with the write-ahead log's writes gathered.
 *
 * A commit writes each page of the batch to the WAL as two pwrite(2)s (a
 * 24-byte frame header, then the page): ten or more system calls per
 * citizen's message, a quarter of the daemon's CPU in the kernel.  This VFS
 * passes every file through to the default VFS, except that writes to a WAL
 * file that follow one another are kept in a buffer and written with one
 * pwrite(2) before anything else touches that file: before a sync, read,
 * truncate, size, file control or close, and before a write elsewhere.
 *
 * Why this is safe: the buffer never outlives a change of the WAL's
 * locks or the publication of a commit.  Every wal-index lock or unlock
 * and every memory barrier (SQLite's xShmLock and xShmBarrier, called on
 * the database file) writes out the gathered frames of every WAL file
 * first: a commit's header becomes valid for readers only after a
 * barrier, and the write lock is released only after an unlock, so no
 * other connection can see, or write over, frames still here (frames of a
 * rolled-back transaction are written before the lock goes, as they would
 * have been without the buffer, beyond the end readers trust).  With
 * synchronous=FULL, what hotlined runs, the commit's xSync writes them
 * even earlier; a crash loses at most the frames of a commit that had not
 * returned, exactly as a crash in the middle of its writes would.  A
 * write that fails keeps the buffer and fails every later call until it
 * succeeds, so SQLite never goes on believing frames are in the file.
 * Threads: the gathering connection is the loop's alone.  The checkpoint
 * thread's connection (store_checkpoint.c) opens through the twin: it
 * writes no WAL, and its lock changes flush nothing (other connections'
 * frames need no flush then: a connection publishes a commit, or gives up
 * the write lock, only through its own barrier or unlock, which flushes
 * its own first, so no other connection reads or overwrites frames still
 * in a buffer; SQLite's protocol between processes rests on the same).
 * So the list of WAL files is touched by the loop's thread only.
 *
 * Both VFSs also start the kernel's writeback of a database file's pages
 * every DB_FLUSH_AFTER bytes a checkpoint writes (below), and can leave a
 * commit's sync of its WAL to the caller (wal-sync thread, below).
 *
 * It is an optimisation inside the durability core (+12 % MO/s in
 * bench/ingest), so it can be turned off in the field: wal-write-gather no
 * opens through "hotlined-unix", the same VFS with no WAL file gathered.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store_vfs.h"

/*
 * Bytes gathered at most: the unix VFS writes at most 128 KiB - 1 in one
 * call (it expects a page at a time) and answers a longer write with
 * SQLITE_FULL; 64 KiB is ~30 frames of 2 KiB pages, a write per few
 * messages instead of two per page.
 */
#define WAL_BUF_SIZE	(64 * 1024)

/*
 * Early writeback of the database file (issue 17).  Only checkpoints
 * write the database file in WAL mode, thousands of scattered pages each,
 * and SQLite syncs the file once at the end: until then the pages sit
 * dirty in the page cache, and that sync hands the device all of them at
 * once, behind which every commit's sync of the WAL waits (p99 at 1,000
 * MO/s 5 ms, stalls of 43-53 ms, with 5 M cases).  So every DB_FLUSH_AFTER
 * bytes a checkpoint has written, sync_file_range(2) asks the kernel to
 * start writing them out, without waiting: the device gets them in small
 * runs and the final sync finds little left.  It changes no ordering
 * SQLite relies on: the sync at the end still waits for every page, as
 * before.  (PostgreSQL's checkpoint_flush_after does the same, for the
 * same reason.)  Linux only; elsewhere the final sync does it all.
 *
 * Starting the writeback early still hands the device a round's 20 MiB
 * as fast as the thread copies it (50 ms a round of 10,000 pages), and
 * the commits' syncs of the WAL queue behind it: a thread that called
 * store_vfs_pace() (the checkpoint thread, while it is not behind) also
 * pauses that long after each DB_FLUSH_AFTER bytes, so its writes reach
 * the device spread over the round instead of in one burst.  The loop's
 * thread never pauses: its own checkpoints are the stalls to keep short.
 */
#define DB_FLUSH_AFTER	(256 * 1024)

struct vfs_file {
	sqlite3_file	 base;
	sqlite3_file	*real;		/* the default VFS's, right after us */
	int		 wal;
	int		 gather;	/* opened through the gathering VFS */
	int		 db;		/* a main database file */
	uint8_t		*buf;		/* WAL only: writes not yet made */
	size_t		 len;
	sqlite3_int64	 off;		/* file offset of buf[0] */
	struct vfs_file	*next;		/* WAL only: every open one */
	int		 wb_fd;		/* database: for writeback, or -1 */
	size_t		 wb_len;	/* written since writeback began */
	int		 walfile;	/* a WAL, gathered or not */
	int		 sync_fd;	/* WAL: for a deferred sync, or -1 */
	int		 hdr_unsynced;	/* WAL: header written, unsynced */
	uint64_t	 id;		/* WAL: which open, for its syncer */
};

static sqlite3_vfs	 vfs;
static sqlite3_vfs	 vfs_plain;	/* the same, gathering nothing */
static sqlite3_vfs	*vfs_real;
static int		 vfs_ready;
static struct vfs_file	*vfs_wals;	/* open WAL files */
static _Atomic long	 vfs_writebacks; /* started early (any thread) */
static _Atomic long	 vfs_pauses;	/* paced pauses (any thread) */
static _Thread_local int vfs_pace_us;	/* this thread's pause, or 0 */
static _Atomic uint64_t	 vfs_ids;	/* WAL opens so far */
static _Atomic long	 vfs_deferrals;	/* WAL syncs deferred (any thread) */
static _Atomic long	 vfs_syncs_made; /* WAL syncs made (any thread) */
/*
 * Deferred sync of the WAL (wal-sync thread, commit.c): armed by
 * store_vfs_defer_sync() for the calling thread's next sync of a WAL,
 * which then only writes out the gathered frames and leaves the file to
 * vfs_deferred (the caller syncs it on a thread of its own before it
 * acknowledges anything).  Only the first sync is deferred: SQLite calls
 * it at the end of a commit's frames; a second one in the same call (a
 * checkpoint run from the commit's WAL hook syncs the WAL before it copies
 * a frame) is made, and makes the deferred one moot.  And before this
 * thread writes or syncs a database file, a deferred sync is made first:
 * the database never holds a page whose frame is not yet on the disk.
 * A sync that follows a write of the WAL's header is never deferred:
 * when the WAL starts again from its head, SQLite syncs the new header
 * before it writes a frame over the old ones (else a crash could leave
 * the old header with some of the old frames, and recovery would copy
 * those stale pages back over newer ones); the first sync of a new WAL
 * file also syncs its directory.  The commit's own sync, the next one,
 * is deferred then.  A deferred sync that could not be made (its file
 * closing) is told to the caller as a failure, never as made.
 */
static _Thread_local int vfs_defer;
static _Thread_local struct vfs_file *vfs_deferred;
static _Thread_local int vfs_defer_failed;

/*
 * Tests only: with HOTLINED_TEST_EROFS=PATH in the environment, every
 * write, truncate and sync fails with EROFS while a file exists at PATH,
 * as on a filesystem remounted read-only (run-storage.sh: Linux refuses
 * to remount a filesystem read-only while a file on it is open for
 * writing, so a test cannot do it for real).  Unset: one pointer test.
 */
static const char	*vfs_erofs;
/*
 * Tests only: HOTLINED_TEST_EIO_DB=PATH fails every write and sync of a
 * database file (never its WAL) with EIO while PATH exists: commits go
 * on, checkpoints fail (test_checkpoint: logged, retried, not fatal).
 */
static const char	*vfs_eio_db;

#define VFS_FAULT()	(vfs_erofs != NULL && access(vfs_erofs, F_OK) == 0 && \
	(vfs_errno = EROFS) != 0)
#define VFS_DB_FAULT(f)	((f)->db && vfs_eio_db != NULL && \
	access(vfs_eio_db, F_OK) == 0 && (vfs_errno = EIO) != 0)
/*
 * The errno of a failed write, truncate or sync, kept for store_error():
 * each thread's own.
 */
static _Thread_local int vfs_errno;

/* Pass rc on; a failure's errno is kept for store_vfs_errno(). */
static int
vfs_keep(int rc)
{
	if (rc != SQLITE_OK && errno != 0)
		vfs_errno = errno;
	return rc;
}

#define REAL(f)	(((struct vfs_file *)(f))->real)
#define RM(f)	(REAL(f)->pMethods)

/*
 * Write out what is gathered.  On failure the bytes stay (writing them
 * again at the same offset is harmless) and the error is returned to
 * every call until a write succeeds.
 */
static int
vfs_flush(struct vfs_file *f)
{
	int	rc;

	if (f->len == 0)
		return SQLITE_OK;
	rc = vfs_keep(f->real->pMethods->xWrite(f->real, f->buf, (int)f->len,
	    f->off));
	if (rc == SQLITE_OK)
		f->len = 0;
	return rc;
}

/* Before any wal-index lock change or barrier: every WAL's frames out. */
static int
vfs_flush_wals(void)
{
	struct vfs_file	*w;
	int		 rc = SQLITE_OK, r;

	for (w = vfs_wals; w != NULL; w = w->next)
		if ((r = vfs_flush(w)) != SQLITE_OK && rc == SQLITE_OK)
			rc = r;
	return rc;
}

/* A WAL sync this thread deferred, made now (a database write follows). */
static int
vfs_undefer(void)
{
	struct vfs_file	*w = vfs_deferred;
	int		 rc;

	if (w == NULL)
		return SQLITE_OK;
	if ((rc = vfs_keep(RM(w)->xSync(REAL(w), SQLITE_SYNC_NORMAL))) ==
	    SQLITE_OK) {
		vfs_deferred = NULL;
		w->hdr_unsynced = 0;
		vfs_syncs_made++;
	}
	return rc;
}

static int
vfs_close(sqlite3_file *file)
{
	struct vfs_file	*f = (struct vfs_file *)file, **pp;
	int		 rc, rc2;

	rc = vfs_flush(f);
	if (vfs_deferred == f) {
		/* its syncer could not see it now: made here, or failed */
		if (rc != SQLITE_OK || (rc = vfs_undefer()) != SQLITE_OK)
			vfs_defer_failed = 1;
		vfs_deferred = NULL;
	}
	rc2 = RM(f)->xClose(f->real);
	if (f->wb_fd != -1)
		close(f->wb_fd);
	f->wb_fd = -1;
	if (f->sync_fd != -1)
		close(f->sync_fd);
	f->sync_fd = -1;
	/* only a gathered WAL is listed: other threads' files never look */
	for (pp = &vfs_wals; f->wal && *pp != NULL; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	free(f->buf);
	f->buf = NULL;
	f->len = 0;
	return rc != SQLITE_OK ? rc : rc2;
}

static int
vfs_read(sqlite3_file *file, void *p, int n, sqlite3_int64 off)
{
	int	rc;

	if ((rc = vfs_flush((struct vfs_file *)file)) != SQLITE_OK)
		return rc;
	return RM(file)->xRead(REAL(file), p, n, off);
}

/* A database file's write made: start writeback every DB_FLUSH_AFTER. */
static void
vfs_written(struct vfs_file *f, int n)
{
	if (f->wb_fd == -1 || n <= 0)
		return;
	f->wb_len += (size_t)n;
	if (f->wb_len < DB_FLUSH_AFTER)
		return;
	f->wb_len = 0;
#ifdef SYNC_FILE_RANGE_WRITE
	/* a failure only leaves the pages to the final sync, as before */
	if (sync_file_range(f->wb_fd, 0, 0, SYNC_FILE_RANGE_WRITE) == 0)
		vfs_writebacks++;
#endif
	if (vfs_pace_us > 0) {
		struct timespec	ts = { 0, vfs_pace_us * 1000L };

		nanosleep(&ts, NULL);
		vfs_pauses++;
	}
}

static int
vfs_write(sqlite3_file *file, const void *p, int n, sqlite3_int64 off)
{
	struct vfs_file	*f = (struct vfs_file *)file;
	int		 rc;

	if (VFS_FAULT() || VFS_DB_FAULT(f))
		return SQLITE_IOERR_WRITE;
	if (f->db && vfs_deferred != NULL && (rc = vfs_undefer()) != SQLITE_OK)
		return rc;
	if (f->walfile && off == 0 && n > 0)
		f->hdr_unsynced = 1;	/* a new header: its sync is made */
	if (!f->wal || n <= 0) {
		if ((rc = vfs_keep(RM(f)->xWrite(f->real, p, n, off))) ==
		    SQLITE_OK && f->db)
			vfs_written(f, n);
		return rc;
	}
	if (f->len > 0 && off == f->off + (sqlite3_int64)f->len &&
	    f->len + (size_t)n <= WAL_BUF_SIZE) {
		memcpy(f->buf + f->len, p, (size_t)n);
		f->len += (size_t)n;
		return SQLITE_OK;
	}
	if ((rc = vfs_flush(f)) != SQLITE_OK)
		return rc;
	if ((size_t)n > WAL_BUF_SIZE / 2 ||
	    (f->buf == NULL && (f->buf = malloc(WAL_BUF_SIZE)) == NULL))
		return vfs_keep(RM(f)->xWrite(f->real, p, n, off));
	memcpy(f->buf, p, (size_t)n);
	f->off = off;
	f->len = (size_t)n;
	return SQLITE_OK;
}

static int
vfs_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	int	rc;

	if (VFS_FAULT())
		return SQLITE_IOERR_TRUNCATE;
	if ((rc = vfs_flush((struct vfs_file *)file)) != SQLITE_OK)
		return rc;
	return vfs_keep(RM(file)->xTruncate(REAL(file), size));
}

static int
vfs_sync(sqlite3_file *file, int flags)
{
	struct vfs_file	*f = (struct vfs_file *)file;
	int		 rc;

	if (VFS_FAULT() || VFS_DB_FAULT(f))
		return SQLITE_IOERR_FSYNC;
	if ((rc = vfs_flush(f)) != SQLITE_OK)
		return rc;
	if (f->walfile && vfs_defer && f->sync_fd != -1 && !f->hdr_unsynced &&
	    (vfs_deferred == NULL || vfs_deferred == f)) {
		vfs_defer = 0;		/* the first one only */
		vfs_deferred = f;
		vfs_deferrals++;
		return SQLITE_OK;
	}
	if (f->db && vfs_deferred != NULL && (rc = vfs_undefer()) != SQLITE_OK)
		return rc;
	if ((rc = vfs_keep(RM(file)->xSync(REAL(file), flags))) == SQLITE_OK &&
	    f->walfile) {
		f->hdr_unsynced = 0;
		vfs_syncs_made++;
		if (vfs_deferred == f)
			vfs_deferred = NULL;	/* made now: moot */
	}
	return rc;
}

static int
vfs_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	int	rc;

	if ((rc = vfs_flush((struct vfs_file *)file)) != SQLITE_OK)
		return rc;
	return RM(file)->xFileSize(REAL(file), size);
}

static int
vfs_lock(sqlite3_file *file, int lock)
{
	return RM(file)->xLock(REAL(file), lock);
}

static int
vfs_unlock(sqlite3_file *file, int lock)
{
	return RM(file)->xUnlock(REAL(file), lock);
}

static int
vfs_check_reserved(sqlite3_file *file, int *out)
{
	return RM(file)->xCheckReservedLock(REAL(file), out);
}

static int
vfs_file_control(sqlite3_file *file, int op, void *arg)
{
	int	rc;

	if ((rc = vfs_flush((struct vfs_file *)file)) != SQLITE_OK)
		return rc;
	return RM(file)->xFileControl(REAL(file), op, arg);
}

static int
vfs_sector_size(sqlite3_file *file)
{
	return RM(file)->xSectorSize(REAL(file));
}

static int
vfs_device(sqlite3_file *file)
{
	return RM(file)->xDeviceCharacteristics(REAL(file));
}

static int
vfs_shm_map(sqlite3_file *file, int pg, int pgsz, int extend,
    void volatile **pp)
{
	return RM(file)->xShmMap(REAL(file), pg, pgsz, extend, pp);
}

static int
vfs_shm_lock(sqlite3_file *file, int off, int n, int flags)
{
	int	rc;

	if (((struct vfs_file *)file)->gather &&
	    (rc = vfs_flush_wals()) != SQLITE_OK)
		return rc;
	return RM(file)->xShmLock(REAL(file), off, n, flags);
}

/*
 * SQLite cannot hear of a failure here; a write that fails stays in the
 * buffer and fails the commit's xSync or the next lock change.
 */
static void
vfs_shm_barrier(sqlite3_file *file)
{
	if (((struct vfs_file *)file)->gather)
		vfs_flush_wals();
	RM(file)->xShmBarrier(REAL(file));
}

static int
vfs_shm_unmap(sqlite3_file *file, int del)
{
	return RM(file)->xShmUnmap(REAL(file), del);
}

static int
vfs_fetch(sqlite3_file *file, sqlite3_int64 off, int n, void **pp)
{
	int	rc;

	if ((rc = vfs_flush((struct vfs_file *)file)) != SQLITE_OK)
		return rc;
	return RM(file)->xFetch(REAL(file), off, n, pp);
}

static int
vfs_unfetch(sqlite3_file *file, sqlite3_int64 off, void *p)
{
	return RM(file)->xUnfetch(REAL(file), off, p);
}

static const sqlite3_io_methods vfs_methods = {
	3,
	vfs_close, vfs_read, vfs_write, vfs_truncate, vfs_sync,
	vfs_file_size, vfs_lock, vfs_unlock, vfs_check_reserved,
	vfs_file_control, vfs_sector_size, vfs_device,
	vfs_shm_map, vfs_shm_lock, vfs_shm_barrier, vfs_shm_unmap,
	vfs_fetch, vfs_unfetch
};

static int
vfs_open(sqlite3_vfs *v, sqlite3_filename name, sqlite3_file *file,
    int flags, int *outflags)
{
	struct vfs_file	*f = (struct vfs_file *)file;
	int		 rc;

	memset(f, 0, sizeof(*f));
	f->wb_fd = -1;
	f->sync_fd = -1;
	f->real = (sqlite3_file *)(f + 1);
	f->gather = v == &vfs;
	f->db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
	f->walfile = (flags & SQLITE_OPEN_WAL) != 0;
	f->wal = f->walfile && f->gather;
	rc = vfs_real->xOpen(vfs_real, name, f->real, flags, outflags);
	/* without methods SQLite does not call xClose: nothing to undo */
	f->base.pMethods = f->real->pMethods != NULL &&
	    f->real->pMethods->iVersion >= 3 ? &vfs_methods : NULL;
	if (rc == SQLITE_OK && f->base.pMethods == NULL) {
		if (f->real->pMethods != NULL)
			f->real->pMethods->xClose(f->real);
		rc = SQLITE_CANTOPEN;
	}
#ifdef SYNC_FILE_RANGE_WRITE
	/* writeback needs no write access: a descriptor of our own */
	if (rc == SQLITE_OK && f->db && name != NULL)
		f->wb_fd = open(name, O_RDONLY | O_CLOEXEC);
#endif
	/*
	 * A deferred sync is made through a descriptor of our own (fsync(2)
	 * of any descriptor of a file syncs the file): without one, none is
	 * deferred.
	 */
	if (rc == SQLITE_OK && f->walfile && name != NULL) {
		f->sync_fd = open(name, O_RDONLY | O_CLOEXEC);
		f->id = ++vfs_ids;
	}
	if (rc == SQLITE_OK && f->wal) {
		f->next = vfs_wals;
		vfs_wals = f;
	}
	return rc;
}

/* The rest of the VFS is the default one's. */
#define PASS(name, args, call) \
static int name args { return vfs_real->call; }
PASS(vfs_delete, (sqlite3_vfs *v, const char *n, int d), xDelete(vfs_real, n, d))
PASS(vfs_access, (sqlite3_vfs *v, const char *n, int fl, int *o),
    xAccess(vfs_real, n, fl, o))
PASS(vfs_fullpath, (sqlite3_vfs *v, const char *n, int len, char *o),
    xFullPathname(vfs_real, n, len, o))
PASS(vfs_random, (sqlite3_vfs *v, int n, char *o), xRandomness(vfs_real, n, o))
PASS(vfs_sleep, (sqlite3_vfs *v, int us), xSleep(vfs_real, us))
PASS(vfs_time, (sqlite3_vfs *v, double *o), xCurrentTime(vfs_real, o))
PASS(vfs_error, (sqlite3_vfs *v, int n, char *o), xGetLastError(vfs_real, n, o))
PASS(vfs_time64, (sqlite3_vfs *v, sqlite3_int64 *o),
    xCurrentTimeInt64(vfs_real, o))
#undef PASS

static void *
vfs_dlopen(sqlite3_vfs *v, const char *path)
{
	return vfs_real->xDlOpen(vfs_real, path);
}

static void
vfs_dlerror(sqlite3_vfs *v, int n, char *msg)
{
	vfs_real->xDlError(vfs_real, n, msg);
}

static void
(*vfs_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
	return vfs_real->xDlSym(vfs_real, h, sym);
}

static void
vfs_dlclose(sqlite3_vfs *v, void *h)
{
	vfs_real->xDlClose(vfs_real, h);
}

long
store_vfs_writebacks(void)
{
	return vfs_writebacks;
}

void
store_vfs_pace(int us)
{
	vfs_pace_us = us > 0 && us < 1000000 ? us : 0;
}

long
store_vfs_pauses(void)
{
	return vfs_pauses;
}

void
store_vfs_defer_sync(void)
{
	vfs_defer = 1;
}

int
store_vfs_deferred(uint64_t *id)
{
	struct vfs_file	*w = vfs_deferred;
	int		 fd;

	vfs_defer = 0;
	*id = 0;
	if (vfs_defer_failed) {
		vfs_defer_failed = 0;
		return -2;
	}
	if (w == NULL)
		return -1;
	/* a copy for the syncer: the WAL may close before it is done */
	if ((fd = fcntl(w->sync_fd, F_DUPFD_CLOEXEC, 0)) == -1) {
		if (vfs_undefer() != SQLITE_OK)
			return -2;
		return -1;
	}
	vfs_deferred = NULL;
	*id = w->id;
	return fd;
}

void
store_vfs_sync_counts(long *deferred, long *made)
{
	*deferred = vfs_deferrals;
	*made = vfs_syncs_made;
}

int
store_vfs_errno(void)
{
	int	e = vfs_errno;

	vfs_errno = 0;
	return e;
}

const char *
store_vfs_name(int gather)
{
	if (vfs_ready)
		return gather ? vfs.zName : vfs_plain.zName;
	if ((vfs_real = sqlite3_vfs_find(NULL)) == NULL ||
	    vfs_real->iVersion < 2 || vfs_real->xCurrentTimeInt64 == NULL)
		return NULL;
	vfs_erofs = getenv("HOTLINED_TEST_EROFS");
	vfs_eio_db = getenv("HOTLINED_TEST_EIO_DB");
	vfs.iVersion = 2;
	vfs.szOsFile = (int)sizeof(struct vfs_file) + vfs_real->szOsFile;
	vfs.mxPathname = vfs_real->mxPathname;
	vfs.zName = "hotlined-wal";
	vfs.xOpen = vfs_open;
	vfs.xDelete = vfs_delete;
	vfs.xAccess = vfs_access;
	vfs.xFullPathname = vfs_fullpath;
	vfs.xDlOpen = vfs_dlopen;
	vfs.xDlError = vfs_dlerror;
	vfs.xDlSym = vfs_dlsym;
	vfs.xDlClose = vfs_dlclose;
	vfs.xRandomness = vfs_random;
	vfs.xSleep = vfs_sleep;
	vfs.xCurrentTime = vfs_time;
	vfs.xGetLastError = vfs_error;
	vfs.xCurrentTimeInt64 = vfs_time64;
	vfs_plain = vfs;
	vfs_plain.zName = "hotlined-unix";	/* see vfs_open() */
	if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK ||
	    sqlite3_vfs_register(&vfs_plain, 0) != SQLITE_OK)
		return NULL;
	vfs_ready = 1;
	return gather ? vfs.zName : vfs_plain.zName;
}
