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
static int	outbox_receipt_try(struct outbox *, struct held_receipt *);
static int	outbox_due(struct outbox *, int64_t);
static int	outbox_commits_failing(struct outbox *);
static int	outbox_flag(struct outbox *, int64_t, const char *);
static void	outbox_after_commit(void *, int);
static void	outbox_kick_committed(void *, int);
static int	outbox_room(struct outbox *, int *);
static int	outbox_pick(struct outbox *, const struct store_outmsg *,
		    int64_t);

/* One outbox over one store and its group commit. */
struct outbox {
	struct store		*store;		/* borrowed */
	struct commit		*commit;	/* borrowed */
	struct event		*ev_pump, *ev_tick;
	struct bearer		 bearers[OUTBOX_BEARERS_MAX];
	int			 nbearers, rr;
	int			 max_attempts;
	struct held_receipt	*held;
	size_t			 nheld;
	uint64_t		 nsent, nfailed, nretried, nreceipts;
	int			 pump_waits;	/* on the open batch */
	int			 pump_idle;	/* the last fetch was empty */
};

static struct outbox	*outbox_dflt;	/* borrowed: outbox_default() */

struct outbox *
outbox_new(struct event_base *base, struct store *st, struct commit *c,
    int attempts)
{
	struct timeval	 tv = { OUTBOX_TICK_MS / 1000, 0 };
	struct outbox	*o;

	o = xcalloc(1, sizeof(*o));
	o->store = st;
	o->commit = c;
	o->max_attempts = attempts > 0 ? attempts : 10;
	o->ev_pump = evtimer_new(base, outbox_pump, o);
	o->ev_tick = event_new(base, -1, EV_PERSIST, outbox_tick, o);
	if (o->ev_pump == NULL || o->ev_tick == NULL)
		fatalx("outbox event_new failed");
	evtimer_add(o->ev_tick, &tv);
	o->held = xcalloc(OUTBOX_HOLD_MAX, sizeof(*o->held));
	return o;
}

void
outbox_free(struct outbox *o)
{
	if (o == NULL)
		return;
	/* held receipts were answered when they came: only forgotten */
	free(o->held);
	if (o->ev_pump != NULL)
		event_free(o->ev_pump);
	if (o->ev_tick != NULL)
		event_free(o->ev_tick);
	if (outbox_dflt == o)
		outbox_dflt = NULL;
	free(o);
}

struct outbox *
outbox_default(void)
{
	return outbox_dflt;
}

void
outbox_set_default(struct outbox *o)
{
	outbox_dflt = o;
}

void
outbox_add_bearer(struct outbox *o, const char *name,
    const struct bearer_ops *ops, void *ctx)
{
	if (o->nbearers == OUTBOX_BEARERS_MAX)
		fatalx("outbox too many bearers");
	strlcpy(o->bearers[o->nbearers].name, name, sizeof(o->bearers[0].name));
	o->bearers[o->nbearers].ops = ops;
	o->bearers[o->nbearers].ctx = ctx;
	o->nbearers++;
}

void
outbox_kick(struct outbox *o)
{
	struct timeval	tv = { 0, 0 };

	if (o != NULL && o->ev_pump != NULL)
		evtimer_add(o->ev_pump, &tv);
}

/* The batch has ended: pump if it committed. */
static void
outbox_kick_committed(void *arg, int ok)
{
	if (ok)
		outbox_kick(arg);
}

void
outbox_kick_after(struct outbox *o)
{
	/* joins the open batch (or opens one around the caller's) */
	if (o != NULL && commit_join(o->commit) == 0)
		commit_after(o->commit, outbox_kick_committed, o);
}

/* Total room over all bearers; *first gets one with room, or -1. */
static int
outbox_room(struct outbox *o, int *first)
{
	int	i, r, total = 0;

	*first = -1;
	for (i = 0; i < o->nbearers; i++) {
		r = o->bearers[(o->rr + i) % o->nbearers].ops->room(
		    o->bearers[(o->rr + i) % o->nbearers].ctx);
		if (r > 0 && *first == -1)
			*first = (o->rr + i) % o->nbearers;
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
outbox_pick(struct outbox *o, const struct store_outmsg *m,
    int64_t now)
{
	int	i, any;

	if (m->via[0] != '\0' && m->attempts == 0 &&
	    now - m->due_at < OUTBOX_VIA_GRACE_MS)
		for (i = 0; i < o->nbearers; i++)
			if (strcmp(o->bearers[i].name, m->via) == 0)
				return o->bearers[i].ops->room(
				    o->bearers[i].ctx) > 0 ? i : -1;
	return outbox_room(o, &any) > 0 ? any : -1;
}

/*
 * Whether a row is due at now, read outside any batch; when none is, the
 * pump is armed for the next one the fetch can hand out (or left to the
 * tick).  A row due at now but left by the last fetch (it cannot be read)
 * counts as due: the pump looks at each kick, it never re-arms itself.
 */
static int
outbox_due(struct outbox *o, int64_t now)
{
	struct timeval	tv;
	int64_t		when, delay;

	switch (store_outbox_next_time(o->store, &when)) {
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
		evtimer_add(o->ev_pump, &tv);
		return 0;
	default:
		return 1;			/* the fetch will say */
	}
}

/* 1 while commits fail (commit.c): nothing can be sent then. */
static int
outbox_commits_failing(struct outbox *o)
{
	uint64_t	refused, undone;
	int		failing;

	commit_health(o->commit, &failing, &refused, &undone);
	return failing;
}

/*
 * wal-sync thread (commit.c): batches committed but not yet synced hold
 * rows the fetch does not hand out (store_outbox_limit()).  Pump again
 * once they are durable: after the batch open now (the pump's), which
 * ends behind them.  1 if so.
 */
static int
outbox_await_durable(struct outbox *o)
{
	if (commit_syncs_waiting(o->commit) == 0)
		return 0;
	if (!o->pump_waits && store_in_batch(o->store)) {
		o->pump_waits = 1;
		commit_after(o->commit, outbox_after_commit, o);
	}
	return 1;
}

static void
outbox_pump(evutil_socket_t fd, short ev, void *arg)
{
	struct outbox		*o = arg;
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
	if (store_in_batch(o->store)) {
		if (!o->pump_waits) {
			o->pump_waits = 1;
			commit_after(o->commit, outbox_after_commit, o);
		}
		return;
	}
	for (round = 0; round < OUTBOX_PUMP_ROUNDS; round++) {
		if ((room = outbox_room(o, &bi)) <= 0)
			return;		/* a bearer kicks us when it has room */
		/*
		 * One bearer: read as many rows as it has room for.  Several:
		 * read a full page, so rows for a bearer with room are found
		 * behind rows that wait for a full one.
		 */
		want = room < OUTBOX_FETCH_MAX && o->nbearers == 1 ? room :
		    OUTBOX_FETCH_MAX;
		now = (int64_t)clock_now_ms();
		/*
		 * Bearers kick whenever they have room, SMS or not: after an
		 * empty fetch, look (without a transaction) before opening one.
		 * Not while commits fail: the reads fail too, once per kick,
		 * and the batch that recovers kicks us again.
		 */
		if (o->pump_idle && (outbox_commits_failing(o) ||
		    !outbox_due(o, now)))
			return;
		if (commit_join(o->commit) == -1)
			return;
		if ((n = store_outbox_next(o->store, now, rows, want)) <= 0) {
			o->pump_idle = n == 0 && !outbox_await_durable(o);
			if (o->pump_idle)
				(void)outbox_due(o, now); /* arm for the next */
			return;
		}
		o->pump_idle = 0;
		outbox_await_durable(o);
		for (i = sent = waiting = 0; i < n; i++) {
			if (outbox_room(o, &bi) <= 0)
				break;
			if ((bi = outbox_pick(o, &rows[i], now)) == -1) {
				waiting++;	/* its own bearer is full */
				continue;
			}
			b = &o->bearers[bi];
			o->rr = (bi + 1) % o->nbearers;
			sent++;
			job.id = rows[i].id;
			job.to = rows[i].to;
			job.from = rows[i].from;
			job.text = rows[i].text;
			job.attempt = rows[i].attempts + 1;
			if (store_outbox_inflight(o->store, job.id, now) ==
			    -1 || store_outbox_parts_done(o->store, job.id,
			    &job.done_nparts, &job.done) == -1)
				break;
			if (b->ops->send(b->ctx, &job) == -1) {
				store_outbox_retry(o->store, job.id,
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
	outbox_kick(o);		/* more may be due: yield, then go on */
}

/* The batch has ended: pump now, before the next message opens another. */
static void
outbox_after_commit(void *arg, int ok)
{
	struct outbox	*o = arg;

	o->pump_waits = 0;
	outbox_pump(-1, 0, o);
}

void
outbox_sent(struct outbox *o, int64_t id, const char *bearer,
    const char **msgids, int nparts)
{
	int64_t		 now = (int64_t)clock_now_ms();
	const char	*first = "-";
	int		 i;

	if (commit_unit_begin(o->commit) == -1)
		return;		/* the row stays in flight: resent at restart */
	for (i = 0; i < nparts; i++)
		if (store_outbox_submitted(o->store, id, i + 1, nparts, bearer,
		    msgids[i], now) == -1)
			break;
	if (commit_unit_end(o->commit, i == nparts) == -1)
		return;
	o->nsent++;
	metrics_add(MF_MT, "sent", 1);
	for (i = nparts - 1; i >= 0; i--)
		if (msgids[i] != NULL)
			first = msgids[i];	/* of the first part sent now */
	log_info("outbox sent id=%lld bearer=%s parts=%d msgid=%s",
	    (long long)id, bearer, nparts, first);
}

void
outbox_failed(struct outbox *o, int64_t id, int temporary,
    const char *error)
{
	int64_t	now = (int64_t)clock_now_ms(), backoff;
	int	state, attempts;

	if (commit_unit_begin(o->commit) == -1)
		return;
	if (store_outbox_state(o->store, id, &state, &attempts) == -1) {
		commit_unit_end(o->commit, 0);
		return;
	}
	if (temporary && attempts < o->max_attempts) {
		backoff = OUTBOX_BACKOFF_MIN;
		while (--attempts > 0 && backoff < OUTBOX_BACKOFF_MAX)
			backoff *= 2;
		if (backoff > OUTBOX_BACKOFF_MAX)
			backoff = OUTBOX_BACKOFF_MAX;
		backoff += arc4random_uniform((uint32_t)backoff / 4 + 1);
		if (commit_unit_end(o->commit, store_outbox_retry(o->store,
		    id, now + backoff, error) != -1) == -1)
			return;
		o->nretried++;
		metrics_add(MF_MT, "retried", 1);
		log_info("outbox retry id=%lld error=\"%s\" in=%llds",
		    (long long)id, error, (long long)(backoff / 1000));
		outbox_kick(o);
		return;
	}
	if (commit_unit_end(o->commit, store_outbox_fail(o->store, id,
	    error) != -1 && outbox_flag(o, id, error) != -1) == -1)
		return;
	o->nfailed++;
	metrics_add(MF_MT, "failed", 1);
	log_warnx("outbox failed id=%lld error=\"%s\"%s", (long long)id, error,
	    temporary ? " attempts exhausted" : "");
}

void
outbox_failed_parts(struct outbox *o, int64_t id, int temporary,
    const char *error, const char *bearer, const char **msgids, int nparts)
{
	int64_t	now = (int64_t)clock_now_ms();
	int	i, kept = 0;

	if (commit_join(o->commit) == -1)
		return;
	for (i = 0; i < nparts; i++) {
		if (msgids[i] == NULL)
			continue;
		if (store_outbox_accepted(o->store, id, i + 1, nparts, bearer,
		    msgids[i], now) == -1)
			break;
		kept++;
	}
	if (kept > 0)
		log_info("outbox parts kept id=%lld bearer=%s accepted=%d/%d, "
		    "a retry sends the others", (long long)id, bearer, kept,
		    nparts);
	outbox_failed(o, id, temporary, error);
}

/*
 * Art. 23(4): failing to give a citizen the result is an accountability
 * matter, so an undeliverable result SMS flags its case and is audited.
 * 0, or -1 when the store failed (the caller undoes its unit).
 */
static int
outbox_flag(struct outbox *o, int64_t id, const char *why)
{
	char	kind[16];
	int64_t	case_id;

	if (store_outbox_row(o->store, id, &case_id, kind, sizeof(kind)) == -1)
		return -1;
	if (case_id == 0 || strcmp(kind, "result") != 0)
		return 0;
	if (store_case_add_flags(o->store, case_id, STORE_CF_NOTIFY_FAILED) ==
	    -1 || store_audit(o->store, case_id, "system", "notify.failed", why,
	    (int64_t)clock_now_ms()) == -1)
		return -1;
	log_warnx("outbox result undeliverable case_id=%lld id=%lld "
	    "error=\"%s\", case flagged", (long long)case_id,
	    (long long)id, why);
	return 0;
}

/* Match a receipt to its row; 1 done, 0 not yet known, -1 error. */
static int
outbox_receipt_try(struct outbox *o, struct held_receipt *h)
{
	int64_t	id;
	int	r;

	if (commit_unit_begin(o->commit) == -1)
		return -1;
	r = store_outbox_receipt(o->store, h->bearer, h->msgid, h->state,
	    h->stat, h->err, (int64_t)clock_now_ms(), &id, NULL);
	if (r == 0 && h->alt[0] != '\0')
		r = store_outbox_receipt(o->store, h->bearer, h->alt, h->state,
		    h->stat, h->err, (int64_t)clock_now_ms(), &id, NULL);
	if (r == 1 && (h->state == STORE_RCPT_FAILED ||
	    h->state == STORE_RCPT_EXPIRED) && outbox_flag(o, id, h->stat) ==
	    -1)
		r = -1;
	if (commit_unit_end(o->commit, r != -1) == -1)
		return -1;
	if (r == 1) {
		o->nreceipts++;
		metrics_add(MF_RECEIPTS, h->state == STORE_RCPT_DELIVERED ?
		    "delivered" : h->state == STORE_RCPT_FAILED ? "failed" :
		    h->state == STORE_RCPT_EXPIRED ? "expired" : "interim", 1);
		log_info("outbox receipt id=%lld bearer=%s msgid=%s stat=%s "
		    "err=%s", (long long)id, h->bearer, h->shown, h->stat,
		    h->err);
		if (h->done != NULL)
			commit_after(o->commit, h->done, h->arg);
	}
	return r;
}

void
outbox_receipt(struct outbox *o, const char *bearer, const char *msgid,
    const char *alt, const char *shown, enum store_receipt st,
    const char *stat, const char *err, commit_fn done, void *arg)
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
	if ((r = outbox_receipt_try(o, &h)) == 1)
		return;
	if (r == -1) {
		/* the SMSC sends it again */
		commit_refuse(o->commit, done, arg);
		return;
	}
	/*
	 * Not known (yet): answered now, not after the hold, which would
	 * keep a slot of the SMSC's window for seconds.  The price: a crash
	 * within the hold forgets this receipt (the row stays "sent").
	 */
	h.done = NULL;
	done(arg, 1);
	if (o->nheld == OUTBOX_HOLD_MAX) {
		log_warnx("outbox receipt for unknown msgid=%s bearer=%s, "
		    "too many held: dropped", h.shown, bearer);
		return;
	}
	h.deadline = clock_mono_ms() + OUTBOX_HOLD_MS;
	o->held[o->nheld++] = h;
	log_debug("outbox receipt early msgid=%s bearer=%s, held", h.shown,
	    bearer);
}

static void
outbox_tick(evutil_socket_t fd, short ev, void *arg)
{
	struct outbox	*o = arg;
	uint64_t	now = clock_mono_ms();
	size_t		i = 0;
	int		r, n;

	while (i < o->nheld) {
		r = outbox_receipt_try(o, &o->held[i]);
		if (r != 1 && now < o->held[i].deadline) {
			i++;		/* unknown yet, or the store fails */
			continue;
		}
		if (r != 1)
			log_warnx("outbox receipt for unknown msgid=%s "
			    "bearer=%s after %ds: dropped",
			    o->held[i].shown, o->held[i].bearer,
			    OUTBOX_HOLD_MS / 1000);
		o->held[i] = o->held[--o->nheld];
	}
	/* a unit of its own, and a batch only when something expires */
	if (store_outbox_expiring(o->store, (int64_t)clock_now_ms()) == 1 &&
	    commit_unit_begin(o->commit) == 0) {
		n = store_outbox_expire(o->store, (int64_t)clock_now_ms());
		if (commit_unit_end(o->commit, n != -1) == 0 && n > 0)
			log_info("outbox expired rows past their expiry");
	}
	outbox_kick(o);
}

void
outbox_stats(const struct outbox *o, uint64_t *s, uint64_t *f, uint64_t *r,
    uint64_t *rc)
{
	*s = o->nsent;
	*f = o->nfailed;
	*r = o->nretried;
	*rc = o->nreceipts;
}
