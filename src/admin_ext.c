/*
 * The admin routes of extension requests (Art. 18: a unit asks, the
 * office decides; extension.c) and of what is published (Art. 19: the
 * office's confidentiality and not-for-publication flags; disclose.c).
 * Routes and error codes are in hotlinectl(8).
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "admin_int.h"
#include "calendar.h"
#include "commit.h"
#include "disclose.h"
#include "extension.h"
#include "lifecycle.h"
#include "store.h"
#include "tokens.h"
#include "util.h"

#define ADMIN_EXT_PAGE		100	/* requests in a list, at most */

static json_t	*admin_ext_json(const struct store_ext *);
static void	 admin_ext_actor(struct admin_req *, struct lc_actor *);
static int	 admin_ext_error(struct admin_req *, enum ext_result,
		    const char *);
static int	 admin_ext_id(struct admin_req *, int64_t *);
static int	 admin_ext_reply(struct admin_req *, int64_t, int, int);

/* A request as JSON (the unit's reason and the office's answer). */
static json_t *
admin_ext_json(const struct store_ext *e)
{
	json_t	*o = json_object();

	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "case", json_string(e->number));
	admin_jstr(o, "unit", e->unit);
	admin_jstr(o, "asked_by", e->actor);
	admin_jstr(o, "reason", e->reason);
	admin_jstr(o, "due_before", e->due_before);
	admin_jstr(o, "due", e->due);
	if (e->days > 0)
		json_object_set_new(o, "days", json_integer(e->days));
	admin_jstr(o, "state", e->state);
	admin_jtime(o, "requested_at", e->requested_at);
	admin_jtime(o, "decided_at", e->decided_at);
	admin_jstr(o, "decided_by", e->decided_by);
	admin_jstr(o, "decision", e->decision);
	admin_jstr(o, "case_state", e->case_state);
	return o;
}

/* The token as the lifecycle's actor. */
static void
admin_ext_actor(struct admin_req *r, struct lc_actor *a)
{
	memset(a, 0, sizeof(*a));
	a->name = r->token->name;
	if (r->token->role == TOKEN_UNIT) {
		a->role = LC_ROLE_UNIT;
		a->unit = r->token->unit;
	} else
		a->role = r->token->role == TOKEN_OFFICE ? LC_ROLE_OFFICE :
		    LC_ROLE_AUDITOR;
}

static int
admin_ext_error(struct admin_req *r, enum ext_result res, const char *err)
{
	switch (res) {
	case EXT_INVALID:
		return admin_error(r, 400, "bad_request", "%s", err);
	case EXT_NOT_FOUND:
		return admin_error(r, 404, "not_found", "%s", err);
	case EXT_FORBIDDEN:
		return admin_error(r, 403, "forbidden", "%s", err);
	case EXT_CONFLICT:
		return admin_error(r, 409, "conflict", "%s", err);
	default:
		return admin_error(r, 500, "internal", "%s", err[0] != '\0' ?
		    err : "store error");
	}
}

/* The request id of r->param[0]; 0 or a status. */
static int
admin_ext_id(struct admin_req *r, int64_t *idp)
{
	const char	*errstr;

	*idp = strtonum(r->param[0], 1, INT64_MAX, &errstr);
	if (errstr != NULL)
		return admin_error(r, 400, "bad_request", "not a request id "
		    "(a number from 1)");
	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	return 0;
}

/*
 * Reply with request id as it now is, when r's token may see it (a unit:
 * its own requests only; another's reads as not found); with defer, after
 * the batch that wrote it commits.
 */
static int
admin_ext_reply(struct admin_req *r, int64_t id, int status, int defer)
{
	struct store_ext	e;
	int			rc;

	if ((rc = store_ext_get(r->store, id, &e)) == -1)
		return admin_error(r, 500, "internal", "cannot read the "
		    "request");
	if (rc == 1 && r->token->role == TOKEN_UNIT &&
	    strcmp(e.unit, r->token->unit) != 0) {
		store_ext_clear(&e);
		rc = 0;
	}
	if (rc == 0)		/* e unset: nothing to clear */
		return admin_error(r, 404, "not_found", "no extension request "
		    "%lld", (long long)id);
	admin_log_case(r, e.number);
	r->reply = admin_ext_json(&e);
	store_ext_clear(&e);
	return defer ? admin_defer(r, status) : status;
}

/* POST /v1/cases/:number/extension-request {reason, days | due} */
int
admin_ext_request(struct admin_req *r)
{
	static const struct admin_field	f[] = {
		{ "days", AF_INT, 0 }, { "due", AF_STR, 0 },
		{ "reason", AF_STR, 1 } };
	struct store_case		c;
	struct lc_actor			a;
	char				err[256];
	const char			*due;
	int64_t				id = 0;
	int				st, date;
	enum ext_result			res;

	if ((st = admin_fields(r, f, nitems(f))) != 0)
		return st;
	due = admin_str(r, "due");
	if ((json_object_get(r->body, "days") == NULL) == (due == NULL))
		return admin_error(r, 400, "bad_request", "an extension takes "
		    "\"days\" (working days) or \"due\" (YYYY-MM-DD), one of "
		    "them");
	if (due != NULL && cal_date_parse(due, &date) == -1)
		return admin_error(r, 400, "bad_request", "\"due\" must be a "
		    "date, YYYY-MM-DD");
	if ((st = admin_case_load(r, &c)) != 0)
		return st;
	admin_ext_actor(r, &a);
	if (commit_unit_begin(commit_default()) == -1) {
		store_case_clear(&c);
		return admin_error(r, 503, "unavailable", "the database is "
		    "busy; retry");
	}
	res = extension_request(r->store, c.id, &a, due, due != NULL ? 0 :
	    (int)json_integer_value(json_object_get(r->body, "days")),
	    admin_str(r, "reason"), (int64_t)clock_now_ms(), &id, err,
	    sizeof(err));
	store_case_clear(&c);
	if (res != EXT_OK)
		return admin_ext_error(r, res, err);
	return admin_ext_reply(r, id, 201, 1);
}

/* A request state as a constant string (the list binds it static). */
static const char *
admin_ext_state(const char *v)
{
	static const char *const states[] = { "pending", "approved",
	    "refused", "lapsed" };
	size_t		i;

	for (i = 0; i < nitems(states); i++)
		if (strcmp(v, states[i]) == 0)
			return states[i];
	return NULL;
}

/*
 * GET /v1/extensions?state=pending|approved|refused|lapsed|all&before=
 *     &limit=
 */
int
admin_ext_list(struct admin_req *r)
{
	static const char *const allowed[] = { "state", "before", "limit",
	    NULL };
	struct admin_qparam	 q[3];
	struct store_ext	 e[ADMIN_EXT_PAGE];
	const char		*state = "pending", *errstr;
	int64_t			 before = 0, limit = 50;
	json_t			*list;
	int			 n, i;

	if ((n = admin_query(r, allowed, q, nitems(q))) == -1)
		return 400;
	for (i = 0; i < n; i++) {
		if (strcmp(q[i].key, "state") == 0) {
			if (strcmp(q[i].value, "all") == 0)
				state = NULL;
			else if ((state = admin_ext_state(q[i].value)) ==
			    NULL)
				break;
		} else if (strcmp(q[i].key, "before") == 0) {
			before = strtonum(q[i].value, 1, INT64_MAX, &errstr);
			if (errstr != NULL)
				break;
		} else {
			limit = strtonum(q[i].value, 1, ADMIN_EXT_PAGE,
			    &errstr);
			if (errstr != NULL)
				break;
		}
	}
	admin_query_free(q, (size_t)n);
	if (i < n)
		return admin_error(r, 400, "bad_request", "state: pending, "
		    "approved, refused, lapsed or all; before: a request id; "
		    "limit: 1 to %d", ADMIN_EXT_PAGE);
	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	if ((n = store_ext_list(r->store, state, r->token->role == TOKEN_UNIT ?
	    r->token->unit : NULL, before, e, (size_t)limit)) == -1)
		return admin_error(r, 500, "internal", "cannot list the "
		    "requests");
	list = json_array();
	for (i = 0; i < n; i++) {
		json_array_append_new(list, admin_ext_json(&e[i]));
		store_ext_clear(&e[i]);
	}
	r->reply = json_pack("{s:o,s:i}", "requests", list, "count", n);
	if (n == (int)limit && n > 0)
		json_object_set_new(r->reply, "next", json_integer(
		    json_integer_value(json_object_get(json_array_get(list,
		    (size_t)n - 1), "id"))));
	return 200;
}

/* GET /v1/extensions/:id */
int
admin_ext_show(struct admin_req *r)
{
	int64_t	id;
	int	st;

	if ((st = admin_ext_id(r, &id)) != 0)
		return st;
	return admin_ext_reply(r, id, 200, 0);
}

/* POST /v1/extensions/:id/approve {note?}, /refuse {reason} */
int
admin_ext_decide(struct admin_req *r)
{
	static const struct admin_field	f_approve[] = {
		{ "note", AF_STR, 0 } };
	static const struct admin_field	f_refuse[] = {
		{ "reason", AF_STR, 1 } };
	struct lc_actor			a;
	char				err[256];
	int64_t				id;
	int				st, approve;
	enum ext_result			res;

	approve = strcmp(strrchr(r->route->pattern, '/') + 1, "approve") == 0;
	if ((st = approve ? admin_fields(r, f_approve, nitems(f_approve)) :
	    admin_fields(r, f_refuse, nitems(f_refuse))) != 0)
		return st;
	if ((st = admin_ext_id(r, &id)) != 0)
		return st;
	admin_ext_actor(r, &a);
	if (commit_unit_begin(commit_default()) == -1)
		return admin_error(r, 503, "unavailable", "the database is "
		    "busy; retry");
	res = extension_decide(r->store, id, approve, &a, admin_str(r,
	    approve ? "note" : "reason"), (int64_t)clock_now_ms(), err,
	    sizeof(err));
	if (res != EXT_OK)
		return admin_ext_error(r, res, err);
	return admin_ext_reply(r, id, 200, 1);
}

/*
 * POST /v1/cases/:number/confidential, /nopublish {"set": bool, "reason"}:
 * "set" is checked here (admin_fields() knows no booleans), the rest by
 * admin_fields() once it is taken out of the body.
 */
int
admin_ext_disclose(struct admin_req *r)
{
	static const struct admin_field	f[] = { { "reason", AF_STR, 1 } };
	struct store_case		c;
	struct store_disclose		d;
	struct lc_actor			a;
	char				err[256];
	json_t				*set;
	enum disclose_flag		flag;
	enum disclose_result		res;
	int				st, on, changed;

	flag = strcmp(strrchr(r->route->pattern, '/') + 1, "confidential") ==
	    0 ? DISCLOSE_CONFIDENTIAL : DISCLOSE_NOPUBLISH;
	if (!json_is_boolean(set = json_object_get(r->body, "set")))
		return admin_error(r, 400, "bad_request", "\"set\" must be "
		    "true or false");
	on = json_is_true(set);
	json_object_del(r->body, "set");
	if ((st = admin_fields(r, f, nitems(f))) != 0)
		return st;
	if ((st = admin_case_load(r, &c)) != 0)
		return st;
	admin_ext_actor(r, &a);
	if (commit_unit_begin(commit_default()) == -1) {
		store_case_clear(&c);
		return admin_error(r, 503, "unavailable", "the database is "
		    "busy; retry");
	}
	res = disclose_set(r->store, c.id, flag, on, &a, admin_str(r,
	    "reason"), (int64_t)clock_now_ms(), &changed, err, sizeof(err));
	if (res == DISCLOSE_OK && store_case_disclose(r->store, c.id, &d) !=
	    1)
		res = DISCLOSE_ERROR;
	store_case_clear(&c);
	switch (res) {
	case DISCLOSE_OK:
		break;
	case DISCLOSE_INVALID:
		return admin_error(r, 400, "bad_request", "%s", err);
	case DISCLOSE_NOT_FOUND:
		return admin_error(r, 404, "not_found", "no case %s",
		    r->case_number);
	case DISCLOSE_REFUSED:
		return admin_error(r, 409, "conflict", "%s", err);
	default:
		return admin_error(r, 500, "internal", "store error");
	}
	r->reply = json_pack("{s:s,s:b,s:s?,s:b,s:b}", "number",
	    r->case_number, "confidential", d.confidential, "confidential_by",
	    d.confidential ? (d.office ? "office" : "citizen") : NULL,
	    "nopublish", d.nopublish, "changed", changed);
	return admin_defer(r, 200);
}

void
admin_ext_case_json(struct store *st, const struct store_case *c, json_t *o)
{
	struct store_disclose	d;
	struct store_ext	e;

	if (store_case_disclose(st, c->id, &d) == 1) {
		admin_jstr(o, "confidential_by", d.confidential ? (d.office ?
		    "office" : "citizen") : NULL);
		json_object_set_new(o, "nopublish", json_boolean(d.nopublish));
	}
	if (store_ext_pending(st, c->id, &e) == 1) {
		json_object_set_new(o, "extension_request", json_integer(e.id));
		store_ext_clear(&e);
	} else
		json_object_set_new(o, "extension_request", json_null());
}
