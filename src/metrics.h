/*
 * metrics: the daemon's counters in memory, for /metrics (Prometheus text
 * format 0.0.4) and the status page.  What a message did counts once its
 * batch has committed: a count joins the open batch (metrics_add()), is
 * cut back with the message's savepoint and applied, or dropped, when the
 * batch ends (commit.c calls metrics_mark(), metrics_undo() and
 * metrics_batch_end()).  Gauges are not kept here: admin_obs.c reads them
 * when scraped.
 */
#ifndef HOTLINED_METRICS_H
#define HOTLINED_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct evbuffer;

enum metrics_family {
	MF_MO_RECEIVED = 0,	/* texts intake handled (no label) */
	MF_MO_IGNORED,		/* machine senders (no label) */
	MF_MO_REFUSED,		/* label: reason */
	MF_CASES,		/* label: category */
	MF_MT,			/* label: outcome (sent, failed, retried) */
	MF_RECEIPTS,		/* label: state (delivered, failed, ...) */
	MF_SURVEYS,		/* label: outcome (satisfied, ..., expired) */
	MF_MAX
};

#define METRICS_LABELS_MAX	32	/* distinct label values per family */
#define METRICS_LABEL_LEN	32
#define METRICS_RING		60	/* throughput slots kept */
#define METRICS_RING_MS		10000	/* of 10 s each: the last 10 minutes */

/* Count n for family (label NULL: none) in the open batch. */
void	 metrics_add(enum metrics_family, const char *label, uint64_t n);
/* Count n at once: work committed outside commit.c's batches. */
void	 metrics_now(enum metrics_family, const char *label, uint64_t n);
/* A message's savepoint begins / is undone (commit_log_mark/undo). */
void	 metrics_mark(void);
void	 metrics_undo(void);
/* The batch ended: apply its counts (ok) or drop them. */
void	 metrics_batch_end(int ok);
/* One COMMIT of size messages that took us microseconds. */
void	 metrics_commit(size_t size, uint64_t us, int ok);

/* The total of family (every label), and of one label. */
uint64_t metrics_total(enum metrics_family);
uint64_t metrics_get(enum metrics_family, const char *label);
/*
 * Throughput: fills mo[] and mt[] (sent) with the counts of the last n
 * slots of METRICS_RING_MS, oldest first, the current slot last.
 */
void	 metrics_ring(uint64_t *mo, uint64_t *mt, size_t n);
/* Append the counters and histograms in the text format to out. */
void	 metrics_render(struct evbuffer *out);
/* Escape a label value for the text format into buf; returns buf. */
const char *metrics_escape(const char *, char *buf, size_t len);
/* Forget everything (tests). */
void	 metrics_reset(void);

#endif /* HOTLINED_METRICS_H */
