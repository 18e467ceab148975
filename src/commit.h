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

struct event_base;
struct store;

/* Called once the batch holding the caller's writes ends: ok 1 committed. */
typedef void (*commit_fn)(void *arg, int ok);

/*
 * Set up.  A batch commits as soon as the loop has nothing else to do,
 * when max_batch callers wait on it, or delay_ms after it opened at the
 * latest (0: at the end of the loop turn).
 */
void	 commit_init(struct event_base *, struct store *, int64_t delay_ms,
	    size_t max_batch);
/* Open a batch (or join the open one) and arm the commit; 0 or -1. */
int	 commit_join(void);
/* Run fn(arg, ok) after the open batch ends; commit_join() first. */
void	 commit_after(commit_fn, void *arg);
/* Commit the open batch now (a full batch, shutdown). */
void	 commit_flush(void);
/* Free the timer; flushes first. */
void	 commit_shutdown(void);
/* Batches committed and failed so far, and the largest batch. */
void	 commit_stats(uint64_t *committed, uint64_t *failed, size_t *largest);

#endif /* HOTLINED_COMMIT_H */
