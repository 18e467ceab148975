/*
 * Group commit.  A durable single-row commit costs ~150 us of fsync here, so
 * every write made while input keeps coming joins one batch; the batch
 * commits as soon as the event loop has nothing else to do (an event of the
 * lowest priority), or when it is full, or group-commit-delay after it
 * opened at the latest.  The callbacks of commit_after() (deliver_sm_resp,
 * HTTP answers) run once the batch has committed, never before: nothing is
 * acknowledged unless durable.
 *
 * With wal-sync thread (commit_sync_thread(), the daemon's default) the
 * commit leaves its sync of the WAL to commit_sync.c's thread and the loop
 * goes on with the next batch; the batch waits on c->pend, its callbacks
 * and its log lines with it, until the thread has made the sync, and
 * batches are answered in the order they committed.  While one waits, the
 * outbox hands out no row added since it opened (store_outbox_limit()):
 * no SMS tells a citizen of a case that is not yet durable.
 *
 * When commits fail (a full disk, an I/O error) the store takes no writes
 * until a retry succeeds: input is refused with a pause instead of at once
 * (commit_refuse()), so a peer that resends at once cannot spin us, and the
 * log says so once when it starts and once when it ends, with the counts.
 * What a batch logs through commit_log() is written only once it has
 * committed: the log never shows a case that a failed commit undid.
 *
 * This file is the only one that begins and commits.  Every unit of work
 * (an MO, an admin operation, a receipt, an expiry, a scheduled scan) is
 * a savepoint inside the batch, commit_unit_begin() to commit_unit_end():
 * a unit that fails is undone alone -- its rows, the audit events, case
 * numbers and digest marks the store keeps in memory, and its
 * commit_log() lines -- and the rest of the batch commits.  Units do not
 * nest: what a unit calls (lifecycle_apply(), survey_reply()) writes in
 * the caller's unit and reports failure; the caller undoes the unit.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "commit.h"
#include "commit_sync.h"
#include "log.h"
#include "metrics.h"
#include "store.h"
#include "store_vfs.h"
#include "util.h"

struct commit_wait {
	commit_fn	 fn;
	void		*arg;
};

/* A committed batch whose WAL sync the sync thread is making. */
struct commit_pending {
	uint64_t		 seq;		/* its ask, commit_sync.c */
	int64_t			 outbox_first;	/* store_outbox_first() */
	int			 ok;		/* committed (0: answered 0) */
	struct timespec		 t0;		/* its commit began */
	struct commit_wait	*waits;
	size_t			 nwaits;
	char			*logbuf;	/* its lines, NUL-ended */
	size_t			 loglen;
	uint64_t		 nlog_dropped;
};

/* 0: events made before commit_new(), 1: every later one, 2: the commit */
#define COMMIT_PRIORITIES	3

/*
 * After a failed commit the next try waits 100 ms, doubling up to 5 s:
 * input refused meanwhile is answered at the next try, well inside any
 * SMSC's response timeout (smscsim's is 10 s, carriers' 30-60 s).  A
 * refusal while commits work (one message failed alone) waits 1 s.
 */
#define COMMIT_RETRY_MIN	100
#define COMMIT_RETRY_MAX	5000
#define COMMIT_REFUSE_PAUSE	1000
#define COMMIT_REFUSE_MAX	65536	/* answers held; beyond, at once */
#define COMMIT_LOG_MAX		(4 * 1024 * 1024)	/* lines held per batch */

enum commit_state {
	COMMIT_S_OK = 0,
	COMMIT_S_FAILING,	/* waiting out the backoff: no writes tried */
	COMMIT_S_RETRY		/* the next batch is the retry */
};

static void	commit_timer(evutil_socket_t, short, void *);
static void	commit_retry_timer(evutil_socket_t, short, void *);
static void	commit_run(struct commit *);
static void	commit_failed(struct commit *, const char *);
static void	commit_arm(struct commit *, int64_t);
static void	commit_log_emit(struct commit *, int);
static void	commit_lines(const char *, size_t, uint64_t);
static void	commit_pend(struct commit *, uint64_t, int,
		    const struct timespec *);
static void	commit_outbox_limit(struct commit *);
static uint64_t	commit_us(const struct timespec *, const struct timespec *);
static void	commit_synced(void *);
static void	commit_settle(struct commit *);

/*
 * One group commit over one store: the daemon has one (engine.c's struct
 * hotline owns it), a test may make several.
 */
struct commit {
	struct store		*store;		/* borrowed */
	struct event		*ev_commit, *ev_idle, *ev_retry;
	struct timeval		 commit_tv;
	size_t			 commit_max;
	struct commit_wait	*waits;
	size_t			 nwaits, waitsz;
	struct commit_wait	*refused;	/* answered at the next try */
	size_t			 nrefused_held, refusedsz;
	int			 open_batch;
	enum commit_state	 state;
	int64_t			 backoff;	/* ms, while failing */
	uint64_t		 fail_since;	/* monotonic ms */
	uint64_t		 ncommitted, nfailed, nrefused, nundone;
	uint64_t		 f_failed, f_refused, f_undone;	/* this time */
	size_t			 largest;
	char			*logbuf;	/* NUL-ended lines of a batch */
	size_t			 loglen, logsz;
	uint64_t		 nlog_dropped;
	int			 unit_open;	/* a unit's savepoint */
	size_t			 unit_mark;	/* commit_log() at its start */
	struct commit_sync	*sync;		/* wal-sync thread, or NULL */
	struct commit_pending	*pend;		/* oldest first */
	size_t			 npend, pendsz;
	uint64_t		 last_seq;	/* the newest ask */
};

static struct commit	*commit_dflt;	/* borrowed: commit_default() */

struct commit *
commit_new(struct event_base *base, struct store *st, int64_t delay_ms,
    size_t max_batch)
{
	struct commit	*c;

	c = xcalloc(1, sizeof(*c));
	c->store = st;
	c->state = COMMIT_S_OK;
	c->commit_max = max_batch > 0 ? max_batch : 256;
	c->commit_tv.tv_sec = delay_ms / 1000;
	c->commit_tv.tv_usec = (delay_ms % 1000) * 1000;
	if ((c->ev_commit = evtimer_new(base, commit_timer, c)) == NULL ||
	    (c->ev_idle = event_new(base, -1, 0, commit_timer, c)) == NULL ||
	    (c->ev_retry = evtimer_new(base, commit_retry_timer, c)) == NULL)
		fatalx("commit event_new failed");
	/*
	 * Under load the SMSC's window fills with messages waiting for this
	 * commit, and no more come until it is done: waiting out a delay
	 * then only adds latency.  So the batch ends once the loop is idle.
	 */
	if ((event_base_get_npriorities(base) < COMMIT_PRIORITIES &&
	    event_base_priority_init(base, COMMIT_PRIORITIES) == -1) ||
	    event_priority_set(c->ev_idle, COMMIT_PRIORITIES - 1) == -1)
		fatalx("commit cannot set event priorities");
	return c;
}

struct commit *
commit_default(void)
{
	return commit_dflt;
}

void
commit_set_default(struct commit *c)
{
	commit_dflt = c;
}

int
commit_join(struct commit *c)
{
	static const struct timeval	now = { 0, 0 };

	if (c->open_batch) {
		if (!store_doomed(c->store))
			return 0;
		/* SQLite undid the batch: end it at once, take nothing more */
		evtimer_add(c->ev_commit, &now);
		return -1;
	}
	if (c->state == COMMIT_S_FAILING)
		return -1;		/* until the retry */
	if (store_txn_begin(c->store) == -1) {
		c->nfailed++;
		commit_failed(c, "begin");
		return -1;
	}
	c->open_batch = 1;
	evtimer_add(c->ev_commit, &c->commit_tv);
	event_active(c->ev_idle, EV_TIMEOUT, 0);
	return 0;
}

void
commit_after(struct commit *c, commit_fn fn, void *arg)
{
	if (!c->open_batch)
		fatalx("commit_after outside a batch");
	if (c->nwaits == c->waitsz) {
		c->waitsz = c->waitsz ? c->waitsz * 2 : 64;
		c->waits = xreallocarray(c->waits, c->waitsz,
		    sizeof(*c->waits));
	}
	c->waits[c->nwaits].fn = fn;
	c->waits[c->nwaits].arg = arg;
	c->nwaits++;
	if (c->nwaits >= c->commit_max && !c->unit_open)
		commit_run(c);	/* else when the unit ends */
}

int
commit_unit_begin(struct commit *c)
{
	if (c->unit_open) {
		log_warnx("commit unit begun inside another (caller's bug)");
		return -1;
	}
	if (commit_join(c) == -1)
		return -1;
	c->unit_mark = commit_log_mark(c);
	if (store_unit_begin(c->store) == -1)
		return -1;
	c->unit_open = 1;
	return 0;
}

int
commit_unit_end(struct commit *c, int ok)
{
	int	r;

	if (!c->unit_open)
		return ok ? 0 : -1;
	c->unit_open = 0;
	if ((r = store_unit_end(c->store, ok)) == -1)
		commit_log_undo(c, c->unit_mark);	/* its lines too */
	if (c->nwaits >= c->commit_max)
		commit_run(c);
	return r;
}

int
commit_txn_begin(struct store *st)
{
	if (store_in_batch(st)) {
		log_warnx("commit transaction begun inside the batch "
		    "(caller's bug)");
		return -1;
	}
	return store_txn_begin(st);
}

int
commit_txn_end(struct store *st, int ok)
{
	if (!store_in_batch(st))
		return -1;
	if (!ok)
		store_txn_rollback(st);
	return store_txn_commit(st);
}

/* End the batch and tell everyone who waited on it. */
static void
commit_run(struct commit *c)
{
	struct commit_wait	*w;
	struct timespec		 t0, t1;
	size_t			 i, n;
	uint64_t		 file;
	int			 ok, fd;

	if (!c->open_batch)
		return;
	evtimer_del(c->ev_commit);
	event_del(c->ev_idle);
	c->open_batch = 0;
	if (c->unit_open) {
		/* not reached: units end before the loop turns; keep it */
		log_warnx("commit with a unit open (caller's bug): kept");
		commit_unit_end(c, 1);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (c->sync != NULL)
		store_vfs_defer_sync();
	ok = store_txn_commit(c->store) == 0;
	fd = c->sync != NULL ? store_vfs_deferred(&file) : -1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (fd == -2)
		fatalx("commit: the WAL's sync failed (%s): exiting with the "
		    "batch unanswered; the restart recovers what the disk "
		    "holds", strerror(store_vfs_errno()));
	if (!ok && fd >= 0) {
		close(fd);		/* nothing of it is answered ok */
		fd = -1;
	}
	if (!ok || (fd < 0 && c->npend == 0))
		metrics_commit(c->nwaits, commit_us(&t0, &t1), ok);
	if (ok) {
		c->ncommitted++;
		if (c->state != COMMIT_S_OK) {
			log_info("commit recovered after=%llums failed=%llu "
			    "undone=%llu refused=%llu", (unsigned long long)
			    (clock_mono_ms() - c->fail_since),
			    (unsigned long long)c->f_failed,
			    (unsigned long long)c->f_undone,
			    (unsigned long long)c->f_refused);
			c->state = COMMIT_S_OK;
		}
	} else {
		c->nfailed++;
		commit_failed(c, "commit");
		c->nundone += c->nwaits;
		c->f_undone += c->nwaits;
	}
	if (c->nwaits > c->largest)
		c->largest = c->nwaits;
	if (fd >= 0 || c->npend > 0) {
		/*
		 * Answered once the sync thread has made it, after the
		 * batches before it (one that needs no sync, or failed,
		 * waits for them: answers go in commit order).
		 */
		if (fd >= 0)
			c->last_seq = commit_sync_ask(c->sync, fd, file);
		if (ok)
			metrics_batch_end(1);
		else
			commit_log_emit(c, 0);	/* its lines go, now */
		commit_pend(c, c->last_seq, ok, &t0);
		return;
	}
	commit_log_emit(c, ok);
	/* callbacks may open the next batch: hand them a private list */
	w = c->waits;
	n = c->nwaits;
	c->waits = NULL;
	c->nwaits = c->waitsz = 0;
	for (i = 0; i < n; i++)
		w[i].fn(w[i].arg, ok);
	free(w);
}

static uint64_t
commit_us(const struct timespec *t0, const struct timespec *t1)
{
	return (uint64_t)((t1->tv_sec - t0->tv_sec) * 1000000LL +
	    (t1->tv_nsec - t0->tv_nsec) / 1000);
}

/*
 * The batch just committed waits for the sync thread's ask seq; its
 * commit's time (the histogram's) runs until then.
 */
static void
commit_pend(struct commit *c, uint64_t seq, int ok,
    const struct timespec *t0)
{
	struct commit_pending	*p;

	if (c->npend == c->pendsz) {
		c->pendsz = c->pendsz ? c->pendsz * 2 : 8;
		c->pend = xreallocarray(c->pend, c->pendsz, sizeof(*c->pend));
	}
	p = &c->pend[c->npend++];
	p->seq = seq;
	p->ok = ok;
	p->t0 = *t0;
	p->outbox_first = ok ? store_outbox_first(c->store) : 0;
	p->waits = c->waits;
	p->nwaits = c->nwaits;
	p->logbuf = c->logbuf;
	p->loglen = c->loglen;
	p->nlog_dropped = c->nlog_dropped;
	c->waits = NULL;
	c->nwaits = c->waitsz = 0;
	c->logbuf = NULL;
	c->loglen = c->logsz = 0;
	c->nlog_dropped = 0;
	commit_outbox_limit(c);
}

/*
 * The outbox hands out no row added in a batch not yet durable: none at
 * or above the lowest id a waiting batch added (ids only grow but for
 * those a rollback freed, which a later batch may use again: each
 * batch's lowest, so the minimum over them all).
 */
static void
commit_outbox_limit(struct commit *c)
{
	int64_t	limit = INT64_MAX;
	size_t	i;

	for (i = 0; i < c->npend; i++)
		if (c->pend[i].outbox_first > 0 &&
		    c->pend[i].outbox_first - 1 < limit)
			limit = c->pend[i].outbox_first - 1;
	store_outbox_limit(c->store, limit);
}

/*
 * The sync thread made syncs (commit_sync.c): answer, oldest first, the
 * batches they made durable.  A sync that failed ends the daemon: its
 * batch is unanswered, and nothing written since can be shown durable.
 */
static void
commit_synced(void *arg)
{
	struct commit		*c = arg;
	struct commit_pending	 p;
	struct timespec		 now;
	uint64_t		 done;
	size_t			 i;
	int			 err;

	done = commit_sync_done(c->sync, &err);
	if (err != 0)
		fatalx("commit: the WAL's sync failed (%s): exiting with %zu "
		    "batches unanswered; the restart recovers what the disk "
		    "holds", strerror(err), c->npend);
	/*
	 * The batch open now commits first (its sync starts behind this
	 * one's), so the answers run with none open, as commit_run()'s do:
	 * one that waits for a batch to end (the outbox's pump) then waits
	 * for a batch that is already ending, not for one that new input
	 * keeps open for as long as it keeps coming.
	 */
	if (c->open_batch && !c->unit_open && done > 0 && c->npend > 0 &&
	    c->pend[0].seq <= done)
		commit_run(c);
	while (c->npend > 0 && c->pend[0].seq <= done) {
		/* callbacks may commit again: take it off the list first */
		p = c->pend[0];
		memmove(c->pend, c->pend + 1, --c->npend * sizeof(*c->pend));
		commit_outbox_limit(c);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (p.ok)
			metrics_commit(p.nwaits, commit_us(&p.t0, &now), 1);
		commit_lines(p.logbuf, p.loglen, p.nlog_dropped);
		free(p.logbuf);
		for (i = 0; i < p.nwaits; i++)
			p.waits[i].fn(p.waits[i].arg, p.ok);
		free(p.waits);
	}
}

/*
 * Every batch committed is answered when this returns.  Not from inside
 * an answer: commit_synced() would answer later batches before the rest
 * of the current one (no caller does; commit_flush() is for shutdown
 * and work outside the batch).
 */
static void
commit_settle(struct commit *c)
{
	if (c->sync == NULL || c->npend == 0)
		return;
	(void)commit_sync_drain(c->sync);	/* an error: fatal, below */
	commit_synced(c);
}

int
commit_sync_thread(struct commit *c, struct event_base *base, char *err,
    size_t errlen)
{
	if (c->sync != NULL)
		return 0;
	if ((c->sync = commit_sync_new(base, commit_synced, c, err,
	    errlen)) == NULL)
		return -1;
	return 0;
}

uint64_t
commit_syncs_made(const struct commit *c)
{
	return c->sync != NULL ? commit_sync_made(c->sync) : 0;
}

size_t
commit_syncs_waiting(const struct commit *c)
{
	return c->npend;
}

void
commit_sync_hold_test(struct commit *c, int hold)
{
	if (c->sync != NULL)
		commit_sync_hold(c->sync, hold);
}

/*
 * A begin or a commit failed: refuse input until the next try, which waits
 * twice as long as the last (COMMIT_RETRY_MIN to COMMIT_RETRY_MAX).  The
 * log says so once; the tries that follow are counted, not logged.
 */
static void
commit_failed(struct commit *c, const char *what)
{
	c->f_failed++;
	if (c->state == COMMIT_S_OK) {
		c->fail_since = clock_mono_ms();
		c->f_failed = 1;
		c->f_refused = c->f_undone = 0;
		c->backoff = COMMIT_RETRY_MIN;
		log_err("commit failing at=%s messages=%zu: the store takes "
		    "no writes, input is refused with a pause and the commit "
		    "retried every %d-%d ms until it succeeds", what, c->nwaits,
		    COMMIT_RETRY_MIN, COMMIT_RETRY_MAX);
	} else if (c->state == COMMIT_S_RETRY) {
		c->backoff *= 2;
		if (c->backoff > COMMIT_RETRY_MAX)
			c->backoff = COMMIT_RETRY_MAX;
		log_debug("commit retry failed at=%s next=%lldms", what,
		    (long long)c->backoff);
	}
	c->state = COMMIT_S_FAILING;
	commit_arm(c, c->backoff);
}

static void
commit_arm(struct commit *c, int64_t ms)
{
	struct timeval	tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(c->ev_retry, &tv);
}

/* The pause is over: answer what was refused, let the next batch try. */
static void
commit_retry_timer(evutil_socket_t fd, short ev, void *arg)
{
	struct commit	*c = arg;

	if (c->state == COMMIT_S_FAILING)
		c->state = COMMIT_S_RETRY;
	commit_release(c);
}

void
commit_release(struct commit *c)
{
	struct commit_wait	*w = c->refused;
	size_t			 i, n = c->nrefused_held;

	c->refused = NULL;
	c->nrefused_held = c->refusedsz = 0;
	for (i = 0; i < n; i++)
		w[i].fn(w[i].arg, 0);
	free(w);
}

/*
 * Backpressure by answering late, not by reading less: held refusals fill
 * the SMSC's window, so it offers at most a window of messages per retry;
 * a session that stopped reading would also stop answering the SMSC's
 * enquire_link and lose the link (and its receipts and submit responses)
 * in an outage that lasts minutes, then reconnect into the same outage.
 */
void
commit_refuse(struct commit *c, commit_fn fn, void *arg)
{
	c->nrefused++;
	c->f_refused++;
	if (c->nrefused_held == COMMIT_REFUSE_MAX) {
		fn(arg, 0);
		return;
	}
	if (c->nrefused_held == c->refusedsz) {
		c->refusedsz = c->refusedsz ? c->refusedsz * 2 : 64;
		c->refused = xreallocarray(c->refused, c->refusedsz,
		    sizeof(*c->refused));
	}
	c->refused[c->nrefused_held].fn = fn;
	c->refused[c->nrefused_held].arg = arg;
	c->nrefused_held++;
	if (c->state != COMMIT_S_FAILING && !evtimer_pending(c->ev_retry, NULL))
		commit_arm(c, COMMIT_REFUSE_PAUSE);
}

void
commit_log(struct commit *c, const char *fmt, ...)
{
	char	line[1024];
	va_list	ap;
	int	n;

	if (log_getlevel() < LOG_L_INFO)
		return;
	va_start(ap, fmt);
	if (c == NULL || !c->open_batch) {
		vlog(LOG_L_INFO, fmt, ap);
		va_end(ap);
		return;
	}
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;		/* cut, as log.c would */
	if (c->loglen + (size_t)n + 1 > COMMIT_LOG_MAX) {
		c->nlog_dropped++;	/* a huge batch: counted, not logged */
		return;
	}
	while (c->loglen + (size_t)n + 1 > c->logsz) {
		c->logsz = c->logsz ? c->logsz * 2 : 16384;
		c->logbuf = xreallocarray(c->logbuf, c->logsz, 1);
	}
	memcpy(c->logbuf + c->loglen, line, (size_t)n + 1);
	c->loglen += (size_t)n + 1;
}

size_t
commit_log_mark(struct commit *c)
{
	metrics_mark();		/* the message's counts go with its lines */
	return c->loglen;
}

void
commit_log_undo(struct commit *c, size_t mark)
{
	if (mark < c->loglen)
		c->loglen = mark;
	metrics_undo();
}

/* A batch's lines, once it is durable. */
static void
commit_lines(const char *buf, size_t len, uint64_t dropped)
{
	size_t	off;

	for (off = 0; off < len; off += strlen(buf + off) + 1)
		log_info("%s", buf + off);
	if (dropped > 0)
		log_info("commit lines=%llu of the batch not logged (too many)",
		    (unsigned long long)dropped);
}

/* The batch's lines, once it has committed; none if it failed. */
static void
commit_log_emit(struct commit *c, int ok)
{
	if (ok)
		commit_lines(c->logbuf, c->loglen, c->nlog_dropped);
	c->loglen = 0;
	c->nlog_dropped = 0;
	metrics_batch_end(ok);
}

static void
commit_timer(evutil_socket_t fd, short ev, void *arg)
{
	commit_run(arg);
}

/*
 * Answers may commit batches of their own (a full one), which wait for
 * the sync thread in turn: a few rounds at most.  A batch an answer
 * opened stays open, as without the thread.
 */
#define COMMIT_FLUSH_ROUNDS	8

void
commit_flush(struct commit *c)
{
	int	i;

	commit_run(c);
	for (i = 0; i < COMMIT_FLUSH_ROUNDS && c->npend > 0; i++)
		commit_settle(c);
}

void
commit_free(struct commit *c)
{
	int	i;

	if (c == NULL)
		return;
	/* and what the answers opened: nothing is left for the close */
	for (i = 0; i < COMMIT_FLUSH_ROUNDS &&
	    (i == 0 || c->open_batch || c->npend > 0); i++)
		commit_flush(c);
	commit_release(c);
	commit_sync_free(c->sync);
	free(c->pend);
	if (c->ev_commit != NULL)
		event_free(c->ev_commit);
	if (c->ev_idle != NULL)
		event_free(c->ev_idle);
	if (c->ev_retry != NULL)
		event_free(c->ev_retry);
	free(c->logbuf);
	if (commit_dflt == c)
		commit_dflt = NULL;
	free(c);
}

void
commit_stats(const struct commit *c, uint64_t *n, uint64_t *f,
    size_t *l)
{
	*n = c->ncommitted;
	*f = c->nfailed;
	*l = c->largest;
}

void
commit_health(const struct commit *c, int *failing, uint64_t *r, uint64_t *u)
{
	*failing = c->state != COMMIT_S_OK;
	*r = c->nrefused;
	*u = c->nundone;
}
