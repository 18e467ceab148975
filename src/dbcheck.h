/*
 * dbcheck: PRAGMA integrity_check on the daemon's database without stopping
 * its loop.  The check reads every page (seconds per GiB), so it runs in a
 * child process, "hotlined -C DATABASE" with a connection of its own, and
 * the loop only reads the child's answer from a pipe.
 */
#ifndef HOTLINED_DBCHECK_H
#define HOTLINED_DBCHECK_H

#include <stddef.h>
#include <stdint.h>

struct event_base;

#define DBCHECK_OUT_MAX	(64 * 1024)	/* bytes of the child's answer kept */

/*
 * status: the child's exit code (0 intact, 1 damaged, 2 unreadable, 127
 * could not run, -1 killed); out: its output, problem lines or "ok".
 */
typedef void	(*dbcheck_fn)(void *arg, int status, const char *out);

/*
 * Start a check of db (full: integrity_check, else quick_check); fn runs
 * once when it ends.  One at a time: -1 with err when one runs already or
 * the child cannot be started.
 */
int	dbcheck_start(struct event_base *, const char *db, int full,
	    dbcheck_fn fn, void *arg, char *err, size_t errlen);
/*
 * The same for the audit chain: "hotlined -A db key" (dbcheck_audit() in
 * the child); status 0 intact, 1 broken ("first_bad N"), 2 unreadable.
 */
int	dbcheck_start_audit(struct event_base *, const char *db,
	    const char *key, dbcheck_fn fn, void *arg, char *err,
	    size_t errlen);
/*
 * Verify the audit chain of the database db with the key file key, with
 * a connection of its own (a copy, or the file of a running daemon: it
 * reads a snapshot): 0 intact, 1 broken (*badp the first bad event), 2
 * unreadable (why in err).  progress(arg, event, last) is called every
 * 65536 events when not NULL.
 */
int	dbcheck_audit(const char *db, const char *key, int64_t *badp,
	    void (*progress)(void *, int64_t, int64_t), void *arg,
	    char *err, size_t errlen);
/* 1 while a check runs. */
int	dbcheck_running(void);
/* Kill a running check and wait for it; its fn is not called. */
void	dbcheck_abort(void);

#endif /* HOTLINED_DBCHECK_H */
