/*
 * hotlinectl's alert commands: the safety screen's alerts.
 */
#include "compat.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "ctl.h"

static void	 ctl_alert_table(json_t *);
static void	 ctl_alert_path(char *, size_t, const char *, const char *);

static void
ctl_alert_table(json_t *o)
{
	static const char *const keys[] = { "id", "raised_at", "verdict",
	    "channel", "msisdn", "case", "refusal", "logs", "open", "word" };
	static const char *const heads[] = { "ID", "RAISED", "VERDICT",
	    "CHANNEL", "NUMBER", "CASE", "REFUSAL", "LOGGED", "OPEN", "WORD" };

	ctl_columns(json_object_get(o, "alerts"), keys, heads, nitems(keys));
}

/* alert list [--all]: open alerts (--all: acknowledged ones too) */
int
cmd_alert_list(struct ctl *c, char **argv)
{
	const char	*path = "/v1/alerts";

	if (argv[0] != NULL) {
		if (strcmp(argv[0], "--all") != 0)
			ctl_die(CTL_USAGE, "alert list: unknown option");
		path = "/v1/alerts?all=1";
	}
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, path, NULL),
	    ctl_alert_table);
}

/* The path of alert ID (digits only) with tail. */
static void
ctl_alert_path(char *buf, size_t len, const char *id, const char *tail)
{
	const char	*errstr;
	long long	 n;

	n = strtonum(id, 1, LLONG_MAX, &errstr);
	if (errstr != NULL)
		ctl_die(CTL_USAGE, "ID: an alert number");
	snprintf(buf, len, "/v1/alerts/%lld%s", n, tail);
}

/* alert show ID */
int
cmd_alert_show(struct ctl *c, char **argv)
{
	char	path[64];

	ctl_alert_path(path, sizeof(path), argv[0], "");
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, path, NULL),
	    ctl_table);
}

/* alert ack ID NOTE: who called back and what was done */
int
cmd_alert_ack(struct ctl *c, char **argv)
{
	json_t	*body = json_object();
	char	 path[64];

	ctl_alert_path(path, sizeof(path), argv[0], "/ack");
	json_object_set_new(body, "note", ctl_jstr("NOTE", argv[1]));
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_POST, path, body),
	    ctl_table);
}

/* alert citizen ID REASON: the number to call back (audited) */
int
cmd_alert_citizen(struct ctl *c, char **argv)
{
	char	path[64];

	ctl_reason(argv[1]);
	ctl_alert_path(path, sizeof(path), argv[0], "/citizen");
	return ctl_get_reason(c, path, argv[1]);
}
