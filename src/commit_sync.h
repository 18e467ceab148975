/*
 * commit_sync: a thread that makes the group commit's deferred syncs of
 * the WAL, in order, and tells the event loop (wal-sync thread).
 */
#ifndef HOTLINED_COMMIT_SYNC_H
#define HOTLINED_COMMIT_SYNC_H

#include <stddef.h>
#include <stdint.h>

struct commit_sync;
struct event_base;

/*
 * Start the thread; cb(arg) runs on the loop of base after syncs were
 * made (or one failed): read commit_sync_done() then.  NULL with err set.
 */
struct commit_sync	*commit_sync_new(struct event_base *,
			    void (*cb)(void *), void *arg, char *err,
			    size_t errlen);
/* Stop the thread (syncs still waiting are not made); NULL does nothing. */
void		 commit_sync_free(struct commit_sync *);
/*
 * Ask for fdatasync(2) of fd (taken: the thread closes it), a descriptor
 * of WAL file id (store_vfs_deferred()); the ask's number, 1, 2, ...
 */
uint64_t	 commit_sync_ask(struct commit_sync *, int fd, uint64_t file);
/* The last ask made durable; *err the errno of a failed sync, or 0. */
uint64_t	 commit_sync_done(struct commit_sync *, int *err);
/* Wait until every ask is made (or one failed); 0 or that errno. */
int		 commit_sync_drain(struct commit_sync *);
/* fdatasync(2)s made so far (asks that waited together make one). */
uint64_t	 commit_sync_made(struct commit_sync *);
/* Tests: hold 1 keeps the thread from syncing until hold 0. */
void		 commit_sync_hold(struct commit_sync *, int hold);

#endif /* HOTLINED_COMMIT_SYNC_H */
