/*
 * The admin API's routes about the daemon itself: GET /v1/health and
 * /v1/status, the log level and log reopen, and GET /v1/db/check.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "admin_int.h"
#include "calendar.h"
#include "daemon.h"
#include "dbcheck.h"
#include "health.h"
#include "hooks.h"
#include "httpd.h"
#include "log.h"
#include "store.h"
#include "tokens.h"
#include "util.h"

#define ADMIN_STATUS_HOOKS	16

static void	 admin_status_queue(struct admin_req *);
static void	 admin_db_checked(void *, int, const char *);
static void	 admin_db_gone(void *);

static struct {
	const char	*name;
	void		(*fn)(json_t *, void *);
	void		*arg;
} admin_hooks[ADMIN_STATUS_HOOKS];
static size_t	admin_nhooks;

static struct admin_req	*checking;	/* waits on dbcheck */

void
admin_on_status(const char *name, void (*fn)(json_t *, void *), void *arg)
{
	if (admin_nhooks >= nitems(admin_hooks))
		fatalx("admin too many status hooks (%s)", name);
	admin_hooks[admin_nhooks].name = name;
	admin_hooks[admin_nhooks].fn = fn;
	admin_hooks[admin_nhooks].arg = arg;
	admin_nhooks++;
}

void
admin_status_stop(void)
{
	if (checking != NULL) {
		if (checking->req != NULL)
			(void)httpd_on_close(checking->req, NULL, NULL);
		dbcheck_abort();
		json_decref(checking->reply);
		free(checking);
		checking = NULL;
	}
}

int
admin_health(struct admin_req *r)
{
	/* ok, degraded or failing with reasons (health.c, hotlinectl(8)) */
	return health_report(r->store, &r->reply) == HEALTH_FAILING ? 503 :
	    200;
}

/* "unclassified": how many cases wait for a person, the oldest since. */
static void
admin_status_queue(struct admin_req *r)
{
	int64_t	 oldest;
	int	 n;
	json_t	*o;

	if (r->store == NULL || store_queue_stats(r->store, &n, &oldest) ==
	    -1)
		return;
	o = json_object();
	json_object_set_new(o, "waiting", json_integer(n));
	admin_jtime(o, "oldest_received_at", oldest);
	json_object_set_new(o, "oldest_waited_minutes", json_integer(oldest >
	    0 ? cal_work_minutes(calendar_current(), (time_t)(oldest / 1000),
	    clock_now()) : 0));
	json_object_set_new(r->reply, "unclassified", o);
}

int
admin_status(struct admin_req *r)
{
	char	 t[64];
	size_t	 i;

	r->reply = json_pack("{s:s,s:s,s:I,s:s,s:s,s:n}",
	    "version", PACKAGE_VERSION,
	    "started_at", admin_iso((int64_t)admin_started_ms(), t,
	    sizeof(t)),
	    "uptime_s", (json_int_t)((clock_now_ms() - admin_started_ms()) /
	    1000),
	    "log_level", log_strlevel(log_getlevel()),
	    "store", r->store != NULL ? "open" : "unavailable",
	    "smsc_bound");		/* filled by the smpp room's hook */
	if (r->reply == NULL)
		return admin_error(r, 500, "internal", "cannot build status");
	admin_status_queue(r);
	for (i = 0; i < admin_nhooks; i++)
		admin_hooks[i].fn(r->reply, admin_hooks[i].arg);
	httpd_status(r->reply, NULL);
	return 200;
}

int
admin_loglevel_get(struct admin_req *r)
{
	r->reply = json_pack("{s:s}", "level", log_strlevel(log_getlevel()));
	return 200;
}

int
admin_loglevel_put(struct admin_req *r)
{
	json_t		*v;
	const char	*key, *was;
	char		 detail[64];
	int		 level;

	json_object_foreach(r->body, key, v)
		if (strcmp(key, "level") != 0)
			return admin_error(r, 400, "bad_request", "unknown "
			    "field (only \"level\")");
	v = json_object_get(r->body, "level");
	if (!json_is_string(v))
		return admin_error(r, 400, "bad_request", "\"level\" must be a "
		    "string: warn, info, debug or trace");
	if ((level = log_parselevel(json_string_value(v))) == -1)
		return admin_error(r, 400, "bad_request", "unknown level "
		    "(warn, info, debug, trace)");
	was = log_strlevel(log_getlevel());
	/* say it while it is still seen, as SIGUSR2 does */
	log_info("admin log-level level=%s was=%s token=%s",
	    log_strlevel(level), was, r->token->name);
	log_setlevel(level);
	if (r->store != NULL) {
		snprintf(detail, sizeof(detail), "{\"level\":\"%s\","
		    "\"was\":\"%s\"}", log_strlevel(level), was);
		if (store_audit(r->store, 0, r->token->name, "log-level",
		    detail, (int64_t)clock_now_ms()) == -1)
			log_warnx("admin log-level not audited");
	}
	r->reply = json_pack("{s:s,s:s}", "level", log_strlevel(level),
	    "was", was);
	return 200;
}

/* logrotate's postrotate: the log file alone, like SIGUSR1 */
int
admin_log_reopen(struct admin_req *r)
{
	char	by[64];

	snprintf(by, sizeof(by), "admin:%s", r->token->name);
	if (hotlined_log_reopen(by) == -1)
		return admin_error(r, 500, "internal", "cannot reopen the log "
		    "file; the old one stays in use (see the log)");
	r->reply = json_pack("{s:b}", "reopened", 1);
	return 200;
}

/*
 * GET /v1/db/check[?quick=1]: PRAGMA integrity_check (or quick_check) in a
 * child process (dbcheck.h): it reads every page, seconds per GiB, and the
 * loop keeps taking messages meanwhile.  200 with intact and the problems
 * found; 409 while another check runs.
 */
int
admin_db_check(struct admin_req *r)
{
	static const char *const allowed[] = { "quick", NULL };
	struct admin_qparam	 q[1];
	struct admin_req	*d;
	char			 err[256];
	int			 n, full = 1;

	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	if ((n = admin_query(r, allowed, q, nitems(q))) == -1)
		return 400;
	if (n == 1) {
		full = strcmp(q[0].value, "1") != 0;
		if (strcmp(q[0].value, "1") != 0 &&
		    strcmp(q[0].value, "0") != 0) {
			admin_query_free(q, 1);
			return admin_error(r, 400, "bad_request", "quick is 0 "
			    "or 1");
		}
	}
	admin_query_free(q, (size_t)n);
	if (checking != NULL || dbcheck_running() ||
	    admin_data_checking())
		return admin_error(r, 409, "busy", "a database check is "
		    "running already");
	log_info("admin database check token=%s mode=%s", r->token->name,
	    full ? "integrity_check" : "quick_check");
	d = xmalloc(sizeof(*d));
	*d = *r;
	d->query = NULL;
	d->body = NULL;
	d->token = NULL;	/* a SIGHUP may reload the tokens meanwhile */
	if (dbcheck_start(hook_base(), store_path(r->store), full,
	    admin_db_checked, d, err, sizeof(err)) == -1) {
		free(d);
		return admin_error(r, 500, "internal", "%s", err);
	}
	r->reply = NULL;
	checking = d;
	/* a client that hangs up meanwhile takes its request with it */
	(void)httpd_on_close(d->req, admin_db_gone, d);
	return ADMIN_DEFERRED;
}

/* The connection of a held check closed: its request is gone. */
static void
admin_db_gone(void *arg)
{
	struct admin_req	*d = arg;

	if (checking == d)
		d->req = NULL;
}

/* The child's answer: "ok", or one problem a line. */
static void
admin_db_checked(void *arg, int status, const char *out)
{
	struct admin_req	*d = arg;
	json_t			*a;
	const char		*p, *nl;
	int			 code;

	checking = NULL;
	if (d->req == NULL) {
		log_info("admin database check status=%d: the client had "
		    "gone", status);
		free(d);
		return;
	}
	(void)httpd_on_close(d->req, NULL, NULL);
	if (status == 0 || status == 1) {
		a = json_array();
		for (p = out; *p != '\0'; p = nl + (*nl != '\0')) {
			nl = p + strcspn(p, "\n");
			if (nl > p && !(status == 0 && nl - p == 2 &&
			    strncmp(p, "ok", 2) == 0))
				json_array_append_new(a, json_stringn(p,
				    (size_t)(nl - p)));
		}
		if (status == 1)
			log_warnx("admin database check found problems=%zu",
			    json_array_size(a));
		d->reply = json_pack("{s:b,s:o}", "intact", status == 0,
		    "problems", a);
		code = 200;
	} else
		code = admin_error(d, 500, "internal", "the check did not "
		    "finish (status %d): %.200s", status, out);
	admin_finish(d, code);
	free(d);
}
