/*
 * The admin API's knowledge base routes (Art. 23(9)): POST /v1/kb,
 * PUT /v1/kb/:id, GET /v1/kb.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "admin_int.h"
#include "commit.h"
#include "store.h"
#include "util.h"

static json_t *
admin_kb_json(const struct store_kb *k, int64_t stale_before)
{
	json_t	*o = json_object();

	json_object_set_new(o, "id", json_integer(k->id));
	admin_jstr(o, "keywords", k->keywords);
	admin_jstr(o, "answer", k->answer);
	admin_jstr(o, "unit", k->unit[0] != '\0' ? k->unit : NULL);
	admin_jtime(o, "updated_at", k->updated_at);
	json_object_set_new(o, "stale", json_boolean(k->updated_at <
	    stale_before));
	return o;
}

/* A unit code of the body that must exist: 0 or a status. */
static int
admin_unit_known(struct admin_req *r, const char *code)
{
	struct store_unit	u;
	int			rv;

	if (code == NULL)
		return 0;
	memset(&u, 0, sizeof(u));
	rv = store_unit_get(r->store, code, &u);
	store_unit_clear(&u);
	if (rv == -1)
		return admin_error(r, 500, "internal", "cannot read units");
	return rv == 1 ? 0 : admin_error(r, 400, "bad_request", "unknown unit "
	    "%s", code);
}

/* The store open, the unit known, a unit of work begun; 0 or a status. */
static int
admin_kb_begin(struct admin_req *r)
{
	int	st;

	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	if ((st = admin_unit_known(r, admin_str(r, "unit"))) != 0)
		return st;
	if (commit_unit_begin(commit_default()) == -1)
		return admin_error(r, 503, "unavailable", "the database is "
		    "busy; retry");
	return 0;
}

/* Answer with entry id as written, once the batch has committed. */
static int
admin_kb_reply(struct admin_req *r, int64_t id, int status)
{
	struct store_kb	k;

	memset(&k, 0, sizeof(k));
	if (store_kb_get(r->store, id, &k) == 1)
		r->reply = admin_kb_json(&k, 0);
	store_kb_clear(&k, 1);
	return admin_defer(r, status);
}

int
admin_kb_add(struct admin_req *r)
{
	static const struct admin_field f[] = { { "keywords", AF_STR, 1 },
	    { "answer", AF_STR, 1 }, { "unit", AF_CODE, 0 } };
	int64_t		 id;
	int		 st;

	if ((st = admin_fields(r, f, nitems(f))) != 0)
		return st;
	if ((st = admin_kb_begin(r)) != 0)
		return st;
	if (store_kb_add(r->store, admin_str(r, "keywords"), admin_str(r,
	    "answer"), admin_str(r, "unit"), (int64_t)clock_now_ms(), &id) ==
	    -1 || admin_audit_change(r, "kb.add", json_pack("{s:I}", "id",
	    (json_int_t)id)) == -1)
		return admin_error(r, 500, "internal", "cannot add the entry");
	return admin_kb_reply(r, id, 201);
}

int
admin_kb_update(struct admin_req *r)
{
	static const struct admin_field f[] = { { "keywords", AF_STR, 0 },
	    { "answer", AF_STR, 0 }, { "unit", AF_CODE, 0 } };
	const char	*errstr;
	int64_t		 id;
	int		 st, rv;

	id = strtonum(r->param[0], 1, INT64_MAX, &errstr);
	if (errstr != NULL)
		return admin_error(r, 400, "bad_request", "not an entry id");
	if ((st = admin_fields(r, f, nitems(f))) != 0)
		return st;
	if (json_object_size(r->body) == 0)
		return admin_error(r, 400, "bad_request", "nothing to change "
		    "(keywords, answer, unit)");
	if ((st = admin_kb_begin(r)) != 0)
		return st;
	rv = store_kb_update(r->store, id, admin_str(r, "keywords"),
	    admin_str(r, "answer"), admin_str(r, "unit"),
	    (int64_t)clock_now_ms());
	if (rv == 0)
		return admin_error(r, 404, "not_found", "no entry %lld",
		    (long long)id);
	if (rv == -1 || admin_audit_change(r, "kb.update", json_pack("{s:I}",
	    "id", (json_int_t)id)) == -1)
		return admin_error(r, 500, "internal", "cannot update the "
		    "entry");
	return admin_kb_reply(r, id, 200);
}

/* GET /v1/kb[?stale=1[&days=N]]: stale: not updated for N days (Art. 23(9)). */
int
admin_kb_list(struct admin_req *r)
{
	static const char *const allowed[] = { "stale", "days", NULL };
	struct admin_qparam	 q[ADMIN_QUERY_MAX];
	struct store_kb		 k[ADMIN_PAGE];
	const char		*errstr;
	json_t			*a;
	int64_t			 before;
	size_t			 off = 0;
	int			 n, i, stale = 0, days = ADMIN_KB_STALE_DAYS;

	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	if ((n = admin_query(r, allowed, q, nitems(q))) == -1)
		return 400;
	for (i = 0; i < n; i++) {
		if (strcmp(q[i].key, "stale") == 0 &&
		    admin_bool(q[i].value, &stale) == -1) {
			admin_query_free(q, (size_t)n);
			return admin_error(r, 400, "bad_request", "stale: 0 "
			    "or 1");
		}
		if (strcmp(q[i].key, "days") == 0) {
			days = (int)strtonum(q[i].value, 1, 3650, &errstr);
			if (errstr != NULL) {
				admin_query_free(q, (size_t)n);
				return admin_error(r, 400, "bad_request",
				    "days: 1 to 3650");
			}
		}
	}
	admin_query_free(q, (size_t)n);
	before = (int64_t)clock_now_ms() - days * ADMIN_DAY_MS;
	a = json_array();
	do {
		memset(k, 0, sizeof(k));
		if ((n = store_kb_list(r->store, stale ? before : 0, k,
		    nitems(k), off)) == -1) {
			json_decref(a);
			return admin_error(r, 500, "internal", "cannot list "
			    "the knowledge base");
		}
		for (i = 0; i < n; i++)
			json_array_append_new(a, admin_kb_json(&k[i], before));
		store_kb_clear(k, (size_t)n);
		off += (size_t)n;
	} while (n == (int)nitems(k) && off < ADMIN_UNITS_MAX);
	r->reply = json_pack("{s:o,s:i,s:i}", "entries", a, "count", (int)off,
	    "stale_days", days);
	return 200;
}
