/*
 * Group commit.  A durable single-row commit costs ~150 us of fsync here, so
 * every write made while input keeps coming joins one batch; the batch
 * commits as soon as the event loop has nothing else to do (an event of the
 * lowest priority), or when it is full, or group-commit-delay after it
 * opened at the latest.  The callbacks of commit_after() (deliver_sm_resp,
 * HTTP answers) run once the batch has committed, never before: nothing is
 * acknowledged unless durable.
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

#include <event2/event.h>

#include "commit.h"
#include "log.h"
#include "metrics.h"
#include "store.h"
#include "util.h"

struct commit_wait {
	commit_fn	 fn;
	void		*arg;
};

/* 0: events made before commit_init(), 1: every later one, 2: the commit */
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
static void	commit_run(void);
static void	commit_failed(const char *);
static void	commit_arm(int64_t);
static void	commit_log_emit(int);

static struct store		*store;		/* borrowed */
static struct event		*ev_commit, *ev_idle, *ev_retry;
static struct timeval		 commit_tv;
static size_t			 commit_max = 256;
static struct commit_wait	*waits;
static size_t			 nwaits, waitsz;
static struct commit_wait	*refused;	/* answered at the next try */
static size_t			 nrefused_held, refusedsz;
static int			 open_batch;
static enum commit_state	 state;
static int64_t			 backoff;	/* ms, while failing */
static uint64_t			 fail_since;	/* monotonic ms */
static uint64_t			 ncommitted, nfailed, nrefused, nundone;
static uint64_t			 f_failed, f_refused, f_undone;	/* this time */
static size_t			 largest;
static char			*logbuf;	/* NUL-ended lines of the batch */
static size_t			 loglen, logsz;
static uint64_t			 nlog_dropped;
static int			 unit_open;	/* a unit's savepoint */
static size_t			 unit_mark;	/* commit_log() at its start */

void
commit_init(struct event_base *base, struct store *st, int64_t delay_ms,
    size_t max_batch)
{
	store = st;
	state = COMMIT_S_OK;
	ncommitted = nfailed = nrefused = nundone = 0;
	f_failed = f_refused = f_undone = 0;
	largest = 0;
	open_batch = unit_open = 0;
	nlog_dropped = 0;
	if (max_batch > 0)
		commit_max = max_batch;
	commit_tv.tv_sec = delay_ms / 1000;
	commit_tv.tv_usec = (delay_ms % 1000) * 1000;
	if ((ev_commit = evtimer_new(base, commit_timer, NULL)) == NULL ||
	    (ev_idle = event_new(base, -1, 0, commit_timer, NULL)) == NULL ||
	    (ev_retry = evtimer_new(base, commit_retry_timer, NULL)) == NULL)
		fatalx("commit event_new failed");
	/*
	 * Under load the SMSC's window fills with messages waiting for this
	 * commit, and no more come until it is done: waiting out a delay
	 * then only adds latency.  So the batch ends once the loop is idle.
	 */
	if ((event_base_get_npriorities(base) < COMMIT_PRIORITIES &&
	    event_base_priority_init(base, COMMIT_PRIORITIES) == -1) ||
	    event_priority_set(ev_idle, COMMIT_PRIORITIES - 1) == -1)
		fatalx("commit cannot set event priorities");
}

int
commit_join(void)
{
	static const struct timeval	now = { 0, 0 };

	if (open_batch) {
		if (!store_doomed(store))
			return 0;
		/* SQLite undid the batch: end it at once, take nothing more */
		evtimer_add(ev_commit, &now);
		return -1;
	}
	if (state == COMMIT_S_FAILING)
		return -1;		/* until the retry */
	if (store_txn_begin(store) == -1) {
		nfailed++;
		commit_failed("begin");
		return -1;
	}
	open_batch = 1;
	evtimer_add(ev_commit, &commit_tv);
	event_active(ev_idle, EV_TIMEOUT, 0);
	return 0;
}

void
commit_after(commit_fn fn, void *arg)
{
	if (!open_batch)
		fatalx("commit_after outside a batch");
	if (nwaits == waitsz) {
		waitsz = waitsz ? waitsz * 2 : 64;
		waits = xreallocarray(waits, waitsz, sizeof(*waits));
	}
	waits[nwaits].fn = fn;
	waits[nwaits].arg = arg;
	nwaits++;
	if (nwaits >= commit_max && !unit_open)
		commit_flush();		/* else when the unit ends */
}

int
commit_unit_begin(void)
{
	if (unit_open) {
		log_warnx("commit unit begun inside another (caller's bug)");
		return -1;
	}
	if (commit_join() == -1)
		return -1;
	unit_mark = commit_log_mark();
	if (store_unit_begin(store) == -1)
		return -1;
	unit_open = 1;
	return 0;
}

int
commit_unit_end(int ok)
{
	int	r;

	if (!unit_open)
		return ok ? 0 : -1;
	unit_open = 0;
	if ((r = store_unit_end(store, ok)) == -1)
		commit_log_undo(unit_mark);	/* its lines went with it */
	if (nwaits >= commit_max)
		commit_flush();
	return r;
}

int
commit_txn_begin(struct store *st)
{
	if (st == store && open_batch) {
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
commit_run(void)
{
	struct commit_wait	*w;
	struct timespec		 t0, t1;
	size_t			 i, n;
	int			 ok;

	if (!open_batch)
		return;
	evtimer_del(ev_commit);
	event_del(ev_idle);
	open_batch = 0;
	if (unit_open) {
		/* not reached: units end before the loop turns; keep it */
		log_warnx("commit with a unit open (caller's bug): kept");
		commit_unit_end(1);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ok = store_txn_commit(store) == 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	metrics_commit(nwaits, (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000LL +
	    (t1.tv_nsec - t0.tv_nsec) / 1000), ok);
	commit_log_emit(ok);
	if (ok) {
		ncommitted++;
		if (state != COMMIT_S_OK) {
			log_info("commit recovered after=%llums failed=%llu "
			    "undone=%llu refused=%llu", (unsigned long long)
			    (clock_mono_ms() - fail_since),
			    (unsigned long long)f_failed,
			    (unsigned long long)f_undone,
			    (unsigned long long)f_refused);
			state = COMMIT_S_OK;
		}
	} else {
		nfailed++;
		commit_failed("commit");
		nundone += nwaits;
		f_undone += nwaits;
	}
	if (nwaits > largest)
		largest = nwaits;
	/* callbacks may open the next batch: hand them a private list */
	w = waits;
	n = nwaits;
	waits = NULL;
	nwaits = waitsz = 0;
	for (i = 0; i < n; i++)
		w[i].fn(w[i].arg, ok);
	free(w);
}

/*
 * A begin or a commit failed: refuse input until the next try, which waits
 * twice as long as the last (COMMIT_RETRY_MIN to COMMIT_RETRY_MAX).  The
 * log says so once; the tries that follow are counted, not logged.
 */
static void
commit_failed(const char *what)
{
	f_failed++;
	if (state == COMMIT_S_OK) {
		fail_since = clock_mono_ms();
		f_failed = 1;
		f_refused = f_undone = 0;
		backoff = COMMIT_RETRY_MIN;
		log_err("commit failing at=%s messages=%zu: the store takes "
		    "no writes, input is refused with a pause and the commit "
		    "retried every %d-%d ms until it succeeds", what, nwaits,
		    COMMIT_RETRY_MIN, COMMIT_RETRY_MAX);
	} else if (state == COMMIT_S_RETRY) {
		backoff *= 2;
		if (backoff > COMMIT_RETRY_MAX)
			backoff = COMMIT_RETRY_MAX;
		log_debug("commit retry failed at=%s next=%lldms", what,
		    (long long)backoff);
	}
	state = COMMIT_S_FAILING;
	commit_arm(backoff);
}

static void
commit_arm(int64_t ms)
{
	struct timeval	tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(ev_retry, &tv);
}

/* The pause is over: answer what was refused, let the next batch try. */
static void
commit_retry_timer(evutil_socket_t fd, short ev, void *arg)
{
	if (state == COMMIT_S_FAILING)
		state = COMMIT_S_RETRY;
	commit_release();
}

void
commit_release(void)
{
	struct commit_wait	*w = refused;
	size_t			 i, n = nrefused_held;

	refused = NULL;
	nrefused_held = refusedsz = 0;
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
commit_refuse(commit_fn fn, void *arg)
{
	nrefused++;
	f_refused++;
	if (nrefused_held == COMMIT_REFUSE_MAX) {
		fn(arg, 0);
		return;
	}
	if (nrefused_held == refusedsz) {
		refusedsz = refusedsz ? refusedsz * 2 : 64;
		refused = xreallocarray(refused, refusedsz, sizeof(*refused));
	}
	refused[nrefused_held].fn = fn;
	refused[nrefused_held].arg = arg;
	nrefused_held++;
	if (state != COMMIT_S_FAILING && !evtimer_pending(ev_retry, NULL))
		commit_arm(COMMIT_REFUSE_PAUSE);
}

void
commit_log(const char *fmt, ...)
{
	char	line[1024];
	va_list	ap;
	int	n;

	if (log_getlevel() < LOG_L_INFO)
		return;
	va_start(ap, fmt);
	if (!open_batch) {
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
	if (loglen + (size_t)n + 1 > COMMIT_LOG_MAX) {
		nlog_dropped++;		/* a huge batch: counted, not logged */
		return;
	}
	while (loglen + (size_t)n + 1 > logsz) {
		logsz = logsz ? logsz * 2 : 16384;
		logbuf = xreallocarray(logbuf, logsz, 1);
	}
	memcpy(logbuf + loglen, line, (size_t)n + 1);
	loglen += (size_t)n + 1;
}

size_t
commit_log_mark(void)
{
	metrics_mark();		/* the message's counts go with its lines */
	return loglen;
}

void
commit_log_undo(size_t mark)
{
	if (mark < loglen)
		loglen = mark;
	metrics_undo();
}

/* The batch's lines, once it has committed; none if it failed. */
static void
commit_log_emit(int ok)
{
	size_t	off;

	for (off = 0; ok && off < loglen; off += strlen(logbuf + off) + 1)
		log_info("%s", logbuf + off);
	if (ok && nlog_dropped > 0)
		log_info("commit lines=%llu of the batch not logged (too many)",
		    (unsigned long long)nlog_dropped);
	loglen = 0;
	nlog_dropped = 0;
	metrics_batch_end(ok);
}

static void
commit_timer(evutil_socket_t fd, short ev, void *arg)
{
	commit_run();
}

void
commit_flush(void)
{
	commit_run();
}

void
commit_shutdown(void)
{
	commit_flush();
	commit_release();
	if (ev_commit != NULL)
		event_free(ev_commit);
	if (ev_idle != NULL)
		event_free(ev_idle);
	if (ev_retry != NULL)
		event_free(ev_retry);
	ev_commit = ev_idle = ev_retry = NULL;
	free(logbuf);
	logbuf = NULL;
	loglen = logsz = 0;
}

void
commit_stats(uint64_t *c, uint64_t *f, size_t *l)
{
	*c = ncommitted;
	*f = nfailed;
	*l = largest;
}

void
commit_health(int *failing, uint64_t *r, uint64_t *u)
{
	*failing = state != COMMIT_S_OK;
	*r = nrefused;
	*u = nundone;
}
