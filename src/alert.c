/*
 * alert: the safety screen's alerts.  The row is the truth (store.c, v9);
 * this file logs it -- once after the commit that made it, and again every
 * alert-repeat while nobody has acknowledged it, including after a restart
 * -- and counts.  The repeat timer holds no state of its own: each tick
 * asks the store for open alerts last logged alert-repeat ago.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <jansson.h>

#include "admin.h"
#include "alert.h"
#include "commit.h"
#include "log.h"
#include "store.h"
#include "util.h"

#define ALERT_TICK_MIN	1000		/* ms between repeat checks, bounds */
#define ALERT_TICK_MAX	10000
#define ALERT_BATCH	32		/* alerts logged again per tick */

/* What the crit line after the commit needs (the row may be undone). */
struct alert_pending {
	int64_t		 id;
	char		 case_number[STORE_CASE_NUMBER_MAX];
};

static void	alert_committed(void *, int);
static void	alert_tick(evutil_socket_t, short, void *);
static void	alert_line(const char *, const struct store_alert *, int64_t);
static void	alert_status(json_t *, void *);

static struct store	*store;		/* borrowed */
static struct event	*ev_tick;
static struct timeval	 tick_tv;
static int64_t		 repeat_ms;
static uint64_t		 nraised, nrepeated, nacked;
static int		 started;	/* the first check has run */

void
alert_init(struct event_base *base, struct store *st, int64_t repeat)
{
	struct timeval	first = { 0, 100 * 1000 };
	int64_t		tick;

	store = st;
	repeat_ms = repeat;
	tick = repeat / 4;
	if (tick < ALERT_TICK_MIN)
		tick = ALERT_TICK_MIN;
	if (tick > ALERT_TICK_MAX)
		tick = ALERT_TICK_MAX;
	tick_tv.tv_sec = tick / 1000;
	tick_tv.tv_usec = (tick % 1000) * 1000;
	if ((ev_tick = evtimer_new(base, alert_tick, NULL)) == NULL)
		fatalx("alert evtimer_new failed");
	evtimer_add(ev_tick, &first);	/* open alerts of before the start */
	admin_on_status("alerts", alert_status, NULL);
}

void
alert_shutdown(void)
{
	if (ev_tick != NULL)
		event_free(ev_tick);
	ev_tick = NULL;
	store = NULL;
	started = 0;
}

/* One crit line: what, who (masked), where the text went, what to do. */
static void
alert_line(const char *what, const struct store_alert *a, int64_t now)
{
	char	where[64];

	if (a->case_number[0] != '\0')
		snprintf(where, sizeof(where), "case=%s", a->case_number);
	else
		snprintf(where, sizeof(where), "refusal=%lld",
		    (long long)a->refusal_id);
	log_crit("alert %s id=%lld verdict=%s channel=%s %s msisdn=%s "
	    "word=%s age=%llds logs=%d: call back, then hotlinectl alert ack "
	    "%lld NOTE", what, (long long)a->id, a->verdict, a->channel, where,
	    a->mask, a->word[0] != '\0' ? a->word : "-",
	    (long long)((now - a->at) / 1000), a->logs, (long long)a->id);
}

int
alert_raise(struct commit *c, struct store *st,
    const struct store_alert_new *a, const char *case_number)
{
	struct alert_pending	*p;
	int64_t			 id;

	if (store_alert_add(st, a, &id) == -1)
		return -1;
	p = xcalloc(1, sizeof(*p));
	p->id = id;
	if (case_number != NULL)
		strlcpy(p->case_number, case_number, sizeof(p->case_number));
	commit_after(c, alert_committed, p);
	return 0;
}

/*
 * The batch has ended.  The text's own savepoint may have been undone
 * after the row was written (its SMSC then sends it again, and it is
 * screened again): only a row that is there is logged.
 */
static void
alert_committed(void *arg, int ok)
{
	struct alert_pending	*p = arg;
	struct store_alert	 a;

	if (ok && store != NULL && store_alert_get(store, p->id, &a) == 1) {
		nraised++;
		alert_line("raised", &a, a.at);
		store_alert_clear(&a);
	}
	free(p);
}

/* Log again every open alert last logged alert-repeat ago or earlier. */
static void
alert_tick(evutil_socket_t fd, short ev, void *arg)
{
	struct store_alert	 a;
	int64_t			 ids[ALERT_BATCH], now;
	int			 n, i;

	evtimer_add(ev_tick, &tick_tv);
	if (store == NULL)
		return;
	now = (int64_t)clock_now_ms();
	/* a read; a batch only when there is something to write */
	n = store_alert_due(store, now - repeat_ms, ids, nitems(ids));
	if (!started) {
		/* the first check after a start says what is waiting */
		started = 1;
		log_info("alert started open=%d due=%d repeat=%llds",
		    store_alert_open(store), n, (long long)(repeat_ms / 1000));
	}
	if (n <= 0 || commit_join(commit_default()) == -1)
		return;
	for (i = 0; i < n; i++) {
		if (store_alert_get(store, ids[i], &a) != 1)
			continue;
		a.logs++;
		alert_line("unacknowledged", &a, now);
		store_alert_clear(&a);
		if (store_alert_relogged(store, ids[i], now) == -1)
			break;		/* logged again at the next tick */
		nrepeated++;
	}
}

void
alert_acked(void)
{
	nacked++;
}

void
alert_stats(uint64_t *raised, uint64_t *repeated, uint64_t *acked)
{
	*raised = nraised;
	*repeated = nrepeated;
	*acked = nacked;
}

/* GET /v1/status: "alerts": {"open", "raised", "repeated", "acked"}. */
static void
alert_status(json_t *st, void *arg)
{
	int	open = store != NULL ? store_alert_open(store) : -1;

	json_object_set_new(st, "alerts", json_pack("{s:i,s:I,s:I,s:I}",
	    "open", open, "raised", (json_int_t)nraised, "repeated",
	    (json_int_t)nrepeated, "acked", (json_int_t)nacked));
}
