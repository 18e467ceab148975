/*
 * The admin API server: evhttp on the configured address (127.0.0.1 by
 * default, TLS when asked), bearer tokens, one routes[] table, JSON in and
 * out through jansson, one log line per request.  The handler contract is
 * in admin.h; the routes and error codes are documented in hotlinectl(8).
 */
#include "compat.h"

#include <ctype.h>
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

#include "admin.h"
#include "admin_stats.h"
#include "alert.h"
#include "calendar.h"
#include "category.h"
#include "commit.h"
#include "config.h"
#include "daemon.h"
#include "dbcheck.h"
#include "admin_data.h"
#include "gsm7.h"
#include "hooks.h"
#include "health.h"
#include "httpd.h"
#include "lifecycle.h"
#include "log.h"
#include "stats.h"
#include "store.h"
#include "tokens.h"
#include "util.h"

#define ADMIN_STATUS_HOOKS	16
#define ADMIN_METHODS	(EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | \
	EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | \
	EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH)

static void	 admin_dispatch(struct evhttp_request *, void *);
static int	 admin_route(struct admin_req *, int, const char *);
static int	 admin_auth(struct admin_req *);
static int	 admin_body(struct admin_req *);
static void	 admin_send(struct admin_req *, int, uint64_t);
static void	 admin_committed(void *, int);
static char	*admin_decode(const char *, size_t);
static const char *admin_strmethod(int);
static struct bufferevent *admin_bevcb(struct event_base *, void *);
static SSL_CTX	*admin_tls_ctx(const struct conf_admin *, char *, size_t);
static int	 admin_shutdown_hook(void *);
static int	 admin_reload_hook(void *);
static void	 admin_exit_hook(void *);
static const char *admin_iso(int64_t, char *, size_t);
static void	 admin_jtime(json_t *, const char *, int64_t);
static void	 admin_status_queue(struct admin_req *);

static int	 admin_health(struct admin_req *);
static int	 admin_status(struct admin_req *);
static int	 admin_loglevel_get(struct admin_req *);
static int	 admin_loglevel_put(struct admin_req *);
static int	 admin_log_reopen(struct admin_req *);
static int	 admin_case_show(struct admin_req *);
static int	 admin_case_list(struct admin_req *);
static int	 admin_case_transition(struct admin_req *);
static int	 admin_case_citizen(struct admin_req *);
static int	 admin_unit_add(struct admin_req *);
static int	 admin_unit_list(struct admin_req *);
static int	 admin_kb_add(struct admin_req *);
static int	 admin_kb_update(struct admin_req *);
static int	 admin_kb_list(struct admin_req *);
static int	 admin_queue(struct admin_req *);
static int	 admin_labels(struct admin_req *);
static int	 admin_alert_list(struct admin_req *);
static int	 admin_alert_show(struct admin_req *);
static int	 admin_alert_ack(struct admin_req *);
static int	 admin_alert_citizen(struct admin_req *);
static int	 admin_db_check(struct admin_req *);
static void	 admin_db_checked(void *, int, const char *);
static void	 admin_db_gone(void *);

/*
 * The API.  GET /v1/health needs no token so that monitoring can probe
 * it; it says only "ok".  Everything else needs a token whose role is in
 * the route's roles.
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
	{ EVHTTP_REQ_GET, "/v1/health", 0, 0, admin_health },
	{ EVHTTP_REQ_GET, "/v1/status", TOKEN_ANY, 0, admin_status },
	{ EVHTTP_REQ_GET, "/v1/log-level", TOKEN_OFFICE | TOKEN_AUDITOR, 0,
	    admin_loglevel_get },
	{ EVHTTP_REQ_PUT, "/v1/log-level", TOKEN_OFFICE, ADMIN_F_BODY,
	    admin_loglevel_put },
	{ EVHTTP_REQ_POST, "/v1/log/reopen", TOKEN_OFFICE, 0,
	    admin_log_reopen },
	{ EVHTTP_REQ_GET, "/v1/cases", TOKEN_ANY, ADMIN_F_QUERY,
	    admin_case_list },
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
	{ EVHTTP_REQ_GET, "/v1/queue", TOKEN_OFFICE | TOKEN_AUDITOR,
	    ADMIN_F_QUERY, admin_queue },
	{ EVHTTP_REQ_GET, "/v1/labels", TOKEN_OFFICE | TOKEN_AUDITOR,
	    ADMIN_F_QUERY, admin_labels },
	{ EVHTTP_REQ_POST, "/v1/units", TOKEN_OFFICE, ADMIN_F_BODY,
	    admin_unit_add },
	{ EVHTTP_REQ_GET, "/v1/units", TOKEN_ANY, 0, admin_unit_list },
	{ EVHTTP_REQ_POST, "/v1/kb", TOKEN_OFFICE, ADMIN_F_BODY,
	    admin_kb_add },
	{ EVHTTP_REQ_PUT, "/v1/kb/:id", TOKEN_OFFICE, ADMIN_F_BODY,
	    admin_kb_update },
	{ EVHTTP_REQ_GET, "/v1/kb", TOKEN_ANY, ADMIN_F_QUERY, admin_kb_list },
	{ EVHTTP_REQ_GET, "/v1/audit/verify", TOKEN_OFFICE | TOKEN_AUDITOR, 0,
	    admin_audit_verify },
	{ EVHTTP_REQ_GET, "/v1/alerts", TOKEN_OFFICE | TOKEN_AUDITOR,
	    ADMIN_F_QUERY, admin_alert_list },
	{ EVHTTP_REQ_GET, "/v1/alerts/:id", TOKEN_OFFICE | TOKEN_AUDITOR, 0,
	    admin_alert_show },
	{ EVHTTP_REQ_POST, "/v1/alerts/:id/ack", TOKEN_OFFICE, ADMIN_F_BODY,
	    admin_alert_ack },
	{ EVHTTP_REQ_GET, "/v1/alerts/:id/citizen", TOKEN_OFFICE,
	    ADMIN_F_QUERY, admin_alert_citizen },
	{ EVHTTP_REQ_GET, "/v1/db/check", TOKEN_OFFICE | TOKEN_AUDITOR,
	    ADMIN_F_QUERY, admin_db_check },
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
	struct admin_req	*checking;	/* waits on dbcheck */
} admin;

static struct {
	const char	*name;
	void		(*fn)(json_t *, void *);
	void		*arg;
} admin_hooks[ADMIN_STATUS_HOOKS];
static size_t	admin_nhooks;

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

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_decref(r->reply);
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
	d->param[0][0] = '\0';
	d->nparam = (size_t)status;	/* the status, kept until the commit */
	d->query = NULL;
	r->reply = NULL;
	r->body = NULL;
	admin.deferred++;
	commit_after(admin_committed, d);
	return ADMIN_DEFERRED;
}

/* The batch holding a deferred request's writes has ended. */
static void
admin_committed(void *arg, int ok)
{
	struct admin_req	*d = arg;
	int			 status = (int)d->nparam;

	admin.deferred--;
	if (!ok)
		status = admin_error(d, 503, "unavailable", "the change was "
		    "not stored (database error); nothing happened, retry");
	admin_send(d, status, d->t0);
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
		return admin_error(r, 401, "unauthorized", h == NULL ?
		    "an Authorization: Bearer token is required" :
		    "unknown or malformed token");
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
	admin_send(r, status, r->t0);
}

/* Send r->reply with status, log the request, free what r holds. */
static void
admin_send(struct admin_req *r, int status, uint64_t t0)
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
	    (unsigned long long)(clock_mono_ms() - t0));
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
	uint64_t		 t0 = clock_mono_ms();
	int			 status;

	httpd_dispatched(admin.guard, req);
	memset(&r, 0, sizeof(r));
	r.req = req;
	r.store = admin.store;
	r.t0 = t0;
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
		commit_unit_end(status == ADMIN_DEFERRED);
		if (status == ADMIN_DEFERRED)
			return;		/* admin_committed() answers */
	}
	admin_send(&r, status, t0);
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
		commit_flush();
	admin_data_stop();
	if (admin.checking != NULL) {
		if (admin.checking->req != NULL)
			(void)httpd_on_close(admin.checking->req, NULL, NULL);
		dbcheck_abort();
		json_decref(admin.checking->reply);
		free(admin.checking);
		admin.checking = NULL;
	}
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

/* --- handlers ----------------------------------------------------------- */

/* ms since the epoch as local ISO 8601 with offset, seconds precision. */
static const char *
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

static int
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

static int
admin_status(struct admin_req *r)
{
	char	 t[64];
	size_t	 i;

	r->reply = json_pack("{s:s,s:s,s:I,s:s,s:s,s:n}",
	    "version", PACKAGE_VERSION,
	    "started_at", admin_iso((int64_t)admin.started, t, sizeof(t)),
	    "uptime_s", (json_int_t)((clock_now_ms() - admin.started) / 1000),
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

static int
admin_loglevel_get(struct admin_req *r)
{
	r->reply = json_pack("{s:s}", "level", log_strlevel(log_getlevel()));
	return 200;
}

static int
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
static int
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

/* --- cases -------------------------------------------------------------- */

#define ADMIN_LIST_DEFAULT	50	/* cases in a list page */
#define ADMIN_LIST_MAX		200
#define ADMIN_UNITS_MAX		10000	/* units or entries in one answer */
#define ADMIN_PAGE		100
#define ADMIN_EXTEND_MAX	60	/* working days of one extension */
#define ADMIN_KB_STALE_DAYS	180	/* default age of a stale entry */
#define ADMIN_DAY_MS		(86400LL * 1000)

/* One field of a JSON body. */
struct admin_field {
	const char	*name;
	int		 type;
	int		 required;
};
#define AF_STR		1	/* 1..LC_TEXT_MAX bytes, no control chars */
#define AF_INT		2	/* 1..ADMIN_EXTEND_MAX */
#define AF_CODES	3	/* array of unit codes */
#define AF_CODE		4	/* one unit code */

/* 1 when s is a unit code: [A-Za-z0-9_.-]{1,32}. */
static int
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
static int
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
static const char *
admin_str(struct admin_req *r, const char *name)
{
	return json_string_value(json_object_get(r->body, name));
}

/* Set key to a string, or to null for NULL. */
static void
admin_jstr(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, v != NULL ? json_string(v) : json_null());
}

/* Set key to a time, or to null for 0. */
static void
admin_jtime(json_t *o, const char *key, int64_t ms)
{
	char	t[64];

	json_object_set_new(o, key, ms > 0 ? json_string(admin_iso(ms, t,
	    sizeof(t))) : json_null());
}

/* Today's local date (the daemon's clock), YYYY-MM-DD. */
static void
admin_today(char buf[CAL_DATE_LEN])
{
	int	date, min;

	if (cal_date_local(clock_now(), &date, &min) == -1)
		strlcpy(buf, "1970-01-01", CAL_DATE_LEN);
	else
		cal_date_format(date, buf, CAL_DATE_LEN);
}

/* A case as JSON, never with a phone number; full adds the detail. */
static json_t *
admin_case_json(struct store *st, const struct store_case *c, int full)
{
	char	 co[LC_CO_MAX][STORE_UNIT_CODE_MAX], today[CAL_DATE_LEN];
	json_t	*o, *a;
	int	 n, i;

	admin_today(today);
	o = json_object();
	json_object_set_new(o, "number", json_string(c->number));
	admin_jstr(o, "category", c->category);
	admin_jstr(o, "state", c->state);
	json_object_set_new(o, "confidential", json_boolean(c->confidential));
	admin_jtime(o, "received_at", c->received_at);
	admin_jstr(o, "due", c->due);
	admin_jstr(o, "unit", c->unit);
	json_object_set_new(o, "supervised", json_boolean(c->supervised));
	json_object_set_new(o, "overdue", json_boolean(c->closed_at == 0 &&
	    c->due != NULL && strcmp(c->due, today) < 0));
	if (!full)
		return o;
	admin_jstr(o, "text", c->text);
	admin_jstr(o, "rule", c->rule);
	a = json_array();
	if (c->flags & STORE_CF_INCOMPLETE)
		json_array_append_new(a, json_string("incomplete"));
	if (c->flags & STORE_CF_REPEATED)
		json_array_append_new(a, json_string("repeated"));
	if (c->flags & STORE_CF_NOTIFY_FAILED)
		json_array_append_new(a, json_string("notify-failed"));
	json_object_set_new(o, "flags", a);
	admin_jstr(o, "result", c->result);
	admin_jtime(o, "closed_at", c->closed_at);
	json_object_set_new(o, "supplements", json_integer(c->nsupplements));
	a = json_array();
	if (st != NULL && (n = store_case_counits(st, c->id, co,
	    LC_CO_MAX)) > 0)
		for (i = 0; i < n; i++)
			json_array_append_new(a, json_string(co[i]));
	json_object_set_new(o, "co_units", a);
	admin_jtime(o, "dispatched_at", c->dispatched_at);
	admin_jstr(o, "due_original", c->due_original);
	json_object_set_new(o, "extensions", json_integer(c->extensions));
	json_object_set_new(o, "late_returns", json_integer(c->late_returns));
	admin_jstr(o, "supervision", c->supervision);
	json_object_set_new(o, "rehandled", json_boolean(c->rehandled));
	json_object_set_new(o, "result_cut", json_integer(c->result_cut));
	admin_jtime(o, "updated_at", c->updated_at);
	json_object_set_new(o, "survey_score", c->survey_score > 0 ?
	    json_integer(c->survey_score) : json_null());
	admin_jstr(o, "survey_state", c->survey_state);
	return o;
}

/* A case's history as JSON: audit events, messages in and out. */
static json_t *
admin_history_json(const struct store_history *h)
{
	const struct store_event	*e;
	json_t				*o, *a, *ev, *d;
	size_t				 i;

	o = json_object();
	a = json_array();
	for (i = 0; i < h->naudit; i++) {
		e = &h->audit[i];
		ev = json_object();
		json_object_set_new(ev, "id", json_integer(e->id));
		admin_jtime(ev, "at", e->at);
		admin_jstr(ev, "action", e->kind);
		admin_jstr(ev, "actor", e->actor);
		d = e->text != NULL ? json_loads(e->text, 0, NULL) : NULL;
		json_object_set_new(ev, "detail", d != NULL ? d : e->text ?
		    json_string(e->text) : json_null());
		json_array_append_new(a, ev);
	}
	json_object_set_new(o, "events", a);
	a = json_array();
	for (i = 0; i < h->nin; i++) {
		e = &h->in[i];
		ev = json_object();
		admin_jtime(ev, "at", e->at);
		admin_jstr(ev, "kind", e->kind);
		admin_jstr(ev, "text", e->text);
		json_array_append_new(a, ev);
	}
	json_object_set_new(o, "in", a);
	a = json_array();
	for (i = 0; i < h->nout; i++) {
		e = &h->out[i];
		ev = json_object();
		json_object_set_new(ev, "id", json_integer(e->id));
		admin_jtime(ev, "at", e->at);
		admin_jstr(ev, "kind", e->kind);
		admin_jstr(ev, "text", e->text);
		admin_jstr(ev, "state", store_outbox_strstate(e->state));
		json_object_set_new(ev, "attempts", json_integer(e->attempts));
		admin_jstr(ev, "receipt", e->receipt);
		admin_jtime(ev, "receipt_at", e->receipt_at);
		json_array_append_new(a, ev);
	}
	json_object_set_new(o, "out", a);
	return o;
}

/* A case number (letters and digits) from s, upper-cased; 0 or -1. */
static int
admin_number(const char *s, char num[STORE_CASE_NUMBER_MAX])
{
	size_t	i, len = strlen(s);

	if (len == 0 || len >= STORE_CASE_NUMBER_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)
			return -1;
		num[i] = (char)toupper((unsigned char)s[i]);
	}
	num[i] = '\0';
	return 0;
}

/* The case r->param[0] names, if r's token may see it; 0 or a status. */
static int
admin_case_load(struct admin_req *r, struct store_case *c)
{
	char	num[STORE_CASE_NUMBER_MAX];
	int	rv;

	memset(c, 0, sizeof(*c));
	if (admin_number(r->param[0], num) == -1)
		return admin_error(r, 400, "bad_request", "not a case number "
		    "(letters and digits, at most %d)", STORE_CASE_NUMBER_MAX -
		    1);
	admin_log_case(r, num);
	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the case store is "
		    "not open");
	if ((rv = store_case_find(r->store, num, NULL, c)) == -1)
		return admin_error(r, 500, "internal", "cannot read the case");
	if (rv == 0 || !admin_case_visible(r, c)) {
		store_case_clear(c);
		return admin_error(r, 404, "not_found", "no case %s", num);
	}
	return 0;
}

static int
admin_case_show(struct admin_req *r)
{
	struct store_case	c;
	struct store_history	h;
	int			st;

	if ((st = admin_case_load(r, &c)) != 0)
		return st;
	memset(&h, 0, sizeof(h));
	if (store_case_history(r->store, c.id, &h) == -1) {
		store_case_clear(&c);
		return admin_error(r, 500, "internal", "cannot read the "
		    "case's history");
	}
	r->reply = admin_case_json(r->store, &c, 1);
	json_object_set_new(r->reply, "history", admin_history_json(&h));
	store_history_clear(&h);
	store_case_clear(&c);
	return 200;
}

/*
 * The value of a character a person may write a phone number with, or -1:
 * ASCII and full-width digits, Unicode's other decimal digit sets, circled,
 * parenthesised, dotted and super/subscript forms, and the Chinese
 * numerals (大写 too, and 幺 and 两 as read out in numbers).
 */
static int
admin_digit(uint32_t c)
{
	static const uint32_t	zeros[] = {	/* each set's 0; 1-9 follow */
		0x0030, 0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0a66,
		0x0ae6, 0x0b66, 0x0be6, 0x0c66, 0x0ce6, 0x0d66, 0x0de6,
		0x0e50, 0x0ed0, 0x0f20, 0x1040, 0x1090, 0x17e0, 0x1810,
		0x1946, 0x19d0, 0x2080, 0xff10, 0x1d7ce, 0x1d7d8, 0x1d7e2,
		0x1d7ec, 0x1d7f6, 0x1fbf0
	};
	static const uint32_t	ones[] = {	/* each set's 1; 2-9 follow */
		0x2460, 0x2474, 0x2488, 0x24f5, 0x2776, 0x2780, 0x278a
	};
	static const struct { uint32_t c; int v; } cjk[] = {
		{ 0x3007, 0 }, { 0x96f6, 0 }, { 0x4e00, 1 }, { 0x5e7a, 1 },
		{ 0x58f9, 1 }, { 0x4e8c, 2 }, { 0x4e24, 2 }, { 0x8d30, 2 },
		{ 0x4e09, 3 }, { 0x53c1, 3 }, { 0x56db, 4 }, { 0x8086, 4 },
		{ 0x4e94, 5 }, { 0x4f0d, 5 }, { 0x516d, 6 }, { 0x9646, 6 },
		{ 0x4e03, 7 }, { 0x67d2, 7 }, { 0x516b, 8 }, { 0x634c, 8 },
		{ 0x4e5d, 9 }, { 0x7396, 9 }, { 0x24ea, 0 }, { 0x24ff, 0 },
		{ 0x2070, 0 }, { 0x00b9, 1 }, { 0x00b2, 2 }, { 0x00b3, 3 },
	};
	size_t	i;

	for (i = 0; i < nitems(zeros); i++)
		if (c >= zeros[i] && c <= zeros[i] + 9)
			return (int)(c - zeros[i]);
	for (i = 0; i < nitems(ones); i++)
		if (c >= ones[i] && c <= ones[i] + 8)
			return (int)(c - ones[i]) + 1;
	if (c >= 0x2074 && c <= 0x2079)
		return (int)(c - 0x2070);		/* superscript 4-9 */
	for (i = 0; i < nitems(cjk); i++)
		if (c == cjk[i].c)
			return cjk[i].v;
	return -1;
}

/*
 * 1 when text holds the last 8 digits of msisdn, whatever lies between
 * and in whatever digits it is written (１３８, 一三八, ①③⑧...).
 */
static int
admin_holds_msisdn(const char *text, const char *msisdn)
{
	char		 d[LC_TEXT_MAX + 1], tail[16];
	size_t		 n = 0, m = 0, i, len = strlen(text), k;
	uint32_t	 c;
	int		 v;

	for (i = 0; msisdn[i] != '\0'; i++)
		if (isdigit((unsigned char)msisdn[i]) && m < sizeof(tail) - 1)
			tail[m++] = msisdn[i];
	if (m < 5)
		return 0;		/* too short to tell from other digits */
	tail[m] = '\0';
	for (i = 0; i < len && n < sizeof(d) - 1; i += k) {
		/* a byte that is not UTF-8 is skipped, never the rest */
		if ((k = gsm7_utf8_next(text + i, len - i, &c)) == 0) {
			k = 1;
			continue;
		}
		if ((v = admin_digit(c)) >= 0)
			d[n++] = (char)('0' + v);
	}
	d[n] = '\0';
	return strstr(d, tail + (m > 8 ? m - 8 : 0)) != NULL;
}

/*
 * GET /v1/cases/:number/citizen?reason=TEXT: the citizen's phone number,
 * for calling them back.  Who: the office; the lead unit (主办, Art. 11)
 * of a case dispatched to it now, unless the citizen asked for
 * confidentiality (Art. 19): then the office only.  Co-units and auditors
 * never.  The read is an audit event (Art. 22, 23(10)) with the reason,
 * and the number leaves only once that event has committed.
 */
static int
admin_case_citizen(struct admin_req *r)
{
	static const char *const allowed[] = { "reason", NULL };
	struct admin_qparam	 q[ADMIN_QUERY_MAX];
	struct store_case	 c;
	char			 msisdn[STORE_ADDR_MAX], mask[LOG_MSISDN_MAX];
	char			*detail = NULL;
	const char		*reason = NULL;
	json_t			*d;
	int			 n, st, rv;

	memset(q, 0, sizeof(q));
	msisdn[0] = '\0';
	if ((n = admin_query(r, allowed, q, nitems(q))) == -1)
		return 400;
	if (n == 1)
		reason = q[0].value;
	if (reason == NULL || *reason == '\0') {
		st = admin_error(r, 400, "bad_request", "a reason is required: "
		    "?reason=why the citizen must be called (it is audited)");
		goto out;
	}
	if ((st = admin_case_load(r, &c)) != 0)
		goto out;
	if (r->token->role == TOKEN_UNIT) {
		if (c.confidential)
			st = admin_error(r, 403, "forbidden", "case %s is "
			    "confidential (Art. 19): only the hotline office "
			    "may read the citizen's number", c.number);
		else if (c.unit == NULL || strcmp(c.unit, r->token->unit) != 0)
			st = admin_error(r, 403, "forbidden", "only the lead "
			    "unit of case %s may read the citizen's number",
			    c.number);
	}
	if (st == 0 && (rv = store_case_msisdn(r->store, c.id, msisdn,
	    sizeof(msisdn))) != 1)
		st = rv == 0 ? admin_error(r, 404, "not_found", "no number "
		    "stored for case %s", c.number) : admin_error(r, 500,
		    "internal", "cannot read the number");
	if (st == 0 && admin_holds_msisdn(reason, msisdn))
		st = admin_error(r, 400, "bad_request", "the reason must not "
		    "hold the phone number (the audit trail keeps it forever)");
	d = st == 0 ? json_pack("{s:s,s:s,s:s?}", "reason", reason, "role",
	    tokens_strrole(r->token->role), "unit", r->token->unit[0] != '\0'
	    ? r->token->unit : NULL) : NULL;
	if (st == 0 && (d == NULL ||
	    (detail = json_dumps(d, JSON_COMPACT)) == NULL))
		st = admin_error(r, 400, "bad_request", "reason: not valid "
		    "UTF-8");
	json_decref(d);
	if (st == 0 && commit_unit_begin() == -1)
		st = admin_error(r, 503, "unavailable", "the database is busy; "
		    "retry");
	/* audited first: the number goes out only if this event commits */
	if (st == 0 && store_audit(r->store, c.id, r->token->name,
	    "msisdn-read", detail, (int64_t)clock_now_ms()) == -1)
		st = admin_error(r, 500, "internal", "cannot audit the read; "
		    "the number is not given");
	if (st == 0) {
		log_info("admin msisdn-read case=%s token=%s msisdn=%s",
		    c.number, r->token->name, log_msisdn(msisdn, mask,
		    sizeof(mask)));
		r->reply = json_pack("{s:s,s:s,s:b}", "case", c.number,
		    "msisdn", msisdn, "confidential", c.confidential);
	}
	store_case_clear(&c);
	explicit_bzero(msisdn, sizeof(msisdn));
	free(detail);
	admin_query_free(q, (size_t)n);
	if (st != 0)
		return st;
	if (r->reply == NULL)
		return admin_error(r, 500, "internal", "cannot build the reply");
	return admin_defer(r, 200);
out:
	admin_query_free(q, (size_t)n);
	return st;
}

/* A lifecycle result as the API's status and code. */
static int
admin_lc_error(struct admin_req *r, enum lc_result res, const char *err)
{
	switch (res) {
	case LC_BAD_STATE:
		return admin_error(r, 409, "conflict", "%s", err);
	case LC_FORBIDDEN:
		return admin_error(r, 403, "forbidden", "%s", err);
	case LC_INVALID:
		return admin_error(r, 400, "bad_request", "%s", err);
	case LC_NOT_FOUND:
		return admin_error(r, 404, "not_found", "no case %s",
		    r->case_number);
	default:
		return admin_error(r, 500, "internal", "%s", err[0] != '\0' ?
		    err : "store error");
	}
}

/*
 * POST /v1/cases/:number/<op>: validate the body, apply the operation in
 * the open group-commit batch, answer once that batch is durable.
 */
static int
admin_case_op(struct admin_req *r, enum lc_op op)
{
	static const struct admin_field f_result[] = {
		{ "result", AF_STR, 1 } };
	static const struct admin_field f_close[] = {
		{ "result", AF_STR, 0 } };
	static const struct admin_field f_approval[] = {
		{ "proposal", AF_STR, 1 } };
	static const struct admin_field f_dispatch[] = {
		{ "lead", AF_CODE, 1 }, { "co", AF_CODES, 0 },
		{ "due", AF_STR, 0 }, { "approval", AF_STR, 0 } };
	static const struct admin_field f_reason[] = {
		{ "reason", AF_STR, 1 } };
	static const struct admin_field f_extend[] = {
		{ "days", AF_INT, 0 }, { "due", AF_STR, 0 },
		{ "reason", AF_STR, 1 } };
	static const struct admin_field f_supervise[] = {
		{ "reason", AF_STR, 1 }, { "note", AF_STR, 0 } };
	static const struct admin_field f_note[] = {
		{ "text", AF_STR, 1 } };
	static const struct admin_field f_classify[] = {
		{ "category", AF_STR, 1 }, { "reason", AF_STR, 0 } };
	const struct admin_field	*f;
	struct store_case		 c;
	struct lc_args			 a;
	struct lc_actor			 actor;
	const char			*co[LC_CO_MAX];
	char				 err[256], due[CAL_DATE_LEN];
	char				 prev[32];
	json_t				*v;
	size_t				 nf, i;
	int64_t				 id;
	int				 st, date, sup;
	enum lc_result			 res;

	switch (op) {
	case LC_OP_ANSWER:
	case LC_OP_REPLY:
		f = f_result, nf = nitems(f_result);
		break;
	case LC_OP_CLOSE:
		f = f_close, nf = nitems(f_close);
		break;
	case LC_OP_APPROVAL:
		f = f_approval, nf = nitems(f_approval);
		break;
	case LC_OP_DISPATCH:
		f = f_dispatch, nf = nitems(f_dispatch);
		break;
	case LC_OP_RETURN:
	case LC_OP_REOPEN:
		f = f_reason, nf = nitems(f_reason);
		break;
	case LC_OP_EXTEND:
		f = f_extend, nf = nitems(f_extend);
		break;
	case LC_OP_SUPERVISE:
		f = f_supervise, nf = nitems(f_supervise);
		break;
	case LC_OP_NOTE:
		f = f_note, nf = nitems(f_note);
		break;
	case LC_OP_CLASSIFY:
		f = f_classify, nf = nitems(f_classify);
		break;
	default:
		fatalx("admin case op %d", op);
	}
	if ((st = admin_fields(r, f, nf)) != 0)
		return st;

	memset(&a, 0, sizeof(a));
	switch (op) {
	case LC_OP_ANSWER:
	case LC_OP_REPLY:
	case LC_OP_CLOSE:
		a.text = admin_str(r, "result");
		break;
	case LC_OP_APPROVAL:
		a.text = admin_str(r, "proposal");
		break;
	case LC_OP_DISPATCH:
		a.unit = admin_str(r, "lead");
		a.approval = admin_str(r, "approval");
		a.due = admin_str(r, "due");
		if (a.due != NULL && cal_date_parse(a.due, &date) == -1)
			return admin_error(r, 400, "bad_request", "\"due\" "
			    "must be a date, YYYY-MM-DD");
		json_array_foreach(json_object_get(r->body, "co"), i, v)
			co[i] = json_string_value(v);
		a.co = co;
		a.nco = json_array_size(json_object_get(r->body, "co"));
		break;
	case LC_OP_SUPERVISE:
		sup = lifecycle_sup_parse(admin_str(r, "reason"));
		if (sup <= LC_SUP_NONE)
			return admin_error(r, 400, "bad_request", "\"reason\" "
			    "must be disputed-result, leader-instruction, "
			    "overdue or other");
		a.supervision = (enum lc_supervision)sup;
		a.text = admin_str(r, "note");
		break;
	case LC_OP_CLASSIFY:
		a.category = admin_str(r, "category");
		a.text = admin_str(r, "reason");
		break;
	case LC_OP_EXTEND:
		if ((json_object_get(r->body, "days") == NULL) ==
		    (json_object_get(r->body, "due") == NULL))
			return admin_error(r, 400, "bad_request", "extend "
			    "takes \"days\" (working days) or \"due\" "
			    "(YYYY-MM-DD), one of them");
		/* FALLTHROUGH */
	default:
		a.text = admin_str(r, op == LC_OP_NOTE ? "text" : "reason");
		break;
	}

	if ((st = admin_case_load(r, &c)) != 0)
		return st;
	if (op == LC_OP_EXTEND) {
		if (admin_str(r, "due") != NULL) {
			if (cal_date_parse(admin_str(r, "due"), &date) == -1) {
				store_case_clear(&c);
				return admin_error(r, 400, "bad_request",
				    "\"due\" must be a date, YYYY-MM-DD");
			}
			strlcpy(due, admin_str(r, "due"), sizeof(due));
		} else if (c.due == NULL || cal_date_parse(c.due, &date) ==
		    -1 || (date = cal_add_workdays(calendar_current(), date,
		    (int)json_integer_value(json_object_get(r->body,
		    "days")))) == -1) {
			store_case_clear(&c);
			return admin_error(r, 409, "conflict", "case %s has no "
			    "due date to extend", c.number);
		} else
			cal_date_format(date, due, sizeof(due));
		a.due = due;
	}
	memset(&actor, 0, sizeof(actor));
	actor.name = r->token->name;
	if (r->token->role == TOKEN_UNIT) {
		actor.role = LC_ROLE_UNIT;
		actor.unit = r->token->unit;
	} else
		actor.role = LC_ROLE_OFFICE;
	if (commit_unit_begin() == -1) {
		store_case_clear(&c);
		return admin_error(r, 503, "unavailable", "the database is "
		    "busy; retry");
	}
	err[0] = '\0';
	strlcpy(prev, c.category != NULL ? c.category : "", sizeof(prev));
	res = lifecycle_apply(r->store, c.id, op, &a, &actor,
	    (int64_t)clock_now_ms(), err, sizeof(err));
	if (res != LC_OK) {
		store_case_clear(&c);
		return admin_lc_error(r, res, err);
	}
	id = c.id;
	store_case_clear(&c);		/* read it again, as changed */
	st = store_case_get(r->store, id, &c);
	if (st == 1) {
		r->reply = admin_case_json(r->store, &c, 1);
		json_object_set_new(r->reply, "operation",
		    json_string(lifecycle_strop(op)));
		if (op == LC_OP_CLASSIFY)
			json_object_set_new(r->reply, "confirmed",
			    json_boolean(strcmp(prev, c.category) == 0));
	}
	store_case_clear(&c);
	return admin_defer(r, 200);
}

/* The operation is the route's last word: /v1/cases/:number/<op>. */
static int
admin_case_transition(struct admin_req *r)
{
	int	op;

	op = lifecycle_op_parse(strrchr(r->route->pattern, '/') + 1);
	if (op == -1)
		fatalx("admin route %s names no operation", r->route->pattern);
	return admin_case_op(r, (enum lc_op)op);
}

/* "0" or "1" into *v; 0 or -1. */
static int
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
static int64_t
admin_day_ms(const char *s, int days)
{
	int	date;

	if (cal_date_parse(s, &date) == -1 ||
	    (date = cal_date_add(date, days)) == -1)
		return -1;
	return stats_day_ms(date);
}

/* GET /v1/cases?filters: newest first, keyset pages by case number. */
static int
admin_case_list(struct admin_req *r)
{
	static const char *const allowed[] = { "state", "category", "unit",
	    "overdue", "supervised", "confidential", "from", "to", "limit",
	    "before", NULL };
	struct admin_qparam		 q[ADMIN_QUERY_MAX];
	struct store_case_filter	 f;
	struct store_case		*cs = NULL, bc;
	const char			*k, *v, *errstr;
	char				 today[CAL_DATE_LEN];
	json_t				*a;
	int				 n, i, st = 0, rv, b;
	size_t				 limit = ADMIN_LIST_DEFAULT;

	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the case store is "
		    "not open");
	if ((n = admin_query(r, allowed, q, nitems(q))) == -1)
		return 400;
	store_case_filter_init(&f);
	for (i = 0; i < n && st == 0; i++) {
		k = q[i].key;
		v = q[i].value;
		if (strcmp(k, "state") == 0) {
			if (lifecycle_state_parse(v) == -1)
				st = admin_error(r, 400, "bad_request", "state: "
				    "not a case state (registered, dispatched, "
				    "...)");
			f.state = v;
		} else if (strcmp(k, "category") == 0) {
			if (category_from_name(v) == -1)
				st = admin_error(r, 400, "bad_request",
				    "category: unknown category");
			f.category = v;
		} else if (strcmp(k, "unit") == 0) {
			if (!admin_code_ok(v))
				st = admin_error(r, 400, "bad_request", "unit: "
				    "not a unit code");
			f.unit = v;
		} else if (strcmp(k, "overdue") == 0) {
			if (admin_bool(v, &b) == -1)
				st = admin_error(r, 400, "bad_request",
				    "overdue: 0 or 1");
			else if (b) {
				admin_today(today);
				f.overdue_on = today;
			}
		} else if (strcmp(k, "supervised") == 0 ||
		    strcmp(k, "confidential") == 0) {
			if (admin_bool(v, k[0] == 's' ? &f.supervised :
			    &f.confidential) == -1)
				st = admin_error(r, 400, "bad_request",
				    "%s: 0 or 1", k);
		} else if (strcmp(k, "from") == 0 || strcmp(k, "to") == 0) {
			/* from inclusive, to inclusive: up to its midnight */
			if (k[0] == 'f')
				f.received_from = admin_day_ms(v, 0);
			else
				f.received_to = admin_day_ms(v, 1);
			if (f.received_from == -1 || f.received_to == -1)
				st = admin_error(r, 400, "bad_request", "%s: a "
				    "date, YYYY-MM-DD", k);
		} else if (strcmp(k, "limit") == 0) {
			limit = (size_t)strtonum(v, 1, ADMIN_LIST_MAX, &errstr);
			if (errstr != NULL)
				st = admin_error(r, 400, "bad_request", "limit: "
				    "1 to %d", ADMIN_LIST_MAX);
		} else if (strcmp(k, "before") == 0) {
			char	num[STORE_CASE_NUMBER_MAX];

			memset(&bc, 0, sizeof(bc));
			if (admin_number(v, num) == -1 || (rv =
			    store_case_find(r->store, num, NULL, &bc)) == 0)
				st = admin_error(r, 400, "bad_request",
				    "before: not a case number");
			else if (rv == -1)
				st = admin_error(r, 500, "internal", "cannot "
				    "read the case");
			else
				f.before_id = bc.id;
			store_case_clear(&bc);
		}
	}
	if (st == 0 && f.received_from > 0 && f.received_to > 0 &&
	    f.received_to <= f.received_from)
		st = admin_error(r, 400, "bad_request", "to is before from");
	if (st != 0)
		goto out;
	/* a unit lists only the cases dispatched to it */
	if (r->token->role == TOKEN_UNIT) {
		if (f.unit != NULL && strcmp(f.unit, r->token->unit) != 0) {
			admin_query_free(q, (size_t)n);
			n = 0;
			goto reply;
		}
		f.unit = r->token->unit;
	}
	cs = xcalloc(limit, sizeof(*cs));
	if ((rv = store_case_search(r->store, &f, cs, limit)) == -1) {
		st = admin_error(r, 500, "internal", "cannot search the "
		    "cases");
		goto out;
	}
	admin_query_free(q, (size_t)n);
	n = rv;
reply:
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, admin_case_json(r->store, &cs[i], 0));
	r->reply = json_pack("{s:o,s:i,s:s?}", "cases", a, "count", n, "next",
	    (size_t)n == limit && n > 0 ? cs[n - 1].number : NULL);
	for (i = 0; i < n; i++)
		store_case_clear(&cs[i]);
	free(cs);
	return 200;
out:
	admin_query_free(q, (size_t)n);
	free(cs);
	return st;
}

/* --- units and the knowledge base (Art. 6, 9, 23(9)) -------------------- */

/* Audit an API change that is no case transition (detail taken); 0, -1. */
static int
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

static json_t *
admin_unit_json(const struct store_unit *u)
{
	json_t	*o = json_object();

	json_object_set_new(o, "code", json_string(u->code));
	admin_jstr(o, "name", u->name);
	admin_jstr(o, "contact", u->contact);
	admin_jtime(o, "created_at", u->created_at);
	return o;
}

static int
admin_unit_add(struct admin_req *r)
{
	static const struct admin_field f[] = { { "code", AF_CODE, 1 },
	    { "name", AF_STR, 1 }, { "contact", AF_STR, 0 } };
	struct store_unit	 u;
	const char		*code;
	int			 st, rv;

	if ((st = admin_fields(r, f, nitems(f))) != 0)
		return st;
	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	code = admin_str(r, "code");
	if (commit_unit_begin() == -1)
		return admin_error(r, 503, "unavailable", "the database is "
		    "busy; retry");
	if ((rv = store_unit_add(r->store, code, admin_str(r, "name"),
	    admin_str(r, "contact"), (int64_t)clock_now_ms())) == 1)
		return admin_error(r, 409, "conflict", "unit %s exists "
		    "already", code);
	if (rv == -1 || admin_audit_change(r, "unit.add",
	    json_pack("{s:s}", "code", code)) == -1)
		return admin_error(r, 500, "internal", "cannot add the unit");
	memset(&u, 0, sizeof(u));
	if (store_unit_get(r->store, code, &u) == 1)
		r->reply = admin_unit_json(&u);
	store_unit_clear(&u);
	return admin_defer(r, 201);
}

static int
admin_unit_list(struct admin_req *r)
{
	struct store_unit	 u[ADMIN_PAGE];
	json_t			*a;
	size_t			 off = 0;
	int			 n, i;

	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	a = json_array();
	do {
		memset(u, 0, sizeof(u));
		if ((n = store_unit_list(r->store, u, nitems(u), off)) == -1) {
			json_decref(a);
			return admin_error(r, 500, "internal", "cannot list "
			    "the units");
		}
		for (i = 0; i < n; i++) {
			json_array_append_new(a, admin_unit_json(&u[i]));
			store_unit_clear(&u[i]);
		}
		off += (size_t)n;
	} while (n == (int)nitems(u) && off < ADMIN_UNITS_MAX);
	r->reply = json_pack("{s:o,s:i}", "units", a, "count", (int)off);
	return 200;
}

static json_t *
admin_kb_json(const struct store_kb *k, int64_t stale_before)
{
	json_t	*o = json_object();

	json_object_set_new(o, "id", json_integer(k->id));
	admin_jstr(o, "keywords", k->keywords);
	admin_jstr(o, "answer", k->answer);
	admin_jstr(o, "unit", k->unit[0] != '\0' ? k->unit : NULL);
	admin_jtime(o, "updated_at", k->updated_at);
	json_object_set_new(o, "stale", json_boolean(k->updated_at <
	    stale_before));
	return o;
}

/* A unit code of the body that must exist: 0 or a status. */
static int
admin_unit_known(struct admin_req *r, const char *code)
{
	struct store_unit	u;
	int			rv;

	if (code == NULL)
		return 0;
	memset(&u, 0, sizeof(u));
	rv = store_unit_get(r->store, code, &u);
	store_unit_clear(&u);
	if (rv == -1)
		return admin_error(r, 500, "internal", "cannot read units");
	return rv == 1 ? 0 : admin_error(r, 400, "bad_request", "unknown unit "
	    "%s", code);
}

static int
admin_kb_add(struct admin_req *r)
{
	static const struct admin_field f[] = { { "keywords", AF_STR, 1 },
	    { "answer", AF_STR, 1 }, { "unit", AF_CODE, 0 } };
	struct store_kb	 k;
	int64_t		 id;
	int		 st;

	if ((st = admin_fields(r, f, nitems(f))) != 0)
		return st;
	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	if ((st = admin_unit_known(r, admin_str(r, "unit"))) != 0)
		return st;
	if (commit_unit_begin() == -1)
		return admin_error(r, 503, "unavailable", "the database is "
		    "busy; retry");
	if (store_kb_add(r->store, admin_str(r, "keywords"), admin_str(r,
	    "answer"), admin_str(r, "unit"), (int64_t)clock_now_ms(), &id) ==
	    -1 || admin_audit_change(r, "kb.add", json_pack("{s:I}", "id",
	    (json_int_t)id)) == -1)
		return admin_error(r, 500, "internal", "cannot add the entry");
	memset(&k, 0, sizeof(k));
	if (store_kb_get(r->store, id, &k) == 1)
		r->reply = admin_kb_json(&k, 0);
	store_kb_clear(&k, 1);
	return admin_defer(r, 201);
}

static int
admin_kb_update(struct admin_req *r)
{
	static const struct admin_field f[] = { { "keywords", AF_STR, 0 },
	    { "answer", AF_STR, 0 }, { "unit", AF_CODE, 0 } };
	struct store_kb	 k;
	const char	*errstr;
	int64_t		 id;
	int		 st, rv;

	id = strtonum(r->param[0], 1, INT64_MAX, &errstr);
	if (errstr != NULL)
		return admin_error(r, 400, "bad_request", "not an entry id");
	if ((st = admin_fields(r, f, nitems(f))) != 0)
		return st;
	if (json_object_size(r->body) == 0)
		return admin_error(r, 400, "bad_request", "nothing to change "
		    "(keywords, answer, unit)");
	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	if ((st = admin_unit_known(r, admin_str(r, "unit"))) != 0)
		return st;
	if (commit_unit_begin() == -1)
		return admin_error(r, 503, "unavailable", "the database is "
		    "busy; retry");
	rv = store_kb_update(r->store, id, admin_str(r, "keywords"),
	    admin_str(r, "answer"), admin_str(r, "unit"),
	    (int64_t)clock_now_ms());
	if (rv == 0)
		return admin_error(r, 404, "not_found", "no entry %lld",
		    (long long)id);
	if (rv == -1 || admin_audit_change(r, "kb.update", json_pack("{s:I}",
	    "id", (json_int_t)id)) == -1)
		return admin_error(r, 500, "internal", "cannot update the "
		    "entry");
	memset(&k, 0, sizeof(k));
	if (store_kb_get(r->store, id, &k) == 1)
		r->reply = admin_kb_json(&k, 0);
	store_kb_clear(&k, 1);
	return admin_defer(r, 200);
}

/* GET /v1/kb[?stale=1[&days=N]]: stale: not updated for N days (Art. 23(9)). */
static int
admin_kb_list(struct admin_req *r)
{
	static const char *const allowed[] = { "stale", "days", NULL };
	struct admin_qparam	 q[ADMIN_QUERY_MAX];
	struct store_kb		 k[ADMIN_PAGE];
	const char		*errstr;
	json_t			*a;
	int64_t			 before;
	size_t			 off = 0;
	int			 n, i, stale = 0, days = ADMIN_KB_STALE_DAYS;

	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	if ((n = admin_query(r, allowed, q, nitems(q))) == -1)
		return 400;
	for (i = 0; i < n; i++) {
		if (strcmp(q[i].key, "stale") == 0 &&
		    admin_bool(q[i].value, &stale) == -1) {
			admin_query_free(q, (size_t)n);
			return admin_error(r, 400, "bad_request", "stale: 0 "
			    "or 1");
		}
		if (strcmp(q[i].key, "days") == 0) {
			days = (int)strtonum(q[i].value, 1, 3650, &errstr);
			if (errstr != NULL) {
				admin_query_free(q, (size_t)n);
				return admin_error(r, 400, "bad_request",
				    "days: 1 to 3650");
			}
		}
	}
	admin_query_free(q, (size_t)n);
	before = (int64_t)clock_now_ms() - days * ADMIN_DAY_MS;
	a = json_array();
	do {
		memset(k, 0, sizeof(k));
		if ((n = store_kb_list(r->store, stale ? before : 0, k,
		    nitems(k), off)) == -1) {
			json_decref(a);
			return admin_error(r, 500, "internal", "cannot list "
			    "the knowledge base");
		}
		for (i = 0; i < n; i++)
			json_array_append_new(a, admin_kb_json(&k[i], before));
		store_kb_clear(k, (size_t)n);
		off += (size_t)n;
	} while (n == (int)nitems(k) && off < ADMIN_UNITS_MAX);
	r->reply = json_pack("{s:o,s:i,s:i}", "entries", a, "count", (int)off,
	    "stale_days", days);
	return 200;
}

/* --- the office classifies: the queue, the labelled examples ----------- */

#define ADMIN_QUEUE_DEFAULT	50

/*
 * A page's query: limit (1..ADMIN_LIST_MAX) into *limit and name (0..hi)
 * into *v, both optional; 0, or a status (also when the store is not
 * open).
 */
static int
admin_page_query(struct admin_req *r, const char *name, long long hi,
    long long *limit, long long *v)
{
	const char *const	 allowed[] = { "limit", name, NULL };
	struct admin_qparam	 q[ADMIN_QUERY_MAX];
	const char		*errstr = NULL;
	int			 n, i, lim;

	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the case store is "
		    "not open");
	if ((n = admin_query(r, allowed, q, nitems(q))) == -1)
		return 400;
	for (i = 0; i < n && errstr == NULL; i++) {
		lim = strcmp(q[i].key, "limit") == 0;
		*(lim ? limit : v) = strtonum(q[i].value, lim, lim ?
		    ADMIN_LIST_MAX : hi, &errstr);
		if (errstr != NULL)
			admin_error(r, 400, "bad_request", "%s: a number from "
			    "%d to %lld", q[i].key, lim, lim ? ADMIN_LIST_MAX :
			    hi);
	}
	admin_query_free(q, (size_t)n);
	return errstr != NULL ? 400 : 0;
}

/*
 * GET /v1/queue?limit=N&offset=N: the unclassified cases waiting for a
 * person, longest waiting first, with the working time waited (minutes
 * on working days since receipt) and working days since the day of
 * receipt.  The text is given: an operator classifies by reading it.
 */
static int
admin_queue(struct admin_req *r)
{
	struct store_case	*cs;
	long long		 limit = ADMIN_QUEUE_DEFAULT, offset = 0, w;
	int64_t			 oldest;
	int			 n, i, st, total, d0, d1, min;
	time_t			 now = clock_now();
	json_t			*a, *o;

	if ((st = admin_page_query(r, "offset", 1000000, &limit, &offset)) !=
	    0)
		return st;
	if (store_queue_stats(r->store, &total, &oldest) == -1)
		return admin_error(r, 500, "internal", "cannot read the queue");
	cs = xcalloc((size_t)limit, sizeof(*cs));
	if ((n = store_queue(r->store, (size_t)offset, cs, (size_t)limit)) ==
	    -1) {
		free(cs);
		return admin_error(r, 500, "internal", "cannot read the queue");
	}
	if (cal_date_local(now, &d1, &min) == -1)
		d1 = 0;
	a = json_array();
	for (i = 0; i < n; i++) {
		o = admin_case_json(r->store, &cs[i], 0);
		admin_jstr(o, "text", cs[i].text);
		admin_jstr(o, "rule", cs[i].rule);
		w = cal_work_minutes(calendar_current(),
		    (time_t)(cs[i].received_at / 1000), now);
		json_object_set_new(o, "waited_minutes", json_integer(w < 0 ?
		    0 : w));
		json_object_set_new(o, "waited_workdays", json_integer(
		    cal_date_local((time_t)(cs[i].received_at / 1000), &d0,
		    &min) == 0 && d1 != 0 ? MAXIMUM(0, cal_workdays_between(
		    calendar_current(), d0, d1)) : 0));
		json_array_append_new(a, o);
		store_case_clear(&cs[i]);
	}
	free(cs);
	r->reply = json_pack("{s:o,s:i,s:i}", "cases", a, "count", n,
	    "waiting", total);
	return r->reply != NULL ? 200 : admin_error(r, 500, "internal",
	    "cannot build the queue");
}

/*
 * GET /v1/labels?after=ID&limit=N: the operators' labelled examples, each
 * case's latest label, oldest first; "next" is the after= of the next
 * page.  Texts of confidential cases are not exported (Art. 19), numbers
 * never, long digit runs in texts are masked.
 */
static int
admin_labels(struct admin_req *r)
{
	struct store_label	*l;
	long long		 limit = ADMIN_LIST_MAX, after = 0;
	int			 n, i, st;
	char			*text;
	json_t			*a, *o;

	if ((st = admin_page_query(r, "after", LLONG_MAX, &limit, &after)) !=
	    0)
		return st;
	l = xcalloc((size_t)limit, sizeof(*l));
	if ((n = store_label_export(r->store, after, l, (size_t)limit)) ==
	    -1) {
		free(l);
		return admin_error(r, 500, "internal", "cannot read the "
		    "labels");
	}
	a = json_array();
	for (i = 0; i < n; i++) {
		o = json_object();
		json_object_set_new(o, "id", json_integer(l[i].id));
		json_object_set_new(o, "case", json_string(l[i].number));
		text = lc_mask_digits(l[i].text != NULL ? l[i].text : "");
		admin_jstr(o, "text", text);
		free(text);
		admin_jstr(o, "label", l[i].category);
		admin_jstr(o, "previous", l[i].previous);
		admin_jstr(o, "actor", l[i].actor);
		admin_jtime(o, "at", l[i].at);
		json_array_append_new(a, o);
	}
	r->reply = json_pack("{s:o,s:i}", "labels", a, "count", n);
	if (r->reply != NULL)
		json_object_set_new(r->reply, "next", n == limit ?
		    json_integer(l[n - 1].id) : json_null());
	store_label_clear(l, (size_t)n);
	free(l);
	return r->reply != NULL ? 200 : admin_error(r, 500, "internal",
	    "cannot build the labels");
}

/* --- the safety screen's alerts (issue 11, Art. 8(1)) ------------------- */

#define ADMIN_ALERTS_MAX	1000	/* listed at most */

/* An alert as JSON: the number masked, never whole. */
static json_t *
admin_alert_json(const struct store_alert *a)
{
	json_t	*o = json_object();

	json_object_set_new(o, "id", json_integer(a->id));
	admin_jtime(o, "raised_at", a->at);
	admin_jstr(o, "verdict", a->verdict);
	admin_jstr(o, "channel", a->channel);
	admin_jstr(o, "word", a->word[0] != '\0' ? a->word : NULL);
	admin_jstr(o, "msisdn", a->mask);
	admin_jstr(o, "case", a->case_number[0] != '\0' ? a->case_number :
	    NULL);
	json_object_set_new(o, "refusal", a->refusal_id > 0 ?
	    json_integer(a->refusal_id) : json_null());
	admin_jstr(o, "text", a->text);
	admin_jtime(o, "logged_at", a->logged_at);
	json_object_set_new(o, "logs", json_integer(a->logs));
	json_object_set_new(o, "open", json_boolean(a->acked_at == 0));
	admin_jtime(o, "acked_at", a->acked_at);
	admin_jstr(o, "acked_by", a->acked_at != 0 ? a->acked_by : NULL);
	admin_jstr(o, "note", a->note);
	return o;
}

/* GET /v1/alerts[?all=1]: open alerts, newest first (all: every one). */
static int
admin_alert_list(struct admin_req *r)
{
	static const char *const allowed[] = { "all", NULL };
	struct admin_qparam	 q[ADMIN_QUERY_MAX];
	struct store_alert	 a[ADMIN_PAGE];
	json_t			*list;
	size_t			 off = 0;
	int			 n, i, all = 0;

	if ((n = admin_query(r, allowed, q, nitems(q))) == -1)
		return 400;
	for (i = 0; i < n; i++)
		if (admin_bool(q[i].value, &all) == -1) {
			admin_query_free(q, (size_t)n);
			return admin_error(r, 400, "bad_request", "all: 0 or "
			    "1");
		}
	admin_query_free(q, (size_t)n);
	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	list = json_array();
	do {
		if ((n = store_alert_list(r->store, !all, a, nitems(a),
		    off)) == -1) {
			json_decref(list);
			return admin_error(r, 500, "internal", "cannot list "
			    "the alerts");
		}
		for (i = 0; i < n; i++) {
			json_array_append_new(list, admin_alert_json(&a[i]));
			store_alert_clear(&a[i]);
		}
		off += (size_t)n;
	} while (n == (int)nitems(a) && off < ADMIN_ALERTS_MAX);
	r->reply = json_pack("{s:o,s:i,s:i}", "alerts", list, "count",
	    (int)off, "open", store_alert_open(r->store));
	return 200;
}

/* The alert named by the path; 0 with a loaded, or an error status. */
static int
admin_alert_load(struct admin_req *r, struct store_alert *a, int64_t *idp)
{
	const char	*errstr;
	int		 rv;

	*idp = strtonum(r->param[0], 1, INT64_MAX, &errstr);
	if (errstr != NULL)
		return admin_error(r, 400, "bad_request", "not an alert id");
	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	if ((rv = store_alert_get(r->store, *idp, a)) == -1)
		return admin_error(r, 500, "internal", "cannot read the alert");
	if (rv == 0)
		return admin_error(r, 404, "not_found", "no alert %lld",
		    (long long)*idp);
	return 0;
}

static int
admin_alert_show(struct admin_req *r)
{
	struct store_alert	a;
	int64_t			id;
	int			st;

	if ((st = admin_alert_load(r, &a, &id)) != 0)
		return st;
	r->reply = admin_alert_json(&a);
	store_alert_clear(&a);
	return 200;
}

/*
 * POST /v1/alerts/:id/ack {"note": what was done}: an operator called back
 * (or found nobody in danger).  Who, when and what are kept in the row and
 * in an audit event; an alert is acknowledged once.
 */
static int
admin_alert_ack(struct admin_req *r)
{
	static const struct admin_field f[] = { { "note", AF_STR, 1 } };
	struct store_alert	 a;
	const char		*note;
	int64_t			 id, now = (int64_t)clock_now_ms();
	int			 st, rv;

	if ((st = admin_fields(r, f, nitems(f))) != 0)
		return st;
	memset(&a, 0, sizeof(a));	/* scan-build: a loaded alert only */
	if ((st = admin_alert_load(r, &a, &id)) != 0)
		return st;
	rv = a.acked_at != 0;
	store_alert_clear(&a);
	if (rv)
		return admin_error(r, 409, "conflict", "alert %lld is "
		    "acknowledged already", (long long)id);
	note = admin_str(r, "note");
	if (commit_unit_begin() == -1)
		return admin_error(r, 503, "unavailable", "the database is "
		    "busy; retry");
	if (store_alert_ack(r->store, id, r->token->name, note, now) != 1 ||
	    admin_audit_change(r, "alert.ack", json_pack("{s:I,s:s}", "id",
	    (json_int_t)id, "note", note)) == -1)
		return admin_error(r, 500, "internal", "cannot acknowledge the "
		    "alert");
	if (store_alert_get(r->store, id, &a) == 1) {
		r->reply = admin_alert_json(&a);
		store_alert_clear(&a);
	}
	alert_acked();
	log_info("admin alert acknowledged id=%lld by=%s", (long long)id,
	    r->token->name);
	return admin_defer(r, 200);
}

/* The audit detail of a number read for alert id: JSON, or NULL. */
static char *
admin_alert_detail(int64_t id, const char *reason)
{
	json_t	*d;
	char	*s;

	if ((d = json_pack("{s:I,s:s}", "alert", (json_int_t)id, "reason",
	    reason)) == NULL)
		return NULL;
	s = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	return s;
}

/*
 * GET /v1/alerts/:id/citizen?reason=...: the number to call back, for the
 * office only.  A refused emergency has no case, so this is the way to the
 * number; as with a case's, the read and its reason are committed to the
 * audit trail before the number goes out.
 */
static int
admin_alert_citizen(struct admin_req *r)
{
	static const char *const allowed[] = { "reason", NULL };
	struct admin_qparam	 q[ADMIN_QUERY_MAX];
	struct store_alert	 a;
	char			 msisdn[STORE_ADDR_MAX], mask[LOG_MSISDN_MAX];
	char			*detail = NULL;
	const char		*reason = NULL;
	int64_t			 id;
	int			 n, st;

	msisdn[0] = '\0';
	if ((n = admin_query(r, allowed, q, nitems(q))) == -1)
		return 400;
	if (n == 1)
		reason = q[0].value;
	if (reason == NULL || *reason == '\0') {
		admin_query_free(q, (size_t)n);
		return admin_error(r, 400, "bad_request", "a reason is "
		    "required: ?reason=why the citizen must be called (it is "
		    "audited)");
	}
	if ((st = admin_alert_load(r, &a, &id)) != 0) {
		admin_query_free(q, (size_t)n);
		return st;
	}
	if (store_alert_msisdn(r->store, id, msisdn, sizeof(msisdn)) != 1)
		st = admin_error(r, 500, "internal", "cannot read the number");
	else if (admin_holds_msisdn(reason, msisdn))
		st = admin_error(r, 400, "bad_request", "the reason must not "
		    "hold the phone number (the audit trail keeps it forever)");
	else if ((detail = admin_alert_detail(id, reason)) == NULL)
		st = admin_error(r, 400, "bad_request", "reason: not valid "
		    "UTF-8");
	else if (commit_unit_begin() == -1)
		st = admin_error(r, 503, "unavailable", "the database is busy; "
		    "retry");
	/* audited first: the number goes out only if this event commits */
	else if (store_audit(r->store, 0, r->token->name, "msisdn-read",
	    detail, (int64_t)clock_now_ms()) == -1)
		st = admin_error(r, 500, "internal", "cannot audit the read; "
		    "the number is not given");
	else {
		log_info("admin msisdn-read alert=%lld token=%s msisdn=%s",
		    (long long)id, r->token->name, log_msisdn(msisdn, mask,
		    sizeof(mask)));
		r->reply = json_pack("{s:I,s:s,s:s?}", "alert", (json_int_t)id,
		    "msisdn", msisdn, "case", a.case_number[0] != '\0' ?
		    a.case_number : NULL);
	}
	store_alert_clear(&a);
	explicit_bzero(msisdn, sizeof(msisdn));
	free(detail);
	admin_query_free(q, (size_t)n);
	if (st != 0)
		return st;
	if (r->reply == NULL)
		return admin_error(r, 500, "internal", "cannot build the reply");
	return admin_defer(r, 200);
}

/*
 * GET /v1/db/check[?quick=1]: PRAGMA integrity_check (or quick_check) in a
 * child process (dbcheck.h): it reads every page, seconds per GiB, and the
 * loop keeps taking messages meanwhile.  200 with intact and the problems
 * found; 409 while another check runs.
 */
static int
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
	if (admin.checking != NULL || dbcheck_running() ||
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
	admin.checking = d;
	/* a client that hangs up meanwhile takes its request with it */
	(void)httpd_on_close(d->req, admin_db_gone, d);
	return ADMIN_DEFERRED;
}

/* The connection of a held check closed: its request is gone. */
static void
admin_db_gone(void *arg)
{
	struct admin_req	*d = arg;

	if (admin.checking == d)
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

	admin.checking = NULL;
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
	admin_send(d, code, d->t0);
	free(d);
}
