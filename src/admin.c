/*
 * The admin API server: evhttp on the configured address (127.0.0.1 by
 * default, TLS when asked), bearer tokens, one routes[] table, JSON in and
 * out through jansson, one log line per request.  The handler contract is
 * in admin.h; the routes and error codes are documented in hotlinectl(8).
 */
#include "compat.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/stat.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "admin_int.h"
#include "calendar.h"
#include "commit.h"
#include "config.h"
#include "errfmt.h"
#include "hooks.h"
#include "httpd.h"
#include "lifecycle.h"
#include "log.h"
#include "stats.h"
#include "store.h"
#include "tokens.h"
#include "util.h"

#define ADMIN_METHODS	(EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | \
	EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | \
	EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH)

static void	 admin_dispatch(struct evhttp_request *, void *);
static int	 admin_route(struct admin_req *, int, const char *);
static int	 admin_auth(struct admin_req *);
static int	 admin_body(struct admin_req *);
static void	 admin_send(struct admin_req *, int);
static void	 admin_committed(void *, int);
static void	 admin_held_gone(void *);
static char	*admin_decode(const char *, size_t);
static const char *admin_strmethod(int);
static struct bufferevent *admin_bevcb(struct event_base *, void *);
static SSL_CTX	*admin_tls_ctx(const struct conf_admin *, char *, size_t);
static int	 admin_shutdown_hook(void *);
static int	 admin_reload_hook(void *);
static void	 admin_exit_hook(void *);

/*
 * The API.  GET /v1/health needs no token so that monitoring can probe
 * it; it says ok, degraded or failing, with reasons that name nothing
 * private.  Everything else needs a token whose role is in the route's
 * roles.  Each group's handlers live in the file its comment names;
 * admin_obs.c's routes follow the table.
 */
static const struct admin_route routes[] = {
	/* the office's figures (admin_stats.c) */
	{ EVHTTP_REQ_GET, "/v1/stats", TOKEN_OFFICE | TOKEN_AUDITOR,
	    ADMIN_F_QUERY, admin_stats },
	{ EVHTTP_REQ_GET, "/v1/stats/units", TOKEN_OFFICE | TOKEN_AUDITOR,
	    ADMIN_F_QUERY, admin_stats_units },
	{ EVHTTP_REQ_GET, "/v1/stats/lists", TOKEN_OFFICE | TOKEN_AUDITOR,
	    ADMIN_F_QUERY, admin_stats_lists },
	{ EVHTTP_REQ_GET, "/v1/stats/flags", TOKEN_OFFICE | TOKEN_AUDITOR,
	    ADMIN_F_QUERY, admin_stats_flags },
	{ EVHTTP_REQ_GET, "/v1/publish", TOKEN_OFFICE, ADMIN_F_QUERY,
	    admin_publish },
	/* the daemon itself (admin_status.c) */
	/* extension requests, what is published (admin_ext.c) */
	{ EVHTTP_REQ_POST, "/v1/cases/:number/extension-request", TOKEN_OFFICE |
	    TOKEN_UNIT, ADMIN_F_BODY, admin_ext_request },
	{ EVHTTP_REQ_GET, "/v1/extensions", TOKEN_ANY, ADMIN_F_QUERY,
	    admin_ext_list },
	{ EVHTTP_REQ_GET, "/v1/extensions/:id", TOKEN_ANY, 0, admin_ext_show },
	{ EVHTTP_REQ_POST, "/v1/extensions/:id/approve", TOKEN_OFFICE,
	    ADMIN_F_BODY, admin_ext_decide },
	{ EVHTTP_REQ_POST, "/v1/extensions/:id/refuse", TOKEN_OFFICE,
	    ADMIN_F_BODY, admin_ext_decide },
	{ EVHTTP_REQ_POST, "/v1/cases/:number/confidential", TOKEN_OFFICE,
	    ADMIN_F_BODY, admin_ext_disclose },
	{ EVHTTP_REQ_POST, "/v1/cases/:number/nopublish", TOKEN_OFFICE,
	    ADMIN_F_BODY, admin_ext_disclose },
	{ EVHTTP_REQ_GET, "/v1/health", 0, 0, admin_health },
	{ EVHTTP_REQ_GET, "/v1/status", TOKEN_ANY, 0, admin_status },
	{ EVHTTP_REQ_GET, "/v1/log-level", TOKEN_OFFICE | TOKEN_AUDITOR, 0,
	    admin_loglevel_get },
	{ EVHTTP_REQ_PUT, "/v1/log-level", TOKEN_OFFICE, ADMIN_F_BODY,
	    admin_loglevel_put },
	{ EVHTTP_REQ_POST, "/v1/log/reopen", TOKEN_OFFICE, 0,
	    admin_log_reopen },
	{ EVHTTP_REQ_GET, "/v1/db/check", TOKEN_OFFICE | TOKEN_AUDITOR,
	    ADMIN_F_QUERY, admin_db_check },
	/* cases and their operations (admin_case.c) */
	{ EVHTTP_REQ_GET, "/v1/cases", TOKEN_ANY, ADMIN_F_QUERY,
	    admin_case_list },
	{ EVHTTP_REQ_POST, "/v1/cases", TOKEN_OFFICE, ADMIN_F_BODY,
	    admin_case_import },
	{ EVHTTP_REQ_GET, "/v1/cases/:number", TOKEN_ANY, 0,
	    admin_case_show },
	{ EVHTTP_REQ_GET, "/v1/cases/:number/citizen", TOKEN_OFFICE |
	    TOKEN_UNIT, ADMIN_F_QUERY, admin_case_citizen },
	{ EVHTTP_REQ_POST, "/v1/cases/:number/answer", TOKEN_OFFICE,
	    ADMIN_F_BODY, admin_case_transition },
	{ EVHTTP_REQ_POST, "/v1/cases/:number/approval", TOKEN_OFFICE,
	    ADMIN_F_BODY, admin_case_transition },
	{ EVHTTP_REQ_POST, "/v1/cases/:number/dispatch", TOKEN_OFFICE,
	    ADMIN_F_BODY, admin_case_transition },
	{ EVHTTP_REQ_POST, "/v1/cases/:number/return", TOKEN_OFFICE |
	    TOKEN_UNIT, ADMIN_F_BODY, admin_case_transition },
	{ EVHTTP_REQ_POST, "/v1/cases/:number/extend", TOKEN_OFFICE |
	    TOKEN_UNIT, ADMIN_F_BODY, admin_case_transition },
	{ EVHTTP_REQ_POST, "/v1/cases/:number/supervise", TOKEN_OFFICE,
	    ADMIN_F_BODY, admin_case_transition },
	{ EVHTTP_REQ_POST, "/v1/cases/:number/close", TOKEN_OFFICE,
	    ADMIN_F_BODY, admin_case_transition },
	{ EVHTTP_REQ_POST, "/v1/cases/:number/reopen", TOKEN_OFFICE,
	    ADMIN_F_BODY, admin_case_transition },
	{ EVHTTP_REQ_POST, "/v1/cases/:number/reply", TOKEN_OFFICE |
	    TOKEN_UNIT, ADMIN_F_BODY, admin_case_transition },
	{ EVHTTP_REQ_POST, "/v1/cases/:number/note", TOKEN_OFFICE |
	    TOKEN_UNIT, ADMIN_F_BODY, admin_case_transition },
	{ EVHTTP_REQ_POST, "/v1/cases/:number/classify", TOKEN_OFFICE,
	    ADMIN_F_BODY, admin_case_transition },
	/* what the office classifies (admin_queue.c) */
	{ EVHTTP_REQ_GET, "/v1/queue", TOKEN_OFFICE | TOKEN_AUDITOR,
	    ADMIN_F_QUERY, admin_queue },
	{ EVHTTP_REQ_GET, "/v1/labels", TOKEN_OFFICE | TOKEN_AUDITOR,
	    ADMIN_F_QUERY, admin_labels },
	/* units (admin_unit.c), the knowledge base (admin_kb.c) */
	{ EVHTTP_REQ_POST, "/v1/units", TOKEN_OFFICE, ADMIN_F_BODY,
	    admin_unit_add },
	{ EVHTTP_REQ_GET, "/v1/units", TOKEN_ANY, 0, admin_unit_list },
	/* the units' contacts and webhooks (admin_notice.c) */
	{ EVHTTP_REQ_POST, "/v1/contacts", TOKEN_OFFICE, ADMIN_F_BODY,
	    admin_contact_add },
	{ EVHTTP_REQ_GET, "/v1/contacts", TOKEN_OFFICE | TOKEN_AUDITOR,
	    ADMIN_F_QUERY, admin_contact_list },
	{ EVHTTP_REQ_DELETE, "/v1/contacts/:id", TOKEN_OFFICE, 0,
	    admin_contact_remove },
	{ EVHTTP_REQ_PUT, "/v1/units/:code/webhook", TOKEN_OFFICE,
	    ADMIN_F_BODY, admin_webhook_set },
	{ EVHTTP_REQ_DELETE, "/v1/units/:code/webhook", TOKEN_OFFICE, 0,
	    admin_webhook_remove },
	{ EVHTTP_REQ_GET, "/v1/webhooks", TOKEN_OFFICE | TOKEN_AUDITOR,
	    ADMIN_F_QUERY, admin_webhook_list },
	{ EVHTTP_REQ_POST, "/v1/kb", TOKEN_OFFICE, ADMIN_F_BODY,
	    admin_kb_add },
	{ EVHTTP_REQ_PUT, "/v1/kb/:id", TOKEN_OFFICE, ADMIN_F_BODY,
	    admin_kb_update },
	{ EVHTTP_REQ_GET, "/v1/kb", TOKEN_ANY, ADMIN_F_QUERY, admin_kb_list },
	/* the safety screen's alerts (admin_alert.c) */
	{ EVHTTP_REQ_GET, "/v1/alerts", TOKEN_OFFICE | TOKEN_AUDITOR,
	    ADMIN_F_QUERY, admin_alert_list },
	{ EVHTTP_REQ_GET, "/v1/alerts/:id", TOKEN_OFFICE | TOKEN_AUDITOR, 0,
	    admin_alert_show },
	{ EVHTTP_REQ_POST, "/v1/alerts/:id/ack", TOKEN_OFFICE, ADMIN_F_BODY,
	    admin_alert_ack },
	{ EVHTTP_REQ_GET, "/v1/alerts/:id/citizen", TOKEN_OFFICE,
	    ADMIN_F_QUERY, admin_alert_citizen },
	/* keep the data (admin_data.c) */
	{ EVHTTP_REQ_GET, "/v1/audit/verify", TOKEN_OFFICE | TOKEN_AUDITOR, 0,
	    admin_audit_verify },
	{ EVHTTP_REQ_POST, "/v1/backup", TOKEN_OFFICE, ADMIN_F_BODY,
	    admin_backup },
	{ EVHTTP_REQ_POST, "/v1/retention", TOKEN_OFFICE, ADMIN_F_BODY,
	    admin_retention },
};

static struct {
	struct evhttp		*http;
	struct httpd		*guard;		/* caps, deadline, accept errors */
	SSL_CTX			*ctx;
	struct tokens		*tokens;
	char			*tokens_path;
	struct store		*store;		/* borrowed */
	size_t			 max_body;
	uint64_t		 started;	/* clock_now_ms() */
	int			 hooked;
	size_t			 deferred;	/* replies waiting on a commit */
} admin;

/* --- the framework ------------------------------------------------------ */

int
admin_match(const char *pattern, const char *path,
    char param[][ADMIN_PARAM_LEN], size_t *nparam)
{
	const char	*p = pattern, *s = path;
	size_t		 plen, slen;

	*nparam = 0;
	for (;;) {
		if (*p != '/' || *s != '/')
			return 0;
		p++;
		s++;
		plen = strcspn(p, "/");
		slen = strcspn(s, "/");
		if (*p == ':') {
			if (slen == 0 || slen >= ADMIN_PARAM_LEN ||
			    *nparam >= ADMIN_PARAMS_MAX)
				return 0;
			memcpy(param[*nparam], s, slen);
			param[*nparam][slen] = '\0';
			(*nparam)++;
		} else if (plen != slen || memcmp(p, s, plen) != 0)
			return 0;
		p += plen;
		s += slen;
		if (*p == '\0' && *s == '\0')
			return 1;
	}
}

int
admin_json_depth_ok(const char *buf, size_t len, int max)
{
	size_t	i;
	int	depth = 0, instr = 0, esc = 0;

	for (i = 0; i < len; i++) {
		if (instr) {
			if (esc)
				esc = 0;
			else if (buf[i] == '\\')
				esc = 1;
			else if (buf[i] == '"')
				instr = 0;
			continue;
		}
		switch (buf[i]) {
		case '"':
			instr = 1;
			break;
		case '[':
		case '{':
			if (++depth > max)
				return 0;
			break;
		case ']':
		case '}':
			depth--;
			break;
		}
	}
	return 1;
}

const char *
admin_bearer(const char *h, size_t *lenp)
{
	size_t	len;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	h += strspn(h, " ");
	len = strcspn(h, " \t\r\n");
	if (len == 0 || len > TOKEN_SECRET_MAX || h[len + strspn(h + len,
	    " \t")] != '\0')
		return NULL;
	*lenp = len;
	return h;
}

int
admin_error(struct admin_req *r, int status, const char *code,
    const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[512];
	json_t	*args;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* "%s" of a lower module's errfmt_note(): its format and args */
	va_start(ap, fmt);
	args = strcmp(fmt, "%s") == 0 ? errfmt_noted(va_arg(ap, const char *),
	    &fmt) : NULL;
	va_end(ap);
	if (args == NULL) {
		va_start(ap, fmt);
		args = errfmt_args(fmt, ap);
		va_end(ap);
	}
	json_decref(r->reply);
	/* the format and args for a client that translates (errfmt.h) */
	if (args != NULL)
		r->reply = json_pack("{s:{s:s,s:s,s:s,s:o}}", "error", "code",
		    code, "message", msg, "format", fmt, "args", args);
	else
		r->reply = json_pack("{s:{s:s,s:s}}", "error", "code", code,
		    "message", msg);
	return status;
}

void
admin_log_case(struct admin_req *r, const char *number)
{
	strlcpy(r->case_number, number, sizeof(r->case_number));
}

int
admin_case_visible(const struct admin_req *r, const struct store_case *c)
{
	if (r->token == NULL)
		return 0;
	if (r->token->role & (TOKEN_OFFICE | TOKEN_AUDITOR))
		return 1;
	/* a unit sees the cases dispatched to it now (Art. 10, 11) */
	if (r->token->role != TOKEN_UNIT || r->store == NULL)
		return 0;
	return lifecycle_can_see(r->store, c->id, r->token->unit) == 1;
}

int
admin_defer(struct admin_req *r, int status)
{
	struct admin_req	*d;

	d = xmalloc(sizeof(*d));
	*d = *r;
	d->status = status;		/* kept until the commit */
	d->query = NULL;
	r->reply = NULL;
	r->body = NULL;
	admin.deferred++;
	commit_after(commit_default(), admin_committed, d);
	return ADMIN_DEFERRED;
}

/* The batch holding a deferred request's writes has ended. */
static void
admin_committed(void *arg, int ok)
{
	struct admin_req	*d = arg;
	int			 status = d->status;

	admin.deferred--;
	if (!ok)
		status = admin_error(d, 503, "unavailable", "the change was "
		    "not stored (database error); nothing happened, retry");
	admin_send(d, status);
	free(d);
}

/* Percent-decode len bytes of p (+ as space); NULL for a NUL inside. */
static char *
admin_decode(const char *p, size_t len)
{
	char	*t, *d;
	size_t	 n = 0;

	t = xstrndup(p, len);
	d = evhttp_uridecode(t, 1, &n);
	free(t);
	if (d != NULL && strlen(d) != n) {
		free(d);
		d = NULL;
	}
	return d;
}

int
admin_query(struct admin_req *r, const char *const *allowed,
    struct admin_qparam *out, size_t max)
{
	const char	*p, *amp, *eq;
	char		*k, *v;
	size_t		 n = 0, i, klen;

	if (r->query == NULL || *r->query == '\0')
		return 0;
	for (p = r->query; *p != '\0'; p = *amp ? amp + 1 : amp) {
		amp = p + strcspn(p, "&");
		if (amp == p)
			continue;
		eq = memchr(p, '=', (size_t)(amp - p));
		klen = eq != NULL ? (size_t)(eq - p) : (size_t)(amp - p);
		k = admin_decode(p, klen);
		v = admin_decode(eq != NULL ? eq + 1 : amp, eq != NULL ?
		    (size_t)(amp - eq - 1) : 0);
		if (k == NULL || v == NULL)
			goto bad;
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(k, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL) {
			admin_error(r, 400, "bad_request", "unknown query "
			    "parameter (%s takes: see hotlinectl(8))",
			    r->route->pattern);
			goto fail;
		}
		for (i = 0; i < n; i++)
			if (strcmp(out[i].key, k) == 0) {
				admin_error(r, 400, "bad_request", "query "
				    "parameter %s given twice", k);
				goto fail;
			}
		if (n >= max) {
			admin_error(r, 400, "bad_request", "too many query "
			    "parameters");
			goto fail;
		}
		if (strlen(v) > 256 || strcspn(v, "\x01\x02\x03\x04\x05\x06"
		    "\x07\x08\t\n\v\f\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16"
		    "\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f") != strlen(v)) {
			admin_error(r, 400, "bad_request", "query parameter "
			    "%s: too long or control characters", k);
			goto fail;
		}
		out[n].key = k;
		out[n].value = v;
		n++;
		continue;
bad:
		admin_error(r, 400, "bad_request", "malformed query string");
fail:
		free(k);
		free(v);
		admin_query_free(out, n);
		return -1;
	}
	return (int)n;
}

void
admin_query_free(struct admin_qparam *q, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(q[i].key);
		free(q[i].value);
		q[i].key = q[i].value = NULL;
	}
}

static const char *
admin_strmethod(int m)
{
	switch (m) {
	case EVHTTP_REQ_GET:		return "GET";
	case EVHTTP_REQ_POST:		return "POST";
	case EVHTTP_REQ_HEAD:		return "HEAD";
	case EVHTTP_REQ_PUT:		return "PUT";
	case EVHTTP_REQ_DELETE:		return "DELETE";
	case EVHTTP_REQ_OPTIONS:	return "OPTIONS";
	case EVHTTP_REQ_TRACE:		return "TRACE";
	case EVHTTP_REQ_CONNECT:	return "CONNECT";
	case EVHTTP_REQ_PATCH:		return "PATCH";
	default:			return "?";
	}
}

/* Find the route of (method, path); a status when there is none. */
static int
admin_route(struct admin_req *r, int method, const char *path)
{
	const struct admin_route *rt;
	char	 allow[64];
	size_t	 i;
	int	 matched = 0;

	allow[0] = '\0';
	if (strlen(path) > ADMIN_PATH_MAX)
		return admin_error(r, 404, "not_found", "no such route");
	for (i = 0; i < nitems(routes) + admin_obs_nroutes; i++) {
		/* admin_obs.c's routes follow the table above */
		rt = i < nitems(routes) ? &routes[i] :
		    &admin_obs_routes[i - nitems(routes)];
		if (!admin_match(rt->pattern, path, r->param, &r->nparam))
			continue;
		if (!matched)
			r->route = rt;	/* for the log line */
		matched = 1;
		if (rt->method == method) {
			r->route = rt;
			return 0;
		}
		if (allow[0] != '\0')
			strlcat(allow, ", ", sizeof(allow));
		strlcat(allow, admin_strmethod(rt->method), sizeof(allow));
	}
	if (!matched)
		return admin_error(r, 404, "not_found", "no such route");
	evhttp_add_header(evhttp_request_get_output_headers(r->req), "Allow",
	    allow);
	return admin_error(r, 405, "method_not_allowed", "%s takes %s",
	    r->route->pattern, allow);
}

/* The token and its role; 0, or a status. */
static int
admin_auth(struct admin_req *r)
{
	const char	*h, *secret;
	size_t		 len;

	if (r->route->roles == 0 || ((r->route->flags & ADMIN_F_METRICS) &&
	    admin_obs_metrics_open()))
		return 0;
	h = evhttp_find_header(evhttp_request_get_input_headers(r->req),
	    "Authorization");
	if (h == NULL && (r->route->flags & ADMIN_F_BROWSER) &&
	    (secret = admin_obs_browser_token(r, &len)) != NULL)
		r->token = tokens_find(admin.tokens, secret, len);
	else if ((secret = admin_bearer(h, &len)) != NULL)
		r->token = tokens_find(admin.tokens, secret, len);
	if (r->token == NULL) {
		evhttp_add_header(evhttp_request_get_output_headers(r->req),
		    "WWW-Authenticate", "Bearer realm=\"hotlined\"");
		/* two calls: each format a literal, a msgid (po/) */
		if (h == NULL)
			return admin_error(r, 401, "unauthorized", "an "
			    "Authorization: Bearer token is required");
		return admin_error(r, 401, "unauthorized", "unknown or "
		    "malformed token");
	}
	if ((r->token->role & r->route->roles) == 0)
		return admin_error(r, 403, "forbidden", "role %s may not %s %s",
		    tokens_strrole(r->token->role),
		    admin_strmethod(r->route->method), r->route->pattern);
	return 0;
}

/* Size, then nesting, then syntax, then "an object"; 0, or a status. */
static int
admin_body(struct admin_req *r)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(r->req);
	json_error_t	 jerr;
	const char	*ct;
	size_t		 len = evbuffer_get_length(in);
	char		*buf;

	if (len > admin.max_body)
		return admin_error(r, 413, "too_large", "request body larger "
		    "than %zu bytes", admin.max_body);
	if (!(r->route->flags & ADMIN_F_BODY))
		return 0;		/* a body where none is expected: ignored */
	ct = evhttp_find_header(evhttp_request_get_input_headers(r->req),
	    "Content-Type");
	if (ct != NULL && !httpd_media_is(ct, "application/json"))
		return admin_error(r, 400, "bad_request", "Content-Type must "
		    "be application/json");
	if (len == 0)
		return admin_error(r, 400, "bad_request", "a JSON object body "
		    "is required");
	if ((buf = (char *)evbuffer_pullup(in, -1)) == NULL)
		return admin_error(r, 500, "internal", "cannot read the body");
	if (!admin_json_depth_ok(buf, len, ADMIN_JSON_DEPTH))
		return admin_error(r, 400, "bad_request", "JSON nested deeper "
		    "than %d levels", ADMIN_JSON_DEPTH);
	/* jansson refuses invalid UTF-8 and NUL bytes */
	r->body = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (r->body == NULL)
		return admin_error(r, 400, "bad_request", "malformed JSON at "
		    "line %d column %d", jerr.line, jerr.column);
	if (!json_is_object(r->body))
		return admin_error(r, 400, "bad_request", "the body must be a "
		    "JSON object");
	return 0;
}

void
admin_finish(struct admin_req *r, int status)
{
	admin_send(r, status);
}

struct admin_req *
admin_hold(struct admin_req *r)
{
	struct admin_req	*d;

	d = xmalloc(sizeof(*d));
	*d = *r;
	d->query = NULL;
	d->body = NULL;
	d->token = NULL;	/* a SIGHUP may reload the tokens meanwhile */
	/*
	 * A client that hangs up meanwhile takes its request with it, and
	 * we must hear of it: an answer to a request evhttp has freed
	 * would write to freed memory.  httpd_on_close() fails only for a
	 * request on no connection httpd watches (none today: both
	 * listeners are guarded, and a connection is in its guard's list
	 * before its first byte is read); such a request is not held but
	 * answered at once, 503, and the handler starts nothing.
	 */
	if (httpd_on_close(d->req, admin_held_gone, d) == -1) {
		free(d);
		log_warnx("admin route=%s: cannot watch the request's "
		    "connection, not held", r->route != NULL ?
		    r->route->pattern : "-");
		admin_error(r, 503, "unavailable", "the request cannot be "
		    "held until its work is done; retry");
		return NULL;
	}
	json_decref(r->body);	/* the framework does not free a held r */
	r->body = NULL;
	r->reply = NULL;
	return d;
}

/* The connection of a held request closed: its request is gone. */
static void
admin_held_gone(void *arg)
{
	struct admin_req	*d = arg;

	d->req = NULL;
}

void
admin_release(struct admin_req *d, int status)
{
	if (d->req != NULL) {
		/*
		 * -1 here (the connection is no longer in its guard's
		 * list) is harmless: httpd_closed() took it out and has
		 * called admin_held_gone() already, or httpd_free() did,
		 * and admin_stop() releases every held request before it.
		 */
		(void)httpd_on_close(d->req, NULL, NULL);
		admin_finish(d, status);
	} else
		json_decref(d->reply);
	free(d);
}

/* Send r->reply with status, log the request, free what r holds. */
static void
admin_send(struct admin_req *r, int status)
{
	struct evkeyvalq	*oh = evhttp_request_get_output_headers(r->req);
	struct evbuffer		*out;
	char			*s;

	if (r->raw != NULL && status >= 200 && status < 300) {
		evhttp_add_header(oh, "Content-Type", r->raw_type);
		evhttp_add_header(oh, "Cache-Control", "no-store");
		evhttp_send_reply(r->req, status, NULL, r->raw);
		s = NULL;
		goto sent;
	}
	if (r->reply == NULL)
		r->reply = json_object();
	if (r->reply == NULL || (s = json_dumps(r->reply, JSON_COMPACT)) ==
	    NULL) {
		s = xstrdup("{\"error\":{\"code\":\"internal\",\"message\":"
		    "\"cannot encode the reply\"}}");
		status = 500;
	}
	evhttp_add_header(oh, "Content-Type", "application/json");
	evhttp_add_header(oh, "Cache-Control", "no-store");
	if ((out = evbuffer_new()) != NULL) {
		evbuffer_add_printf(out, "%s\n", s);
		evhttp_send_reply(r->req, status, NULL, out);
		evbuffer_free(out);
	} else
		evhttp_send_error(r->req, 500, NULL);
sent:
	free(s);
	log_info("admin request token=%s method=%s route=%s status=%d%s%s "
	    "ms=%llu", r->token != NULL ? r->token->name : "-",
	    admin_strmethod(evhttp_request_get_command(r->req)),
	    r->route != NULL ? r->route->pattern : "-", status,
	    r->case_number[0] != '\0' ? " case=" : "", r->case_number,
	    (unsigned long long)(clock_mono_ms() - r->t0));
	json_decref(r->reply);
	json_decref(r->body);
	if (r->raw != NULL)
		evbuffer_free(r->raw);
	r->raw = NULL;
}

static void
admin_dispatch(struct evhttp_request *req, void *arg)
{
	struct admin_req	 r;
	const struct evhttp_uri	*uri;
	const char		*path;
	int			 status;

	httpd_dispatched(admin.guard, req);
	memset(&r, 0, sizeof(r));
	r.req = req;
	r.store = admin.store;
	r.t0 = clock_mono_ms();
	uri = evhttp_request_get_evhttp_uri(req);
	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (path == NULL || *path == '\0')
		status = admin_error(&r, 404, "not_found", "no such route");
	else if ((status = admin_route(&r, evhttp_request_get_command(req),
	    path)) != 0)
		;
	else if ((status = admin_auth(&r)) != 0)
		;
	else if (evhttp_uri_get_query(uri) != NULL &&
	    !(r.route->flags & ADMIN_F_QUERY))
		status = admin_error(&r, 400, "bad_request", "%s takes no "
		    "query parameters", r.route->pattern);
	else if ((status = admin_body(&r)) != 0)
		;
	else {
		log_debug("admin dispatch route=%s token=%s role=%s",
		    r.route->pattern, r.token != NULL ? r.token->name : "-",
		    r.token != NULL ? tokens_strrole(r.token->role) : "-");
		r.query = evhttp_uri_get_query(uri);
		status = r.route->handler(&r);
		/* a writing handler's unit: kept if it deferred, else undone */
		commit_unit_end(commit_default(), status == ADMIN_DEFERRED);
		if (status == ADMIN_DEFERRED)
			return;		/* admin_committed() answers */
	}
	admin_send(&r, status);
}

/* --- TLS ---------------------------------------------------------------- */

static SSL_CTX *
admin_tls_ctx(const struct conf_admin *c, char *err, size_t errlen)
{
	SSL_CTX		*ctx;
	unsigned long	 e;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		goto fail;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
	if (SSL_CTX_use_certificate_chain_file(ctx, c->tls_cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, c->tls_key, SSL_FILETYPE_PEM) != 1
	    || SSL_CTX_check_private_key(ctx) != 1)
		goto fail;
	return ctx;
fail:
	e = ERR_get_error();
	snprintf(err, errlen, "admin tls-cert %s / tls-key %s: %s",
	    c->tls_cert, c->tls_key, e ? ERR_reason_error_string(e) :
	    "cannot set up TLS");
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return NULL;
}

static struct bufferevent *
admin_bevcb(struct event_base *base, void *arg)
{
	SSL	*ssl;

	if ((ssl = SSL_new(admin.ctx)) == NULL)
		return NULL;
	return bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
}

/* --- life --------------------------------------------------------------- */

int
admin_start(struct event_base *base, const struct conf_admin *c,
    struct store *store, char *err, size_t errlen)
{
	struct conf_errors	 errs;
	struct evhttp_bound_socket *sock;
	struct stat		 st;

	admin_stop();			/* a second start replaces the first */
	admin.store = store;
	admin.started = clock_now_ms();
	if (stat(c->tokens_file, &st) == -1 && errno == ENOENT) {
		log_info("admin off: no tokens-file path=%s", c->tokens_file);
		return 0;
	}
	memset(&errs, 0, sizeof(errs));
	if ((admin.tokens = tokens_load(c->tokens_file, &errs)) == NULL) {
		snprintf(err, errlen, "admin %.*s", (int)strcspn(errs.buf,
		    "\n"), errs.buf);
		conf_errors_free(&errs);
		return -1;
	}
	admin.tokens_path = xstrdup(c->tokens_file);
	admin.max_body = c->max_body;
	admin_obs_conf(c);
	if (c->tls && (admin.ctx = admin_tls_ctx(c, err, errlen)) == NULL)
		goto fail;
	if ((admin.http = evhttp_new(base)) == NULL) {
		snprintf(err, errlen, "admin evhttp_new failed");
		goto fail;
	}
	evhttp_set_allowed_methods(admin.http, ADMIN_METHODS);
	evhttp_set_max_headers_size(admin.http, ADMIN_HEADERS_MAX);
	/* up to twice max-body reaches admin_body() for a JSON 413 */
	evhttp_set_max_body_size(admin.http, (ev_ssize_t)c->max_body * 2);
	evhttp_set_timeout(admin.http, ADMIN_TIMEOUT);
	evhttp_set_flags(admin.http, EVHTTP_SERVER_LINGERING_CLOSE);
	evhttp_set_gencb(admin.http, admin_dispatch, NULL);
	if ((sock = evhttp_bind_socket_with_handle(admin.http, c->listen,
	    (ev_uint16_t)c->port)) == NULL) {
		snprintf(err, errlen, "admin cannot listen on %s port %d: %s",
		    c->listen, c->port, strerror(errno));
		goto fail;
	}
	if ((admin.guard = httpd_guard(base, admin.http, sock, "admin",
	    c->max_conns, c->request_timeout, ADMIN_HEADERS_MAX,
	    admin.ctx != NULL ? admin_bevcb : NULL, NULL)) == NULL) {
		snprintf(err, errlen, "admin cannot guard its listener");
		goto fail;
	}
	if (admin.ctx == NULL && !httpd_is_loopback(c->listen))
		log_warnx("admin listening on %s without TLS: tokens and "
		    "citizens' numbers cross the network in clear text; set "
		    "tls yes with tls-cert and tls-key, or listen on loopback",
		    c->listen);
	if (!admin.hooked) {
		hook_on_reload("admin-tokens", admin_reload_hook, NULL);
		hook_on_shutdown("admin", admin_shutdown_hook, NULL);
		hook_on_exit("admin", admin_exit_hook, NULL);
		admin.hooked = 1;
	}
	log_info("admin listening addr=%s port=%d tls=%s tokens=%zu",
	    c->listen, c->port, admin.ctx != NULL ? "yes" : "no",
	    admin.tokens->n);
	return 0;
fail:
	admin_stop();
	return -1;
}

uint64_t
admin_started_ms(void)
{
	return admin.started;
}

void
admin_set_store(struct store *store)
{
	admin.store = store;
}

void
admin_stop(void)
{
	/* answer the requests that wait on a commit before freeing them */
	if (admin.deferred > 0)
		commit_flush(commit_default());
	admin_data_stop();
	admin_status_stop();
	if (admin.http != NULL) {
		httpd_unlisten(admin.guard);	/* evhttp_free() frees the listener */
		evhttp_free(admin.http);
		admin.http = NULL;
		log_info("admin stopped");
	}
	httpd_free(admin.guard);	/* after its connections are freed */
	admin.guard = NULL;
	tokens_free(admin.tokens);
	admin.tokens = NULL;
	free(admin.tokens_path);
	admin.tokens_path = NULL;
	SSL_CTX_free(admin.ctx);
	admin.ctx = NULL;
}

int
admin_reload_tokens(void)
{
	struct conf_errors	 errs;
	struct tokens		*t;
	char			*p, *nl;

	if (admin.tokens_path == NULL)
		return 0;
	memset(&errs, 0, sizeof(errs));
	if ((t = tokens_load(admin.tokens_path, &errs)) == NULL) {
		for (p = errs.buf; p != NULL && (nl = strchr(p, '\n')) != NULL;
		    p = nl + 1)
			log_warnx("admin tokens %.*s", (int)(nl - p), p);
		log_warnx("admin tokens reload failed, keeping %zu tokens",
		    admin.tokens->n);
		conf_errors_free(&errs);
		return -1;
	}
	tokens_free(admin.tokens);
	admin.tokens = t;
	log_info("admin tokens reloaded count=%zu", t->n);
	return 0;
}

static int
admin_reload_hook(void *arg)
{
	return admin_reload_tokens();
}

static int
admin_shutdown_hook(void *arg)
{
	admin_stop();
	return 0;
}

static void
admin_exit_hook(void *arg)
{
	admin_stop();
	admin.store = NULL;
}

/* --- helpers the handlers share (admin_int.h) -------------------------- */

/* ms since the epoch as local ISO 8601 with offset, seconds precision. */
const char *
admin_iso(int64_t ms, char *buf, size_t len)
{
	struct tm	tm;
	time_t		t = (time_t)(ms / 1000);
	char		off[8];
	size_t		n;

	if (localtime_r(&t, &tm) == NULL ||
	    (n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm)) == 0 ||
	    strftime(off, sizeof(off), "%z", &tm) != 5) {
		strlcpy(buf, "?", len);
		return buf;
	}
	snprintf(buf + n, len - n, "%.3s:%.2s", off, off + 3);
	return buf;
}

/* 1 when s is a unit code: [A-Za-z0-9_.-]{1,32}. */
int
admin_code_ok(const char *s)
{
	size_t	n = strlen(s);

	return n > 0 && n < STORE_UNIT_CODE_MAX && strspn(s,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	    "_.-") == n;
}

/* 1 when s is text a person wrote: no control characters but \t\r\n. */
static int
admin_text_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t' && *s != '\r' &&
		    *s != '\n') || *s == 0x7f)
			return 0;
	return 1;
}

/* Check r->body against n fields: names, types, presence; 0 or a status. */
int
admin_fields(struct admin_req *r, const struct admin_field *f, size_t n)
{
	const char	*key, *s;
	json_t		*v, *e;
	size_t		 i, j;

	json_object_foreach(r->body, key, v) {
		for (i = 0; i < n; i++)
			if (strcmp(key, f[i].name) == 0)
				break;
		if (i == n)
			return admin_error(r, 400, "bad_request", "unknown "
			    "field \"%.32s\"", key);
		switch (f[i].type) {
		case AF_STR:
			if (!json_is_string(v) || (s = json_string_value(v),
			    strlen(s) == 0) || strlen(s) > LC_TEXT_MAX ||
			    !admin_text_ok(s))
				return admin_error(r, 400, "bad_request",
				    "\"%s\" must be a text of 1 to %d bytes "
				    "without control characters", f[i].name,
				    LC_TEXT_MAX);
			break;
		case AF_INT:
			if (!json_is_integer(v) || json_integer_value(v) < 1 ||
			    json_integer_value(v) > ADMIN_EXTEND_MAX)
				return admin_error(r, 400, "bad_request",
				    "\"%s\" must be an integer from 1 to %d",
				    f[i].name, ADMIN_EXTEND_MAX);
			break;
		case AF_CODE:
			if (!json_is_string(v) ||
			    !admin_code_ok(json_string_value(v)))
				return admin_error(r, 400, "bad_request",
				    "\"%s\" must be a unit code "
				    "([A-Za-z0-9_.-], 1 to 32)", f[i].name);
			break;
		case AF_CODES:
			if (!json_is_array(v) || json_array_size(v) > LC_CO_MAX)
				return admin_error(r, 400, "bad_request",
				    "\"%s\" must be an array of at most %d unit "
				    "codes", f[i].name, LC_CO_MAX);
			json_array_foreach(v, j, e)
				if (!json_is_string(e) ||
				    !admin_code_ok(json_string_value(e)))
					return admin_error(r, 400,
					    "bad_request", "\"%s\"[%zu] is not "
					    "a unit code", f[i].name, j);
			break;
		}
	}
	for (i = 0; i < n; i++)
		if (f[i].required && json_object_get(r->body, f[i].name) ==
		    NULL)
			return admin_error(r, 400, "bad_request", "missing "
			    "field \"%s\"", f[i].name);
	return 0;
}

/* A string field of the body, or NULL. */
const char *
admin_str(struct admin_req *r, const char *name)
{
	return json_string_value(json_object_get(r->body, name));
}

/* Set key to a string, or to null for NULL. */
void
admin_jstr(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, v != NULL ? json_string(v) : json_null());
}

/* Set key to a time, or to null for 0. */
void
admin_jtime(json_t *o, const char *key, int64_t ms)
{
	char	t[64];

	json_object_set_new(o, key, ms > 0 ? json_string(admin_iso(ms, t,
	    sizeof(t))) : json_null());
}

/* Today's local date (the daemon's clock), YYYY-MM-DD. */
void
admin_today(char buf[CAL_DATE_LEN])
{
	int	date, min;

	if (cal_date_local(clock_now(), &date, &min) == -1)
		strlcpy(buf, "1970-01-01", CAL_DATE_LEN);
	else
		cal_date_format(date, buf, CAL_DATE_LEN);
}

/* "0" or "1" into *v; 0 or -1. */
int
admin_bool(const char *s, int *v)
{
	if (strcmp(s, "0") == 0 || strcmp(s, "false") == 0)
		*v = 0;
	else if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0)
		*v = 1;
	else
		return -1;
	return 0;
}

/* Local midnight of a YYYY-MM-DD date plus days, in ms; -1 if bad. */
int64_t
admin_day_ms(const char *s, int days)
{
	int	date;

	if (cal_date_parse(s, &date) == -1 ||
	    (date = cal_date_add(date, days)) == -1)
		return -1;
	return stats_day_ms(date);
}

/* Audit an API change that is no case transition (detail taken); 0, -1. */
int
admin_audit_change(struct admin_req *r, const char *action, json_t *detail)
{
	char	*d;
	int	 rv;

	d = detail != NULL ? json_dumps(detail, JSON_COMPACT) : NULL;
	json_decref(detail);
	if (d == NULL)
		return -1;
	rv = store_audit(r->store, 0, r->token->name, action, d,
	    (int64_t)clock_now_ms());
	free(d);
	return rv;
}
