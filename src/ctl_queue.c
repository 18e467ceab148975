/*
 * hotlinectl's queue commands: the outbox, row by row (issue 15).
 */
#include "compat.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "ctl.h"
#include "util.h"

static long long	 ctl_row_id(const char *);
static void	 ctl_outbox_table(json_t *);

/* An outbox row id: digits only, 1 or more. */
static long long
ctl_row_id(const char *s)
{
	const char	*errstr;
	long long	 n;

	n = strtonum(s, 1, LLONG_MAX, &errstr);
	if (errstr != NULL || strspn(s, "0123456789") != strlen(s))
		ctl_die(CTL_USAGE, "ID: an outbox row number (queue list)");
	return n;
}

static void
ctl_outbox_table(json_t *o)
{
	static const char *const keys[] = { "id", "state", "kind", "case",
	    "msisdn", "attempts", "next_attempt_at", "last_error" };
	static const char *const heads[] = { "ID", "STATE", "KIND", "CASE",
	    "NUMBER", "TRIES", "NEXT", "ERROR" };

	ctl_columns(json_object_get(o, "rows"), keys, heads, nitems(keys));
	if (json_is_integer(json_object_get(o, "next")))
		printf("(more: --after %" JSON_INTEGER_FORMAT ")\n",
		    json_integer_value(json_object_get(o, "next")));
}

/* queue list [--state S] [--after ID] [--limit N]: waiting rows first */
int
cmd_queue_list(struct ctl *c, char **argv)
{
	char	*q = xstrdup("");
	int	 i;

	for (i = 0; argv[i] != NULL; i += 2) {
		if ((strcmp(argv[i], "--state") != 0 &&
		    strcmp(argv[i], "--after") != 0 &&
		    strcmp(argv[i], "--limit") != 0) || argv[i + 1] == NULL)
			ctl_die(CTL_USAGE, "usage: %s", ctl_cur->usage);
		ctl_check_arg(argv[i], argv[i + 1]);
		ctl_query_add(&q, argv[i] + 2, argv[i + 1]);
	}
	return ctl_get(c, "/v1/outbox", q, ctl_outbox_table);
}

/* queue show ID: one row with its text (the number masked) */
int
cmd_queue_show(struct ctl *c, char **argv)
{
	char	path[64];

	snprintf(path, sizeof(path), "/v1/outbox/%lld", ctl_row_id(argv[0]));
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, path, NULL),
	    ctl_table);
}

/* queue hold|release|retry ID, queue cancel ID REASON (audited) */
int
cmd_queue_op(struct ctl *c, char **argv)
{
	json_t	*body = json_object();
	char	 path[96];

	snprintf(path, sizeof(path), "/v1/outbox/%lld/%s",
	    ctl_row_id(argv[0]), ctl_cur->op);
	if (argv[1] != NULL) {
		if (strlen(ctl_text("REASON", argv[1])) > 256 ||
		    strchr(argv[1], '\n') != NULL ||
		    strchr(argv[1], '\t') != NULL)
			ctl_die(CTL_USAGE, "REASON: one line of at most 256 "
			    "bytes");
		json_object_set_new(body, "reason", ctl_jstr("REASON",
		    argv[1]));
	}
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_POST, path, body),
	    ctl_table);
}
