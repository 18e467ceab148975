/*
 * store_vfs: the default SQLite VFS with the WAL's consecutive writes
 * gathered into one pwrite(2) per 64 KiB, written out before any sync,
 * read or wal-index lock change (see store_vfs.c for why this is safe);
 * wal-write-gather no opens the database through its twin, which gathers
 * nothing.  Both start the writeback of a checkpoint's pages early.
 */
#ifndef STORE_VFS_H
#define STORE_VFS_H

#include <stdint.h>

/*
 * Register the VFS once; its name for sqlite3_open_v2(), or NULL.  gather 0
 * (wal-write-gather no) names its twin that writes the WAL as the unix VFS
 * does, one call per write, and keeps only what the tests and
 * store_vfs_errno() need.
 */
const char	*store_vfs_name(int gather);
/*
 * The errno of the last write, truncate or sync that failed (ENOSPC,
 * EROFS, EIO), then 0 until the next failure: SQLite's "disk I/O error"
 * alone does not say which.
 */
int		 store_vfs_errno(void);
/*
 * How many times a checkpoint's writes to a database file started the
 * kernel's writeback early (every 256 KiB, Linux), in this process.
 */
long		 store_vfs_writebacks(void);
/*
 * The calling thread's writes to a database file pause us microseconds
 * after each 256 KiB (0: never): the checkpoint thread spreads a round's
 * writes.  store_vfs_pauses() counts the pauses made, in this process.
 */
void		 store_vfs_pace(int us);
long		 store_vfs_pauses(void);
/*
 * wal-sync thread: the calling thread's next sync of a WAL file (a
 * commit's) writes its frames out but leaves the sync to the caller, who
 * takes it with store_vfs_deferred() right after the commit returns: a
 * descriptor of the WAL to fdatasync(2) and close (id tells two WAL files
 * apart), or -1 when nothing is left to sync (none was deferred, or it was
 * made since: a database write or a checkpoint of this thread makes it
 * first), or -2 when making it failed.  store_vfs_deferred() also disarms
 * a store_vfs_defer_sync() that no sync used.
 */
void		 store_vfs_defer_sync(void);
int		 store_vfs_deferred(uint64_t *id);
/* WAL syncs deferred, and WAL syncs made, so far in this process. */
void		 store_vfs_sync_counts(long *deferred, long *made);

#endif /* STORE_VFS_H */
