/*
 * inbound: received parts -> store -> whole texts -> mo_process(), inside
 * the group commit.  Concatenated parts are stored as they come; a group is
 * processed when complete, or after concat-timeout with what arrived (the
 * case is then marked incomplete).  SMSC resends are recognised by the rules
 * below (the store only compares what it holds against the windows given)
 * and acknowledged without a second case.  The reassembly rules are here
 * too (inbound_is_part, inbound_store, inbound_join): the store keeps and
 * fetches rows, and decides nothing.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "commit.h"
#include "inbound.h"
#include "inbound_int.h"
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
static int	inbound_read(struct inbound *, int64_t, struct store_group *);
static int	inbound_group(struct inbound *, const struct store_group *,
		    int);
static void	inbound_single(struct store_group *,
		    const struct store_inbound *, int64_t);
static void	inbound_concat(const struct inbound_msg *,
		    struct store_inbound *);
static int	inbound_part_cmp(const void *, const void *);
static void	inbound_keep(struct store_group *);

/* The reception of one store: its parts, groups and counters. */
struct inbound {
	struct store	*store;		/* borrowed */
	struct commit	*commit;	/* borrowed */
	struct mo	*mo;		/* borrowed: whole texts go there */
	struct event	*ev_sweep;
	int64_t		 concat_timeout;
	int64_t		 retransmit_window;	/* ms, one-part texts */
	uint64_t	 nparts, ndups, ntexts;
};

static struct inbound	*inbound_dflt;	/* borrowed: inbound_default() */

struct inbound *
inbound_new(struct event_base *base, struct store *st, struct commit *c,
    struct mo *mo, int64_t timeout_ms, int64_t retransmit_ms)
{
	struct timeval	 tv = { INBOUND_SWEEP_MS / 1000, 0 };
	struct inbound	*ib;

	ib = xcalloc(1, sizeof(*ib));
	ib->store = st;
	ib->commit = c;
	ib->mo = mo;
	ib->retransmit_window = retransmit_ms;
	ib->concat_timeout = timeout_ms;
	ib->ev_sweep = event_new(base, -1, EV_PERSIST, inbound_sweep_timer, ib);
	if (ib->ev_sweep == NULL)
		fatalx("inbound event_new failed");
	evtimer_add(ib->ev_sweep, &tv);
	return ib;
}

struct inbound *
inbound_default(void)
{
	return inbound_dflt;
}

void
inbound_set_default(struct inbound *ib)
{
	inbound_dflt = ib;
}

/*
 * The rules that make a repeat a resend.  A one-part text repeated within
 * retransmit-window is the SMSC's resend of one whose deliver_sm_resp it
 * missed (seconds to a minute or two); later it is the citizen asking
 * again, and is answered (mo.c): "CX" twice is two questions.  A part of a
 * long text, or a repeated SMSC id: INBOUND_RESEND_WINDOW.
 */
static void
inbound_windows(const struct inbound *ib, struct store_inbound *in)
{
	in->resend_window = in->concat_total > 1 ? INBOUND_RESEND_WINDOW :
	    ib->retransmit_window;
	in->msgid_window = INBOUND_RESEND_WINDOW;
}

/*
 * The reassembly rules.  A part belongs to a long text when its header is
 * sound: ref 0..65535, total 2..255 (one octet in a UDH, and SAR's
 * sar_total_segments likewise, SMPP 3.4, 5.3.2.23), seq 1..total.  The
 * bearers' parsers (udh.c) check this already; a header that gets here
 * out of range anyway (hostile, or a parser's bug) cannot be joined with
 * anything safely, so its text is taken as a single SMS: what the citizen
 * wrote still becomes a case, where refusing it would have the SMSC resend
 * it for ever.
 */
int
inbound_is_part(int ref, int total, int seq)
{
	return ref >= 0 && ref <= 0xffff && total > 1 &&
	    total <= INBOUND_MAX_PARTS && seq >= 1 && seq <= total;
}

/* The part's concat fields, as inbound_is_part() takes them. */
static void
inbound_concat(const struct inbound_msg *m, struct store_inbound *in)
{
	char	mask[LOG_MSISDN_MAX];

	in->concat_ref = 0;
	in->concat_total = in->concat_seq = 1;
	if (inbound_is_part(m->concat_ref, m->concat_total, m->concat_seq)) {
		in->concat_ref = m->concat_ref;
		in->concat_total = m->concat_total;
		in->concat_seq = m->concat_seq;
	} else if (m->concat_total > 1)
		log_info("inbound bad concat header bearer=%s msisdn=%s ref=%d "
		    "seq=%d/%d, taken as a single SMS", m->bearer,
		    log_msisdn(m->source, mask, sizeof(mask)), m->concat_ref,
		    m->concat_seq, m->concat_total);
}

/*
 * Which parts make a group: the same sender, destination, ref and total,
 * while the group waits (a reference a phone reuses later starts a new
 * one).  A group is whole when every seq 1..total has come; a seq twice
 * (two texts under one reference) counts once, inbound_join() keeps the
 * first.
 */
enum store_in_result
inbound_store(struct store *st, struct store_inbound *in, int64_t *idp,
    int64_t *groupp)
{
	enum store_in_result	r;
	int			n;

	in->group = 0;
	if (in->concat_total > 1 &&
	    store_inbound_open_group(st, in, &in->group) == -1)
		return STORE_IN_ERROR;
	if ((r = store_inbound_add(st, in, idp, groupp)) != STORE_IN_PARTIAL)
		return r;
	if ((n = store_inbound_parts(st, *groupp)) == -1)
		return STORE_IN_ERROR;
	if (n < in->concat_total)
		return STORE_IN_PARTIAL;
	return store_inbound_complete(st, *groupp) == -1 ? STORE_IN_ERROR :
	    STORE_IN_COMPLETE;
}

/* Parts in seq order, and in arrival (row id) order within a seq. */
static int
inbound_part_cmp(const void *a, const void *b)
{
	const struct store_part	*x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Keep one part per seq 1..total, the first that came; free the rest. */
static void
inbound_keep(struct store_group *g)
{
	struct store_part	*kept, p;
	int			 i, n = 0;

	if (g->nparts > 1)
		qsort(g->parts, (size_t)g->nparts, sizeof(*g->parts),
		    inbound_part_cmp);
	kept = xcalloc(g->nparts > 0 ? (size_t)g->nparts : 1, sizeof(*kept));
	for (i = 0; i < g->nparts; i++) {
		p = g->parts[i];
		if (p.seq < 1 || p.seq > g->total ||
		    (n > 0 && kept[n - 1].seq == p.seq)) {
			free(p.raw);
			free(p.text);
			continue;	/* no place, or a repeat: first stays */
		}
		kept[n++] = p;
	}
	free(g->parts);
	g->parts = kept;
	g->nparts = n;
}

/*
 * The group's text: its parts in seq order, and where parts never came
 * (a group given up after concat-timeout) a marker that says which, so
 * nobody reads two halves as one sentence: "…[第2/3段未收到]…".  Only
 * seqs 1..total have a place, and marks go up to INBOUND_MAX_PARTS at
 * most, whatever total a group claims.
 */
void
inbound_join(struct store_group *g)
{
	char	mark[48];
	size_t	len = 0, n, cap, tlen = 0;
	int	i, want = 1, seq, marks;

	inbound_keep(g);
	for (i = 0; i < g->nparts; i++) {
		tlen += strlen(g->parts[i].text);
		if (i == 0 || g->parts[i].received_at < g->first_at)
			g->first_at = g->parts[i].received_at;
	}
	marks = MINIMUM(g->total, INBOUND_MAX_PARTS);
	cap = tlen + 1 + (size_t)(marks > 1 ? marks : 1) * sizeof(mark);
	free(g->text);
	g->text = xmalloc(cap);
	g->text[0] = '\0';
	for (i = 0; i <= g->nparts; i++) {
		seq = i < g->nparts ? g->parts[i].seq : marks + 1;
		for (; marks > 1 && want < seq && want <= marks; want++) {
			n = (size_t)snprintf(mark, sizeof(mark),
			    INBOUND_GAP_MARK, want, g->total);
			memcpy(g->text + len, mark, n + 1);
			len += n;
		}
		if (i == g->nparts)
			break;
		n = strlen(g->parts[i].text);
		memcpy(g->text + len, g->parts[i].text, n + 1);
		len += n;
		want = seq + 1;
	}
}

void
inbound_free(struct inbound *ib)
{
	if (ib == NULL)
		return;
	if (ib->ev_sweep != NULL)
		event_free(ib->ev_sweep);
	if (inbound_dflt == ib)
		inbound_dflt = NULL;
	free(ib);
}

/* A stored group and its whole text; 1, 0 when unknown, -1. */
static int
inbound_read(struct inbound *ib, int64_t group, struct store_group *g)
{
	int	rc;

	if ((rc = store_inbound_group(ib->store, group, g)) == 1)
		inbound_join(g);
	return rc;
}

/* Process one whole text inside the caller's unit; 0 or -1. */
static int
inbound_group(struct inbound *ib, const struct store_group *g,
    int timed_out)
{
	ib->ntexts++;
	return mo_process(ib->mo, g, timed_out);
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
inbound_receive(struct inbound *ib, const struct inbound_msg *m,
    commit_fn done, void *arg)
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
	inbound_concat(m, &in);
	inbound_windows(ib, &in);
	in.received_at = (int64_t)clock_now_ms();

	/* the store takes no writes now: the answer waits (commit.c) */
	if (commit_unit_begin(ib->commit) == -1) {
		commit_refuse(ib->commit, done, arg);
		return;
	}
	ib->nparts++;
	r = inbound_store(ib->store, &in, &id, &group);
	ok = r != STORE_IN_ERROR;
	switch (r) {
	case STORE_IN_DUPLICATE:
		ib->ndups++;
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
		    inbound_read(ib, group, &g) == 1) &&
		    inbound_group(ib, &g, 0) == 0;
		store_group_clear(&g);
		break;
	case STORE_IN_ERROR:
		break;
	}
	if (commit_unit_end(ib->commit, ok) == -1) {
		/* a batch SQLite undid is the commit's to report, once */
		if (!store_doomed(ib->store))
			log_warnx("inbound not stored bearer=%s msisdn=%s, "
			    "answered with a temporary error", m->bearer,
			    log_msisdn(m->source, mask, sizeof(mask)));
		commit_refuse(ib->commit, done, arg);
		return;
	}
	commit_after(ib->commit, done, arg);
}

/* Nothing waits on a sweep's commit. */
static void
inbound_sweep_done(void *arg, int ok)
{
}

void
inbound_sweep(struct inbound *ib)
{
	struct store_group	 g;
	int64_t			 groups[INBOUND_SWEEP_MAX];
	int64_t			 now = (int64_t)clock_now_ms();
	int			 i, n, ok, timed_out;

	n = store_inbound_due(ib->store, now - ib->concat_timeout, groups,
	    nitems(groups));
	if (n <= 0)
		return;
	for (i = 0; i < n; i++) {
		if (commit_unit_begin(ib->commit) == -1)
			return;
		if ((ok = inbound_read(ib, groups[i], &g)) != 1) {
			commit_unit_end(ib->commit, ok == 0);
			continue;
		}
		timed_out = g.state == STORE_IN_S_PARTIAL;
		if (timed_out)
			log_info("inbound concat timeout group=%lld parts=%d/%d, "
			    "processing what arrived", (long long)groups[i],
			    g.nparts, g.total);
		ok = inbound_group(ib, &g, timed_out) == 0;
		store_group_clear(&g);
		commit_unit_end(ib->commit, ok);
		commit_after(ib->commit, inbound_sweep_done, NULL);
	}
}

static void
inbound_sweep_timer(evutil_socket_t fd, short ev, void *arg)
{
	inbound_sweep(arg);
}

void
inbound_stats(const struct inbound *ib, uint64_t *p, uint64_t *d, uint64_t *t)
{
	*p = ib->nparts;
	*d = ib->ndups;
	*t = ib->ntexts;
}
