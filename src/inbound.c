/*
 * inbound: received parts -> store -> whole texts -> mo_process(), inside
 * the group commit.  Concatenated parts are stored as they come; a group is
 * processed when complete, or after concat-timeout with what arrived (the
 * case is then marked incomplete).  SMSC resends are recognised by the rules
 * below (the store only compares what it holds against the windows given)
 * and acknowledged without a second case.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "commit.h"
#include "inbound.h"
#include "log.h"
#include "mo.h"
#include "store.h"
#include "util.h"

#define INBOUND_SWEEP_MS	5000	/* how often timed-out groups are looked for */
#define INBOUND_SWEEP_MAX	256	/* groups processed per sweep */
/*
 * A part of a long text repeated within the hour is the SMSC's resend: a
 * phone gives each new long SMS a new reference, so only the SMSC repeats
 * one.  So is a text under an id the SMSC already gave within the hour:
 * a resend after a lost deliver_sm_resp or a reconnect carries the same
 * content under a new sequence_number and perhaps a new id, so content
 * decides, and the id only adds.
 */
#define INBOUND_RESEND_WINDOW	(3600 * 1000)	/* ms */

static void	inbound_sweep_timer(evutil_socket_t, short, void *);
static int	inbound_group(const struct store_group *, int);
static void	inbound_single(struct store_group *,
		    const struct store_inbound *, int64_t);

static struct store	*store;		/* borrowed */
static struct event	*ev_sweep;
static int64_t		 concat_timeout;
static int64_t		 retransmit_window;	/* ms, one-part texts */
static uint64_t		 nparts, ndups, ntexts;

void
inbound_init(struct event_base *base, struct store *st, int64_t timeout_ms,
    int64_t retransmit_ms)
{
	struct timeval	tv = { INBOUND_SWEEP_MS / 1000, 0 };

	store = st;
	retransmit_window = retransmit_ms;
	concat_timeout = timeout_ms;
	nparts = ndups = ntexts = 0;
	ev_sweep = event_new(base, -1, EV_PERSIST, inbound_sweep_timer, NULL);
	if (ev_sweep == NULL)
		fatalx("inbound event_new failed");
	evtimer_add(ev_sweep, &tv);
}

/*
 * The rules that make a repeat a resend.  A one-part text repeated within
 * retransmit-window is the SMSC's resend of one whose deliver_sm_resp it
 * missed (seconds to a minute or two); later it is the citizen asking
 * again, and is answered (mo.c): "CX" twice is two questions.  A part of a
 * long text, or a repeated SMSC id: INBOUND_RESEND_WINDOW.
 */
static void
inbound_windows(struct store_inbound *in)
{
	in->resend_window = in->concat_total > 1 ? INBOUND_RESEND_WINDOW :
	    retransmit_window;
	in->msgid_window = INBOUND_RESEND_WINDOW;
}

void
inbound_shutdown(void)
{
	if (ev_sweep != NULL)
		event_free(ev_sweep);
	ev_sweep = NULL;
}

/* Process one whole text inside the caller's unit; 0 or -1. */
static int
inbound_group(const struct store_group *g, int timed_out)
{
	ntexts++;
	return mo_process(g, timed_out);
}

/*
 * A single SMS as the group it is, from the part just stored as id: what
 * a read of the group would give, without the read.
 */
static void
inbound_single(struct store_group *g, const struct store_inbound *in,
    int64_t id)
{
	struct store_part	*p;

	memset(g, 0, sizeof(*g));
	g->group = id;
	g->state = STORE_IN_S_COMPLETE;
	strlcpy(g->smsc, in->smsc, sizeof(g->smsc));
	strlcpy(g->source, in->source, sizeof(g->source));
	strlcpy(g->dest, in->dest, sizeof(g->dest));
	g->total = g->nparts = 1;
	g->first_at = in->received_at;
	p = g->parts = xcalloc(1, sizeof(*p));
	p->id = id;
	p->seq = 1;
	p->data_coding = in->data_coding;
	p->esm_class = in->esm_class;
	p->rawlen = in->rawlen;
	p->raw = xmalloc(in->rawlen + 1);
	if (in->rawlen > 0)
		memcpy(p->raw, in->raw, in->rawlen);
	p->text = xstrdup(in->text);
	p->received_at = in->received_at;
	g->text = xstrdup(in->text);
}

void
inbound_receive(const struct inbound_msg *m, commit_fn done, void *arg)
{
	struct store_inbound	 in;
	struct store_group	 g;
	enum store_in_result	 r;
	int64_t			 id, group;
	int			 ok;
	char			 mask[LOG_MSISDN_MAX];

	memset(&in, 0, sizeof(in));
	in.smsc = m->bearer;
	in.smsc_msgid = m->msgid;
	in.source = m->source;
	in.dest = m->dest;
	in.data_coding = m->data_coding;
	in.esm_class = m->esm_class;
	in.raw = m->raw;
	in.rawlen = m->rawlen;
	in.text = m->text;
	in.concat_ref = m->concat_total > 1 ? m->concat_ref : 0;
	in.concat_total = m->concat_total > 1 ? m->concat_total : 1;
	in.concat_seq = m->concat_total > 1 ? m->concat_seq : 1;
	inbound_windows(&in);
	in.received_at = (int64_t)clock_now_ms();

	/* the store takes no writes now: the answer waits (commit.c) */
	if (commit_unit_begin() == -1) {
		commit_refuse(done, arg);
		return;
	}
	nparts++;
	r = store_inbound_add(store, &in, &id, &group);
	ok = r != STORE_IN_ERROR;
	switch (r) {
	case STORE_IN_DUPLICATE:
		ndups++;
		log_info("inbound duplicate bearer=%s msisdn=%s ref=%d seq=%d/%d, "
		    "acknowledged again", m->bearer,
		    log_msisdn(m->source, mask, sizeof(mask)), in.concat_ref,
		    in.concat_seq, in.concat_total);
		break;
	case STORE_IN_PARTIAL:
		log_debug("inbound part bearer=%s msisdn=%s ref=%d seq=%d/%d",
		    m->bearer, log_msisdn(m->source, mask, sizeof(mask)),
		    in.concat_ref, in.concat_seq, in.concat_total);
		break;
	case STORE_IN_COMPLETE:
		/* a single SMS is here: no need to read it back */
		if (in.concat_total <= 1)
			inbound_single(&g, &in, id);
		ok = (in.concat_total <= 1 ||
		    store_inbound_group(store, group, &g) == 1) &&
		    inbound_group(&g, 0) == 0;
		store_group_clear(&g);
		break;
	case STORE_IN_ERROR:
		break;
	}
	if (commit_unit_end(ok) == -1) {
		/* a batch SQLite undid is the commit's to report, once */
		if (!store_doomed(store))
			log_warnx("inbound not stored bearer=%s msisdn=%s, "
			    "answered with a temporary error", m->bearer,
			    log_msisdn(m->source, mask, sizeof(mask)));
		commit_refuse(done, arg);
		return;
	}
	commit_after(done, arg);
}

/* Nothing waits on a sweep's commit. */
static void
inbound_sweep_done(void *arg, int ok)
{
}

void
inbound_sweep(void)
{
	struct store_group	 g;
	int64_t			 groups[INBOUND_SWEEP_MAX];
	int64_t			 now = (int64_t)clock_now_ms();
	int			 i, n, ok, timed_out;

	n = store_inbound_due(store, now - concat_timeout, groups,
	    nitems(groups));
	if (n <= 0)
		return;
	for (i = 0; i < n; i++) {
		if (commit_unit_begin() == -1)
			return;
		if ((ok = store_inbound_group(store, groups[i], &g)) != 1) {
			commit_unit_end(ok == 0);
			continue;
		}
		timed_out = g.state == STORE_IN_S_PARTIAL;
		if (timed_out)
			log_info("inbound concat timeout group=%lld parts=%d/%d, "
			    "processing what arrived", (long long)groups[i],
			    g.nparts, g.total);
		ok = inbound_group(&g, timed_out) == 0;
		store_group_clear(&g);
		commit_unit_end(ok);
		commit_after(inbound_sweep_done, NULL);
	}
}

static void
inbound_sweep_timer(evutil_socket_t fd, short ev, void *arg)
{
	inbound_sweep();
}

void
inbound_stats(uint64_t *p, uint64_t *d, uint64_t *t)
{
	*p = nparts;
	*d = ndups;
	*t = ntexts;
}
