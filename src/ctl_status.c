/*
 * hotlinectl's status, log and health commands, and the SMSC links
 * (smsc list|stop|start): what the daemon is doing.
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "ctl.h"
#include "log.h"

static void	 ctl_status_table(json_t *);
static void	 ctl_smsc_table(json_t *);

/* Status: nested counters ("outbox": {"sent": 3}) as "outbox-sent  3". */
static void
ctl_status_table(json_t *o)
{
	json_t		*flat, *v, *sv;
	const char	*k, *sk;
	char		 name[128];

	if ((flat = json_object()) == NULL)
		ctl_die(CTL_SERVER, "out of memory");
	json_object_foreach(o, k, v) {
		if (!json_is_object(v)) {
			json_object_set(flat, k, v);
			continue;
		}
		json_object_foreach(v, sk, sv) {
			snprintf(name, sizeof(name), "%s_%s", k, sk);
			json_object_set(flat, name, sv);
		}
	}
	ctl_table(flat);
	json_decref(flat);
}

int
cmd_status(struct ctl *c, char **argv)
{
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, "/v1/status",
	    NULL), ctl_status_table);
}

int
cmd_loglevel(struct ctl *c, char **argv)
{
	json_t	*body, *reply;

	if (argv[0] == NULL)
		return ctl_output(c, ctl_request(c, EVHTTP_REQ_GET,
		    "/v1/log-level", NULL), ctl_table);
	ctl_check_arg("LEVEL", argv[0]);
	if (log_parselevel(argv[0]) == -1)
		ctl_die(CTL_USAGE, "LEVEL must be warn, info, debug or trace");
	body = json_pack("{s:s}", "level", argv[0]);
	reply = ctl_request(c, EVHTTP_REQ_PUT, "/v1/log-level", body);
	return ctl_output(c, reply, ctl_table);
}

int
cmd_log_reopen(struct ctl *c, char **argv)
{
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_POST, "/v1/log/reopen",
	    NULL), ctl_table);
}

/*
 * health: "ok", "degraded" or "failing" and the reasons; exits 0, 1 or 2
 * so that scripts and monitoring can act on it (3: no answer).
 */
int
cmd_health(struct ctl *c, char **argv)
{
	json_t		*reply, *r;
	const char	*st;
	size_t		 i;

	ctl_accept = 503;		/* failing answers 503, with reasons */
	reply = ctl_request(c, EVHTTP_REQ_GET, "/v1/health", NULL);
	st = json_string_value(json_object_get(reply, "status"));
	if (st == NULL)
		ctl_die(CTL_SERVER, "malformed health reply");
	i = strcmp(st, "ok") == 0 ? 0 : strcmp(st, "degraded") == 0 ? 1 : 2;
	if (c->json) {
		json_dumpf(reply, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		printf("%s\n", st);
		json_array_foreach(json_object_get(reply, "reasons"), i, r) {
			printf("  %s %s: ", json_string_value(json_object_get(
			    r, "status")), json_string_value(json_object_get(r,
			    "check")));
			ctl_print_value(json_object_get(r, "message"));
			putchar('\n');
		}
		i = strcmp(st, "ok") == 0 ? 0 : strcmp(st, "degraded") == 0 ?
		    1 : 2;
	}
	json_decref(reply);
	fflush(stdout);
	return (int)i;
}

static void
ctl_smsc_table(json_t *o)
{
	static const char *const keys[] = { "name", "state", "stopped",
	    "binds", "submits", "delivers", "throttled", "throughput" };
	static const char *const heads[] = { "NAME", "STATE", "STOPPED",
	    "BINDS", "SUBMITS", "DELIVERS", "THROTTLED", "LIMIT/S" };

	ctl_columns(json_object_get(o, "smsc"), keys, heads, nitems(keys));
}

int
cmd_smsc_list(struct ctl *c, char **argv)
{
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, "/v1/smsc", NULL),
	    ctl_smsc_table);
}

/* smsc stop|start NAME */
int
cmd_smsc_op(struct ctl *c, char **argv)
{
	char	path[128];

	ctl_check_arg("NAME", argv[0]);
	if (strspn(argv[0], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
	    "WXYZ0123456789_.-") != strlen(argv[0]))
		ctl_die(CTL_USAGE, "NAME: an smsc block's name");
	snprintf(path, sizeof(path), "/v1/smsc/%s/%s", argv[0], ctl_cur->op);
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_POST, path,
	    json_object()), ctl_table);
}
