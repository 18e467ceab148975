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
#include "config.h"
#include "daemon.h"
#include "log.h"
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
static const char *admin_strmethod(int);
static struct bufferevent *admin_bevcb(struct event_base *, void *);
static SSL_CTX	*admin_tls_ctx(const struct conf_admin *, char *, size_t);
static int	 admin_shutdown_hook(void *);
static int	 admin_reload_hook(void *);
static void	 admin_exit_hook(void *);
static const char *admin_iso(int64_t, char *, size_t);

static int	 admin_health(struct admin_req *);
static int	 admin_status(struct admin_req *);
static int	 admin_loglevel_get(struct admin_req *);
static int	 admin_loglevel_put(struct admin_req *);
static int	 admin_case_show(struct admin_req *);
static int	 admin_audit_verify(struct admin_req *);

/*
 * The API.  GET /v1/health needs no token so that monitoring can probe
 * it; it says only "ok".  Everything else needs a token whose role is in
 * the route's roles.
 */
static const struct admin_route routes[] = {
	{ EVHTTP_REQ_GET, "/v1/health", 0, 0, admin_health },
	{ EVHTTP_REQ_GET, "/v1/status", TOKEN_ANY, 0, admin_status },
	{ EVHTTP_REQ_GET, "/v1/log-level", TOKEN_OFFICE | TOKEN_AUDITOR, 0,
	    admin_loglevel_get },
	{ EVHTTP_REQ_PUT, "/v1/log-level", TOKEN_OFFICE, ADMIN_F_BODY,
	    admin_loglevel_put },
	{ EVHTTP_REQ_GET, "/v1/cases/:number", TOKEN_ANY, 0,
	    admin_case_show },
	{ EVHTTP_REQ_GET, "/v1/audit/verify", TOKEN_OFFICE | TOKEN_AUDITOR, 0,
	    admin_audit_verify },
};

static struct {
	struct evhttp		*http;
	SSL_CTX			*ctx;
	struct tokens		*tokens;
	char			*tokens_path;
	struct store		*store;		/* borrowed */
	size_t			 max_body;
	uint64_t		 started;	/* clock_now_ms() */
	int			 hooked;
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
	/*
	 * TODO(dispatch): a unit sees the cases dispatched to it (lead or
	 * co-unit, Art. 10, 11): compare r->token->unit with the case's
	 * units once the store records them.  Until then, none.
	 */
	return 0;
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
	char	 allow[64];
	size_t	 i;
	int	 matched = 0;

	allow[0] = '\0';
	if (strlen(path) > ADMIN_PATH_MAX)
		return admin_error(r, 404, "not_found", "no such route");
	for (i = 0; i < nitems(routes); i++) {
		if (!admin_match(routes[i].pattern, path, r->param,
		    &r->nparam))
			continue;
		if (!matched)
			r->route = &routes[i];	/* for the log line */
		matched = 1;
		if (routes[i].method == method) {
			r->route = &routes[i];
			return 0;
		}
		if (allow[0] != '\0')
			strlcat(allow, ", ", sizeof(allow));
		strlcat(allow, admin_strmethod(routes[i].method),
		    sizeof(allow));
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

	if (r->route->roles == 0)
		return 0;
	h = evhttp_find_header(evhttp_request_get_input_headers(r->req),
	    "Authorization");
	if ((secret = admin_bearer(h, &len)) == NULL ||
	    (r->token = tokens_find(admin.tokens, secret, len)) == NULL) {
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
	if (ct != NULL && strncasecmp(ct, "application/json", 16) != 0)
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

/* Send r->reply with status, log the request, free what r holds. */
static void
admin_send(struct admin_req *r, int status, uint64_t t0)
{
	struct evkeyvalq	*oh = evhttp_request_get_output_headers(r->req);
	struct evbuffer		*out;
	char			*s;

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
	free(s);
	log_info("admin request token=%s method=%s route=%s status=%d%s%s "
	    "ms=%llu", r->token != NULL ? r->token->name : "-",
	    admin_strmethod(evhttp_request_get_command(r->req)),
	    r->route != NULL ? r->route->pattern : "-", status,
	    r->case_number[0] != '\0' ? " case=" : "", r->case_number,
	    (unsigned long long)(clock_mono_ms() - t0));
	json_decref(r->reply);
	json_decref(r->body);
}

static void
admin_dispatch(struct evhttp_request *req, void *arg)
{
	struct admin_req	 r;
	const struct evhttp_uri	*uri;
	const char		*path;
	uint64_t		 t0 = clock_mono_ms();
	int			 status;

	memset(&r, 0, sizeof(r));
	r.req = req;
	r.store = admin.store;
	uri = evhttp_request_get_evhttp_uri(req);
	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (path == NULL || *path == '\0')
		status = admin_error(&r, 404, "not_found", "no such route");
	else if ((status = admin_route(&r, evhttp_request_get_command(req),
	    path)) != 0)
		;
	else if ((status = admin_auth(&r)) != 0)
		;
	else if (evhttp_uri_get_query(uri) != NULL)
		status = admin_error(&r, 400, "bad_request", "%s takes no "
		    "query parameters", r.route->pattern);
	else if ((status = admin_body(&r)) != 0)
		;
	else {
		log_debug("admin dispatch route=%s token=%s role=%s",
		    r.route->pattern, r.token != NULL ? r.token->name : "-",
		    r.token != NULL ? tokens_strrole(r.token->role) : "-");
		status = r.route->handler(&r);
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
	if (admin.ctx != NULL)
		evhttp_set_bevcb(admin.http, admin_bevcb, NULL);
	if (evhttp_bind_socket_with_handle(admin.http, c->listen,
	    (ev_uint16_t)c->port) == NULL) {
		snprintf(err, errlen, "admin cannot listen on %s port %d: %s",
		    c->listen, c->port, strerror(errno));
		goto fail;
	}
	if (!admin.hooked) {
		hotlined_on_reload("admin-tokens", admin_reload_hook, NULL);
		hotlined_on_shutdown("admin", admin_shutdown_hook, NULL);
		hotlined_on_exit("admin", admin_exit_hook, NULL);
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
	if (admin.http != NULL) {
		evhttp_free(admin.http);
		admin.http = NULL;
		log_info("admin stopped");
	}
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
	r->reply = json_pack("{s:s}", "status", "ok");
	return 200;
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
	for (i = 0; i < admin_nhooks; i++)
		admin_hooks[i].fn(r->reply, admin_hooks[i].arg);
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

static int
admin_case_show(struct admin_req *r)
{
	struct store_case	 c;
	char			 num[STORE_CASE_NUMBER_MAX], t1[64], t2[64];
	json_t			*flags;
	size_t			 i, len = strlen(r->param[0]);
	int			 rv;

	for (i = 0; i < len && i < sizeof(num) - 1; i++) {
		if (!((r->param[0][i] >= 'A' && r->param[0][i] <= 'Z') ||
		    (r->param[0][i] >= 'a' && r->param[0][i] <= 'z') ||
		    (r->param[0][i] >= '0' && r->param[0][i] <= '9')))
			break;
		num[i] = (char)toupper((unsigned char)r->param[0][i]);
	}
	if (i != len)
		return admin_error(r, 400, "bad_request", "not a case number "
		    "(letters and digits, at most %d)", STORE_CASE_NUMBER_MAX -
		    1);
	num[i] = '\0';
	admin_log_case(r, num);
	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the case store is "
		    "not open");
	memset(&c, 0, sizeof(c));
	if ((rv = store_case_find(r->store, num, NULL, &c)) == -1)
		return admin_error(r, 500, "internal", "cannot read the case");
	if (rv == 0 || !admin_case_visible(r, &c)) {
		store_case_clear(&c);
		return admin_error(r, 404, "not_found", "no case %s", num);
	}
	flags = json_array();
	if (c.flags & STORE_CF_INCOMPLETE)
		json_array_append_new(flags, json_string("incomplete"));
	if (c.flags & STORE_CF_REPEATED)
		json_array_append_new(flags, json_string("repeated"));
	r->reply = json_pack("{s:s,s:s?,s:s?,s:b,s:s?,s:s,s:s?,s:s?,s:o,"
	    "s:s?,s:s?,s:i}",
	    "number", c.number,
	    "category", c.category,
	    "state", c.state,
	    "confidential", c.confidential,
	    "text", c.text,
	    "received_at", admin_iso(c.received_at, t1, sizeof(t1)),
	    "due", c.due,
	    "rule", c.rule,
	    "flags", flags,
	    "result", c.result,
	    "closed_at", c.closed_at ? admin_iso(c.closed_at, t2, sizeof(t2)) :
	    NULL,
	    "supplements", c.nsupplements);
	store_case_clear(&c);
	if (r->reply == NULL)
		return admin_error(r, 500, "internal", "cannot encode the case");
	return 200;
}

static int
admin_audit_verify(struct admin_req *r)
{
	int64_t	bad = 0;
	int	rv;

	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	if ((rv = store_audit_verify(r->store, &bad)) == -1)
		return admin_error(r, 500, "internal", "cannot read the audit "
		    "trail");
	if (rv == 0)
		r->reply = json_pack("{s:b}", "intact", 1);
	else {
		log_warnx("admin audit chain broken first_bad=%lld",
		    (long long)bad);
		r->reply = json_pack("{s:b,s:I}", "intact", 0, "first_bad",
		    (json_int_t)bad);
	}
	return 200;
}
