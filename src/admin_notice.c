/*
 * The admin API's routes for the notices to the units (admin_int.h,
 * notice.h): contacts and webhooks, the office's alone.  Every change is
 * an audit event; a contact's number leaves masked, a webhook's secret
 * once, in the answer that set it.
 */
#include "compat.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "admin_int.h"
#include "commit.h"
#include "log.h"
#include "notice.h"
#include "store.h"
#include "store_notice.h"
#include "util.h"
#include "webhook.h"

#define AN_NAME_MAX	64	/* bytes of a contact's name */
#define AN_PAGE		64

static int	 an_store(struct admin_req *);
static int	 an_number_ok(const char *);
static int	 an_unit_known(struct admin_req *, const char *);
static json_t	*an_contact_json(const struct store_contact *);

/* 503 when the store is not open yet, else 0. */
static int
an_store(struct admin_req *r)
{
	return r->store == NULL ? admin_error(r, 503, "unavailable", "the "
	    "store is not open") : 0;
}

/* A phone number as the office types it: [+]digits, 5-20 of them. */
static int
an_number_ok(const char *s)
{
	size_t	n = 0;

	if (s == NULL)
		return 0;
	if (*s == '+')
		s++;
	for (; *s != '\0'; s++, n++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return n >= 5 && n <= 20;
}

/* 0 when unit exists, else the error status. */
static int
an_unit_known(struct admin_req *r, const char *unit)
{
	struct store_unit	u;
	int			rv;

	if (!admin_code_ok(unit))
		return admin_error(r, 400, "bad_request", "bad unit code");
	memset(&u, 0, sizeof(u));
	rv = store_unit_get(r->store, unit, &u);
	store_unit_clear(&u);
	if (rv == -1)
		return admin_error(r, 500, "internal", "cannot read units");
	return rv == 1 ? 0 : admin_error(r, 404, "not_found", "no unit %s",
	    unit);
}

static json_t *
an_contact_json(const struct store_contact *c)
{
	char	mask[LOG_MSISDN_MAX];

	return json_pack("{s:I,s:s,s:s,s:s,s:s?,s:I}", "id",
	    (json_int_t)c->id, "unit", c->unit[0] != '\0' ? c->unit :
	    "office", "role", c->role, "number", log_msisdn(c->msisdn, mask,
	    sizeof(mask)), "name", c->name, "created_at",
	    (json_int_t)c->created_at);
}

/*
 * POST /v1/contacts {"unit": CODE or "office", "role", "number", "name"?}
 */
int
admin_contact_add(struct admin_req *r)
{
	static const struct admin_field f[] = { { "unit", AF_CODE, 1 },
	    { "role", AF_STR, 1 }, { "number", AF_STR, 1 },
	    { "name", AF_STR, 0 } };
	const char	*unit, *role, *number, *name;
	char		 mask[LOG_MSISDN_MAX];
	int64_t		 id = 0;
	int		 st, office, rv;

	if ((st = admin_fields(r, f, nitems(f))) != 0 ||
	    (st = an_store(r)) != 0)
		return st;
	unit = admin_str(r, "unit");
	role = admin_str(r, "role");
	number = admin_str(r, "number");
	name = admin_str(r, "name");
	if (unit == NULL || role == NULL || number == NULL)
		return admin_error(r, 400, "bad_request", "unit, role and "
		    "number are required strings");
	office = strcmp(unit, "office") == 0;
	if (!notice_role_ok(role, office))
		return office ? admin_error(r, 400, "bad_request", "role: "
		    "the office has duty contacts") : admin_error(r, 400,
		    "bad_request", "role: handler, leader or discipline");
	if (!an_number_ok(number))
		return admin_error(r, 400, "bad_request", "number: digits, "
		    "5 to 20 of them, an optional + first");
	if (name != NULL && (*name == '\0' || strlen(name) > AN_NAME_MAX))
		return admin_error(r, 400, "bad_request", "name: 1 to %d "
		    "bytes", AN_NAME_MAX);
	if (!office && (st = an_unit_known(r, unit)) != 0)
		return st;
	if (commit_unit_begin(commit_default()) == -1)
		return admin_error(r, 503, "unavailable", "the database is "
		    "busy; retry");
	rv = store_contact_add(r->store, office ? "" : unit, role, name,
	    number, (int64_t)clock_now_ms(), &id);
	if (rv == 1)
		return admin_error(r, 409, "conflict", "%s has this %s "
		    "already", unit, role);
	log_msisdn(number, mask, sizeof(mask));
	if (rv == -1 || admin_audit_change(r, "contact.add",
	    json_pack("{s:s,s:s,s:s,s:I}", "unit", unit, "role", role,
	    "number", mask, "id", (json_int_t)id)) == -1)
		return admin_error(r, 500, "internal", "cannot add the "
		    "contact");
	r->reply = json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)id,
	    "unit", unit, "role", role, "number", mask);
	return admin_defer(r, 201);
}

/* GET /v1/contacts[?unit=CODE|office] */
int
admin_contact_list(struct admin_req *r)
{
	static const char *const allowed[] = { "unit", NULL };
	struct admin_qparam	 q[ADMIN_QUERY_MAX];
	struct store_contact	 c[AN_PAGE];
	const char		*unit = NULL;
	json_t			*a;
	size_t			 off = 0;
	int			 n, i, st;

	if ((st = an_store(r)) != 0)
		return st;
	memset(q, 0, sizeof(q));
	if ((n = admin_query(r, allowed, q, nitems(q))) == -1)
		return 400;
	if (n == 1)
		unit = strcmp(q[0].value, "office") == 0 ? "" : q[0].value;
	if (unit != NULL && *unit != '\0' && !admin_code_ok(unit)) {
		admin_query_free(q, (size_t)n);
		return admin_error(r, 400, "bad_request", "bad unit code");
	}
	a = json_array();
	do {
		if ((n = store_contact_list(r->store, unit, c, nitems(c),
		    off)) == -1) {
			json_decref(a);
			admin_query_free(q, nitems(q));
			return admin_error(r, 500, "internal", "cannot list "
			    "the contacts");
		}
		for (i = 0; i < n; i++) {
			json_array_append_new(a, an_contact_json(&c[i]));
			store_contact_clear(&c[i]);
		}
		off += (size_t)n;
	} while (n == (int)nitems(c) && off < 100000);
	admin_query_free(q, nitems(q));
	r->reply = json_pack("{s:o,s:i}", "contacts", a, "count", (int)off);
	return 200;
}

/* DELETE /v1/contacts/:id */
int
admin_contact_remove(struct admin_req *r)
{
	char		*end;
	long long	 id;
	int		 rv;

	if ((rv = an_store(r)) != 0)
		return rv;
	id = strtoll(r->param[0], &end, 10);
	if (r->param[0][0] == '\0' || *end != '\0' || id <= 0)
		return admin_error(r, 400, "bad_request", "bad contact id");
	if (commit_unit_begin(commit_default()) == -1)
		return admin_error(r, 503, "unavailable", "the database is "
		    "busy; retry");
	if ((rv = store_contact_del(r->store, id)) == 0)
		return admin_error(r, 404, "not_found", "no contact %lld", id);
	if (rv == -1 || admin_audit_change(r, "contact.remove",
	    json_pack("{s:I}", "id", (json_int_t)id)) == -1)
		return admin_error(r, 500, "internal", "cannot remove the "
		    "contact");
	r->reply = json_pack("{s:I,s:b}", "id", (json_int_t)id, "removed",
	    1);
	return admin_defer(r, 200);
}

/* PUT /v1/units/:code/webhook {"url"}: a new secret, shown this once. */
int
admin_webhook_set(struct admin_req *r)
{
	static const struct admin_field f[] = { { "url", AF_STR, 1 } };
	const char	*unit = r->param[0], *url;
	char		 secret[WEBHOOK_SECRET_LEN + 1];
	int		 st;

	if ((st = admin_fields(r, f, nitems(f))) != 0 ||
	    (st = an_store(r)) != 0 || (st = an_unit_known(r, unit)) != 0)
		return st;
	url = admin_str(r, "url");
	if (!webhook_url_ok(url))
		return admin_error(r, 400, "bad_request", "url: "
		    "http://host[:port]/path, at most %d bytes",
		    STORE_URL_MAX - 1);
	if (webhook_secret(secret) == -1)
		return admin_error(r, 500, "internal", "no randomness");
	if (commit_unit_begin(commit_default()) == -1)
		return admin_error(r, 503, "unavailable", "the database is "
		    "busy; retry");
	if (store_hook_set(r->store, unit, url, secret,
	    (int64_t)clock_now_ms()) == -1 || admin_audit_change(r,
	    "webhook.set", json_pack("{s:s,s:s}", "unit", unit, "url",
	    url)) == -1) {
		explicit_bzero(secret, sizeof(secret));
		return admin_error(r, 500, "internal", "cannot set the "
		    "webhook");
	}
	r->reply = json_pack("{s:s,s:s,s:s}", "unit", unit, "url", url,
	    "secret", secret);
	explicit_bzero(secret, sizeof(secret));
	return admin_defer(r, 200);
}

/* DELETE /v1/units/:code/webhook */
int
admin_webhook_remove(struct admin_req *r)
{
	const char	*unit = r->param[0];
	int		 st, rv;

	if ((st = an_store(r)) != 0 || (st = an_unit_known(r, unit)) != 0)
		return st;
	if (commit_unit_begin(commit_default()) == -1)
		return admin_error(r, 503, "unavailable", "the database is "
		    "busy; retry");
	if ((rv = store_hook_del(r->store, unit)) == 0)
		return admin_error(r, 404, "not_found", "unit %s has no "
		    "webhook", unit);
	if (rv == -1 || admin_audit_change(r, "webhook.remove",
	    json_pack("{s:s}", "unit", unit)) == -1)
		return admin_error(r, 500, "internal", "cannot remove the "
		    "webhook");
	r->reply = json_pack("{s:s,s:b}", "unit", unit, "removed", 1);
	return admin_defer(r, 200);
}

/* GET /v1/webhooks[?unit=CODE]: the latest deliveries and their state. */
int
admin_webhook_list(struct admin_req *r)
{
	static const char *const allowed[] = { "unit", NULL };
	static const char *const states[] = { "waiting", "delivered",
	    "failed" };
	struct admin_qparam	 q[ADMIN_QUERY_MAX];
	struct store_webhook	 w[AN_PAGE];
	json_t			*a;
	int			 n, i, st;

	if ((st = an_store(r)) != 0)
		return st;
	memset(q, 0, sizeof(q));
	if ((n = admin_query(r, allowed, q, nitems(q))) == -1)
		return 400;
	if (n == 1 && !admin_code_ok(q[0].value)) {
		admin_query_free(q, nitems(q));
		return admin_error(r, 400, "bad_request", "bad unit code");
	}
	n = store_webhook_list(r->store, n == 1 ? q[0].value : NULL, w,
	    nitems(w));
	admin_query_free(q, nitems(q));
	if (n == -1)
		return admin_error(r, 500, "internal", "cannot list the "
		    "deliveries");
	a = json_array();
	for (i = 0; i < n; i++) {
		json_array_append_new(a, json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,"
		    "s:i,s:i}", "id", (json_int_t)w[i].id, "notice",
		    (json_int_t)w[i].notice_id, "unit", w[i].unit, "kind",
		    w[i].kind, "case", w[i].number, "state", w[i].state >= 0 &&
		    w[i].state <= 2 ? states[w[i].state] : "?", "attempts",
		    w[i].attempts, "status", w[i].status));
		store_webhook_clear(&w[i]);
	}
	r->reply = json_pack("{s:o,s:i}", "webhooks", a, "count", n);
	return 200;
}
