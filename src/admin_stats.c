/*
 * GET /v1/stats, /v1/stats/units, /v1/stats/lists and /v1/publish: the
 * query string to a period, stats.c's JSON as the reply.  Reads only; a
 * month of years of cases takes well under a second (bench/stats).
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "admin_int.h"
#include "calendar.h"
#include "log.h"
#include "stats.h"
#include "store.h"
#include "util.h"

struct admin_stats_q {
	struct stats_period	 p;
	int			 by;
	int			 limit;
	int			 limit_set;	/* given in the query */
	char			 today[CAL_DATE_LEN];
};

/* Parse from, to, by and limit; 0, or the error status (reply set). */
static int
admin_stats_query(struct admin_req *r, const char *const *allowed,
    struct admin_stats_q *q, int limit_max)
{
	struct admin_qparam	 qp[ADMIN_QUERY_MAX];
	const char		*from = NULL, *to = NULL, *errstr;
	char			 err[128];
	int			 n, i, st = 0, date, min;

	/* first: the analyzer cannot see admin_error() return non-zero */
	memset(q, 0, sizeof(*q));
	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the case store is "
		    "not open");
	q->by = STATS_BY_NONE;
	q->limit = STATS_LIST_DEFAULT;
	if (cal_date_local(clock_now(), &date, &min) == -1)
		return admin_error(r, 500, "internal", "no local date");
	cal_date_format(date, q->today, sizeof(q->today));
	if ((n = admin_query(r, allowed, qp, nitems(qp))) == -1)
		return 400;
	for (i = 0; i < n && st == 0; i++) {
		if (strcmp(qp[i].key, "from") == 0)
			from = qp[i].value;
		else if (strcmp(qp[i].key, "to") == 0)
			to = qp[i].value;
		else if (strcmp(qp[i].key, "by") == 0) {
			if ((q->by = stats_by_parse(qp[i].value)) == -1)
				st = admin_error(r, 400, "bad_request", "by: "
				    "category, unit, channel, day or none");
		} else if (strcmp(qp[i].key, "limit") == 0) {
			q->limit = (int)strtonum(qp[i].value, 1, limit_max,
			    &errstr);
			q->limit_set = 1;
			if (errstr != NULL)
				st = admin_error(r, 400, "bad_request",
				    "limit: 1 to %d", limit_max);
		}
	}
	/* the default period: today */
	if (st == 0 && from == NULL && to == NULL)
		from = to = q->today;
	if (st == 0 && stats_period_parse(&q->p, from != NULL ? from : to,
	    to != NULL ? to : from, err, sizeof(err)) == -1)
		st = admin_error(r, 400, "bad_request", "%s", err);
	/*
	 * One request reads at most a quarter: a month of two million
	 * cases takes 0.2-0.4 s on the loop, a year would take seconds
	 * (bench/stats).  hotlinectl splits longer periods and adds up.
	 */
	if (st == 0 && q->p.to >= cal_date_add(q->p.from, STATS_API_SPAN_MAX))
		st = admin_error(r, 400, "bad_request", "a request covers at "
		    "most %d days (hotlinectl splits longer periods)",
		    STATS_API_SPAN_MAX);
	admin_query_free(qp, (size_t)n);
	return st;
}

/* The reply, or 500 when stats.c could not read. */
static int
admin_stats_reply(struct admin_req *r, json_t *o, const char *err)
{
	if (o == NULL) {
		log_warnx("admin stats %s", err);
		return admin_error(r, 500, "internal", "%s", err);
	}
	r->reply = o;
	return 200;
}

int
admin_stats(struct admin_req *r)
{
	static const char *const allowed[] = { "from", "to", "by", NULL };
	struct admin_stats_q	 q;
	char			 err[128];
	int			 st;

	if ((st = admin_stats_query(r, allowed, &q, STATS_LIST_MAX)) != 0)
		return st;
	return admin_stats_reply(r, stats_figures(r->store, &q.p, q.by,
	    q.today, err, sizeof(err)), err);
}

int
admin_stats_units(struct admin_req *r)
{
	static const char *const allowed[] = { "from", "to", NULL };
	struct admin_stats_q	 q;
	char			 err[128];
	int			 st;

	if ((st = admin_stats_query(r, allowed, &q, STATS_LIST_MAX)) != 0)
		return st;
	return admin_stats_reply(r, stats_units(r->store, calendar_current(),
	    &q.p, q.today, err, sizeof(err)), err);
}

int
admin_stats_lists(struct admin_req *r)
{
	static const char *const allowed[] = { "from", "to", "limit", NULL };
	struct admin_stats_q	 q;
	char			 err[128];
	int			 st;

	if ((st = admin_stats_query(r, allowed, &q, STATS_LIST_MAX)) != 0)
		return st;
	return admin_stats_reply(r, stats_lists(r->store, &q.p, q.today,
	    q.limit, err, sizeof(err)), err);
}

/* Knowledge-base entries older than this are stale (as GET /v1/kb). */
#define ADMIN_STATS_KB_STALE	(180LL * 86400 * 1000)

int
admin_stats_flags(struct admin_req *r)
{
	static const char *const allowed[] = { "from", "to", "limit", NULL };
	struct admin_stats_q	 q;
	char			 err[128];
	int			 st;

	if ((st = admin_stats_query(r, allowed, &q, STATS_LIST_MAX)) != 0)
		return st;
	return admin_stats_reply(r, stats_flags(r->store, &q.p, q.today,
	    (int64_t)clock_now_ms() - ADMIN_STATS_KB_STALE, q.limit, err,
	    sizeof(err)), err);
}

int
admin_publish(struct admin_req *r)
{
	static const char *const allowed[] = { "from", "to", "limit", NULL };
	struct admin_stats_q	 q;
	char			 err[128];
	int			 st;

	if ((st = admin_stats_query(r, allowed, &q, STATS_PUBLISH_MAX)) != 0)
		return st;
	if (!q.limit_set)	/* the whole period unless told */
		q.limit = STATS_PUBLISH_MAX;
	return admin_stats_reply(r, stats_publish(r->store, &q.p, q.limit,
	    err, sizeof(err)), err);
}
