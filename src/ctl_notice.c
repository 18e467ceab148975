/*
 * hotlinectl: the units' contacts and webhooks (notice.h, hotlinectl(8)):
 *	contact add UNIT|office ROLE NUMBER [NAME]
 *	contact list [UNIT|office]
 *	contact remove ID
 *	webhook set UNIT URL		prints the secret, this once
 *	webhook remove UNIT
 *	webhook list [UNIT]		the latest deliveries
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "ctl.h"
#include "util.h"

static void	 ctl_contact_table(json_t *);
static void	 ctl_webhook_table(json_t *);

/* A contact's "number" is a telephone's, not a case's. */
static const char *const ctl_contact_fields[] = {
	NC_("contact", "number"), NULL
};

int
cmd_contact_add(struct ctl *c, char **argv)
{
	json_t	*body = json_object();

	ctl_check_arg(N_("UNIT"), argv[0]);
	ctl_check_arg(N_("ROLE"), argv[1]);
	ctl_check_arg(nls_ctx(NC_("phone", "NUMBER")), argv[2]);
	json_object_set_new(body, "unit", json_string(argv[0]));
	json_object_set_new(body, "role", json_string(argv[1]));
	json_object_set_new(body, "number", json_string(argv[2]));
	if (argv[3] != NULL)
		json_object_set_new(body, "name", ctl_jstr(N_("NAME"),
		    argv[3]));
	ctl_fields_own = ctl_contact_fields;
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_POST, "/v1/contacts",
	    body), ctl_table);
}

static void
ctl_contact_table(json_t *o)
{
	static const char *const keys[] = { "id", "unit", "role", "number",
	    "name" };
	static const char *const heads[] = { NC_("column", "ID"),
	    NC_("column", "UNIT"), NC_("column", "ROLE"),
	    NC_("phone", "NUMBER"), NC_("column", "NAME") };

	ctl_columns(json_object_get(o, "contacts"), keys, heads,
	    nitems(keys));
}

int
cmd_contact_list(struct ctl *c, char **argv)
{
	char	path[128];

	if (argv[0] != NULL) {
		ctl_check_arg(N_("UNIT"), argv[0]);
		snprintf(path, sizeof(path), "/v1/contacts?unit=%s", argv[0]);
	} else
		strlcpy(path, "/v1/contacts", sizeof(path));
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, path, NULL),
	    ctl_contact_table);
}

int
cmd_contact_remove(struct ctl *c, char **argv)
{
	char	path[128];

	ctl_check_arg(N_("ID"), argv[0]);
	snprintf(path, sizeof(path), "/v1/contacts/%s", argv[0]);
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_DELETE, path, NULL),
	    ctl_table);
}

int
cmd_webhook_set(struct ctl *c, char **argv)
{
	json_t	*body = json_object();
	char	 path[128];

	ctl_check_arg(N_("UNIT"), argv[0]);
	json_object_set_new(body, "url", ctl_jstr(N_("URL"), argv[1]));
	snprintf(path, sizeof(path), "/v1/units/%s/webhook", argv[0]);
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_PUT, path, body),
	    ctl_table);
}

int
cmd_webhook_remove(struct ctl *c, char **argv)
{
	char	path[128];

	ctl_check_arg(N_("UNIT"), argv[0]);
	snprintf(path, sizeof(path), "/v1/units/%s/webhook", argv[0]);
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_DELETE, path, NULL),
	    ctl_table);
}

static void
ctl_webhook_table(json_t *o)
{
	static const char *const keys[] = { "id", "unit", "case", "kind",
	    "state", "attempts", "status" };
	static const char *const heads[] = { NC_("column", "ID"),
	    NC_("column", "UNIT"), NC_("column", "CASE"),
	    NC_("column", "NOTICE"), NC_("column", "STATE"),
	    NC_("column", "ATTEMPTS"), NC_("column", "HTTP") };

	ctl_columns(json_object_get(o, "webhooks"), keys, heads,
	    nitems(keys));
}

int
cmd_webhook_list(struct ctl *c, char **argv)
{
	char	path[128];

	if (argv[0] != NULL) {
		ctl_check_arg(N_("UNIT"), argv[0]);
		snprintf(path, sizeof(path), "/v1/webhooks?unit=%s", argv[0]);
	} else
		strlcpy(path, "/v1/webhooks", sizeof(path));
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, path, NULL),
	    ctl_webhook_table);
}
