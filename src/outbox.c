/*
 * outbox: pumps due rows from the store to the bearers that have room, and
 * writes back submit results and delivery receipts (see outbox.h for the
 * resend policy).  It keeps no message state of its own beyond receipts
 * that arrived before the submit they belong to was recorded.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "commit.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"
#include "store.h"
#include "util.h"

#define OUTBOX_BEARERS_MAX	16
#define OUTBOX_FETCH_MAX	64	/* rows read per store query */
#define OUTBOX_PUMP_ROUNDS	16	/* queries per pump, then yield */
#define OUTBOX_TICK_MS		1000
#define OUTBOX_HOLD_MS		5000	/* how long an early receipt is tried */
#define OUTBOX_HOLD_MAX		4096
#define OUTBOX_BACKOFF_MIN	5000	/* first retry after a temporary error */
#define OUTBOX_BACKOFF_MAX	(10 * 60 * 1000)
#define OUTBOX_VIA_GRACE_MS	30000	/* then any bearer will do */

struct bearer {
	char			 name[32];
	const struct bearer_ops	*ops;
	void			*ctx;
};

struct held_receipt {
	char			 bearer[32];
	char			 msgid[STORE_ADDR_MAX];
	char			 alt[STORE_ADDR_MAX];	/* "": none */
	char			 shown[STORE_ADDR_MAX];	/* as the peer sent it */
	enum store_receipt	 state;
	char			 stat[16];
	char			 err[16];
	commit_fn		 done;		/* NULL once answered */
	void			*arg;
	uint64_t		 deadline;	/* monotonic ms */
};

static void	outbox_pump(evutil_socket_t, short, void *);
static void	outbox_tick(evutil_socket_t, short, void *);
static int	outbox_receipt_try(struct held_receipt *);
static int	outbox_due(int64_t);
static int	outbox_commits_failing(void);
static int	outbox_flag(int64_t, const char *);
static void	outbox_after_commit(void *, int);
static int	outbox_room(int *);
static int	outbox_pick(const struct store_outmsg *, int64_t);

static struct store		*store;		/* borrowed */
static struct event		*ev_pump, *ev_tick;
static struct bearer		 bearers[OUTBOX_BEARERS_MAX];
static int			 nbearers, rr;
static int			 max_attempts = 10;
static struct held_receipt	*held;
static size_t			 nheld;
static uint64_t			 nsent, nfailed, nretried, nreceipts;
static int			 pump_waits;	/* on the open batch */
static int			 pump_idle;	/* the last fetch was empty */

void
outbox_init(struct event_base *base, struct store *st, int attempts)
{
	struct timeval	tv = { OUTBOX_TICK_MS / 1000, 0 };

	store = st;
	max_attempts = attempts > 0 ? attempts : 10;
	nsent = nfailed = nretried = nreceipts = 0;
	pump_waits = pump_idle = 0;
	ev_pump = evtimer_new(base, outbox_pump, NULL);
	ev_tick = event_new(base, -1, EV_PERSIST, outbox_tick, NULL);
	if (ev_pump == NULL || ev_tick == NULL)
		fatalx("outbox event_new failed");
	evtimer_add(ev_tick, &tv);
	held = xcalloc(OUTBOX_HOLD_MAX, sizeof(*held));
}

void
outbox_shutdown(void)
{
	/* held receipts were answered when they came: only forgotten */
	nheld = 0;
	free(held);
	held = NULL;
	if (ev_pump != NULL)
		event_free(ev_pump);
	if (ev_tick != NULL)
		event_free(ev_tick);
	ev_pump = ev_tick = NULL;
	nbearers = rr = 0;	/* the next outbox_init() starts afresh */
}

void
outbox_add_bearer(const char *name, const struct bearer_ops *ops, void *ctx)
{
	if (nbearers == OUTBOX_BEARERS_MAX)
		fatalx("outbox too many bearers");
	strlcpy(bearers[nbearers].name, name, sizeof(bearers[0].name));
	bearers[nbearers].ops = ops;
	bearers[nbearers].ctx = ctx;
	nbearers++;
}

void
outbox_kick(void)
{
	struct timeval	tv = { 0, 0 };

	if (ev_pump != NULL)
		evtimer_add(ev_pump, &tv);
}

/* Total room over all bearers; *first gets one with room, or -1. */
static int
outbox_room(int *first)
{
	int	i, r, total = 0;

	*first = -1;
	for (i = 0; i < nbearers; i++) {
		r = bearers[(rr + i) % nbearers].ops->room(
		    bearers[(rr + i) % nbearers].ctx);
		if (r > 0 && *first == -1)
			*first = (rr + i) % nbearers;
		if (r > 0)
			total += r;
	}
	return total;
}

/*
 * The bearer for a row: the one its citizen wrote through (a carrier's own
 * link, or Kannel), while it is offered; -1 when that one has no room now,
 * so the row waits for it.  A retry (the first try failed), a row left
 * waiting OUTBOX_VIA_GRACE_MS past due (that link down or congested), or
 * one whose bearer is gone from the configuration takes any bearer with
 * room: late through another carrier beats not at all.
 */
static int
outbox_pick(const struct store_outmsg *m, int64_t now)
{
	int	i, any;

	if (m->via[0] != '\0' && m->attempts == 0 &&
	    now - m->due_at < OUTBOX_VIA_GRACE_MS)
		for (i = 0; i < nbearers; i++)
			if (strcmp(bearers[i].name, m->via) == 0)
				return bearers[i].ops->room(bearers[i].ctx) >
				    0 ? i : -1;
	return outbox_room(&any) > 0 ? any : -1;
}

/*
 * Whether a row is due at now, read outside any batch; when none is, the
 * pump is armed for the next one the fetch can hand out (or left to the
 * tick).  A row due at now but left by the last fetch (it cannot be read)
 * counts as due: the pump looks at each kick, it never re-arms itself.
 */
static int
outbox_due(int64_t now)
{
	struct timeval	tv;
	int64_t		when, delay;

	switch (store_outbox_next_time(store, &when)) {
	case 0:
		return 0;
	case 1:
		if (when <= now)
			return 1;
		delay = when - now;
		if (delay > OUTBOX_TICK_MS)
			return 0;		/* the tick will look again */
		tv.tv_sec = delay / 1000;
		tv.tv_usec = (delay % 1000) * 1000;
		evtimer_add(ev_pump, &tv);
		return 0;
	default:
		return 1;			/* the fetch will say */
	}
}

/* 1 while commits fail (commit.c): nothing can be sent then. */
static int
outbox_commits_failing(void)
{
	uint64_t	refused, undone;
	int		failing;

	commit_health(&failing, &refused, &undone);
	return failing;
}

static void
outbox_pump(evutil_socket_t fd, short ev, void *arg)
{
	struct store_outmsg	 rows[OUTBOX_FETCH_MAX];
	struct outbox_job	 job;
	struct bearer		*b;
	char			 mask[LOG_MSISDN_MAX];
	int64_t			 now;
	int			 round, room, i, n, want, bi, sent, waiting;

	/*
	 * Rows written in the open batch are not durable yet: an
	 * acknowledgement must never reach a citizen for a case a failed
	 * commit then undoes.  Pump once that batch has ended.
	 */
	if (store_in_batch(store)) {
		if (!pump_waits) {
			pump_waits = 1;
			commit_after(outbox_after_commit, NULL);
		}
		return;
	}
	for (round = 0; round < OUTBOX_PUMP_ROUNDS; round++) {
		if ((room = outbox_room(&bi)) <= 0)
			return;		/* a bearer kicks us when it has room */
		/*
		 * One bearer: read as many rows as it has room for.  Several:
		 * read a full page, so rows for a bearer with room are found
		 * behind rows that wait for a full one.
		 */
		want = room < OUTBOX_FETCH_MAX && nbearers == 1 ? room :
		    OUTBOX_FETCH_MAX;
		now = (int64_t)clock_now_ms();
		/*
		 * Bearers kick whenever they have room, SMS or not: after an
		 * empty fetch, look (without a transaction) before opening one.
		 * Not while commits fail: the reads fail too, once per kick,
		 * and the batch that recovers kicks us again.
		 */
		if (pump_idle && (outbox_commits_failing() || !outbox_due(now)))
			return;
		if (commit_join() == -1)
			return;
		if ((n = store_outbox_next(store, now, rows, want)) <= 0) {
			pump_idle = n == 0;
			if (pump_idle)
				(void)outbox_due(now);	/* arm for the next */
			return;
		}
		pump_idle = 0;
		for (i = sent = waiting = 0; i < n; i++) {
			if (outbox_room(&bi) <= 0)
				break;
			if ((bi = outbox_pick(&rows[i], now)) == -1) {
				waiting++;	/* its own bearer is full */
				continue;
			}
			b = &bearers[bi];
			rr = (bi + 1) % nbearers;
			sent++;
			job.id = rows[i].id;
			job.to = rows[i].to;
			job.from = rows[i].from;
			job.text = rows[i].text;
			job.attempt = rows[i].attempts + 1;
			if (store_outbox_inflight(store, job.id, now) == -1 ||
			    store_outbox_parts_done(store, job.id,
			    &job.done_nparts, &job.done) == -1)
				break;
			if (b->ops->send(b->ctx, &job) == -1) {
				store_outbox_retry(store, job.id,
				    now + OUTBOX_BACKOFF_MIN, "bearer refused");
				continue;
			}
			log_debug("outbox submit id=%lld bearer=%s msisdn=%s "
			    "attempt=%d", (long long)job.id, b->name,
			    log_msisdn(job.to, mask, sizeof(mask)), job.attempt);
		}
		store_outmsg_clear(rows, (size_t)n);
		/* only rows for full bearers: they kick us when they have room */
		if (sent == 0 && waiting > 0)
			return;
		if (i < n || n < want)
			break;
	}
	outbox_kick();		/* more may be due: yield, then go on */
}

/* The batch has ended: pump now, before the next message opens another. */
static void
outbox_after_commit(void *arg, int ok)
{
	pump_waits = 0;
	outbox_pump(-1, 0, NULL);
}

void
outbox_sent(int64_t id, const char *bearer, const char **msgids, int nparts)
{
	int64_t		 now = (int64_t)clock_now_ms();
	const char	*first = "-";
	int		 i;

	if (commit_unit_begin() == -1)
		return;		/* the row stays in flight: resent at restart */
	for (i = 0; i < nparts; i++)
		if (store_outbox_submitted(store, id, i + 1, nparts, bearer,
		    msgids[i], now) == -1)
			break;
	if (commit_unit_end(i == nparts) == -1)
		return;
	nsent++;
	metrics_add(MF_MT, "sent", 1);
	for (i = nparts - 1; i >= 0; i--)
		if (msgids[i] != NULL)
			first = msgids[i];	/* of the first part sent now */
	log_info("outbox sent id=%lld bearer=%s parts=%d msgid=%s",
	    (long long)id, bearer, nparts, first);
}

void
outbox_failed(int64_t id, int temporary, const char *error)
{
	int64_t	now = (int64_t)clock_now_ms(), backoff;
	int	state, attempts;

	if (commit_unit_begin() == -1)
		return;
	if (store_outbox_state(store, id, &state, &attempts) == -1) {
		commit_unit_end(0);
		return;
	}
	if (temporary && attempts < max_attempts) {
		backoff = OUTBOX_BACKOFF_MIN;
		while (--attempts > 0 && backoff < OUTBOX_BACKOFF_MAX)
			backoff *= 2;
		if (backoff > OUTBOX_BACKOFF_MAX)
			backoff = OUTBOX_BACKOFF_MAX;
		backoff += arc4random_uniform((uint32_t)backoff / 4 + 1);
		if (commit_unit_end(store_outbox_retry(store, id, now +
		    backoff, error) != -1) == -1)
			return;
		nretried++;
		metrics_add(MF_MT, "retried", 1);
		log_info("outbox retry id=%lld error=\"%s\" in=%llds",
		    (long long)id, error, (long long)(backoff / 1000));
		outbox_kick();
		return;
	}
	if (commit_unit_end(store_outbox_fail(store, id, error) != -1 &&
	    outbox_flag(id, error) != -1) == -1)
		return;
	nfailed++;
	metrics_add(MF_MT, "failed", 1);
	log_warnx("outbox failed id=%lld error=\"%s\"%s", (long long)id, error,
	    temporary ? " attempts exhausted" : "");
}

void
outbox_failed_parts(int64_t id, int temporary, const char *error,
    const char *bearer, const char **msgids, int nparts)
{
	int64_t	now = (int64_t)clock_now_ms();
	int	i, kept = 0;

	if (commit_join() == -1)
		return;
	for (i = 0; i < nparts; i++) {
		if (msgids[i] == NULL)
			continue;
		if (store_outbox_accepted(store, id, i + 1, nparts, bearer,
		    msgids[i], now) == -1)
			break;
		kept++;
	}
	if (kept > 0)
		log_info("outbox parts kept id=%lld bearer=%s accepted=%d/%d, "
		    "a retry sends the others", (long long)id, bearer, kept,
		    nparts);
	outbox_failed(id, temporary, error);
}

/*
 * Art. 23(4): failing to give a citizen the result is an accountability
 * matter, so an undeliverable result SMS flags its case and is audited.
 * 0, or -1 when the store failed (the caller undoes its unit).
 */
static int
outbox_flag(int64_t id, const char *why)
{
	char	kind[16];
	int64_t	case_id;

	if (store_outbox_row(store, id, &case_id, kind, sizeof(kind)) == -1)
		return -1;
	if (case_id == 0 || strcmp(kind, "result") != 0)
		return 0;
	if (store_case_add_flags(store, case_id, STORE_CF_NOTIFY_FAILED) ==
	    -1 || store_audit(store, case_id, "system", "notify.failed", why,
	    (int64_t)clock_now_ms()) == -1)
		return -1;
	log_warnx("outbox result undeliverable case_id=%lld id=%lld "
	    "error=\"%s\", case flagged", (long long)case_id,
	    (long long)id, why);
	return 0;
}

/* Match a receipt to its row; 1 done, 0 not yet known, -1 error. */
static int
outbox_receipt_try(struct held_receipt *h)
{
	int64_t	id;
	int	r;

	if (commit_unit_begin() == -1)
		return -1;
	r = store_outbox_receipt(store, h->bearer, h->msgid, h->state,
	    h->stat, h->err, (int64_t)clock_now_ms(), &id, NULL);
	if (r == 0 && h->alt[0] != '\0')
		r = store_outbox_receipt(store, h->bearer, h->alt, h->state,
		    h->stat, h->err, (int64_t)clock_now_ms(), &id, NULL);
	if (r == 1 && (h->state == STORE_RCPT_FAILED ||
	    h->state == STORE_RCPT_EXPIRED) && outbox_flag(id, h->stat) == -1)
		r = -1;
	if (commit_unit_end(r != -1) == -1)
		return -1;
	if (r == 1) {
		nreceipts++;
		metrics_add(MF_RECEIPTS, h->state == STORE_RCPT_DELIVERED ?
		    "delivered" : h->state == STORE_RCPT_FAILED ? "failed" :
		    h->state == STORE_RCPT_EXPIRED ? "expired" : "interim", 1);
		log_info("outbox receipt id=%lld bearer=%s msgid=%s stat=%s "
		    "err=%s", (long long)id, h->bearer, h->shown, h->stat,
		    h->err);
		if (h->done != NULL)
			commit_after(h->done, h->arg);
	}
	return r;
}

void
outbox_receipt(const char *bearer, const char *msgid, const char *alt,
    const char *shown, enum store_receipt st, const char *stat,
    const char *err, commit_fn done, void *arg)
{
	struct held_receipt	h;
	int			r;

	memset(&h, 0, sizeof(h));
	strlcpy(h.bearer, bearer, sizeof(h.bearer));
	strlcpy(h.msgid, msgid, sizeof(h.msgid));
	if (alt != NULL && strcmp(alt, msgid) != 0)
		strlcpy(h.alt, alt, sizeof(h.alt));
	/* the peer's bytes, escaped: they may be anything */
	log_snippet(shown != NULL ? shown : msgid, strlen(shown != NULL ?
	    shown : msgid), h.shown, sizeof(h.shown));
	strlcpy(h.stat, stat ? stat : "", sizeof(h.stat));
	strlcpy(h.err, err ? err : "", sizeof(h.err));
	h.state = st;
	h.done = done;
	h.arg = arg;
	if ((r = outbox_receipt_try(&h)) == 1)
		return;
	if (r == -1) {
		commit_refuse(done, arg);	/* the SMSC sends it again */
		return;
	}
	/*
	 * Not known (yet): answered now, not after the hold, which would
	 * keep a slot of the SMSC's window for seconds.  The price: a crash
	 * within the hold forgets this receipt (the row stays "sent").
	 */
	h.done = NULL;
	done(arg, 1);
	if (nheld == OUTBOX_HOLD_MAX) {
		log_warnx("outbox receipt for unknown msgid=%s bearer=%s, "
		    "too many held: dropped", h.shown, bearer);
		return;
	}
	h.deadline = clock_mono_ms() + OUTBOX_HOLD_MS;
	held[nheld++] = h;
	log_debug("outbox receipt early msgid=%s bearer=%s, held", h.shown,
	    bearer);
}

static void
outbox_tick(evutil_socket_t fd, short ev, void *arg)
{
	uint64_t	now = clock_mono_ms();
	size_t		i = 0;
	int		r, n;

	while (i < nheld) {
		r = outbox_receipt_try(&held[i]);
		if (r != 1 && now < held[i].deadline) {
			i++;		/* unknown yet, or the store fails */
			continue;
		}
		if (r != 1)
			log_warnx("outbox receipt for unknown msgid=%s "
			    "bearer=%s after %ds: dropped",
			    held[i].shown, held[i].bearer, OUTBOX_HOLD_MS / 1000);
		held[i] = held[--nheld];
	}
	/* a unit of its own, and a batch only when something expires */
	if (store_outbox_expiring(store, (int64_t)clock_now_ms()) == 1 &&
	    commit_unit_begin() == 0) {
		n = store_outbox_expire(store, (int64_t)clock_now_ms());
		if (commit_unit_end(n != -1) == 0 && n > 0)
			log_info("outbox expired rows past their expiry");
	}
	outbox_kick();
}

void
outbox_stats(uint64_t *s, uint64_t *f, uint64_t *r, uint64_t *rc)
{
	*s = nsent;
	*f = nfailed;
	*r = nretried;
	*rc = nreceipts;
}
