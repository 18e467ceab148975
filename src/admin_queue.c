/*
 * The admin API's routes where the office classifies: GET /v1/queue, the
 * cases waiting for a person, and GET /v1/labels, the labelled examples.
 */
#include "compat.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "admin_int.h"
#include "calendar.h"
#include "lifecycle.h"
#include "store.h"
#include "util.h"

#define ADMIN_QUEUE_DEFAULT	50

/*
 * A page's query: limit (1..ADMIN_LIST_MAX) into *limit and name (0..hi)
 * into *v, both optional; 0, or a status (also when the store is not
 * open).
 */
static int
admin_page_query(struct admin_req *r, const char *name, long long hi,
    long long *limit, long long *v)
{
	const char *const	 allowed[] = { "limit", name, NULL };
	struct admin_qparam	 q[ADMIN_QUERY_MAX];
	const char		*errstr = NULL;
	int			 n, i, lim;

	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the case store is "
		    "not open");
	if ((n = admin_query(r, allowed, q, nitems(q))) == -1)
		return 400;
	for (i = 0; i < n && errstr == NULL; i++) {
		lim = strcmp(q[i].key, "limit") == 0;
		*(lim ? limit : v) = strtonum(q[i].value, lim, lim ?
		    ADMIN_LIST_MAX : hi, &errstr);
		if (errstr != NULL)
			admin_error(r, 400, "bad_request", "%s: a number from "
			    "%d to %lld", q[i].key, lim, lim ? ADMIN_LIST_MAX :
			    hi);
	}
	admin_query_free(q, (size_t)n);
	return errstr != NULL ? 400 : 0;
}

/*
 * GET /v1/queue?limit=N&offset=N: the unclassified cases waiting for a
 * person, longest waiting first, with the working time waited (minutes
 * on working days since receipt) and working days since the day of
 * receipt.  The text is given: an operator classifies by reading it.
 */
int
admin_queue(struct admin_req *r)
{
	struct store_case	*cs;
	long long		 limit = ADMIN_QUEUE_DEFAULT, offset = 0, w;
	int64_t			 oldest;
	int			 n, i, st, total, d0, d1, min;
	time_t			 now = clock_now();
	json_t			*a, *o;

	if ((st = admin_page_query(r, "offset", 1000000, &limit, &offset)) !=
	    0)
		return st;
	if (store_queue_stats(r->store, &total, &oldest) == -1)
		return admin_error(r, 500, "internal", "cannot read the queue");
	cs = xcalloc((size_t)limit, sizeof(*cs));
	if ((n = store_queue(r->store, (size_t)offset, cs, (size_t)limit)) ==
	    -1) {
		free(cs);
		return admin_error(r, 500, "internal", "cannot read the queue");
	}
	if (cal_date_local(now, &d1, &min) == -1)
		d1 = 0;
	a = json_array();
	for (i = 0; i < n; i++) {
		o = admin_case_json(r->store, &cs[i], 0);
		admin_jstr(o, "text", cs[i].text);
		admin_jstr(o, "rule", cs[i].rule);
		w = cal_work_minutes(calendar_current(),
		    (time_t)(cs[i].received_at / 1000), now);
		json_object_set_new(o, "waited_minutes", json_integer(w < 0 ?
		    0 : w));
		json_object_set_new(o, "waited_workdays", json_integer(
		    cal_date_local((time_t)(cs[i].received_at / 1000), &d0,
		    &min) == 0 && d1 != 0 ? MAXIMUM(0, cal_workdays_between(
		    calendar_current(), d0, d1)) : 0));
		json_array_append_new(a, o);
		store_case_clear(&cs[i]);
	}
	free(cs);
	r->reply = json_pack("{s:o,s:i,s:i}", "cases", a, "count", n,
	    "waiting", total);
	return r->reply != NULL ? 200 : admin_error(r, 500, "internal",
	    "cannot build the queue");
}

/*
 * GET /v1/labels?after=ID&limit=N: the operators' labelled examples, each
 * case's latest label, oldest first; "next" is the after= of the next
 * page.  Texts of confidential cases are not exported (Art. 19), numbers
 * never, long digit runs in texts are masked.
 */
int
admin_labels(struct admin_req *r)
{
	struct store_label	*l;
	long long		 limit = ADMIN_LIST_MAX, after = 0;
	int			 n, i, st;
	char			*text;
	json_t			*a, *o;

	if ((st = admin_page_query(r, "after", LLONG_MAX, &limit, &after)) !=
	    0)
		return st;
	l = xcalloc((size_t)limit, sizeof(*l));
	if ((n = store_label_export(r->store, after, l, (size_t)limit)) ==
	    -1) {
		free(l);
		return admin_error(r, 500, "internal", "cannot read the "
		    "labels");
	}
	a = json_array();
	for (i = 0; i < n; i++) {
		o = json_object();
		json_object_set_new(o, "id", json_integer(l[i].id));
		json_object_set_new(o, "case", json_string(l[i].number));
		text = lc_mask_digits(l[i].text != NULL ? l[i].text : "");
		admin_jstr(o, "text", text);
		free(text);
		admin_jstr(o, "label", l[i].category);
		admin_jstr(o, "previous", l[i].previous);
		admin_jstr(o, "actor", l[i].actor);
		admin_jtime(o, "at", l[i].at);
		json_array_append_new(a, o);
	}
	r->reply = json_pack("{s:o,s:i}", "labels", a, "count", n);
	if (r->reply != NULL)
		json_object_set_new(r->reply, "next", n == limit ?
		    json_integer(l[n - 1].id) : json_null());
	store_label_clear(l, (size_t)n);
	free(l);
	return r->reply != NULL ? 200 : admin_error(r, 500, "internal",
	    "cannot build the labels");
}
