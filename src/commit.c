/*
 * Group commit.  A durable single-row commit costs ~150 us of fsync here, so
 * every write made while input keeps coming joins one batch; the batch
 * commits as soon as the event loop has nothing else to do (an event of the
 * lowest priority), or when it is full, or group-commit-delay after it
 * opened at the latest.  The callbacks of commit_after() (deliver_sm_resp,
 * HTTP answers) run once the batch has committed, never before: nothing is
 * acknowledged unless durable.
 */
#include "hotlined.h"

#include <event2/event.h>

#include "commit.h"
#include "store.h"

struct commit_wait {
	commit_fn	 fn;
	void		*arg;
};

/* 0: events made before commit_init(), 1: every later one, 2: the commit */
#define COMMIT_PRIORITIES	3

static void	commit_timer(evutil_socket_t, short, void *);
static void	commit_run(int);

static struct store		*store;		/* borrowed */
static struct event		*ev_commit, *ev_idle;
static struct timeval		 commit_tv;
static size_t			 commit_max = 256;
static struct commit_wait	*waits;
static size_t			 nwaits, waitsz;
static int			 open_batch;
static uint64_t			 ncommitted, nfailed;
static size_t			 largest;

void
commit_init(struct event_base *base, struct store *st, int64_t delay_ms,
    size_t max_batch)
{
	store = st;
	if (max_batch > 0)
		commit_max = max_batch;
	commit_tv.tv_sec = delay_ms / 1000;
	commit_tv.tv_usec = (delay_ms % 1000) * 1000;
	if ((ev_commit = evtimer_new(base, commit_timer, NULL)) == NULL ||
	    (ev_idle = event_new(base, -1, 0, commit_timer, NULL)) == NULL)
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
	if (open_batch)
		return 0;
	if (store_begin(store) == -1)
		return -1;
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
	if (nwaits >= commit_max)
		commit_flush();
}

/* End the batch and tell everyone who waited on it. */
static void
commit_run(int ok)
{
	struct commit_wait	*w;
	size_t			 i, n;

	if (!open_batch)
		return;
	evtimer_del(ev_commit);
	event_del(ev_idle);
	open_batch = 0;
	if (ok)
		ok = store_commit(store) == 0;
	else
		store_rollback(store);
	if (ok)
		ncommitted++;
	else {
		nfailed++;
		log_warnx("commit batch failed messages=%zu, answered as "
		    "temporary errors", nwaits);
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

static void
commit_timer(evutil_socket_t fd, short ev, void *arg)
{
	commit_run(1);
}

void
commit_flush(void)
{
	commit_run(1);
}

void
commit_shutdown(void)
{
	commit_flush();
	if (ev_commit != NULL)
		event_free(ev_commit);
	if (ev_idle != NULL)
		event_free(ev_idle);
	ev_commit = ev_idle = NULL;
}

void
commit_stats(uint64_t *c, uint64_t *f, size_t *l)
{
	*c = ncommitted;
	*f = nfailed;
	*l = largest;
}
