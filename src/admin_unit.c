/*
 * The admin API's unit routes (Art. 6, 9): POST and GET /v1/units.
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
admin_unit_json(const struct store_unit *u)
{
	json_t	*o = json_object();

	json_object_set_new(o, "code", json_string(u->code));
	admin_jstr(o, "name", u->name);
	admin_jstr(o, "contact", u->contact);
	admin_jtime(o, "created_at", u->created_at);
	return o;
}

int
admin_unit_add(struct admin_req *r)
{
	static const struct admin_field f[] = { { "code", AF_CODE, 1 },
	    { "name", AF_STR, 1 }, { "contact", AF_STR, 0 } };
	struct store_unit	 u;
	const char		*code;
	int			 st, rv;

	if ((st = admin_fields(r, f, nitems(f))) != 0)
		return st;
	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	code = admin_str(r, "code");
	if (commit_unit_begin(commit_default()) == -1)
		return admin_error(r, 503, "unavailable", "the database is "
		    "busy; retry");
	if ((rv = store_unit_add(r->store, code, admin_str(r, "name"),
	    admin_str(r, "contact"), (int64_t)clock_now_ms())) == 1)
		return admin_error(r, 409, "conflict", "unit %s exists "
		    "already", code);
	if (rv == -1 || admin_audit_change(r, "unit.add",
	    json_pack("{s:s}", "code", code)) == -1)
		return admin_error(r, 500, "internal", "cannot add the unit");
	memset(&u, 0, sizeof(u));
	if (store_unit_get(r->store, code, &u) == 1)
		r->reply = admin_unit_json(&u);
	store_unit_clear(&u);
	return admin_defer(r, 201);
}

int
admin_unit_list(struct admin_req *r)
{
	struct store_unit	 u[ADMIN_PAGE];
	json_t			*a;
	size_t			 off = 0;
	int			 n, i;

	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	a = json_array();
	do {
		memset(u, 0, sizeof(u));
		if ((n = store_unit_list(r->store, u, nitems(u), off)) == -1) {
			json_decref(a);
			return admin_error(r, 500, "internal", "cannot list "
			    "the units");
		}
		for (i = 0; i < n; i++) {
			json_array_append_new(a, admin_unit_json(&u[i]));
			store_unit_clear(&u[i]);
		}
		off += (size_t)n;
	} while (n == (int)nitems(u) && off < ADMIN_UNITS_MAX);
	r->reply = json_pack("{s:o,s:i}", "units", a, "count", (int)off);
	return 200;
}
