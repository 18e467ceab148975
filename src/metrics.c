/*
 * metrics: counters kept in memory, applied when the batch that did the
 * work has committed; the commit histograms; the throughput ring the
 * status page draws.  No I/O but the rendering into an evbuffer.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "util.h"
#include "metrics.h"

struct mfamily {
	const char	*name;		/* without the hotlined_ prefix */
	const char	*label;		/* NULL: one value, no label */
	const char	*help;
	size_t		 n;
	char		 values[METRICS_LABELS_MAX][METRICS_LABEL_LEN];
	uint64_t	 v[METRICS_LABELS_MAX];
};

/* A count waiting for its batch to commit. */
struct mpending {
	uint8_t		 family;
	uint8_t		 slot;
	uint64_t	 n;
};

static size_t	 metrics_slot(struct mfamily *, const char *);
static void	 metrics_hist(struct evbuffer *, const char *, const char *,
		    const double *, const uint64_t *, size_t, double, uint64_t);
static void	 metrics_ring_add(int, uint64_t);

/* designated, so the counters left out are zero to every compiler */
#define FAM(n, l, h)	{ .name = (n), .label = (l), .help = (h) }
static struct mfamily fam[MF_MAX] = {
	[MF_MO_RECEIVED] = FAM("mo_received_total", NULL,
	    "Texts from citizens handled by intake and committed."),
	[MF_MO_IGNORED] = FAM("mo_ignored_total", NULL,
	    "Texts from machine senders, recorded but not answered."),
	[MF_MO_REFUSED] = FAM("mo_refused_total", "reason",
	    "Texts refused (Art. 8 and 14), by reason."),
	[MF_CASES] = FAM("cases_registered_total", "category",
	    "Cases registered from texts, by category."),
	[MF_MT] = FAM("mt_total", "outcome",
	    "Outgoing SMS submit outcomes: sent, failed, retried."),
	[MF_RECEIPTS] = FAM("receipts_total", "state",
	    "Delivery receipts matched to an outgoing SMS, by state."),
	[MF_SURVEYS] = FAM("surveys_total", "outcome",
	    "Satisfaction surveys by outcome: satisfied, basically-satisfied, "
	    "dissatisfied, unclear (a reply not understood), expired."),
};
#undef FAM

static struct mpending	*pend;
static size_t		 npend, pendsz, pend_mark;

/* Commit histograms: seconds and messages per batch. */
static const double	 lat_le[] = { 0.0005, 0.001, 0.002, 0.005, 0.01,
			    0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5 };
static const double	 size_le[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512 };
static uint64_t		 lat_b[nitems(lat_le)], size_b[nitems(size_le)];
static uint64_t		 ncommits, ncommit_fail, size_sum;
static double		 lat_sum;

/* Throughput: slot i holds the counts of 10 s number ring_at[i]. */
static struct {
	uint64_t	 at;		/* clock_now_ms() / METRICS_RING_MS */
	uint64_t	 mo, mt;
} ring[METRICS_RING];

/* The slot of label in f, a new one if there is room, else "other". */
static size_t
metrics_slot(struct mfamily *f, const char *label)
{
	size_t	i;

	if (label == NULL)
		label = "";
	for (i = 0; i < f->n; i++)
		if (strcmp(f->values[i], label) == 0)
			return i;
	if (f->n >= METRICS_LABELS_MAX - 1) {
		/* the last slot is kept for "other" */
		strlcpy(f->values[METRICS_LABELS_MAX - 1], "other",
		    METRICS_LABEL_LEN);
		f->n = METRICS_LABELS_MAX;
		return METRICS_LABELS_MAX - 1;
	}
	strlcpy(f->values[f->n], label, METRICS_LABEL_LEN);
	return f->n++;
}

void
metrics_add(enum metrics_family f, const char *label, uint64_t n)
{
	if (npend == pendsz) {
		pendsz = pendsz ? pendsz * 2 : 256;
		pend = xreallocarray(pend, pendsz, sizeof(*pend));
	}
	pend[npend].family = (uint8_t)f;
	pend[npend].slot = (uint8_t)metrics_slot(&fam[f], label);
	pend[npend].n = n;
	npend++;
}

void
metrics_now(enum metrics_family f, const char *label, uint64_t n)
{
	fam[f].v[metrics_slot(&fam[f], label)] += n;
}

void
metrics_mark(void)
{
	pend_mark = npend;
}

void
metrics_undo(void)
{
	if (pend_mark < npend)
		npend = pend_mark;
}

void
metrics_batch_end(int ok)
{
	size_t	i;

	for (i = 0; ok && i < npend; i++) {
		fam[pend[i].family].v[pend[i].slot] += pend[i].n;
		if (pend[i].family == MF_MO_RECEIVED)
			metrics_ring_add(0, pend[i].n);
		else if (pend[i].family == MF_MT &&
		    strcmp(fam[MF_MT].values[pend[i].slot], "sent") == 0)
			metrics_ring_add(1, pend[i].n);
	}
	npend = pend_mark = 0;
}

/* Add n to the current slot's mo (0) or mt (1) count. */
static void
metrics_ring_add(int which, uint64_t n)
{
	uint64_t	 at = clock_now_ms() / METRICS_RING_MS;
	size_t		 i = (size_t)(at % METRICS_RING);

	if (ring[i].at != at) {
		ring[i].at = at;
		ring[i].mo = ring[i].mt = 0;
	}
	if (which == 0)
		ring[i].mo += n;
	else
		ring[i].mt += n;
}

void
metrics_ring(uint64_t *mo, uint64_t *mt, size_t n)
{
	uint64_t	 now = clock_now_ms() / METRICS_RING_MS, at;
	size_t		 k, i;

	if (n > METRICS_RING)
		n = METRICS_RING;
	for (k = 0; k < n; k++) {
		at = now - (n - 1 - k);
		i = (size_t)(at % METRICS_RING);
		mo[k] = ring[i].at == at ? ring[i].mo : 0;
		mt[k] = ring[i].at == at ? ring[i].mt : 0;
	}
}

void
metrics_commit(size_t size, uint64_t us, int ok)
{
	double	s = (double)us / 1e6;
	size_t	i;

	if (!ok) {
		ncommit_fail++;
		return;
	}
	ncommits++;
	size_sum += size;
	lat_sum += s;
	for (i = 0; i < nitems(lat_le); i++)
		if (s <= lat_le[i])
			lat_b[i]++;
	for (i = 0; i < nitems(size_le); i++)
		if ((double)size <= size_le[i])
			size_b[i]++;
}

uint64_t
metrics_total(enum metrics_family f)
{
	uint64_t	t = 0;
	size_t		i;

	for (i = 0; i < fam[f].n; i++)
		t += fam[f].v[i];
	return t;
}

uint64_t
metrics_get(enum metrics_family f, const char *label)
{
	size_t	i;

	for (i = 0; i < fam[f].n; i++)
		if (strcmp(fam[f].values[i], label) == 0)
			return fam[f].v[i];
	return 0;
}

const char *
metrics_escape(const char *s, char *buf, size_t len)
{
	size_t	o = 0;

	for (; *s != '\0' && o + 3 < len; s++) {
		if (*s == '\\' || *s == '"') {
			buf[o++] = '\\';
			buf[o++] = *s;
		} else if (*s == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else
			buf[o++] = *s;
	}
	buf[o] = '\0';
	return buf;
}

/* One histogram: cumulative buckets, +Inf, sum, count. */
static void
metrics_hist(struct evbuffer *out, const char *name, const char *help,
    const double *le, const uint64_t *b, size_t n, double sum, uint64_t count)
{
	size_t	i;

	evbuffer_add_printf(out, "# HELP hotlined_%s %s\n# TYPE hotlined_%s "
	    "histogram\n", name, help, name);
	for (i = 0; i < n; i++)
		evbuffer_add_printf(out, "hotlined_%s_bucket{le=\"%g\"} %llu\n",
		    name, le[i], (unsigned long long)b[i]);
	evbuffer_add_printf(out, "hotlined_%s_bucket{le=\"+Inf\"} %llu\n"
	    "hotlined_%s_sum %.9g\nhotlined_%s_count %llu\n", name,
	    (unsigned long long)count, name, sum, name,
	    (unsigned long long)count);
}

void
metrics_render(struct evbuffer *out)
{
	struct mfamily	*f;
	char		 esc[METRICS_LABEL_LEN * 2 + 1];
	size_t		 i, k;
	uint64_t	 accepted;

	for (k = 0; k < MF_MAX; k++) {
		f = &fam[k];
		evbuffer_add_printf(out, "# HELP hotlined_%s %s\n# TYPE "
		    "hotlined_%s counter\n", f->name, f->help, f->name);
		if (f->label == NULL) {
			evbuffer_add_printf(out, "hotlined_%s %llu\n", f->name,
			    (unsigned long long)metrics_total(k));
			continue;
		}
		for (i = 0; i < f->n; i++)
			evbuffer_add_printf(out, "hotlined_%s{%s=\"%s\"} %llu\n",
			    f->name, f->label, metrics_escape(f->values[i], esc,
			    sizeof(esc)), (unsigned long long)f->v[i]);
	}
	/* every received text is accepted, refused or ignored */
	accepted = metrics_total(MF_MO_RECEIVED) - metrics_total(MF_MO_IGNORED)
	    - metrics_total(MF_MO_REFUSED);
	evbuffer_add_printf(out, "# HELP hotlined_mo_accepted_total Texts "
	    "accepted: a case, a query, a supplement, a survey answer...\n"
	    "# TYPE hotlined_mo_accepted_total counter\n"
	    "hotlined_mo_accepted_total %llu\n", (unsigned long long)accepted);
	evbuffer_add_printf(out, "# HELP hotlined_commits_total Group commits "
	    "that succeeded.\n# TYPE hotlined_commits_total counter\n"
	    "hotlined_commits_total %llu\n"
	    "# HELP hotlined_commit_failures_total Group commits that failed "
	    "(the batch undone, its senders answered with a pause).\n"
	    "# TYPE hotlined_commit_failures_total counter\n"
	    "hotlined_commit_failures_total %llu\n",
	    (unsigned long long)ncommits, (unsigned long long)ncommit_fail);
	metrics_hist(out, "commit_duration_seconds", "Time a COMMIT took "
	    "(the fsync of a group commit).", lat_le, lat_b, nitems(lat_le),
	    lat_sum, ncommits);
	metrics_hist(out, "commit_batch_size", "Messages and requests "
	    "answered by one group commit.", size_le, size_b, nitems(size_le),
	    (double)size_sum, ncommits);
}

void
metrics_reset(void)
{
	size_t	k;

	for (k = 0; k < MF_MAX; k++) {
		fam[k].n = 0;
		memset(fam[k].v, 0, sizeof(fam[k].v));
	}
	npend = pend_mark = 0;
	memset(lat_b, 0, sizeof(lat_b));
	memset(size_b, 0, sizeof(size_b));
	memset(ring, 0, sizeof(ring));
	ncommits = ncommit_fail = size_sum = 0;
	lat_sum = 0;
}
