/*
 * The office's figures: periods, the statistics of a period, the units'
 * figures and their assessment score, the bulletin's lists and the public
 * list.  Cases count in the period they were received in, with what has
 * become of them by now (a cohort: a November case closed in December
 * counts as November's, closed); refusals and alerts by their time; the
 * publication by the time a case was closed.
 */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "calendar.h"
#include "errfmt.h"
#include "redact.h"
#include "stats.h"
#include "store.h"
#include "util.h"

static long long stats_num(const char *);
static json_t	*stats_row_figures(int ncol, const char *const *col);
static void	 stats_rate(json_t *, const char *, long long, long long);
static int	 stats_row_total(void *, int, const char *const *);
static int	 stats_row_group(void *, int, const char *const *);
static int	 stats_row_count(void *, int, const char *const *);
static int	 stats_row_now(void *, int, const char *const *);
static int	 stats_row_unit(void *, int, const char *const *);
static int	 stats_row_returns(void *, int, const char *const *);
static int	 stats_row_close(void *, int, const char *const *);
static int	 stats_row_list(void *, int, const char *const *);
static int	 stats_row_publish(void *, int, const char *const *);
static int	 stats_weight_key(const char *);

/* The figure columns, in enum store_stats_col's order from 1. */
static const char *const stats_cols[] = {
	"registered", "answered", "dispatched", "returned", "extended",
	"closed", "on_time", "overdue", "supervised", "rehandled", "surveyed",
	"responded", "satisfied", "basic", "dissatisfied", "unclassified"
};
_Static_assert(nitems(stats_cols) == STORE_SC_MAX - 1, "one name a column");

static const char *const stats_bys[] = {
	"none", "category", "unit", "channel", "day"
};

/* The weights file's keys, in enum stats_measure's order. */
static const char *const stats_measures[] = {
	"on-time", "satisfaction", "returns", "extensions", "supervised",
	"rehandled", "speed"
};
_Static_assert(nitems(stats_measures) == STATS_M_MAX, "one key a measure");

/* --- periods ------------------------------------------------------------ */

int64_t
stats_day_ms(int date)
{
	struct tm	tm;
	time_t		t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = date / 10000 - 1900;
	tm.tm_mon = date / 100 % 100 - 1;
	tm.tm_mday = date % 100;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1)
		return -1;
	return (int64_t)t * 1000;
}

int
stats_period_set(struct stats_period *p, int from, int to, char *err,
    size_t errlen)
{
	int	span, next;

	memset(p, 0, sizeof(*p));
	if (!cal_date_valid(from) || !cal_date_valid(to)) {
		errfmt_notef(err, errlen, "not a date (YYYY-MM-DD)");
		return -1;
	}
	if (to < from) {
		errfmt_notef(err, errlen, "the period ends before it begins");
		return -1;
	}
	/* bounded before walking: dates are YYYYMMDD, 10000 a year */
	if (to / 10000 - from / 10000 > STATS_SPAN_MAX / 365 + 1 ||
	    (span = cal_date_add(from, STATS_SPAN_MAX)) == -1 || to >= span) {
		errfmt_notef(err, errlen, "the period is longer than %d days",
		    STATS_SPAN_MAX);
		return -1;
	}
	if ((next = cal_date_add(to, 1)) == -1 ||
	    (p->from_ms = stats_day_ms(from)) == -1 ||
	    (p->to_ms = stats_day_ms(next)) == -1) {
		errfmt_notef(err, errlen, "a date out of range");
		return -1;
	}
	p->from = from;
	p->to = to;
	cal_date_format(from, p->from_s, sizeof(p->from_s));
	cal_date_format(to, p->to_s, sizeof(p->to_s));
	return 0;
}

int
stats_period_parse(struct stats_period *p, const char *from, const char *to,
    char *err, size_t errlen)
{
	int	f, t;

	if (from == NULL || to == NULL) {
		errfmt_notef(err, errlen, "a period needs from and to");
		return -1;
	}
	if (cal_date_parse(from, &f) == -1) {
		errfmt_notef(err, errlen, "from: not a date (YYYY-MM-DD)");
		return -1;
	}
	if (cal_date_parse(to, &t) == -1) {
		errfmt_notef(err, errlen, "to: not a date (YYYY-MM-DD)");
		return -1;
	}
	return stats_period_set(p, f, t, err, errlen);
}

int
stats_period_named(const char *kind, const char *arg, int today, int *from,
    int *to, char *err, size_t errlen)
{
	char	buf[16];
	int	d, y, m, n;

	if (strcmp(kind, "day") == 0 || strcmp(kind, "week") == 0) {
		if (arg == NULL)
			d = today;
		else if (cal_date_parse(arg, &d) == -1) {
			snprintf(err, errlen, "--%s: not a date (YYYY-MM-DD)",
			    kind);
			return -1;
		}
		if (kind[0] == 'd') {
			*from = *to = d;
			return 0;
		}
		/* Monday to Sunday, as the office's week runs */
		*from = cal_date_add(d, -((cal_weekday(d) + 6) % 7));
		*to = cal_date_add(*from, 6);
		return *from == -1 || *to == -1 ? -1 : 0;
	}
	if (strcmp(kind, "month") != 0) {
		snprintf(err, errlen, "no such period: %s", kind);
		return -1;
	}
	if (arg == NULL) {
		y = today / 10000;
		m = today / 100 % 100 - 1;
		if (m == 0) {
			y--;
			m = 12;
		}
	} else if (strlen(arg) != 7 || sscanf(arg, "%4d-%2d%n", &y, &m,
	    &n) != 2 || n != 7 || !isdigit((unsigned char)arg[0]) ||
	    !isdigit((unsigned char)arg[5]) || arg[4] != '-') {
		snprintf(err, errlen, "--month: not a month (YYYY-MM)");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%04d-%02d-01", y, m);
	if (cal_date_parse(buf, from) == -1) {
		snprintf(err, errlen, "--month: not a month (YYYY-MM)");
		return -1;
	}
	d = m == 12 ? (y + 1) * 10000 + 101 : y * 10000 + (m + 1) * 100 + 1;
	if (!cal_date_valid(d) || (*to = cal_date_add(d, -1)) == -1) {
		snprintf(err, errlen, "--month: out of range");
		return -1;
	}
	return 0;
}

int
stats_by_parse(const char *s)
{
	size_t	i;

	for (i = 0; i < nitems(stats_bys); i++)
		if (strcmp(s, stats_bys[i]) == 0)
			return (int)i;
	return -1;
}

const char *
stats_col_name(int col)
{
	if (col < 1 || col >= STORE_SC_MAX)
		return NULL;
	return stats_cols[col - 1];
}

/* --- figures ------------------------------------------------------------ */

static long long
stats_num(const char *s)
{
	return strtoll(s, NULL, 10);
}

static void
stats_rate(json_t *o, const char *name, long long n, long long d)
{
	/* percent, one decimal; null when nothing to divide by */
	json_object_set_new(o, name, d > 0 ?
	    json_real(round(1000.0 * (double)n / (double)d) / 10.0) :
	    json_null());
}

static long long
stats_get(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

void
stats_rates(json_t *o)
{
	long long	resp = stats_get(o, "responded");

	stats_rate(o, "on_time_rate", stats_get(o, "on_time"),
	    stats_get(o, "closed"));
	stats_rate(o, "satisfied_rate", stats_get(o, "satisfied"), resp);
	stats_rate(o, "basic_rate", stats_get(o, "basic"), resp);
	stats_rate(o, "dissatisfied_rate", stats_get(o, "dissatisfied"), resp);
	stats_rate(o, "satisfaction_rate", stats_get(o, "satisfied") +
	    stats_get(o, "basic"), resp);
	stats_rate(o, "response_rate", resp, stats_get(o, "surveyed"));
}

static json_t *
stats_row_figures(int ncol, const char *const *col)
{
	json_t	*o = json_object();
	int	 i;

	for (i = 1; i < ncol && i < STORE_SC_MAX; i++)
		json_object_set_new(o, stats_cols[i - 1],
		    json_integer(stats_num(col[i])));
	/* registered = received for the groups without refusals */
	json_object_set_new(o, "received", json_integer(stats_get(o,
	    "registered")));
	json_object_set_new(o, "refused", json_integer(0));
	return o;
}

static int
stats_row_total(void *arg, int ncol, const char *const *col)
{
	json_t	**out = arg;

	*out = stats_row_figures(ncol, col);
	return 0;
}

static int
stats_row_group(void *arg, int ncol, const char *const *col)
{
	json_t	*o = stats_row_figures(ncol, col);

	json_object_set_new(o, "key", json_string(col[0]));
	json_array_append_new(arg, o);
	return 0;
}

static int
stats_row_count(void *arg, int ncol, const char *const *col)
{
	if (ncol < 2)
		return -1;
	json_object_set_new(arg, col[0], json_integer(stats_num(col[1])));
	return 0;
}

static int
stats_row_now(void *arg, int ncol, const char *const *col)
{
	if (ncol < 6)
		return -1;
	json_object_set_new(arg, "overdue", json_integer(stats_num(col[1])));
	json_object_set_new(arg, "unclassified",
	    json_integer(stats_num(col[2])));
	json_object_set_new(arg, "alerts", json_integer(stats_num(col[3])));
	json_object_set_new(arg, "alerts_open",
	    json_integer(stats_num(col[4])));
	json_object_set_new(arg, "open", json_integer(stats_num(col[5])));
	return 0;
}

/* Add the refusals of a day's group to it (groups are sorted by day). */
static void
stats_day_refusals(json_t *groups, json_t *days)
{
	const char	*day;
	json_t		*v, *g;
	size_t		 i;
	long long	 n;

	json_object_foreach(days, day, v) {
		n = json_integer_value(v);
		g = NULL;
		json_array_foreach(groups, i, g)
			if (strcmp(json_string_value(json_object_get(g,
			    "key")), day) == 0)
				break;
		if (i == json_array_size(groups)) {
			/* a day with refusals only */
			g = json_object();
			json_object_set_new(g, "key", json_string(day));
			for (i = 0; i < nitems(stats_cols); i++)
				json_object_set_new(g, stats_cols[i],
				    json_integer(0));
			json_object_set_new(g, "received", json_integer(0));
			json_array_append_new(groups, g);
		}
		json_object_set_new(g, "refused", json_integer(n));
		json_object_set_new(g, "received", json_integer(n +
		    stats_get(g, "registered")));
	}
}

static int
stats_cmp_key(const void *a, const void *b)
{
	return strcmp(json_string_value(json_object_get(*(json_t *const *)a,
	    "key")), json_string_value(json_object_get(*(json_t *const *)b,
	    "key")));
}

/* Sort an array of objects by "key" (days gained refusal-only rows). */
static void
stats_sort(json_t *groups)
{
	json_t	**v;
	size_t	  i, n = json_array_size(groups);

	if (n < 2)
		return;
	v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(groups, i));
	qsort(v, n, sizeof(*v), stats_cmp_key);
	json_array_clear(groups);
	for (i = 0; i < n; i++)
		json_array_append_new(groups, v[i]);
	free(v);
}

json_t *
stats_figures(struct store *st, const struct stats_period *p,
    enum stats_by by, const char *today, char *err, size_t errlen)
{
	json_t		*o, *total = NULL, *refused, *sup, *now, *groups, *days;
	json_t		*v;
	const char	*k;
	long long	 nref = 0;
	size_t		 gi;

	o = json_object();
	refused = json_object();
	sup = json_object();
	now = json_object();
	groups = json_array();
	days = json_object();
	json_object_set_new(o, "from", json_string(p->from_s));
	json_object_set_new(o, "to", json_string(p->to_s));
	json_object_set_new(o, "today", json_string(today));
	json_object_set_new(o, "by", json_string(stats_bys[by]));
	if (store_stats(st, STORE_STATS_TOTAL, p->from_ms, p->to_ms, today, 0,
	    stats_row_total, &total) == -1 || total == NULL ||
	    store_stats(st, STORE_STATS_REFUSED, p->from_ms, p->to_ms, today,
	    0, stats_row_count, refused) == -1 ||
	    store_stats(st, STORE_STATS_SUPERVISION, p->from_ms, p->to_ms,
	    today, 0, stats_row_count, sup) == -1 ||
	    store_stats(st, STORE_STATS_NOW, p->from_ms, p->to_ms, today, 0,
	    stats_row_now, now) == -1 ||
	    (by != STATS_BY_NONE && store_stats(st, STORE_STATS_TOTAL + by,
	    p->from_ms, p->to_ms, today, 0, stats_row_group, groups) == -1) ||
	    (by == STATS_BY_DAY && store_stats(st, STORE_STATS_REFUSED_DAY,
	    p->from_ms, p->to_ms, today, 0, stats_row_count, days) == -1))
		goto fail;
	json_object_foreach(refused, k, v)
		nref += json_integer_value(v);
	json_object_set_new(total, "refused", json_integer(nref));
	json_object_set_new(total, "received", json_integer(nref +
	    stats_get(total, "registered")));
	json_object_set_new(total, "alerts", json_incref(json_object_get(now,
	    "alerts")));
	stats_rates(total);
	if (by == STATS_BY_DAY) {
		stats_day_refusals(groups, days);
		stats_sort(groups);
	}
	if (by == STATS_BY_CHANNEL && nref > 0) {
		/* every refusal came by SMS so far (refusals keep no channel) */
		v = json_pack("{sI}", "sms", (json_int_t)nref);
		stats_day_refusals(groups, v);
		json_decref(v);
	}
	json_array_foreach(groups, gi, v)
		stats_rates(v);
	json_object_set_new(o, "total", total);
	json_object_set_new(o, "refused", refused);
	json_object_set_new(o, "supervision", sup);
	json_object_set_new(o, "now", now);
	json_object_set_new(o, "groups", groups);
	json_decref(days);
	return o;
fail:
	snprintf(err, errlen, "cannot read the statistics");
	json_decref(total);
	json_decref(refused);
	json_decref(sup);
	json_decref(now);
	json_decref(groups);
	json_decref(days);
	json_decref(o);
	return NULL;
}

/* --- the units ---------------------------------------------------------- */

struct stats_units_ctx {
	json_t			*units;		/* array */
	const struct calendar	*cal;
};

static json_t *
stats_unit_find(json_t *units, const char *code)
{
	json_t	*u;
	size_t	 i;

	json_array_foreach(units, i, u)
		if (strcmp(json_string_value(json_object_get(u, "code")),
		    code) == 0)
			return u;
	return NULL;
}

static int
stats_row_unit(void *arg, int ncol, const char *const *col)
{
	static const char *const names[] = { "cases", "closed", "on_time",
	    "extended", "supervised", "rehandled", "responded", "satisfied",
	    "basic", "dissatisfied", "overdue" };
	struct stats_units_ctx	*c = arg;
	json_t			*u;
	size_t			 i;

	if (ncol < 2 + (int)nitems(names))
		return -1;
	u = json_object();
	json_object_set_new(u, "code", json_string(col[0]));
	json_object_set_new(u, "name", json_string(col[1]));
	for (i = 0; i < nitems(names); i++)
		json_object_set_new(u, names[i],
		    json_integer(stats_num(col[2 + i])));
	json_object_set_new(u, "returns", json_integer(0));
	json_object_set_new(u, "closed_days", json_integer(0));
	json_object_set_new(u, "workdays", json_integer(0));
	json_array_append_new(c->units, u);
	return 0;
}

static int
stats_row_returns(void *arg, int ncol, const char *const *col)
{
	struct stats_units_ctx	*c = arg;
	json_t			*u;

	if (ncol < 2)
		return -1;
	if ((u = stats_unit_find(c->units, col[0])) != NULL)
		json_object_set_new(u, "returns",
		    json_integer(stats_num(col[1])));
	return 0;
}

static int
stats_row_close(void *arg, int ncol, const char *const *col)
{
	struct stats_units_ctx	*c = arg;
	json_t			*u;
	int			 d0, d1, w;
	long long		 n;

	if (ncol < 4)
		return -1;
	if ((u = stats_unit_find(c->units, col[0])) == NULL ||
	    cal_date_parse(col[1], &d0) == -1 ||
	    cal_date_parse(col[2], &d1) == -1)
		return 0;
	/* working days from dispatch to closing; 0 on the same day */
	if ((w = cal_workdays_between(c->cal, d0, d1)) == INT_MIN || w < 0)
		w = 0;
	n = stats_num(col[3]);
	json_object_set_new(u, "closed_days", json_integer(stats_get(u,
	    "closed_days") + n));
	json_object_set_new(u, "workdays", json_integer(stats_get(u,
	    "workdays") + n * w));
	return 0;
}

void
stats_unit_rates(json_t *u)
{
	long long	cases = stats_get(u, "cases"), ret, days;

	ret = stats_get(u, "returns");
	stats_rate(u, "on_time_rate", stats_get(u, "on_time"),
	    stats_get(u, "closed"));
	/* a returned case is no longer the unit's: count it back */
	stats_rate(u, "return_rate", ret, cases + ret);
	stats_rate(u, "extension_rate", stats_get(u, "extended"), cases);
	stats_rate(u, "satisfaction_rate", stats_get(u, "satisfied") +
	    stats_get(u, "basic"), stats_get(u, "responded"));
	days = stats_get(u, "closed_days");
	json_object_set_new(u, "avg_workdays", days > 0 ?
	    json_real(round(10.0 * (double)stats_get(u, "workdays") /
	    (double)days) / 10.0) : json_null());
}

json_t *
stats_units(struct store *st, const struct calendar *cal,
    const struct stats_period *p, const char *today, char *err,
    size_t errlen)
{
	struct stats_units_ctx	 c;
	json_t			*o, *u;
	size_t			 i;

	c.units = json_array();
	c.cal = cal;
	if (store_stats(st, STORE_STATS_UNITS, p->from_ms, p->to_ms, today, 0,
	    stats_row_unit, &c) == -1 ||
	    store_stats(st, STORE_STATS_UNIT_RETURNS, p->from_ms, p->to_ms,
	    today, 0, stats_row_returns, &c) == -1 ||
	    store_stats(st, STORE_STATS_UNIT_CLOSE, p->from_ms, p->to_ms,
	    today, 0, stats_row_close, &c) == -1) {
		snprintf(err, errlen, "cannot read the units' figures");
		json_decref(c.units);
		return NULL;
	}
	json_array_foreach(c.units, i, u)
		stats_unit_rates(u);
	o = json_object();
	json_object_set_new(o, "from", json_string(p->from_s));
	json_object_set_new(o, "to", json_string(p->to_s));
	json_object_set_new(o, "today", json_string(today));
	json_object_set_new(o, "units", c.units);
	return o;
}

/* --- merging adjacent periods (hotlinectl splits long ones) -------------- */

/* Add src's integer members into dst's (missing ones copied). */
static void
stats_add(json_t *dst, json_t *src)
{
	const char	*k;
	json_t		*v, *d;

	json_object_foreach(src, k, v) {
		if (!json_is_integer(v))
			continue;
		d = json_object_get(dst, k);
		json_object_set_new(dst, k, json_integer(json_integer_value(d) +
		    json_integer_value(v)));
	}
}

/* Add src's rows into dst's by the member key (new keys appended). */
static void
stats_add_rows(json_t *dst, json_t *src, const char *key)
{
	json_t		*v, *d = NULL;
	size_t		 i, j;
	const char	*k;

	json_array_foreach(src, i, v) {
		k = json_string_value(json_object_get(v, key));
		json_array_foreach(dst, j, d)
			if (k != NULL && strcmp(k, json_string_value(
			    json_object_get(d, key))) == 0)
				break;
		if (j < json_array_size(dst))
			stats_add(d, v);
		else
			json_array_append(dst, v);
	}
}

void
stats_merge(json_t *a, json_t *b)
{
	json_t	*g;
	size_t	 i;

	stats_add(json_object_get(a, "total"), json_object_get(b, "total"));
	stats_rates(json_object_get(a, "total"));
	stats_add(json_object_get(a, "refused"), json_object_get(b,
	    "refused"));
	stats_add(json_object_get(a, "supervision"), json_object_get(b,
	    "supervision"));
	stats_add_rows(json_object_get(a, "groups"), json_object_get(b,
	    "groups"), "key");
	json_array_foreach(json_object_get(a, "groups"), i, g)
		stats_rates(g);
	if (strcmp(json_string_value(json_object_get(a, "by")), "day") == 0)
		stats_sort(json_object_get(a, "groups"));
	json_object_set(a, "to", json_object_get(b, "to"));
	json_object_set(a, "now", json_object_get(b, "now"));
}

void
stats_merge_units(json_t *a, json_t *b)
{
	json_t	*u;
	size_t	 i;

	stats_add_rows(json_object_get(a, "units"), json_object_get(b,
	    "units"), "code");
	json_array_foreach(json_object_get(a, "units"), i, u)
		stats_unit_rates(u);
	json_object_set(a, "to", json_object_get(b, "to"));
}

static int
stats_cmp_count(const void *x, const void *y)
{
	long long	a = stats_get(*(json_t *const *)x, "count");
	long long	b = stats_get(*(json_t *const *)y, "count");

	return a < b ? 1 : a > b ? -1 : 0;
}

void
stats_merge_lists(json_t *a, json_t *b, int limit)
{
	json_t		*top = json_object_get(a, "top"), *sup, *v, *d = NULL;
	json_t		**r;
	size_t		 i, j, n;

	/* the overdue list is "now": b's is a's */
	sup = json_object_get(a, "supervised");
	json_array_extend(sup, json_object_get(b, "supervised"));
	while (json_array_size(sup) > (size_t)limit)
		json_array_remove(sup, json_array_size(sup) - 1);
	json_array_foreach(json_object_get(b, "top"), i, v) {
		json_array_foreach(top, j, d)
			if (strcmp(json_string_value(json_object_get(d, "rule")),
			    json_string_value(json_object_get(v, "rule"))) ==
			    0 && strcmp(json_string_value(json_object_get(d,
			    "category")), json_string_value(json_object_get(v,
			    "category"))) == 0)
				break;
		if (j < json_array_size(top))
			stats_add(d, v);
		else
			json_array_append(top, v);
	}
	n = json_array_size(top);
	r = xcalloc(n + 1, sizeof(*r));
	for (i = 0; i < n; i++)
		r[i] = json_incref(json_array_get(top, i));
	qsort(r, n, sizeof(*r), stats_cmp_count);
	json_array_clear(top);
	for (i = 0; i < n && i < (size_t)limit; i++)
		json_array_append(top, r[i]);
	for (i = 0; i < n; i++)
		json_decref(r[i]);
	free(r);
	json_object_set(a, "to", json_object_get(b, "to"));
}

/* --- the bulletin's lists ----------------------------------------------- */

struct stats_list_ctx {
	json_t			*a;
	const char *const	*names;
	size_t			 n;
};

static int
stats_row_list(void *arg, int ncol, const char *const *col)
{
	struct stats_list_ctx	*c = arg;
	json_t			*o = json_object();
	size_t			 i;

	for (i = 0; i < c->n && (int)i < ncol; i++) {
		/* names ending in '#' are counts and times */
		if (c->names[i][strlen(c->names[i]) - 1] == '#') {
			char	k[32];

			strlcpy(k, c->names[i], sizeof(k));
			k[strlen(k) - 1] = '\0';
			json_object_set_new(o, k,
			    json_integer(stats_num(col[i])));
		} else
			json_object_set_new(o, c->names[i],
			    json_string(col[i]));
	}
	json_array_append_new(c->a, o);
	return 0;
}

json_t *
stats_lists(struct store *st, const struct stats_period *p,
    const char *today, int limit, char *err, size_t errlen)
{
	static const char *const overdue[] = { "number", "category", "unit",
	    "state", "due", "received_at#", "supervised#" };
	static const char *const sup[] = { "number", "category", "unit",
	    "state", "reason", "at#" };
	static const char *const top[] = { "rule", "category", "count#" };
	struct stats_list_ctx	 c[3] = {
		{ json_array(), overdue, nitems(overdue) },
		{ json_array(), sup, nitems(sup) },
		{ json_array(), top, nitems(top) }
	};
	json_t			*o;
	int			 i;

	for (i = 0; i < 3; i++)
		if (store_stats(st, i == 0 ? STORE_STATS_OVERDUE : i == 1 ?
		    STORE_STATS_SUPERVISED : STORE_STATS_TOP, p->from_ms,
		    p->to_ms, today, limit, stats_row_list, &c[i]) == -1) {
			snprintf(err, errlen, "cannot read the lists");
			for (i = 0; i < 3; i++)
				json_decref(c[i].a);
			return NULL;
		}
	o = json_object();
	json_object_set_new(o, "from", json_string(p->from_s));
	json_object_set_new(o, "to", json_string(p->to_s));
	json_object_set_new(o, "today", json_string(today));
	json_object_set_new(o, "overdue", c[0].a);
	json_object_set_new(o, "supervised", c[1].a);
	json_object_set_new(o, "top", c[2].a);
	return o;
}

/* --- publication (Art. 19) ---------------------------------------------- */

static int
stats_row_publish(void *arg, int ncol, const char *const *col)
{
	json_t		*o;
	char		*t, day[CAL_DATE_LEN];
	int		 d, min;

	if (ncol < 8)
		return -1;
	o = json_object();
	json_object_set_new(o, "number", json_string(col[0]));
	if (cal_date_local((time_t)(stats_num(col[1]) / 1000), &d, &min) == 0)
		json_object_set_new(o, "received", json_string(
		    cal_date_format(d, day, sizeof(day))));
	if (cal_date_local((time_t)(stats_num(col[2]) / 1000), &d, &min) == 0)
		json_object_set_new(o, "closed", json_string(
		    cal_date_format(d, day, sizeof(day))));
	json_object_set_new(o, "category", json_string(col[3]));
	json_object_set_new(o, "unit", json_string(col[4]));
	t = redact_text(col[5], STATS_SUMMARY_MAX);
	json_object_set_new(o, "summary", json_string(t));
	free(t);
	t = redact_text(col[6], STATS_SUMMARY_MAX * 2);
	json_object_set_new(o, "result", json_string(t));
	free(t);
	json_array_append_new(arg, o);
	return 0;
}

json_t *
stats_publish(struct store *st, const struct stats_period *p, int limit,
    char *err, size_t errlen)
{
	json_t	*a = json_array(), *o;

	if (store_stats(st, STORE_PUBLISH, p->from_ms, p->to_ms, "", limit,
	    stats_row_publish, a) == -1) {
		snprintf(err, errlen, "cannot read the matters");
		json_decref(a);
		return NULL;
	}
	o = json_object();
	json_object_set_new(o, "from", json_string(p->from_s));
	json_object_set_new(o, "to", json_string(p->to_s));
	json_object_set_new(o, "matters", a);
	return o;
}

/* --- Art. 23: the accountability flags -------------------------------- */

/* The flags, in STORE_STATS_FLAGGED's column order from 5. */
static const char *const stats_flag_names[] = {
	"rehandled", "overdue", "undelivered", "repeated", "pushback"
};

/* The unit's row in a, made with every flag 0 when new. */
static json_t *
stats_flag_unit(json_t *a, const char *unit)
{
	json_t	*u;
	size_t	 i;

	json_array_foreach(a, i, u)
		if (strcmp(json_string_value(json_object_get(u, "unit")),
		    unit) == 0)
			return u;
	u = json_object();
	json_object_set_new(u, "unit", json_string(unit));
	for (i = 0; i < nitems(stats_flag_names); i++)
		json_object_set_new(u, stats_flag_names[i], json_integer(0));
	json_object_set_new(u, "kb_stale", json_integer(0));
	json_array_append_new(a, u);
	return u;
}

struct stats_flags_ctx {
	json_t		*units;
	const char	*what;		/* pushback, kb_stale; NULL: FLAGS */
};

static int
stats_row_flags(void *arg, int ncol, const char *const *col)
{
	struct stats_flags_ctx	*c = arg;
	json_t			*u;
	size_t			 i;

	if (ncol < 2)
		return -1;
	u = stats_flag_unit(c->units, col[0]);
	if (c->what != NULL) {
		json_object_set_new(u, c->what, json_integer(stats_num(col[1])));
		return 0;
	}
	for (i = 0; i < 4 && (int)i + 1 < ncol; i++)
		json_object_set_new(u, stats_flag_names[i],
		    json_integer(stats_num(col[i + 1])));
	return 0;
}

static int
stats_row_flagged(void *arg, int ncol, const char *const *col)
{
	json_t	*o, *f;
	size_t	 i;

	if (ncol < 10)
		return -1;
	o = json_pack("{ss ss ss ss ss}", "number", col[0], "category",
	    col[1], "unit", col[2], "state", col[3], "due", col[4]);
	f = json_array();
	for (i = 0; i < nitems(stats_flag_names); i++)
		if (strcmp(col[5 + i], "1") == 0)
			json_array_append_new(f,
			    json_string(stats_flag_names[i]));
	json_object_set_new(o, "flags", f);
	json_array_append_new(arg, o);
	return 0;
}

json_t *
stats_flags(struct store *st, const struct stats_period *p,
    const char *today, int64_t stale_before, int limit, char *err,
    size_t errlen)
{
	struct stats_flags_ctx	 c = { json_array(), NULL };
	json_t			*cases = json_array(), *o;

	if (store_stats(st, STORE_STATS_FLAGS, p->from_ms, p->to_ms, today, 0,
	    stats_row_flags, &c) == -1 ||
	    (c.what = "pushback", store_stats(st, STORE_STATS_FLAG_RETURNS,
	    p->from_ms, p->to_ms, today, 0, stats_row_flags, &c)) == -1 ||
	    (c.what = "kb_stale", store_stats(st, STORE_STATS_KB_STALE,
	    stale_before, 0, today, 0, stats_row_flags, &c)) == -1 ||
	    store_stats(st, STORE_STATS_FLAGGED, p->from_ms, p->to_ms, today,
	    limit, stats_row_flagged, cases) == -1) {
		snprintf(err, errlen, "cannot read the accountability flags");
		json_decref(c.units);
		json_decref(cases);
		return NULL;
	}
	o = json_object();
	json_object_set_new(o, "from", json_string(p->from_s));
	json_object_set_new(o, "to", json_string(p->to_s));
	json_object_set_new(o, "today", json_string(today));
	json_object_set_new(o, "units", c.units);
	json_object_set_new(o, "cases", cases);
	return o;
}

void
stats_merge_flags(json_t *a, json_t *b, int limit)
{
	json_t	*cases = json_object_get(a, "cases"), *u;
	size_t	 i;

	json_array_foreach(json_object_get(b, "units"), i, u) {
		/* stale entries are "now": the same in every reply */
		json_object_set_new(u, "kb_stale", json_integer(0));
		stats_add(stats_flag_unit(json_object_get(a, "units"),
		    json_string_value(json_object_get(u, "unit"))), u);
	}
	json_array_extend(cases, json_object_get(b, "cases"));
	while (json_array_size(cases) > (size_t)limit)
		json_array_remove(cases, json_array_size(cases) - 1);
	json_object_set(a, "to", json_object_get(b, "to"));
}

/* --- the assessment ------------------------------------------------------ */

void
stats_weights_default(struct stats_weights *w)
{
	static const double	def[STATS_M_MAX] = { 30, 30, 10, 5, 10, 10, 5 };

	memcpy(w->w, def, sizeof(w->w));
	w->speed_days = 10;
	w->min_cases = 5;
}

static int
stats_weight_key(const char *k)
{
	size_t	i;

	for (i = 0; i < nitems(stats_measures); i++)
		if (strcmp(k, stats_measures[i]) == 0)
			return (int)i;
	return -1;
}

/* A decimal in [lo, hi] with nothing after it; 0 or -1. */
static int
stats_number(const char *s, double lo, double hi, double *out)
{
	char	*end;
	double	 v;

	/* plain decimals: no sign, exponent, hex, nan or inf */
	if (*s == '\0' || strlen(s) > 16 || strspn(s, "0123456789.") !=
	    strlen(s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int
stats_weights_parse(const char *name, const char *buf, size_t len,
    struct stats_weights *w, char *err, size_t errlen)
{
	char		 line[256], *k, *v, *sp, *rest;
	const char	*p = buf, *end = buf + len;
	int		 lineno = 0, m, seen = 0;
	double		 x, sum = 0;
	size_t		 n;

	stats_weights_default(w);
	if (memchr(buf, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: a NUL byte in the file", name);
		return -1;
	}
	while (p < end) {
		lineno++;
		if (buf_next_line(&p, end, line, sizeof(line), &n) == -1) {
			snprintf(err, errlen, "%s:%d: line too long", name,
			    lineno);
			return -1;
		}
		if ((sp = strchr(line, '#')) != NULL)
			*sp = '\0';
		k = line + strspn(line, " \t\r");
		if (*k == '\0')
			continue;
		v = k + strcspn(k, " \t\r");
		if (*v != '\0')
			*v++ = '\0';
		v += strspn(v, " \t\r");
		rest = v + strcspn(v, " \t\r");
		if (*rest != '\0') {
			*rest++ = '\0';
			rest += strspn(rest, " \t\r");
		}
		if (*v == '\0') {
			snprintf(err, errlen, "%s:%d: %s needs a value", name,
			    lineno, k);
			return -1;
		}
		if (*rest != '\0') {
			snprintf(err, errlen, "%s:%d: %s takes one value",
			    name, lineno, k);
			return -1;
		}
		if (strcmp(k, "speed-days") == 0) {
			if (stats_number(v, 1, 100, &w->speed_days) == -1)
				goto bad;
		} else if (strcmp(k, "min-cases") == 0) {
			if (stats_number(v, 0, 100000, &x) == -1 ||
			    x != floor(x))
				goto bad;
			w->min_cases = (int)x;
		} else if ((m = stats_weight_key(k)) != -1) {
			if (seen & (1 << m)) {
				snprintf(err, errlen, "%s:%d: %s given twice",
				    name, lineno, k);
				return -1;
			}
			if (seen == 0)	/* the first weight replaces them all */
				memset(w->w, 0, sizeof(w->w));
			seen |= 1 << m;
			if (stats_number(v, 0, 1000, &w->w[m]) == -1)
				goto bad;
		} else {
			snprintf(err, errlen, "%s:%d: unknown key %s", name,
			    lineno, k);
			return -1;
		}
		continue;
bad:
		snprintf(err, errlen, "%s:%d: %s: bad value %s", name, lineno,
		    k, v);
		return -1;
	}
	for (m = 0; m < STATS_M_MAX; m++)
		sum += w->w[m];
	if (sum <= 0) {
		snprintf(err, errlen, "%s: every weight is 0", name);
		return -1;
	}
	return 0;
}

int
stats_weights_load(const char *path, struct stats_weights *w, int *found,
    char *err, size_t errlen)
{
	char	*buf;
	size_t	 len;
	int	 rv;

	*found = 0;
	stats_weights_default(w);
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return 0;
	if ((buf = read_file_bounded(path, STATS_ASSESS_MAX, 0, &len, err,
	    errlen)) == NULL)
		return -1;
	*found = 1;
	if (len > STATS_ASSESS_MAX) {
		snprintf(err, errlen, "%s: longer than %d bytes", path,
		    STATS_ASSESS_MAX);
		free(buf);
		return -1;
	}
	rv = stats_weights_parse(path, buf, len, w, err, errlen);
	free(buf);
	return rv;
}

/* A measure's value in [0, 1] for a unit, -1 when it has none. */
static double
stats_measure(json_t *u, int m, const struct stats_weights *w)
{
	json_t	*v;
	double	 cases = (double)stats_get(u, "cases");

	switch (m) {
	case STATS_M_ON_TIME:
		v = json_object_get(u, "on_time_rate");
		return json_is_number(v) ? json_number_value(v) / 100 : -1;
	case STATS_M_SATISFACTION:
		v = json_object_get(u, "satisfaction_rate");
		return json_is_number(v) ? json_number_value(v) / 100 : -1;
	case STATS_M_RETURNS:
		v = json_object_get(u, "return_rate");
		return json_is_number(v) ? 1 - json_number_value(v) / 100 : -1;
	case STATS_M_EXTENSIONS:
		v = json_object_get(u, "extension_rate");
		return json_is_number(v) ? 1 - json_number_value(v) / 100 : -1;
	case STATS_M_SUPERVISED:
		return cases > 0 ? MAXIMUM(0.0, 1 - (double)stats_get(u,
		    "supervised") / cases) : -1;
	case STATS_M_REHANDLED:
		return cases > 0 ? MAXIMUM(0.0, 1 - (double)stats_get(u,
		    "rehandled") / cases) : -1;
	case STATS_M_SPEED:
		v = json_object_get(u, "avg_workdays");
		return json_is_number(v) ? MAXIMUM(0.0, 1 -
		    json_number_value(v) / w->speed_days) : -1;
	}
	return -1;
}

static int
stats_cmp_score(const void *a, const void *b)
{
	json_t	*x = *(json_t *const *)a, *y = *(json_t *const *)b;
	double	 sx, sy;

	sx = json_is_number(json_object_get(x, "score")) ?
	    json_number_value(json_object_get(x, "score")) : -1;
	sy = json_is_number(json_object_get(y, "score")) ?
	    json_number_value(json_object_get(y, "score")) : -1;
	if (sx != sy)
		return sx < sy ? 1 : -1;
	return strcmp(json_string_value(json_object_get(x, "code")),
	    json_string_value(json_object_get(y, "code")));
}

void
stats_score(json_t *units, const struct stats_weights *w)
{
	json_t		**v, *u;
	size_t		 i, n = json_array_size(units);
	double		 sum, wsum, x, last = -2;
	int		 m, rank = 0;

	json_array_foreach(units, i, u) {
		sum = wsum = 0;
		/* a measure a unit has nothing for counts neither way */
		for (m = 0; m < STATS_M_MAX; m++)
			if (w->w[m] > 0 && (x = stats_measure(u, m, w)) >= 0) {
				sum += w->w[m] * x;
				wsum += w->w[m];
			}
		json_object_set_new(u, "score", stats_get(u, "cases") >=
		    w->min_cases && stats_get(u, "cases") > 0 && wsum > 0 ?
		    json_real(round(1000 * sum / wsum) / 10) : json_null());
	}
	if (n == 0)
		return;
	v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(units, i));
	qsort(v, n, sizeof(*v), stats_cmp_score);
	json_array_clear(units);
	for (i = 0; i < n; i++) {
		x = json_is_number(json_object_get(v[i], "score")) ?
		    json_number_value(json_object_get(v[i], "score")) : -1;
		if (x >= 0 && x != last)	/* equal scores share a rank */
			rank = (int)i + 1;
		last = x;
		json_object_set_new(v[i], "rank", x >= 0 ? json_integer(rank) :
		    json_null());
		json_array_append_new(units, v[i]);
	}
	free(v);
}
