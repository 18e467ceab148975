/*
 * hotlinectl's extension requests (a unit asks, the office approves or
 * refuses: Art. 18) and the office's Art. 19 flags on a case
 * (confidential, not for publication); routes in admin_ext.c.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "ctl.h"
#include "util.h"

static const char *ctl_ext_id(const char *);
static void	 ctl_ext_line(json_t *);
static void	 ctl_ext_table(json_t *);
static int	 ctl_ext_post(struct ctl *, const char *, json_t *);
static void	 ctl_disclose_line(json_t *);

/* Usage error unless s is a request id (digits, at most 18). */
static const char *
ctl_ext_id(const char *s)
{
	ctl_check_arg(N_("ID"), s);
	if (s[0] == '\0' || strspn(s, "0123456789") != strlen(s) ||
	    strlen(s) > 18)
		ctl_die(CTL_USAGE, _("ID: an extension request's number"));
	return s;
}

/* One line about a request, its state the reader's word. */
static void
ctl_ext_line(json_t *o)
{
	const char	*state = json_string_value(json_object_get(o, "state"));

	printf(_("request %lld: case %s, unit %s, due %s -> %s, %s"),
	    (long long)json_integer_value(json_object_get(o, "id")),
	    json_string_value(json_object_get(o, "case")),
	    json_string_value(json_object_get(o, "unit")),
	    json_string_value(json_object_get(o, "due_before")),
	    json_string_value(json_object_get(o, "due")),
	    state != NULL ? ctl_state(state) : "-");
	if (json_is_string(json_object_get(o, "decision"))) {
		printf(" (");
		ctl_print_value(json_object_get(o, "decision"));
		putchar(')');
	}
	putchar('\n');
}

static void
ctl_ext_table(json_t *o)
{
	static const char *const keys[] = { "id", "case", "unit",
	    "due_before", "due", "state", "requested_at", "reason" };
	static const char *const heads[] = { NC_("column", "ID"),
	    NC_("column", "CASE"), NC_("column", "UNIT"),
	    NC_("column", "DUE"), NC_("column", "ASKED"),
	    NC_("column", "STATE"), NC_("column", "REQUESTED"),
	    NC_("column", "REASON") };

	ctl_columns(json_object_get(o, "requests"), keys, heads,
	    nitems(keys));
	if (json_is_integer(json_object_get(o, "next")))
		printf(_("(more: --before %lld)\n"), (long long)
		    json_integer_value(json_object_get(o, "next")));
}

/* POST to path; the request's line, or the JSON. */
static int
ctl_ext_post(struct ctl *c, const char *path, json_t *body)
{
	json_t	*reply = ctl_request(c, EVHTTP_REQ_POST, path, body);

	if (c->json)
		return ctl_output(c, reply, ctl_table);
	ctl_ext_line(reply);
	json_decref(reply);
	return fflush(stdout) == 0 ? CTL_OK : CTL_SERVER;
}

/* extension request NUMBER DAYS|YYYY-MM-DD REASON (a unit's token) */
int
cmd_ext_request(struct ctl *c, char **argv)
{
	json_t		*body = json_object();
	char		 path[128];
	const char	*errstr;
	long long	 days;

	ctl_case_path(path, sizeof(path), argv[0], "extension-request");
	ctl_check_arg(N_("DAYS"), argv[1]);
	if (strchr(argv[1], '-') != NULL)
		json_object_set_new(body, "due", json_string(argv[1]));
	else {
		days = strtonum(argv[1], 1, 60, &errstr);
		if (errstr != NULL)
			ctl_die(CTL_USAGE, _("DAYS: working days, 1 to 60, or "
			    "a date YYYY-MM-DD"));
		json_object_set_new(body, "days", json_integer(days));
	}
	json_object_set_new(body, "reason", ctl_jstr(N_("REASON"), argv[2]));
	return ctl_ext_post(c, path, body);
}

/* extension list [--all | --state S] [--before ID] [--limit N] */
int
cmd_ext_list(struct ctl *c, char **argv)
{
	char	*q = xstrdup("");
	int	 i;

	for (i = 0; argv[i] != NULL; i++) {
		if (strcmp(argv[i], "--all") == 0)
			ctl_query_add(&q, "state", "all");
		else if (strcmp(argv[i], "--state") == 0 && argv[i + 1]) {
			ctl_check_arg("--state", argv[++i]);
			ctl_query_add(&q, "state", argv[i]);
		} else if (strcmp(argv[i], "--before") == 0 && argv[i + 1])
			ctl_query_add(&q, "before", ctl_ext_id(argv[++i]));
		else if (strcmp(argv[i], "--limit") == 0 && argv[i + 1]) {
			ctl_check_arg("--limit", argv[++i]);
			ctl_query_add(&q, "limit", argv[i]);
		} else
			ctl_die(CTL_USAGE, _("extension list: unknown option "
			    "or missing value"));
	}
	return ctl_get(c, "/v1/extensions", q, ctl_ext_table);
}

/* extension show ID */
int
cmd_ext_show(struct ctl *c, char **argv)
{
	char	path[64];

	snprintf(path, sizeof(path), "/v1/extensions/%s", ctl_ext_id(argv[0]));
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, path, NULL),
	    ctl_table);
}

/* extension approve ID [NOTE]; extension refuse ID REASON */
int
cmd_ext_decide(struct ctl *c, char **argv)
{
	json_t	*body = json_object();
	char	 path[64];

	snprintf(path, sizeof(path), "/v1/extensions/%s/%s",
	    ctl_ext_id(argv[0]), ctl_cur->op);
	if (argv[1] != NULL)
		json_object_set_new(body, ctl_cur->field,
		    ctl_jstr(strcmp(ctl_cur->field, "note") == 0 ? N_("NOTE") :
		    N_("REASON"), argv[1]));
	return ctl_ext_post(c, path, body);
}

/* NUMBER: confidential (WHY) or not, for publication or not[, unchanged]. */
static void
ctl_disclose_line(json_t *reply)
{
	const char	*by;
	char		*conf;

	by = json_string_value(json_object_get(reply, "confidential_by"));
	if (json_is_true(json_object_get(reply, "confidential")))
		xasprintf(&conf, _("confidential (%s)"), by != NULL ? by : "-");
	else
		conf = xstrdup(_("not confidential"));
	/* TRANSLATORS: NUMBER: confidential or not, published or not */
	printf(_("%s: %s, %s%s\n"), json_string_value(json_object_get(reply,
	    "number")), conf, json_is_true(json_object_get(reply,
	    "nopublish")) ? _("not for publication") : _("may be published"),
	    json_is_true(json_object_get(reply, "changed")) ? "" :
	    _(" (unchanged)"));
	free(conf);
}

/* case confidential|nopublish NUMBER on|off REASON */
int
cmd_case_disclose(struct ctl *c, char **argv)
{
	json_t	*body = json_object(), *reply;
	char	 path[96];

	ctl_case_path(path, sizeof(path), argv[0], ctl_cur->op);
	ctl_check_arg("on|off", argv[1]);
	if (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0)
		ctl_die(CTL_USAGE, _("on|off: on or off"));
	json_object_set_new(body, "set", json_boolean(strcmp(argv[1],
	    "on") == 0));
	json_object_set_new(body, "reason", ctl_jstr(N_("REASON"), argv[2]));
	reply = ctl_request(c, EVHTTP_REQ_POST, path, body);
	if (c->json)
		return ctl_output(c, reply, ctl_table);
	ctl_disclose_line(reply);
	json_decref(reply);
	return fflush(stdout) == 0 ? CTL_OK : CTL_SERVER;
}
