/*
 * hotlinectl's knowledge base commands.
 */
#include "compat.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "ctl.h"
#include "util.h"

static void	 ctl_kb_table(json_t *);

/* kb add KEYWORDS ANSWER [UNIT] */
int
cmd_kb_add(struct ctl *c, char **argv)
{
	json_t	*body = json_object();

	json_object_set_new(body, "keywords", ctl_jstr("KEYWORDS", argv[0]));
	json_object_set_new(body, "answer", ctl_jstr("ANSWER", argv[1]));
	if (argv[2] != NULL) {
		ctl_check_arg("UNIT", argv[2]);
		json_object_set_new(body, "unit", json_string(argv[2]));
	}
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_POST, "/v1/kb", body),
	    ctl_table);
}

/* kb update ID [--keywords K] [--answer A] [--unit U] */
int
cmd_kb_update(struct ctl *c, char **argv)
{
	json_t		*body = json_object();
	const char	*errstr;
	char		 path[64];
	long long	 id;
	int		 i;

	id = strtonum(argv[0], 1, LLONG_MAX, &errstr);
	if (errstr != NULL)
		ctl_die(CTL_USAGE, "ID: an entry number");
	for (i = 1; argv[i] != NULL; i += 2) {
		if (argv[i + 1] == NULL)
			ctl_die(CTL_USAGE, "%s: missing value",
			    ctl_text("option", argv[i]));
		if (strcmp(argv[i], "--keywords") == 0)
			json_object_set_new(body, "keywords",
			    ctl_jstr("KEYWORDS", argv[i + 1]));
		else if (strcmp(argv[i], "--answer") == 0)
			json_object_set_new(body, "answer", ctl_jstr("ANSWER",
			    argv[i + 1]));
		else if (strcmp(argv[i], "--unit") == 0) {
			ctl_check_arg("UNIT", argv[i + 1]);
			json_object_set_new(body, "unit",
			    json_string(argv[i + 1]));
		} else
			ctl_die(CTL_USAGE, "kb update: unknown option");
	}
	if (json_object_size(body) == 0)
		ctl_die(CTL_USAGE, "kb update: nothing to change (--keywords, "
		    "--answer, --unit)");
	snprintf(path, sizeof(path), "/v1/kb/%lld", id);
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_PUT, path, body),
	    ctl_table);
}

static void
ctl_kb_table(json_t *o)
{
	static const char *const keys[] = { "id", "unit", "updated_at",
	    "stale", "keywords" };
	static const char *const heads[] = { "ID", "UNIT", "UPDATED",
	    "STALE", "KEYWORDS" };

	ctl_columns(json_object_get(o, "entries"), keys, heads, nitems(keys));
}

/* kb list [--stale] [--days N] */
int
cmd_kb_list(struct ctl *c, char **argv)
{
	char	*q = xstrdup(""), *path;
	int	 i;

	for (i = 0; argv[i] != NULL; i++) {
		if (strcmp(argv[i], "--stale") == 0)
			ctl_query_add(&q, "stale", "1");
		else if (strcmp(argv[i], "--days") == 0 && argv[i + 1] != NULL) {
			ctl_check_arg("--days", argv[++i]);
			ctl_query_add(&q, "days", argv[i]);
		} else
			ctl_die(CTL_USAGE, "kb list: [--stale] [--days N]");
	}
	xasprintf(&path, "/v1/kb%s", q);
	free(q);
	i = ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, path, NULL),
	    ctl_kb_table);
	free(path);
	return i;
}
