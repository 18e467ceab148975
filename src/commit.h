/*
 * Group commit: everything the event loop writes while input keeps coming
 * (at most group-commit-delay, or until a batch is full) shares one SQLite
 * transaction, and whatever waits on durability (deliver_sm_resp, an HTTP
 * 2xx) runs after it.
 */
#ifndef HOTLINED_COMMIT_H
#define HOTLINED_COMMIT_H

#include <stddef.h>
#include <stdint.h>

struct commit;
struct event_base;
struct store;

/* Called once the batch holding the caller's writes ends: ok 1 committed. */
typedef void (*commit_fn)(void *arg, int ok);

/*
 * A group commit over st (borrowed).  A batch commits as soon as the loop
 * has nothing else to do, when max_batch callers wait on it, or delay_ms
 * after it opened at the latest (0: at the end of the loop turn).
 */
struct commit	*commit_new(struct event_base *, struct store *st,
		    int64_t delay_ms, size_t max_batch);
/* Commit what is open, answer held refusals, free; NULL does nothing. */
void	 commit_free(struct commit *);
/*
 * The daemon's group commit, for the rooms outside the core path that do
 * not hold one yet (admin, alert, ussd, webhook, notice, extension,
 * kannel, health): set by engine.c (or a test), NULL before.
 */
struct commit	*commit_default(void);
void	 commit_set_default(struct commit *);
/* Open a batch (or join the open one) and arm the commit; 0 or -1. */
int	 commit_join(struct commit *);
/*
 * A unit of work: join the batch (opening it) and start a savepoint in
 * it; 0, or -1 when nothing can be written now (refuse the input).  Units
 * do not nest.
 */
int	 commit_unit_begin(struct commit *);
/*
 * End the unit: kept in the batch (ok), or undone alone with its
 * commit_log() lines.  0 kept; -1 undone (also when SQLite undid it).
 * Without a unit open: 0 if ok, else -1.
 */
int	 commit_unit_end(struct commit *, int ok);
/*
 * Outside the event loop (tools, tests): one unit of work in a
 * transaction of its own.  commit_txn_begin() 0 or -1; commit_txn_end()
 * commits (ok) or undoes it: 0 committed, -1 undone.
 */
int	 commit_txn_begin(struct store *);
int	 commit_txn_end(struct store *, int ok);
/* Run fn(arg, ok) after the open batch ends; commit_join() first. */
void	 commit_after(struct commit *, commit_fn, void *arg);
/*
 * Commit the open batch now (shutdown, before work outside the batch)
 * and wait until every batch committed is answered.
 */
void	 commit_flush(struct commit *);
/*
 * wal-sync thread: from now on each batch's sync of the WAL is made by a
 * thread of its own while the loop goes on; the batch's callbacks and log
 * lines wait for it (commit_sync.c).  0, or -1 with err set.
 */
int	 commit_sync_thread(struct commit *, struct event_base *, char *err,
	    size_t errlen);
/* Syncs the thread made; batches committed but not yet answered. */
uint64_t commit_syncs_made(const struct commit *);
size_t	 commit_syncs_waiting(const struct commit *);
/* Tests: hold 1 keeps the sync thread from syncing until hold 0. */
void	 commit_sync_hold_test(struct commit *, int hold);
/* Batches committed and failed so far, and the largest batch. */
void	 commit_stats(const struct commit *, uint64_t *committed,
	    uint64_t *failed, size_t *largest);
/* Commits failing now; inputs refused and messages undone so far. */
void	 commit_health(const struct commit *, int *failing,
	    uint64_t *refused, uint64_t *undone);
/*
 * Input that cannot be stored now (commit_join() failed, or its message
 * was undone): fn(arg, 0) after a pause, at the next retry of a failing
 * store, so that a peer resending at once does not spin.
 */
void	 commit_refuse(struct commit *, commit_fn, void *arg);
/* Answer every refusal held by commit_refuse() now (shutdown). */
void	 commit_release(struct commit *);
/*
 * Log an info line once the open batch has committed (at once outside a
 * batch, or with c NULL); a failed batch's lines are never written.
 */
void	 commit_log(struct commit *c, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Where the batch's lines end now, and forget those after mark. */
size_t	 commit_log_mark(struct commit *);
void	 commit_log_undo(struct commit *, size_t mark);

#endif /* HOTLINED_COMMIT_H */
