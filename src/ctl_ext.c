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

/* Usage error unless s is a request id (digits, at most 18). */
static const char *
ctl_ext_id(const char *s)
{
	ctl_check_arg("ID", s);
	if (s[0] == '\0' || strspn(s, "0123456789") != strlen(s) ||
	    strlen(s) > 18)
		ctl_die(CTL_USAGE, "ID: an extension request's number");
	return s;
}

/* One line about a request. */
static void
ctl_ext_line(json_t *o)
{
	printf("request %" JSON_INTEGER_FORMAT ": case %s, unit %s, due %s -> "
	    "%s, %s", json_integer_value(json_object_get(o, "id")),
	    json_string_value(json_object_get(o, "case")),
	    json_string_value(json_object_get(o, "unit")),
	    json_string_value(json_object_get(o, "due_before")),
	    json_string_value(json_object_get(o, "due")),
	    json_string_value(json_object_get(o, "state")));
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
	static const char *const heads[] = { "ID", "CASE", "UNIT", "DUE",
	    "ASKED", "STATE", "REQUESTED", "REASON" };

	ctl_columns(json_object_get(o, "requests"), keys, heads,
	    nitems(keys));
	if (json_is_integer(json_object_get(o, "next")))
		printf("(more: --before %" JSON_INTEGER_FORMAT ")\n",
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
	ctl_check_arg("DAYS", argv[1]);
	if (strchr(argv[1], '-') != NULL)
		json_object_set_new(body, "due", json_string(argv[1]));
	else {
		days = strtonum(argv[1], 1, 60, &errstr);
		if (errstr != NULL)
			ctl_die(CTL_USAGE, "DAYS: working days, 1 to 60, or a "
			    "date YYYY-MM-DD");
		json_object_set_new(body, "days", json_integer(days));
	}
	json_object_set_new(body, "reason", ctl_jstr("REASON", argv[2]));
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
			ctl_die(CTL_USAGE, "extension list: unknown option "
			    "or missing value");
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
		    ctl_jstr(strcmp(ctl_cur->field, "note") == 0 ? "NOTE" :
		    "REASON", argv[1]));
	return ctl_ext_post(c, path, body);
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
		ctl_die(CTL_USAGE, "on or off");
	json_object_set_new(body, "set", json_boolean(strcmp(argv[1],
	    "on") == 0));
	json_object_set_new(body, "reason", ctl_jstr("REASON", argv[2]));
	reply = ctl_request(c, EVHTTP_REQ_POST, path, body);
	if (c->json)
		return ctl_output(c, reply, ctl_table);
	printf("%s: %s%s%s, %s%s\n", json_string_value(json_object_get(reply,
	    "number")), json_is_true(json_object_get(reply,
	    "confidential")) ? "confidential (" : "not confidential",
	    json_is_true(json_object_get(reply, "confidential")) ?
	    json_string_value(json_object_get(reply, "confidential_by")) : "",
	    json_is_true(json_object_get(reply, "confidential")) ? ")" : "",
	    json_is_true(json_object_get(reply, "nopublish")) ?
	    "not for publication" : "may be published",
	    json_is_true(json_object_get(reply, "changed")) ? "" :
	    " (unchanged)");
	json_decref(reply);
	return fflush(stdout) == 0 ? CTL_OK : CTL_SERVER;
}
