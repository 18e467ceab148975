/*
 * The admin API's routes of the safety screen's alerts (issue 11,
 * Art. 8(1)): list, show, acknowledge, and the number to call back.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "admin_int.h"
#include "alert.h"
#include "commit.h"
#include "log.h"
#include "store.h"
#include "tokens.h"
#include "util.h"

#define ADMIN_ALERTS_MAX	1000	/* listed at most */

/* An alert as JSON: the number masked, never whole. */
static json_t *
admin_alert_json(const struct store_alert *a)
{
	json_t	*o = json_object();

	json_object_set_new(o, "id", json_integer(a->id));
	admin_jtime(o, "raised_at", a->at);
	admin_jstr(o, "verdict", a->verdict);
	admin_jstr(o, "channel", a->channel);
	admin_jstr(o, "word", a->word[0] != '\0' ? a->word : NULL);
	admin_jstr(o, "msisdn", a->mask);
	admin_jstr(o, "case", a->case_number[0] != '\0' ? a->case_number :
	    NULL);
	json_object_set_new(o, "refusal", a->refusal_id > 0 ?
	    json_integer(a->refusal_id) : json_null());
	admin_jstr(o, "text", a->text);
	admin_jtime(o, "logged_at", a->logged_at);
	json_object_set_new(o, "logs", json_integer(a->logs));
	json_object_set_new(o, "open", json_boolean(a->acked_at == 0));
	admin_jtime(o, "acked_at", a->acked_at);
	admin_jstr(o, "acked_by", a->acked_at != 0 ? a->acked_by : NULL);
	admin_jstr(o, "note", a->note);
	return o;
}

/* GET /v1/alerts[?all=1]: open alerts, newest first (all: every one). */
int
admin_alert_list(struct admin_req *r)
{
	static const char *const allowed[] = { "all", NULL };
	struct admin_qparam	 q[ADMIN_QUERY_MAX];
	struct store_alert	 a[ADMIN_PAGE];
	json_t			*list;
	size_t			 off = 0;
	int			 n, i, all = 0;

	if ((n = admin_query(r, allowed, q, nitems(q))) == -1)
		return 400;
	for (i = 0; i < n; i++)
		if (admin_bool(q[i].value, &all) == -1) {
			admin_query_free(q, (size_t)n);
			return admin_error(r, 400, "bad_request", "all: 0 or "
			    "1");
		}
	admin_query_free(q, (size_t)n);
	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	list = json_array();
	do {
		if ((n = store_alert_list(r->store, !all, a, nitems(a),
		    off)) == -1) {
			json_decref(list);
			return admin_error(r, 500, "internal", "cannot list "
			    "the alerts");
		}
		for (i = 0; i < n; i++) {
			json_array_append_new(list, admin_alert_json(&a[i]));
			store_alert_clear(&a[i]);
		}
		off += (size_t)n;
	} while (n == (int)nitems(a) && off < ADMIN_ALERTS_MAX);
	r->reply = json_pack("{s:o,s:i,s:i}", "alerts", list, "count",
	    (int)off, "open", store_alert_open(r->store));
	return 200;
}

/* The alert named by the path; 0 with a loaded, or an error status. */
static int
admin_alert_load(struct admin_req *r, struct store_alert *a, int64_t *idp)
{
	const char	*errstr;
	int		 rv;

	memset(a, 0, sizeof(*a));	/* cleared on every path */
	*idp = strtonum(r->param[0], 1, INT64_MAX, &errstr);
	if (errstr != NULL)
		return admin_error(r, 400, "bad_request", "not an alert id");
	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	if ((rv = store_alert_get(r->store, *idp, a)) == -1)
		return admin_error(r, 500, "internal", "cannot read the alert");
	if (rv == 0)
		return admin_error(r, 404, "not_found", "no alert %lld",
		    (long long)*idp);
	return 0;
}

int
admin_alert_show(struct admin_req *r)
{
	struct store_alert	a;
	int64_t			id;
	int			st;

	if ((st = admin_alert_load(r, &a, &id)) != 0)
		return st;
	r->reply = admin_alert_json(&a);
	store_alert_clear(&a);
	return 200;
}

/*
 * POST /v1/alerts/:id/ack {"note": what was done}: an operator called back
 * (or found nobody in danger).  Who, when and what are kept in the row and
 * in an audit event; an alert is acknowledged once.
 */
int
admin_alert_ack(struct admin_req *r)
{
	static const struct admin_field f[] = { { "note", AF_STR, 1 } };
	struct store_alert	 a;
	const char		*note;
	int64_t			 id, now = (int64_t)clock_now_ms();
	int			 st, rv;

	if ((st = admin_fields(r, f, nitems(f))) != 0)
		return st;
	memset(&a, 0, sizeof(a));	/* scan-build: a loaded alert only */
	if ((st = admin_alert_load(r, &a, &id)) != 0)
		return st;
	rv = a.acked_at != 0;
	store_alert_clear(&a);
	if (rv)
		return admin_error(r, 409, "conflict", "alert %lld is "
		    "acknowledged already", (long long)id);
	note = admin_str(r, "note");
	if (commit_unit_begin(commit_default()) == -1)
		return admin_error(r, 503, "unavailable", "the database is "
		    "busy; retry");
	if (store_alert_ack(r->store, id, r->token->name, note, now) != 1 ||
	    admin_audit_change(r, "alert.ack", json_pack("{s:I,s:s}", "id",
	    (json_int_t)id, "note", note)) == -1)
		return admin_error(r, 500, "internal", "cannot acknowledge the "
		    "alert");
	if (store_alert_get(r->store, id, &a) == 1) {
		r->reply = admin_alert_json(&a);
		store_alert_clear(&a);
	}
	alert_acked();
	log_info("admin alert acknowledged id=%lld by=%s", (long long)id,
	    r->token->name);
	return admin_defer(r, 200);
}

/*
 * GET /v1/alerts/:id/citizen?reason=...: the number to call back, for the
 * office only.  A refused emergency has no case, so this is the way to the
 * number; as with a case's, the read and its reason are committed to the
 * audit trail before the number goes out.
 */
int
admin_alert_citizen(struct admin_req *r)
{
	struct admin_qparam	 q[ADMIN_QUERY_MAX];
	struct store_alert	 a;
	char			 msisdn[STORE_ADDR_MAX], mask[LOG_MSISDN_MAX];
	const char		*reason;
	int64_t			 id;
	int			 n, st;

	msisdn[0] = '\0';
	if ((st = admin_reason(r, q, &n, &reason)) != 0)
		return st;
	if ((st = admin_alert_load(r, &a, &id)) != 0) {
		admin_query_free(q, (size_t)n);
		return st;
	}
	if (store_alert_msisdn(r->store, id, msisdn, sizeof(msisdn)) != 1)
		st = admin_error(r, 500, "internal", "cannot read the number");
	else
		st = admin_msisdn_read(r, 0, msisdn, reason,
		    json_pack("{s:I,s:s}", "alert", (json_int_t)id, "reason",
		    reason));
	if (st == 0) {
		log_info("admin msisdn-read alert=%lld token=%s msisdn=%s",
		    (long long)id, r->token->name, log_msisdn(msisdn, mask,
		    sizeof(mask)));
		r->reply = json_pack("{s:I,s:s,s:s?}", "alert", (json_int_t)id,
		    "msisdn", msisdn, "case", a.case_number[0] != '\0' ?
		    a.case_number : NULL);
	}
	store_alert_clear(&a);
	explicit_bzero(msisdn, sizeof(msisdn));
	admin_query_free(q, (size_t)n);
	if (st != 0)
		return st;
	if (r->reply == NULL)
		return admin_error(r, 500, "internal",
		    "cannot build the reply");
	return admin_defer(r, 200);
}
