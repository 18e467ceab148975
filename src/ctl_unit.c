/*
 * hotlinectl's unit commands: the handling units (承办单位).
 */
#include "compat.h"

#include <event2/http.h>
#include <jansson.h>

#include "ctl.h"

static void	 ctl_unit_table(json_t *);

/* unit add CODE NAME [CONTACT] */
int
cmd_unit_add(struct ctl *c, char **argv)
{
	json_t	*body = json_object();

	ctl_check_arg("CODE", argv[0]);
	json_object_set_new(body, "code", json_string(argv[0]));
	json_object_set_new(body, "name", ctl_jstr("NAME", argv[1]));
	if (argv[2] != NULL)
		json_object_set_new(body, "contact", ctl_jstr("CONTACT",
		    argv[2]));
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_POST, "/v1/units",
	    body), ctl_table);
}

static void
ctl_unit_table(json_t *o)
{
	static const char *const keys[] = { "code", "contact", "name" };
	static const char *const heads[] = { "CODE", "CONTACT", "NAME" };

	ctl_columns(json_object_get(o, "units"), keys, heads, nitems(keys));
}

int
cmd_unit_list(struct ctl *c, char **argv)
{
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, "/v1/units",
	    NULL), ctl_unit_table);
}
