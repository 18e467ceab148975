/*
 * The admin API: HTTP/JSON on evhttp (loopback by default, optional TLS),
 * bearer tokens with roles (tokens.h), one routes[] table in admin.c.
 * hotlinectl(8) is its client and documents every route and error code.
 *
 * Adding a route: one line in routes[] (admin.c)
 *	{ EVHTTP_REQ_POST, "/v1/cases/:number/close", TOKEN_OFFICE,
 *	    ADMIN_F_BODY, admin_case_close },
 * and a handler in the resource's file (admin_case.c, admin_unit.c ...,
 * or a new admin_<resource>.c), declared in admin_int.h, the private
 * header the handlers share.  The handler contract:
 *  - It runs only after the framework has authenticated the token, checked
 *    its role against the route, matched ":name" segments into r->param[]
 *    (in pattern order, at most ADMIN_PARAM_LEN - 1 bytes each, raw: the
 *    handler validates them) and, for ADMIN_F_BODY, parsed the body into
 *    r->body, a JSON object (size-limited, UTF-8, no NUL, nesting bounded).
 *  - It returns the HTTP status.  On success it sets r->reply to a new JSON
 *    object (the framework sends and frees it; NULL sends "{}").  On
 *    failure it returns admin_error(r, status, code, fmt, ...), with a
 *    stable code from the list below.  fmt is a literal in English: it is
 *    hotlinectl's msgid too (xgettext --keyword=admin_error:4, po/), sent
 *    untranslated with its arguments as strings (errfmt.h), so a change
 *    of its words wants `make update-po` and a translation.
 *  - It calls admin_log_case(r, number) once it knows the case, so the
 *    request's log line carries case=.
 *  - It never blocks the loop beyond a short SQLite transaction and never
 *    keeps r.  A handler that writes begins a unit of work in the group
 *    commit (commit_unit_begin()), writes, sets r->reply and returns
 *    admin_defer(r, status); admin_request() ends the unit, kept when the
 *    handler deferred, undone alone when it answered an error.  The reply
 *    goes out only after the batch has committed (a 2xx means durable, as
 *    deliver_sm_resp does), or as 503 "unavailable" when it failed.
 *  - ADMIN_F_QUERY routes take a query string, r->query (raw, may be
 *    NULL); admin_query() parses it.  Other routes refuse one.
 *  - r->store may be NULL (the store is not open yet): return
 *    admin_error(r, 503, "unavailable", ...).
 *  - Case data: ask admin_case_visible() first; a case the token may not
 *    see is "not_found", never "forbidden".
 *  - Phone numbers: only GET /v1/cases/:number/citizen returns one.  A
 *    handler that does must first record the read with store_audit(...,
 *    "msisdn-read", ...) in the batch, fail if that fails, and answer with
 *    admin_defer() so the number leaves after the event has committed
 *    (Art. 22, 23(10)); never log one unmasked.
 *
 * Error codes (stable): unauthorized 401, forbidden 403, not_found 404,
 * method_not_allowed 405, bad_request 400, too_large 413, conflict 409,
 * unavailable 503, internal 500.
 */
#ifndef HOTLINED_ADMIN_H
#define HOTLINED_ADMIN_H

#include <stddef.h>
#include <stdint.h>

struct conf_admin;
struct evbuffer;
struct event_base;
struct evhttp_request;
struct json_t;
struct store;
struct store_case;
struct token;
struct tokens;

#define ADMIN_PARAMS_MAX	4	/* ":name" segments in a pattern */
#define ADMIN_PARAM_LEN		65	/* longest segment + NUL */
#define ADMIN_PATH_MAX		512	/* longer paths are not_found */
#define ADMIN_JSON_DEPTH	16	/* deepest nesting of a request body */
#define ADMIN_HEADERS_MAX	8192	/* bytes of request line + headers */
#define ADMIN_TIMEOUT		30	/* seconds of silence on a connection */

#define ADMIN_F_BODY		0x01	/* takes a JSON object body */
#define ADMIN_F_QUERY		0x02	/* takes a query string */
#define ADMIN_F_BROWSER		0x04	/* token also from ?token= or cookie */
#define ADMIN_F_METRICS		0x08	/* no token when metrics-auth none */
#define ADMIN_DEFERRED		0	/* handler status: reply after commit */
#define ADMIN_QUERY_MAX		16	/* parameters in a query string */

struct admin_req;
typedef int	(*admin_handler_fn)(struct admin_req *);

struct admin_route {
	int		 method;	/* EVHTTP_REQ_* */
	const char	*pattern;	/* "/v1/cases/:number" */
	int		 roles;		/* TOKEN_* bits; 0: no token needed */
	int		 flags;		/* ADMIN_F_* */
	admin_handler_fn handler;
};

/* One request as a handler sees it. */
struct admin_req {
	struct evhttp_request	*req;			/* borrowed */
	const struct admin_route *route;
	const struct token	*token;		/* NULL on a public route */
	char			 param[ADMIN_PARAMS_MAX][ADMIN_PARAM_LEN];
	size_t			 nparam;
	struct json_t		*body;		/* ADMIN_F_BODY: an object */
	struct json_t		*reply;		/* set by the handler */
	struct store		*store;		/* borrowed; NULL: not open */
	char			 case_number[ADMIN_PARAM_LEN];	/* for log */
	const char		*query;		/* ADMIN_F_QUERY; borrowed */
	uint64_t		 t0;		/* clock_mono_ms() at arrival */
	struct evbuffer		*raw;		/* set: sent instead of reply */
	const char		*raw_type;	/* its Content-Type */
	int			 status;	/* admin_defer()'s */
};

/*
 * admin_obs.c's browser token, the pure part: the first token= of query,
 * else the hotlined_token cookie of a Cookie header (either may be NULL);
 * NULL when none, or when empty or longer than TOKEN_SECRET_MAX (*lenp:
 * its length, not ended).
 */
const char *admin_obs_token_in(const char *query, const char *cookie,
	    size_t *lenp);

/* One parsed query parameter (admin_query()). */
struct admin_qparam {
	char		*key;
	char		*value;
};

/*
 * Start serving conf's listen:port when the tokens file exists (without
 * one nobody could log in: the API stays off and says so in the log).
 * Registers the SIGHUP token reload and the shutdown hook.  0, or -1 with
 * a one-line reason in err.
 */
int	 admin_start(struct event_base *, const struct conf_admin *,
	    struct store *, char *err, size_t errlen);
/* Hand over the store once it is open (NULL: case routes answer 503). */
void	 admin_set_store(struct store *);
/* Stop listening, free the server and the tokens; safe to call twice. */
void	 admin_stop(void);
/* Replace the tokens with the file's; 0, or -1 keeping the old ones. */
int	 admin_reload_tokens(void);
/* Set the retention period in days (0: none) and the key file's path. */
void	 admin_data_conf(int retention_days, const char *key_file);

/* Add fields to GET /v1/status (e.g. "smsc_bound"); rooms call it once. */
void	 admin_on_status(const char *name,
	    void (*fn)(struct json_t *status, void *arg), void *arg);

/* Set r->reply to {"error":{"code","message","format","args"}}; status. */
int	 admin_error(struct admin_req *, int status, const char *code,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * Send r's reply with status once the open group-commit batch ends (a
 * failed batch answers 503); returns ADMIN_DEFERRED for the handler.
 */
int	 admin_defer(struct admin_req *, int status);
/* Send the reply of a request held past its handler (not freeing it). */
void	 admin_finish(struct admin_req *, int status);
/*
 * Keep r past its handler, for work that ends on a later loop turn (the
 * handler then returns ADMIN_DEFERRED): a copy the framework does not
 * free, without body or token, whose d->req turns NULL if the client
 * hangs up.  NULL, with r->reply set (return 503), when its connection
 * cannot be watched: start nothing then.
 */
struct admin_req *admin_hold(struct admin_req *);
/* Answer a held request (if its client is still there) and free it. */
void	 admin_release(struct admin_req *, int status);
/*
 * Parse r->query into at most max parameters, refusing keys not in the
 * NULL-terminated allowed list, duplicates and malformed strings.  The
 * count, or -1 with r->reply set (400); free with admin_query_free().
 */
int	 admin_query(struct admin_req *, const char *const *allowed,
	    struct admin_qparam *, size_t max);
/* Free n parsed parameters. */
void	 admin_query_free(struct admin_qparam *, size_t n);
/* Name the case a request is about, for its log line. */
void	 admin_log_case(struct admin_req *, const char *number);
/* 1 when r's token may see case c, else 0 (a unit: its own cases only). */
int	 admin_case_visible(const struct admin_req *, const struct store_case *);

/* Pure helpers, exported for the tests. */
/* Match path against pattern, filling params; 1 match, 0 not. */
int	 admin_match(const char *pattern, const char *path,
	    char param[][ADMIN_PARAM_LEN], size_t *nparam);
/* 1 when JSON text nests no deeper than max ([ and { outside strings). */
int	 admin_json_depth_ok(const char *buf, size_t len, int max);
/* The token in an Authorization header value, or NULL; *lenp its length. */
const char *admin_bearer(const char *header, size_t *lenp);

#endif /* HOTLINED_ADMIN_H */
