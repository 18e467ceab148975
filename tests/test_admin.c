/*
 * Unit tests for tokens.c (the tokens file: good, malformed, duplicate,
 * bad modes) and admin.c: route matching, the nesting guard, the bearer
 * header, a request that cannot be held, and the routes served in-process
 * over a store: cases and their
 * lifecycle (every operation, wrong states, unit visibility, malformed and
 * oversized bodies, bad query parameters), units, the knowledge base, the
 * audited read of a citizen's number, and the notify hook (result SMS cut
 * to size, survey scheduled).  sqlite3 is used only to look at the file
 * from a second connection: what has committed.
 */
#include "../src/config.h"	/* not the autoconf config.h; brings compat.h */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>
#include <sqlite3.h>

#include "admin.h"
#include "commit.h"
#include "crypto.h"
#include "daemon.h"
#include "httpd.h"
#include "lifecycle.h"
#include "log.h"
#include "notify.h"
#include "store.h"
#include "template.h"
#include "tokens.h"
#include "util.h"
#include "testclock.h"

#define OFFICE	"office-secret-0123456789"
#define UNIT	"unit-secret-0123456789ab"
#define AUDIT	"audit-secret-0123456789"
#define GOOD \
	"# comment\n" \
	"\n" \
	"ops office " OFFICE "   # trailing comment\n" \
	"hb\tunit\t" UNIT "\tHB-WATER\r\n" \
	"aud auditor " AUDIT "\n"

static struct conf_errors	errs;

/* Parse text; the error text, or "" when it parsed. */
static const char *
parse(const char *text, size_t len, struct tokens **tp)
{
	struct tokens	*t;

	conf_errors_free(&errs);
	t = tokens_parse("t", text, len, &errs);
	if (tp != NULL)
		*tp = t;
	else
		tokens_free(t);
	if (t != NULL) {
		assert_int_equal(errs.n, 0);
		return "";
	}
	assert_true(errs.n > 0);
	return errs.buf;
}

#define PARSE(s)	parse((s), strlen(s), NULL)

static void
test_tokens_good(void **state)
{
	struct tokens		*t;
	const struct token	*k;

	assert_string_equal(parse(GOOD, strlen(GOOD), &t), "");
	assert_int_equal(t->n, 3);
	assert_string_equal(t->v[0].name, "ops");
	assert_int_equal(t->v[0].role, TOKEN_OFFICE);
	assert_string_equal(t->v[1].unit, "HB-WATER");
	assert_int_equal(t->v[1].role, TOKEN_UNIT);
	assert_int_equal(t->v[2].role, TOKEN_AUDITOR);
	assert_string_equal(t->v[2].unit, "");
	k = tokens_find(t, UNIT, strlen(UNIT));
	assert_non_null(k);
	assert_string_equal(k->name, "hb");
	assert_null(tokens_find(t, "office-secret-012345678", 23));
	assert_null(tokens_find(t, OFFICE "x", strlen(OFFICE) + 1));
	assert_null(tokens_find(t, "", 0));
	assert_null(tokens_find(NULL, OFFICE, strlen(OFFICE)));
	tokens_free(t);
	tokens_free(NULL);
	assert_string_equal(PARSE(""), "");
	assert_string_equal(PARSE("# only comments\n\n   \n"), "");
}

static void
test_tokens_hashed(void **state)
{
	struct tokens	*t;
	uint8_t		 h[TOKEN_HASH_LEN];
	char		 line[256];
	size_t		 i, n;

	tokens_hash(OFFICE, strlen(OFFICE), h);
	n = snprintf(line, sizeof(line), "ops office sha256:");
	for (i = 0; i < sizeof(h); i++)
		n += snprintf(line + n, sizeof(line) - n, "%02X", h[i]);
	snprintf(line + n, sizeof(line) - n, "\n");
	assert_string_equal(parse(line, strlen(line), &t), "");
	assert_non_null(tokens_find(t, OFFICE, strlen(OFFICE)));
	tokens_free(t);
	/* sha256 of "abc", the FIPS 180-2 vector */
	tokens_hash("abc", 3, h);
	assert_int_equal(h[0], 0xba);
	assert_int_equal(h[31], 0xad);
}

static void
test_tokens_malformed(void **state)
{
	static const struct {
		const char	*text;
		const char	*err;
	} bad[] = {
		{ "ops office\n", "t:1: expected NAME ROLE SECRET [UNIT], "
		    "got 2 fields" },
		{ "ops\n", "got 1 field\n" },
		{ "a unit " UNIT " HB extra\n", "got 5 fields" },
		{ "o/ps office " OFFICE "\n", "t:1: bad token name" },
		{ "abcdefghijabcdefghijabcdefghijabc office " OFFICE "\n",
		    "bad token name" },
		{ "ops admin " OFFICE "\n", "token ops: unknown role" },
		{ "ops Office " OFFICE "\n", "unknown role" },
		{ "ops office short\n", "secret must be 16 to 256" },
		{ "ops office sha256:abcd\n", "needs 64 hex digits" },
		{ "ops office sha256:zz00000000000000000000000000000000000000"
		    "00000000000000000000000000\n", "needs 64 hex digits" },
		{ "hb unit " UNIT "\n", "a unit token needs a unit code" },
		{ "hb unit " UNIT " HB/1\n", "needs a unit code" },
		{ "ops office " OFFICE " HB\n", "only a unit token takes" },
		{ "ops office " OFFICE "\nops auditor " AUDIT "\n",
		    "t:2: token ops: duplicate name (first at line 1)" },
		{ "ops office " OFFICE "\naud auditor " OFFICE "\n",
		    "t:2: token aud: same secret as token ops" },
		{ "ops office \x01" OFFICE "\n", "control character 0x01" },
		{ "ops office " OFFICE "\xe4\xb8\xad\n", "non-ASCII byte" },
		{ "ops office " OFFICE "\x7f\n", "control character 0x7f" },
	};
	char	*big;
	size_t	 i;

	for (i = 0; i < nitems(bad); i++) {
		if (strstr(PARSE(bad[i].text), bad[i].err) == NULL)
			fail_msg("case %zu: want \"%s\", got \"%s\"", i,
			    bad[i].err, errs.buf);
	}
	/* a NUL byte inside a line */
	assert_non_null(strstr(parse("ops office " OFFICE "\0x\n",
	    strlen(OFFICE) + 14, NULL), "t:1: NUL byte"));
	/* every error is reported, the whole file refused */
	PARSE("ops office " OFFICE "\nbad\nalso bad here now\n"
	    "aud auditor short\n");
	assert_int_equal(errs.n, 3);
	assert_non_null(strstr(errs.buf, "t:2:"));
	assert_non_null(strstr(errs.buf, "t:4:"));
	/* an over-long line, then a file over the limit */
	big = xmalloc(TOKENS_FILE_MAX + 2);
	memset(big, 'a', TOKENS_FILE_MAX + 1);
	big[TOKENS_LINE_MAX + 1] = '\n';
	assert_non_null(strstr(parse(big, TOKENS_LINE_MAX + 2, NULL),
	    "t:1: line longer than 1024 bytes"));
	assert_non_null(strstr(parse(big, TOKENS_FILE_MAX + 1, NULL),
	    "t: larger than"));
	free(big);
}

static void
test_tokens_many(void **state)
{
	char	*buf;
	size_t	 i, n = 0, cap = (TOKENS_MAX + 2) * 64;

	buf = xmalloc(cap);
	for (i = 0; i < TOKENS_MAX + 1; i++)
		n += snprintf(buf + n, cap - n, "t%zu auditor secret-%016zu\n",
		    i, i);
	assert_non_null(strstr(parse(buf, n, NULL), "more than 4096 tokens"));
	free(buf);
}

static void
test_tokens_roles(void **state)
{
	assert_int_equal(tokens_parserole("office"), TOKEN_OFFICE);
	assert_int_equal(tokens_parserole("unit"), TOKEN_UNIT);
	assert_int_equal(tokens_parserole("auditor"), TOKEN_AUDITOR);
	assert_int_equal(tokens_parserole(""), -1);
	assert_string_equal(tokens_strrole(TOKEN_AUDITOR), "auditor");
	assert_string_equal(tokens_strrole(0), "?");
}

static void
test_tokens_modes(void **state)
{
	struct tokens	*t;
	char		 dir[] = "/tmp/test_admin.XXXXXX", path[64];
	FILE		*f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/tokens", dir);
	conf_errors_free(&errs);
	assert_null(tokens_load(path, &errs));
	assert_non_null(strstr(errs.buf, "No such file"));
	assert_non_null(f = fopen(path, "w"));
	fputs(GOOD, f);
	fclose(f);
	chmod(path, 0644);
	conf_errors_free(&errs);
	assert_null(tokens_load(path, &errs));
	assert_non_null(strstr(errs.buf, "accessible by group or others "
	    "(mode 0644"));
	/* 0640: only when root owns it (the package's root:hotlined) */
	chmod(path, 0640);
	conf_errors_free(&errs);
	if (geteuid() == 0) {
		assert_non_null(t = tokens_load(path, &errs));
		tokens_free(t);
		chmod(path, 0660);	/* the group may write: never */
		conf_errors_free(&errs);
		assert_null(tokens_load(path, &errs));
		assert_non_null(strstr(errs.buf, "(mode 0660"));
		assert_int_equal(chown(path, 1, (gid_t)-1), 0);
		chmod(path, 0640);	/* not root's: never */
		conf_errors_free(&errs);
	}
	assert_null(tokens_load(path, &errs));
	assert_non_null(strstr(errs.buf, "(mode 0640; chmod 600 it, or 640 "
	    "owned by root)"));
	chmod(path, 0600);
	conf_errors_free(&errs);
	assert_non_null(t = tokens_load(path, &errs));
	assert_int_equal(t->n, 3);
	tokens_free(t);
	conf_errors_free(&errs);
	assert_null(tokens_load(dir, &errs));
	assert_non_null(strstr(errs.buf, "not a regular file"));
	conf_errors_free(&errs);
	unlink(path);
	rmdir(dir);
}

static void
test_match(void **state)
{
	char	p[ADMIN_PARAMS_MAX][ADMIN_PARAM_LEN], longseg[80];
	size_t	n;

	assert_int_equal(admin_match("/v1/health", "/v1/health", p, &n), 1);
	assert_int_equal(n, 0);
	assert_int_equal(admin_match("/v1/health", "/v1/health/", p, &n), 0);
	assert_int_equal(admin_match("/v1/health", "/v1/healthz", p, &n), 0);
	assert_int_equal(admin_match("/v1/health", "/v1", p, &n), 0);
	assert_int_equal(admin_match("/v1/health", "v1/health", p, &n), 0);
	assert_int_equal(admin_match("/v1/health", "", p, &n), 0);
	assert_int_equal(admin_match("/v1/cases/:n", "/v1/cases/HY1", p, &n),
	    1);
	assert_int_equal(n, 1);
	assert_string_equal(p[0], "HY1");
	assert_int_equal(admin_match("/v1/cases/:n", "/v1/cases/", p, &n), 0);
	assert_int_equal(admin_match("/v1/cases/:n", "/v1/cases//", p, &n),
	    0);
	assert_int_equal(admin_match("/v1/cases/:n", "/v1/cases/a/b", p, &n),
	    0);
	assert_int_equal(admin_match("/v1/cases/:n/x/:m", "/v1/cases/a/x/b",
	    p, &n), 1);
	assert_int_equal(n, 2);
	assert_string_equal(p[1], "b");
	memset(longseg, 'A', sizeof(longseg));
	memcpy(longseg, "/v1/cases/", 10);
	longseg[sizeof(longseg) - 1] = '\0';
	assert_int_equal(admin_match("/v1/cases/:n", longseg, p, &n), 0);
}

static void
test_depth(void **state)
{
	char	buf[200];

	assert_int_equal(admin_json_depth_ok("{}", 2, 1), 1);
	assert_int_equal(admin_json_depth_ok("{\"a\":[]}", 8, 1), 0);
	assert_int_equal(admin_json_depth_ok("{\"a\":[]}", 8, 2), 1);
	/* brackets inside strings, escaped quotes, do not count */
	assert_int_equal(admin_json_depth_ok("{\"[[[\\\"[[\":1}", 13, 1), 1);
	memset(buf, '[', sizeof(buf));
	assert_int_equal(admin_json_depth_ok(buf, sizeof(buf), 16), 0);
	assert_int_equal(admin_json_depth_ok("]]]]", 4, 1), 1);
}

static void
test_bearer(void **state)
{
	const char	*t;
	size_t		 len;

	assert_non_null(t = admin_bearer("Bearer abc", &len));
	assert_int_equal(len, 3);
	assert_memory_equal(t, "abc", 3);
	assert_non_null(t = admin_bearer("bearer   abc  ", &len));
	assert_int_equal(len, 3);
	assert_null(admin_bearer(NULL, &len));
	assert_null(admin_bearer("Basic abc", &len));
	assert_null(admin_bearer("Bearer", &len));
	assert_null(admin_bearer("Bearer ", &len));
	assert_null(admin_bearer("Bearer a b", &len));
	assert_null(admin_bearer("Bearerabc", &len));
}

/*
 * A request on no connection httpd watches: httpd_on_close() fails, so
 * admin_hold() does not hold it (its client's close would go unheard and
 * the answer would go to a freed request) but answers 503 at once and
 * leaves the body to the framework.
 */
static void
test_hold_unwatched(void **state)
{
	struct admin_req	 r;
	json_t			*e;

	memset(&r, 0, sizeof(r));
	assert_int_equal(httpd_on_close(NULL, NULL, NULL), -1);
	assert_non_null(r.req = evhttp_request_new(NULL, NULL));
	assert_int_equal(httpd_on_close(r.req, NULL, NULL), -1);
	assert_non_null(r.body = json_object());
	assert_null(admin_hold(&r));
	e = json_object_get(json_object_get(r.reply, "error"), "code");
	assert_string_equal(json_string_value(e), "unavailable");
	assert_non_null(r.body);	/* still the framework's to free */
	json_decref(r.reply);
	json_decref(r.body);
	evhttp_request_free(r.req);
}

/* --- the routes over a real store, client and server on one loop ------- */

struct fix {
	char		 dir[64];
	char		 path[96];
	struct crypto	*crypto;
	struct store	*st;
	struct event_base *base;
	int		 port;
};

struct reply {
	int	 status;
	json_t	*body;
};

static int
setup(void **state)
{
	static const uint8_t	 key[CRYPTO_KEYFILE_LEN] = { 1, 2, 3 };
	struct conf_admin	 ca;
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof(sin);
	struct fix		*f;
	FILE			*fp;
	char			 err[256], tokpath[128];
	int			 s;

	f = xcalloc(1, sizeof(*f));
	strlcpy(f->dir, "/tmp/test_admin.XXXXXX", sizeof(f->dir));
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/h.db", f->dir);
	snprintf(tokpath, sizeof(tokpath), "%s/tokens", f->dir);
	assert_non_null(fp = fopen(tokpath, "w"));
	fputs(GOOD, fp);
	fclose(fp);
	chmod(tokpath, 0600);
	f->crypto = crypto_new(key);
	f->st = store_open(f->path, f->crypto, NULL, err, sizeof(err));
	assert_non_null(f->st);
	assert_non_null(f->base = event_base_new());

	/* a free port: bind 0, read it, close */
	assert_true((s = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sin, &slen), 0);
	f->port = ntohs(sin.sin_port);
	close(s);

	memset(&ca, 0, sizeof(ca));
	ca.listen = "127.0.0.1";
	ca.port = f->port;
	ca.tokens_file = tokpath;
	ca.max_body = 1024;
	commit_set_default(commit_new(f->base, f->st, 0, 64));
	if (admin_start(f->base, &ca, f->st, err, sizeof(err)) == -1)
		fail_msg("admin_start: %s", err);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix	*f = *state;
	char		 cmd[128];

	admin_stop();
	commit_free(commit_default());
	store_close(f->st);
	crypto_free(f->crypto);
	event_base_free(f->base);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
done_cb(struct evhttp_request *req, void *arg)
{
	struct reply	*r = arg;
	struct evbuffer	*in;

	if (req != NULL && (r->status = evhttp_request_get_response_code(req))
	    != 0) {
		in = evhttp_request_get_input_buffer(req);
		r->body = json_loadb((char *)evbuffer_pullup(in, -1),
		    evbuffer_get_length(in), 0, NULL);
	}
}

/* One request on the fixture's loop; the status, the body in *bodyp. */
static int
request(struct fix *f, int method, const char *path, const char *token,
    const char *body, json_t **bodyp)
{
	struct evhttp_connection	*evcon;
	struct evhttp_request		*req;
	struct reply			 r = { 0, NULL };
	char				 auth[300];

	evcon = evhttp_connection_base_new(f->base, NULL, "127.0.0.1",
	    (ev_uint16_t)f->port);
	assert_non_null(evcon);
	req = evhttp_request_new(done_cb, &r);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host",
	    "127.0.0.1");
	if (token != NULL) {
		snprintf(auth, sizeof(auth), "Bearer %s", token);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Authorization", auth);
	}
	if (body != NULL)
		evbuffer_add(evhttp_request_get_output_buffer(req), body,
		    strlen(body));
	assert_int_equal(evhttp_make_request(evcon, req, method, path), 0);
	while (r.status == 0 && event_base_loop(f->base, EVLOOP_ONCE) == 0)
		;
	evhttp_connection_free(evcon);
	if (bodyp != NULL)
		*bodyp = r.body;
	else
		json_decref(r.body);
	return r.status;
}

/* The error code of an error reply. */
static const char *
code(json_t *o)
{
	const char	*s;

	s = json_string_value(json_object_get(json_object_get(o, "error"),
	    "code"));
	return s != NULL ? s : "(none)";
}

static void
test_routes_case(void **state)
{
	struct fix		*f = *state;
	struct store_case_new	 c;
	json_t			*o;
	char			 number[STORE_CASE_NUMBER_MAX], path[64], *s;
	int64_t			 id;

	memset(&c, 0, sizeof(c));
	c.msisdn = "13800138000";
	c.category = "complaint";
	c.text = "road lamp broken";
	c.received_at = (int64_t)clock_now_ms();
	c.due = "2026-12-10";
	assert_int_equal(store_case_add(f->st, &c, &id, number), 0);
	snprintf(path, sizeof(path), "/v1/cases/%s", number);

	assert_int_equal(request(f, EVHTTP_REQ_GET, path, OFFICE, NULL, &o),
	    200);
	assert_string_equal(json_string_value(json_object_get(o, "number")),
	    number);
	assert_string_equal(json_string_value(json_object_get(o,
	    "category")), "complaint");
	assert_true(json_is_false(json_object_get(o, "confidential")));
	assert_true(json_is_null(json_object_get(o, "closed_at")));
	/* never a phone number */
	assert_null(json_object_get(o, "msisdn"));
	s = json_dumps(o, 0);
	assert_null(strstr(s, "13800138000"));
	free(s);
	json_decref(o);
	assert_int_equal(request(f, EVHTTP_REQ_GET, path, AUDIT, NULL, NULL),
	    200);
	/* a unit sees only its own cases: none before dispatch exists */
	assert_int_equal(request(f, EVHTTP_REQ_GET, path, UNIT, NULL, &o),
	    404);
	assert_string_equal(code(o), "not_found");
	json_decref(o);
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/cases/HY0000000001",
	    OFFICE, NULL, &o), 404);
	assert_string_equal(code(o), "not_found");
	json_decref(o);
	/* lower case is the same number */
	path[10] = (char)(path[10] | 0x20);
	assert_int_equal(request(f, EVHTTP_REQ_GET, path, OFFICE, NULL, NULL),
	    200);
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/cases/HY-1", OFFICE,
	    NULL, &o), 400);
	assert_string_equal(code(o), "bad_request");
	json_decref(o);
	/* the store not open yet */
	admin_set_store(NULL);
	assert_int_equal(request(f, EVHTTP_REQ_GET, path, OFFICE, NULL, &o),
	    503);
	assert_string_equal(code(o), "unavailable");
	json_decref(o);
	admin_set_store(f->st);
}

static void
test_routes_audit(void **state)
{
	struct fix	*f = *state;
	json_t		*o;
	int64_t		 bad = 0;
	int		 level = log_getlevel();

	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/audit/verify", UNIT,
	    NULL, &o), 403);
	assert_string_equal(code(o), "forbidden");
	json_decref(o);
	/* a log-level change is an audited action */
	assert_int_equal(request(f, EVHTTP_REQ_PUT, "/v1/log-level", OFFICE,
	    "{\"level\":\"warn\"}", &o), 200);
	assert_string_equal(json_string_value(json_object_get(o, "level")),
	    "warn");
	json_decref(o);
	assert_int_equal(log_getlevel(), LOG_L_WARN);
	log_setlevel(level);
	/* the route runs "hotlined -A" (run-lifecycle.sh); here, the store */
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	admin_set_store(NULL);
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/audit/verify",
	    OFFICE, NULL, &o), 503);
	assert_string_equal(code(o), "unavailable");
	json_decref(o);
	admin_set_store(f->st);
}

static void
status_hook(json_t *o, void *arg)
{
	json_object_set_new(o, "smsc_bound", json_integer(2));
}

static void
test_routes_status(void **state)
{
	struct fix	*f = *state;
	json_t		*o;

	admin_on_status("test", status_hook, NULL);
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/status", UNIT, NULL,
	    &o), 200);
	assert_string_equal(json_string_value(json_object_get(o, "version")),
	    PACKAGE_VERSION);
	assert_string_equal(json_string_value(json_object_get(o, "store")),
	    "open");
	assert_int_equal(json_integer_value(json_object_get(o,
	    "smsc_bound")), 2);
	json_decref(o);
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/status", NULL, NULL,
	    &o), 401);
	assert_string_equal(code(o), "unauthorized");
	json_decref(o);
	assert_int_equal(request(f, EVHTTP_REQ_POST, "/v1/status", OFFICE,
	    "{}", &o), 405);
	assert_string_equal(code(o), "method_not_allowed");
	json_decref(o);
}

/* --- the lifecycle routes, units, knowledge base ----------------------- */

/* POST/PUT body to path as token; the status, the body in *o (or freed). */
static int
post(struct fix *f, const char *path, const char *token, const char *body,
    json_t **o)
{
	return request(f, EVHTTP_REQ_POST, path, token, body, o);
}

/* A new case of category with text; its number into number. */
static int64_t
new_case_text(struct fix *f, const char *category, const char *text,
    char number[])
{
	struct store_case_new	c;
	int64_t			id;

	memset(&c, 0, sizeof(c));
	c.msisdn = "13800138001";
	c.category = category;
	c.text = text;
	c.received_at = (int64_t)clock_now_ms();
	c.due = "2099-12-10";
	assert_int_equal(store_case_add(f->st, &c, &id, number), 0);
	return id;
}

/* A new registered case; its number into number. */
static int64_t
new_case(struct fix *f, const char *category, char number[])
{
	return new_case_text(f, category, "water pipe burst on Renmin Road",
	    number);
}

/* The string at key of o. */
static const char *
str(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "(none)";
}

/* op on case number: the status, with *o. */
static int
op(struct fix *f, const char *number, const char *what, const char *token,
    const char *body, json_t **o)
{
	char	path[96];

	snprintf(path, sizeof(path), "/v1/cases/%s/%s", number, what);
	return post(f, path, token, body, o);
}

#define EXPECT(f_, call, status, code_) do {				\
	json_t	*o_ = NULL;						\
	int	 s_ = (call);						\
	(void)f_;							\
	if (s_ != (status) || ((code_) != NULL &&			\
	    strcmp(code(o_), (code_) != NULL ? (code_) : "") != 0))	\
		fail_msg("%s:%d: want %d %s, got %d %s", __FILE__,	\
		    __LINE__, (status), (code_) != NULL ? (code_) : "",	\
		    s_, code(o_));					\
	json_decref(o_);						\
} while (0)
#define ST(f_, call, status)	EXPECT(f_, call, status, NULL)

static void
units(struct fix *f)
{
	ST(f, post(f, "/v1/units", OFFICE, "{\"code\":\"HB-WATER\","
	    "\"name\":\"Water bureau\",\"contact\":\"0762-1\"}", &o_), 201);
	ST(f, post(f, "/v1/units", OFFICE, "{\"code\":\"HB-ROAD\","
	    "\"name\":\"Roads\"}", &o_), 201);
	ST(f, post(f, "/v1/units", OFFICE, "{\"code\":\"HB-GAS\","
	    "\"name\":\"Gas\"}", &o_), 201);
}

static void
test_routes_lifecycle(void **state)
{
	struct fix	*f = *state;
	char		 n1[STORE_CASE_NUMBER_MAX], n2[STORE_CASE_NUMBER_MAX];
	char		 path[96], *s;
	json_t		*o, *h;
	size_t		 i;
	int		 found;

	units(f);
	EXPECT(f, post(f, "/v1/units", OFFICE, "{\"code\":\"HB-WATER\","
	    "\"name\":\"again\"}", &o_), 409, "conflict");
	EXPECT(f, post(f, "/v1/units", OFFICE, "{\"code\":\"HB/1\","
	    "\"name\":\"x\"}", &o_), 400, "bad_request");
	EXPECT(f, post(f, "/v1/units", UNIT, "{\"code\":\"HB-X\","
	    "\"name\":\"x\"}", &o_), 403, "forbidden");
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/units", AUDIT, NULL,
	    &o), 200);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 3);
	json_decref(o);

	new_case(f, "complaint", n1);
	new_case(f, "complaint", n2);
	snprintf(path, sizeof(path), "/v1/cases/%s", n1);

	/* dispatch: validation, then to HB-WATER with HB-ROAD */
	EXPECT(f, op(f, n1, "dispatch", OFFICE, "{\"lead\":\"NOPE\"}", &o_),
	    400, "bad_request");
	EXPECT(f, op(f, n1, "dispatch", OFFICE, "{\"lead\":\"HB-WATER\","
	    "\"co\":[\"HB-WATER\"]}", &o_), 400, "bad_request");
	EXPECT(f, op(f, n1, "dispatch", OFFICE, "{\"lead\":\"HB-WATER\","
	    "\"co\":\"HB-ROAD\"}", &o_), 400, "bad_request");
	EXPECT(f, op(f, n1, "dispatch", UNIT, "{\"lead\":\"HB-WATER\"}",
	    &o_), 403, "forbidden");
	EXPECT(f, op(f, n1, "dispatch", AUDIT, "{\"lead\":\"HB-WATER\"}",
	    &o_), 403, "forbidden");
	/* a unit sees nothing before dispatch */
	EXPECT(f, request(f, EVHTTP_REQ_GET, path, UNIT, NULL, &o_), 404,
	    "not_found");
	assert_int_equal(op(f, n1, "dispatch", OFFICE, "{\"lead\":\"HB-WATER\","
	    "\"co\":[\"HB-ROAD\"]}", &o), 200);
	assert_string_equal(str(o, "state"), "dispatched");
	assert_string_equal(str(o, "unit"), "HB-WATER");
	assert_string_equal(json_string_value(json_array_get(json_object_get(o,
	    "co_units"), 0)), "HB-ROAD");
	json_decref(o);
	/* now the unit sees it, but not the other case */
	ST(f, request(f, EVHTTP_REQ_GET, path, UNIT, NULL, &o_), 200);
	EXPECT(f, op(f, n2, "return", UNIT, "{\"reason\":\"not ours\"}",
	    &o_), 404, "not_found");
	/* wrong state: a dispatched case cannot be answered directly */
	EXPECT(f, op(f, n1, "answer", OFFICE, "{\"result\":\"done\"}", &o_),
	    409, "conflict");
	/* the unit returns it; then it is gone for the unit */
	assert_int_equal(op(f, n1, "return", UNIT, "{\"reason\":\"outside "
	    "our remit\"}", &o), 200);
	assert_string_equal(str(o, "state"), "returned");
	json_decref(o);
	EXPECT(f, request(f, EVHTTP_REQ_GET, path, UNIT, NULL, &o_), 404,
	    "not_found");
	ST(f, op(f, n1, "dispatch", OFFICE, "{\"lead\":\"HB-WATER\"}", &o_),
	    200);
	/* extension: days or due, one of them */
	EXPECT(f, op(f, n1, "extend", UNIT, "{\"reason\":\"x\"}", &o_), 400,
	    "bad_request");
	EXPECT(f, op(f, n1, "extend", UNIT, "{\"days\":0,\"reason\":\"x\"}",
	    &o_), 400, "bad_request");
	EXPECT(f, op(f, n1, "extend", UNIT, "{\"days\":2,\"due\":"
	    "\"2099-12-20\",\"reason\":\"x\"}", &o_), 400, "bad_request");
	/* a unit asks (/extension-request); the office extends */
	EXPECT(f, op(f, n1, "extend", UNIT, "{\"days\":3,\"reason\":"
	    "\"needs a contractor\"}", &o_), 403, "forbidden");
	assert_int_equal(op(f, n1, "extend", OFFICE, "{\"days\":3,\"reason\":"
	    "\"needs a contractor\"}", &o), 200);
	assert_string_equal(str(o, "due"), "2099-12-15");	/* Thu -> Tue */
	assert_string_equal(str(o, "due_original"), "2099-12-10");
	assert_int_equal(json_integer_value(json_object_get(o, "extensions")),
	    1);
	json_decref(o);
	/* a co-unit may note, not reply */
	ST(f, op(f, n1, "note", UNIT, "{\"text\":\"crew sent\"}", &o_), 200);
	EXPECT(f, op(f, n1, "reply", OFFICE, "{\"result\":\"x\"}", &o_), 403,
	    "forbidden");
	ST(f, op(f, n1, "reply", UNIT, "{\"result\":\"pipe repaired\"}", &o_),
	    200);
	/* close with the unit's reply as the result */
	assert_int_equal(op(f, n1, "close", OFFICE, "{}", &o), 200);
	assert_string_equal(str(o, "state"), "closed");
	assert_string_equal(str(o, "result"), "pipe repaired");
	json_decref(o);
	EXPECT(f, op(f, n1, "close", OFFICE, "{}", &o_), 409, "conflict");
	/* supervision and re-handling */
	EXPECT(f, op(f, n1, "supervise", OFFICE, "{\"reason\":\"because\"}",
	    &o_), 400, "bad_request");
	assert_int_equal(op(f, n1, "supervise", OFFICE, "{\"reason\":"
	    "\"leader-instruction\",\"note\":\"mayor asked\"}", &o), 200);
	assert_true(json_is_true(json_object_get(o, "supervised")));
	json_decref(o);
	EXPECT(f, op(f, n1, "reopen", OFFICE, "{}", &o_), 400, "bad_request");
	assert_int_equal(op(f, n1, "reopen", OFFICE, "{\"reason\":\"citizen "
	    "disputes\"}", &o), 200);
	assert_string_equal(str(o, "state"), "rehandling");
	json_decref(o);
	assert_int_equal(op(f, n1, "answer", OFFICE, "{\"result\":\"pipe "
	    "replaced\"}", &o), 200);
	assert_string_equal(str(o, "state"), "final");
	json_decref(o);

	/* approval (Art. 12) before dispatch */
	ST(f, op(f, n2, "approval", OFFICE, "{\"proposal\":\"to the gas "
	    "company\"}", &o_), 200);
	EXPECT(f, op(f, n2, "dispatch", OFFICE, "{\"lead\":\"HB-GAS\"}", &o_),
	    400, "bad_request");
	ST(f, op(f, n2, "dispatch", OFFICE, "{\"lead\":\"HB-GAS\","
	    "\"approval\":\"approved by Li\"}", &o_), 200);

	/* the history: every transition, no phone number */
	assert_int_equal(request(f, EVHTTP_REQ_GET, path, OFFICE, NULL, &o),
	    200);
	h = json_object_get(json_object_get(o, "history"), "events");
	assert_true(json_array_size(h) >= 10);
	for (i = 0, found = 0; i < json_array_size(h); i++)
		if (strcmp(str(json_array_get(h, i), "action"),
		    "case.return") == 0)
			found = 1;
	assert_true(found);
	s = json_dumps(o, 0);
	assert_null(strstr(s, "13800138001"));
	free(s);
	json_decref(o);
	/* unknown case, bad number */
	EXPECT(f, op(f, "HY0000000009", "note", OFFICE, "{\"text\":\"x\"}",
	    &o_), 404, "not_found");
	EXPECT(f, op(f, "HY-1", "note", OFFICE, "{\"text\":\"x\"}", &o_), 400,
	    "bad_request");
}

static void
test_routes_bodies(void **state)
{
	struct fix	*f = *state;
	char		 n[STORE_CASE_NUMBER_MAX], big[1500];

	new_case(f, "consultation", n);
	EXPECT(f, op(f, n, "answer", OFFICE, "not json", &o_), 400,
	    "bad_request");
	EXPECT(f, op(f, n, "answer", OFFICE, "[1]", &o_), 400, "bad_request");
	EXPECT(f, op(f, n, "answer", OFFICE, NULL, &o_), 400, "bad_request");
	EXPECT(f, op(f, n, "answer", OFFICE, "{\"result\":\"a\",\"result\":"
	    "\"b\"}", &o_), 400, "bad_request");
	EXPECT(f, op(f, n, "answer", OFFICE, "{\"result\":\"ok\",\"x\":1}",
	    &o_), 400, "bad_request");
	EXPECT(f, op(f, n, "answer", OFFICE, "{\"result\":\"\"}", &o_), 400,
	    "bad_request");
	EXPECT(f, op(f, n, "answer", OFFICE, "{\"result\":17}", &o_), 400,
	    "bad_request");
	EXPECT(f, op(f, n, "answer", OFFICE, "{\"result\":\"a\\u0007b\"}",
	    &o_), 400, "bad_request");
	EXPECT(f, op(f, n, "answer", OFFICE, "{\"result\":\"\\u0000\"}",
	    &o_), 400, "bad_request");
	EXPECT(f, op(f, n, "answer", OFFICE, "{\"result\":[[[[[[[[[[[[[[[["
	    "[[1]]]]]]]]]]]]]]]]]}", &o_), 400, "bad_request");
	memset(big, 'a', sizeof(big));
	memcpy(big, "{\"result\":\"", 11);
	memcpy(big + sizeof(big) - 3, "\"}", 3);
	EXPECT(f, op(f, n, "answer", OFFICE, big, &o_), 413, "too_large");
	EXPECT(f, op(f, n, "answer", NULL, "{\"result\":\"x\"}", &o_), 401,
	    "unauthorized");
	EXPECT(f, request(f, EVHTTP_REQ_GET, "/v1/cases/x/answer", OFFICE,
	    NULL, &o_), 405, "method_not_allowed");
	/* a transition still takes no query string */
	EXPECT(f, op(f, n, "answer?x=1", OFFICE, "{\"result\":\"x\"}", &o_),
	    400, "bad_request");
	ST(f, op(f, n, "answer", OFFICE, "{\"result\":\"bring the birth "
	    "certificate\"}", &o_), 200);
	EXPECT(f, op(f, n, "answer", OFFICE, "{\"result\":\"again\"}", &o_),
	    409, "conflict");
}

/* A deadline rule for the tests: 10 days for every category. */
static int
due_fixed(void *arg, const char *category, int64_t received_at, char *due,
    size_t len)
{
	(void)arg;
	(void)received_at;
	strlcpy(due, strcmp(category, "help") == 0 ? "2099-12-03" :
	    "2099-12-10", len);
	return 0;
}

static void
test_routes_classify(void **state)
{
	static const char *const bad_pages[] = { "limit=0", "limit=201",
	    "limit=abc", "limit=1&limit=2", "offset=-1", "offset=1x",
	    "x=1", "limit", "limit=%zz", "offset=99999999999999999999" };
	struct fix	*f = *state;
	char		 n[STORE_CASE_NUMBER_MAX];
	char		 n2[STORE_CASE_NUMBER_MAX], path[128];
	json_t		*o, *c;
	size_t		 i;

	lifecycle_set_due(due_fixed, NULL);
	new_case_text(f, "unclassified", "电话13800138002，身份证号码"
	    "４４１６０２１９９００１０１１２３４，2026年的事", n);
	new_case(f, "complaint", n2);

	/* the queue: office and auditor, never a unit */
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/queue", OFFICE, NULL,
	    &o), 200);
	assert_int_equal(json_integer_value(json_object_get(o, "waiting")), 1);
	c = json_array_get(json_object_get(o, "cases"), 0);
	assert_string_equal(str(c, "number"), n);
	assert_string_equal(str(c, "category"), "unclassified");
	assert_non_null(json_object_get(c, "waited_minutes"));
	assert_non_null(json_object_get(c, "text"));
	assert_null(json_object_get(c, "msisdn"));
	json_decref(o);
	ST(f, request(f, EVHTTP_REQ_GET, "/v1/queue?limit=1&offset=1", AUDIT,
	    NULL, &o_), 200);
	EXPECT(f, request(f, EVHTTP_REQ_GET, "/v1/queue", UNIT, NULL, &o_),
	    403, "forbidden");
	for (i = 0; i < nitems(bad_pages); i++) {
		snprintf(path, sizeof(path), "/v1/queue?%s", bad_pages[i]);
		EXPECT(f, request(f, EVHTTP_REQ_GET, path, OFFICE, NULL, &o_),
		    400, "bad_request");
	}

	/* classify: hostile and wrong bodies, wrong tokens */
	EXPECT(f, op(f, n, "classify", OFFICE, NULL, &o_), 400,
	    "bad_request");
	EXPECT(f, op(f, n, "classify", OFFICE, "{}", &o_), 400,
	    "bad_request");
	EXPECT(f, op(f, n, "classify", OFFICE, "{\"category\":17}", &o_), 400,
	    "bad_request");
	EXPECT(f, op(f, n, "classify", OFFICE, "{\"category\":\"\"}", &o_),
	    400, "bad_request");
	EXPECT(f, op(f, n, "classify", OFFICE, "{\"category\":\"complaint\","
	    "\"unit\":\"x\"}", &o_), 400, "bad_request");
	EXPECT(f, op(f, n, "classify", OFFICE, "{\"category\":\"complaint\","
	    "\"reason\":\"a\\u0001b\"}", &o_), 400, "bad_request");
	EXPECT(f, op(f, n, "classify", OFFICE, "{\"category\":\"complain\"}",
	    &o_), 400, "bad_request");
	EXPECT(f, op(f, n, "classify", OFFICE,
	    "{\"category\":\"unclassified\"}", &o_), 400, "bad_request");
	EXPECT(f, op(f, n, "classify", OFFICE, "{\"category\":\"complaint"
	    "\\u0000\"}", &o_), 400, "bad_request");
	EXPECT(f, op(f, "HY9901010001", "classify", OFFICE,
	    "{\"category\":\"complaint\"}", &o_), 404, "not_found");
	EXPECT(f, op(f, n, "classify", UNIT, "{\"category\":\"complaint\"}",
	    &o_), 403, "forbidden");
	EXPECT(f, op(f, n, "classify", AUDIT, "{\"category\":\"complaint\"}",
	    &o_), 403, "forbidden");
	EXPECT(f, op(f, n, "dispatch", OFFICE, "{\"lead\":\"HB-WATER\"}",
	    &o_), 409, "conflict");
	/* done: the due date is the category's */
	assert_int_equal(op(f, n, "classify", OFFICE, "{\"category\":\"help\","
	    "\"reason\":\"求助\"}", &o), 200);
	assert_string_equal(str(o, "category"), "help");
	assert_string_equal(str(o, "due"), "2099-12-03");
	assert_string_equal(str(o, "operation"), "classify");
	assert_true(json_is_false(json_object_get(o, "confirmed")));
	json_decref(o);
	assert_int_equal(op(f, n, "classify", OFFICE, "{\"category\":"
	    "\"help\"}", &o), 200);
	assert_true(json_is_true(json_object_get(o, "confirmed")));
	json_decref(o);
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/status", OFFICE, NULL,
	    &o), 200);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o,
	    "unclassified"), "waiting")), 0);
	json_decref(o);

	/* the labelled examples: numbers masked, paged by id */
	assert_int_equal(op(f, n2, "classify", OFFICE,
	    "{\"category\":\"suggestion\"}", &o), 200);
	json_decref(o);
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/labels", AUDIT, NULL,
	    &o), 200);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 2);
	assert_true(json_is_null(json_object_get(o, "next")));
	c = json_array_get(json_object_get(o, "labels"), 0);
	assert_string_equal(str(c, "case"), n);
	assert_string_equal(str(c, "label"), "help");
	assert_string_equal(str(c, "previous"), "help");	/* confirmed */
	assert_string_equal(str(c, "text"), "电话***********，身份证号码"
	    "******************，2026年的事");
	json_decref(o);
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/labels?limit=1",
	    OFFICE, NULL, &o), 200);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 1);
	snprintf(path, sizeof(path), "/v1/labels?after=%lld", (long long)
	    json_integer_value(json_object_get(o, "next")));
	json_decref(o);
	assert_int_equal(request(f, EVHTTP_REQ_GET, path, OFFICE, NULL, &o),
	    200);
	c = json_array_get(json_object_get(o, "labels"), 0);
	assert_string_equal(str(c, "case"), n2);
	json_decref(o);
	EXPECT(f, request(f, EVHTTP_REQ_GET, "/v1/labels", UNIT, NULL, &o_),
	    403, "forbidden");
	EXPECT(f, request(f, EVHTTP_REQ_GET, "/v1/labels?after=-1", OFFICE,
	    NULL, &o_), 400, "bad_request");
	EXPECT(f, request(f, EVHTTP_REQ_GET, "/v1/labels?offset=1", OFFICE,
	    NULL, &o_), 400, "bad_request");
	lifecycle_set_due(NULL, NULL);
}

static void
test_routes_list(void **state)
{
	struct fix	*f = *state;
	char		 n1[STORE_CASE_NUMBER_MAX], n2[STORE_CASE_NUMBER_MAX];
	char		 n3[STORE_CASE_NUMBER_MAX], path[128];
	json_t		*o;
	static const char *bad[] = {
		"/v1/cases?state=open", "/v1/cases?category=noise",
		"/v1/cases?unit=a/b", "/v1/cases?overdue=yes",
		"/v1/cases?supervised=2", "/v1/cases?confidential=",
		"/v1/cases?from=2026-13-01", "/v1/cases?to=20261201",
		"/v1/cases?from=2026-12-02&to=2026-12-01",
		"/v1/cases?limit=0", "/v1/cases?limit=201",
		"/v1/cases?limit=1e3", "/v1/cases?before=HY0000000001",
		"/v1/cases?color=red", "/v1/cases?state=closed&state=final",
		"/v1/cases?state=%00", "/v1/cases?unit=%0a",
	};
	size_t		 i;

	units(f);
	new_case(f, "complaint", n1);
	new_case(f, "help", n2);
	new_case(f, "complaint", n3);
	ST(f, op(f, n1, "dispatch", OFFICE, "{\"lead\":\"HB-WATER\"}", &o_),
	    200);
	ST(f, op(f, n2, "dispatch", OFFICE, "{\"lead\":\"HB-ROAD\"}", &o_),
	    200);
	ST(f, op(f, n2, "supervise", OFFICE, "{\"reason\":\"other\"}", &o_),
	    200);

	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/cases", OFFICE, NULL,
	    &o), 200);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 3);
	/* newest first */
	assert_string_equal(str(json_array_get(json_object_get(o, "cases"), 0),
	    "number"), n3);
	json_decref(o);
	assert_int_equal(request(f, EVHTTP_REQ_GET,
	    "/v1/cases?state=dispatched&category=complaint", OFFICE, NULL, &o),
	    200);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 1);
	json_decref(o);
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/cases?supervised=1",
	    AUDIT, NULL, &o), 200);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 1);
	assert_string_equal(str(json_array_get(json_object_get(o, "cases"), 0),
	    "number"), n2);
	json_decref(o);
	assert_int_equal(request(f, EVHTTP_REQ_GET,
	    "/v1/cases?limit=2&from=2020-01-01&to=2099-01-01&confidential=0",
	    OFFICE, NULL, &o), 200);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 2);
	snprintf(path, sizeof(path), "/v1/cases?before=%s",
	    str(o, "next"));
	json_decref(o);
	assert_int_equal(request(f, EVHTTP_REQ_GET, path, OFFICE, NULL, &o),
	    200);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 1);
	assert_string_equal(str(json_array_get(json_object_get(o, "cases"), 0),
	    "number"), n1);
	assert_true(json_is_null(json_object_get(o, "next")));
	json_decref(o);
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/cases?overdue=1",
	    OFFICE, NULL, &o), 200);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 0);
	json_decref(o);
	/* a unit lists its own cases only, whatever it asks */
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/cases", UNIT, NULL,
	    &o), 200);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 1);
	assert_string_equal(str(json_array_get(json_object_get(o, "cases"), 0),
	    "number"), n1);
	json_decref(o);
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/cases?unit=HB-ROAD",
	    UNIT, NULL, &o), 200);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 0);
	json_decref(o);
	for (i = 0; i < nitems(bad); i++)
		EXPECT(f, request(f, EVHTTP_REQ_GET, bad[i], OFFICE, NULL,
		    &o_), 400, "bad_request");
}

static void
test_routes_kb(void **state)
{
	struct fix	*f = *state;
	json_t		*o;
	int64_t		 id, bad = 0;

	units(f);
	assert_int_equal(post(f, "/v1/kb", OFFICE, "{\"keywords\":\"医保 "
	    "新生儿\",\"answer\":\"带出生证明到社保局办理\",\"unit\":"
	    "\"HB-WATER\"}", &o), 201);
	id = json_integer_value(json_object_get(o, "id"));
	assert_true(id > 0);
	json_decref(o);
	EXPECT(f, post(f, "/v1/kb", OFFICE, "{\"keywords\":\"x\","
	    "\"answer\":\"y\",\"unit\":\"NOPE\"}", &o_), 400, "bad_request");
	EXPECT(f, post(f, "/v1/kb", OFFICE, "{\"keywords\":\"x\"}", &o_), 400,
	    "bad_request");
	EXPECT(f, post(f, "/v1/kb", UNIT, "{\"keywords\":\"x\","
	    "\"answer\":\"y\"}", &o_), 403, "forbidden");
	assert_int_equal(request(f, EVHTTP_REQ_PUT, "/v1/kb/1", OFFICE,
	    "{\"answer\":\"带出生证明和户口本\"}", &o), 200);
	assert_string_equal(str(o, "answer"), "带出生证明和户口本");
	assert_string_equal(str(o, "keywords"), "医保 新生儿");
	json_decref(o);
	EXPECT(f, request(f, EVHTTP_REQ_PUT, "/v1/kb/99", OFFICE,
	    "{\"answer\":\"x\"}", &o_), 404, "not_found");
	EXPECT(f, request(f, EVHTTP_REQ_PUT, "/v1/kb/abc", OFFICE,
	    "{\"answer\":\"x\"}", &o_), 400, "bad_request");
	EXPECT(f, request(f, EVHTTP_REQ_PUT, "/v1/kb/1", OFFICE, "{}", &o_),
	    400, "bad_request");
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/kb", UNIT, NULL, &o),
	    200);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 1);
	json_decref(o);
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/kb?stale=1", AUDIT,
	    NULL, &o), 200);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 0);
	json_decref(o);
#ifdef HOTLINED_TEST_CLOCK
	/* a year later it is stale */
	TEST_CLOCK_SET(366 * 86400);
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/kb?stale=1&days=365",
	    AUDIT, NULL, &o), 200);
	TEST_CLOCK_SET(0);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 1);
	assert_true(json_is_true(json_object_get(json_array_get(
	    json_object_get(o, "entries"), 0), "stale")));
	json_decref(o);
#endif
	EXPECT(f, request(f, EVHTTP_REQ_GET, "/v1/kb?stale=2", OFFICE, NULL,
	    &o_), 400, "bad_request");
	EXPECT(f, request(f, EVHTTP_REQ_GET, "/v1/kb?days=0", OFFICE, NULL,
	    &o_), 400, "bad_request");
	/* every change is in the audit trail, and the chain holds */
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	(void)o;
}

/* msisdn-read events of case number, from the case's history. */
static size_t
reads(struct fix *f, const char *number, json_t **last)
{
	char	 path[64];
	json_t	*o, *h, *e;
	size_t	 i, n = 0;

	snprintf(path, sizeof(path), "/v1/cases/%s", number);
	assert_int_equal(request(f, EVHTTP_REQ_GET, path, OFFICE, NULL, &o),
	    200);
	h = json_object_get(json_object_get(o, "history"), "events");
	json_array_foreach(h, i, e)
		if (strcmp(str(e, "action"), "msisdn-read") == 0) {
			n++;
			if (last != NULL) {
				json_decref(*last);
				*last = json_incref(e);
			}
		}
	json_decref(o);
	return n;
}

/* msisdn-read rows committed to the file, seen from another connection. */
static int
committed_reads(struct fix *f)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	int		 n = -1;

	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM audit "
	    "WHERE action = 'msisdn-read'", -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

/* A case of msisdn in the test range; its number into number. */
static void
citizen_case(struct fix *f, const char *msisdn, int confidential,
    char number[])
{
	struct store_case_new	c;
	int64_t			id;

	memset(&c, 0, sizeof(c));
	c.msisdn = msisdn;
	c.category = "complaint";
	c.text = "street lamp out on Xingyuan Road";
	c.confidential = confidential;
	c.received_at = (int64_t)clock_now_ms();
	c.due = "2099-12-10";
	assert_int_equal(store_case_add(f->st, &c, &id, number), 0);
}

/* citizen of number with query q ("" none) as token: status, *o. */
static int
citizen(struct fix *f, const char *number, const char *q, const char *token,
    json_t **o)
{
	char	path[256];

	snprintf(path, sizeof(path), "/v1/cases/%s/citizen%s", number, q);
	return request(f, EVHTTP_REQ_GET, path, token, NULL, o);
}

/*
 * GET /v1/cases/:number/citizen: the office reads, audited first; the lead
 * unit of a non-confidential case reads; co-units, other units, auditors
 * and confidential cases (for units) do not; a refused read leaves no
 * event; the reason is required and may not hold the number.
 */
static void
test_routes_citizen(void **state)
{
	struct fix	*f = *state;
	char		 n1[STORE_CASE_NUMBER_MAX], n2[STORE_CASE_NUMBER_MAX];
	char		 n3[STORE_CASE_NUMBER_MAX], *s;
	json_t		*o, *ev = NULL;
	int64_t		 bad;

	units(f);
	citizen_case(f, "13800138031", 0, n1);
	citizen_case(f, "13800138032", 1, n2);	/* confidential (Art. 19) */
	citizen_case(f, "13800138033", 0, n3);

	/*
	 * A group commit that waits 300 ms: were the number sent before
	 * the audit event committed, the reply would arrive first and a
	 * second connection would not see the event yet.
	 */
	commit_free(commit_default());
	commit_set_default(commit_new(f->base, f->st, 300, 64));
	assert_int_equal(committed_reads(f), 0);
	assert_int_equal(citizen(f, n1, "?reason=call%20back%20about%20the%20"
	    "lamp", OFFICE, &o), 200);
	assert_int_equal(committed_reads(f), 1);
	assert_string_equal(str(o, "case"), n1);
	assert_string_equal(str(o, "msisdn"), "13800138031");
	assert_true(json_is_false(json_object_get(o, "confidential")));
	json_decref(o);
	commit_free(commit_default());
	commit_set_default(commit_new(f->base, f->st, 0, 64));
	/* the event: who, what, why; no number in it */
	assert_int_equal(reads(f, n1, &ev), 1);
	assert_string_equal(str(ev, "actor"), "ops");
	assert_string_equal(str(json_object_get(ev, "detail"), "reason"),
	    "call back about the lamp");
	assert_string_equal(str(json_object_get(ev, "detail"), "role"),
	    "office");
	s = json_dumps(ev, 0);
	assert_null(strstr(s, "0138031"));
	free(s);
	json_decref(ev);
	ev = NULL;

	/* the reason: required, non-empty, no other parameter, no number */
	EXPECT(f, citizen(f, n1, "", OFFICE, &o_), 400, "bad_request");
	EXPECT(f, citizen(f, n1, "?reason=", OFFICE, &o_), 400,
	    "bad_request");
	EXPECT(f, citizen(f, n1, "?why=x", OFFICE, &o_), 400, "bad_request");
	EXPECT(f, citizen(f, n1, "?reason=a&reason=b", OFFICE, &o_), 400,
	    "bad_request");
	EXPECT(f, citizen(f, n1, "?reason=a%0Ab", OFFICE, &o_), 400,
	    "bad_request");
	EXPECT(f, citizen(f, n1, "?reason=%FF%FE", OFFICE, &o_), 400,
	    "bad_request");
	EXPECT(f, citizen(f, n1, "?reason=confirm%20%2B86%20138-0013-8031",
	    OFFICE, &o_), 400, "bad_request");
	/* the number in any digits a person can type (issue 12) */
	/* full-width */
	EXPECT(f, citizen(f, n1,
	    "?reason=%E5%9B%9E%E7%94%B5%EF%BC%91%EF%BC%93%EF%BC%98-%EF%BC"
	    "%90%EF%BC%90%EF%BC%91%EF%BC%93-%EF%BC%98%EF%BC%90%EF%BC%93"
	    "%EF%BC%91",
	    OFFICE, &o_), 400, "bad_request");
	/* full-width, last 8 only */
	EXPECT(f, citizen(f, n1,
	    "?reason=%E5%B0%BE%E5%8F%B7%EF%BC%90%EF%BC%90%EF%BC%91%EF%BC"
	    "%93%EF%BC%98%EF%BC%90%EF%BC%93%EF%BC%91%E7%9A%84%E9%82%A3%E4"
	    "%BD%8D",
	    OFFICE, &o_), 400, "bad_request");
	/* Chinese numerals */
	EXPECT(f, citizen(f, n1,
	    "?reason=%E6%89%93%E4%B8%80%E4%B8%89%E5%85%AB%E9%9B%B6%E9%9B"
	    "%B6%E4%B8%80%E4%B8%89%E5%85%AB%E9%9B%B6%E4%B8%89%E4%B8%80",
	    OFFICE, &o_), 400, "bad_request");
	/* zero as 〇 and 幺 for one */
	EXPECT(f, citizen(f, n1,
	    "?reason=%E5%B9%BA%E4%B8%89%E5%85%AB%E3%80%87%E3%80%87%E5%B9"
	    "%BA%E4%B8%89%E5%85%AB%E3%80%87%E4%B8%89%E5%B9%BA",
	    OFFICE, &o_), 400, "bad_request");
	/* circled */
	EXPECT(f, citizen(f, n1,
	    "?reason=%E2%91%A0%E2%91%A2%E2%91%A7%E2%93%AA%E2%93%AA%E2%91"
	    "%A0%E2%91%A2%E2%91%A7%E2%93%AA%E2%91%A2%E2%91%A0",
	    OFFICE, &o_), 400, "bad_request");
	/* mathematical digits */
	EXPECT(f, citizen(f, n1,
	    "?reason=%F0%9D%9F%8F%F0%9D%9F%91%F0%9D%9F%96%F0%9D%9F%8E%F0"
	    "%9D%9F%8E%F0%9D%9F%8F%F0%9D%9F%91%F0%9D%9F%96%F0%9D%9F%8E%F0"
	    "%9D%9F%91%F0%9D%9F%8F",
	    OFFICE, &o_), 400, "bad_request");
	/* mixed forms */
	EXPECT(f, citizen(f, n1,
	    "?reason=1%EF%BC%93%E5%85%AB0%EF%BC%90%E4%B8%803%E2%91%A7%E3"
	    "%80%87%EF%BC%931",
	    OFFICE, &o_), 400, "bad_request");
	/* a case number in the reason is fine */
	ST(f, citizen(f, n1, "?reason=same%20matter%20as%20HY2611260001",
	    OFFICE, &o_), 200);
	assert_int_equal(reads(f, n1, NULL), 2);

	/* auditors never; units only as lead, never when confidential */
	EXPECT(f, citizen(f, n1, "?reason=x", AUDIT, &o_), 403, "forbidden");
	EXPECT(f, citizen(f, n1, "?reason=x", UNIT, &o_), 404, "not_found");
	ST(f, op(f, n1, "dispatch", OFFICE, "{\"lead\":\"HB-WATER\"}", &o_),
	    200);
	ST(f, op(f, n2, "dispatch", OFFICE, "{\"lead\":\"HB-WATER\"}", &o_),
	    200);
	ST(f, op(f, n3, "dispatch", OFFICE, "{\"lead\":\"HB-ROAD\","
	    "\"co\":[\"HB-WATER\"]}", &o_), 200);
	assert_int_equal(citizen(f, n1, "?reason=site%20visit", UNIT, &o),
	    200);
	assert_string_equal(str(o, "msisdn"), "13800138031");
	json_decref(o);
	assert_int_equal(reads(f, n1, &ev), 3);
	assert_string_equal(str(ev, "actor"), "hb");
	assert_string_equal(str(json_object_get(ev, "detail"), "unit"),
	    "HB-WATER");
	json_decref(ev);
	EXPECT(f, citizen(f, n2, "?reason=x", UNIT, &o_), 403, "forbidden");
	EXPECT(f, citizen(f, n3, "?reason=x", UNIT, &o_), 403, "forbidden");
	assert_int_equal(citizen(f, n2, "?reason=x", OFFICE, &o), 200);
	assert_string_equal(str(o, "msisdn"), "13800138032");
	assert_true(json_is_true(json_object_get(o, "confidential")));
	json_decref(o);
	/* refused reads leave no event */
	assert_int_equal(reads(f, n2, NULL), 1);
	assert_int_equal(reads(f, n3, NULL), 0);
	assert_int_equal(committed_reads(f), 4);

	/* unknown, malformed, other methods, the store not open */
	EXPECT(f, citizen(f, "HY0000000009", "?reason=x", OFFICE, &o_), 404,
	    "not_found");
	EXPECT(f, citizen(f, "HY-1", "?reason=x", OFFICE, &o_), 400,
	    "bad_request");
	EXPECT(f, post(f, "/v1/cases/HY0000000009/citizen", OFFICE, "{}",
	    &o_), 405, "method_not_allowed");
	EXPECT(f, citizen(f, n1, "?reason=x", NULL, &o_), 401, "unauthorized");
	admin_set_store(NULL);
	EXPECT(f, citizen(f, n1, "?reason=x", OFFICE, &o_), 503,
	    "unavailable");
	admin_set_store(f->st);
	assert_int_equal(committed_reads(f), 4);
	/* the chain holds every read */
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
}

/* The notify hook: result SMS (cut to max parts) and the survey. */
static void
test_notify(void **state)
{
	struct fix		*f = *state;
	struct hotlined_conf	 conf;
	struct conf_errors	 e;
	struct notify		*nt;
	char			 n[STORE_CASE_NUMBER_MAX], path[64], *body;
	char			 text[NOTIFY_TEXT_MAX], *top;
	json_t			*o, *out;
	size_t			 i;
	int			 cut, kinds = 0;

	conf_defaults(&conf);
	top = getenv("top_srcdir");
	free(conf.templates);
	xasprintf(&conf.templates, "%s/templates", top != NULL ? top : "..");
	memset(&e, 0, sizeof(e));
	if (template_start(&conf, &e) == -1)
		fail_msg("templates: %s", e.buf);
	conf.max_result_parts = 2;
	nt = notify_new(NULL, f->st, &conf, commit_default(), NULL);

	/* a short result fits, whole */
	assert_int_equal(notify_result_text("HY2611260001", "已修复", "12345",
	    2, text, sizeof(text), &cut), 0);
	assert_int_equal(cut, 0);
	assert_string_equal(text,
	    "【12345热线】您的诉求HY2611260001已办结，办理结果：已修复");
	/* no sentence end: cut at a character, and the citizen is told */
	body = xmalloc(3 * 300 + 1);
	for (i = 0; i < 300; i++)
		memcpy(body + 3 * i, "修", 3);
	body[900] = '\0';
	assert_int_equal(notify_result_text("HY2611260001", body, "12345", 2,
	    text, sizeof(text), &cut), 0);
	assert_true(cut > 0 && cut < 300);
	assert_int_equal(template_parts(text), 2);
	{
		char	want[TEMPLATE_OUT_MAX];
		int	k;

		/* 134 characters in two UCS-2 parts; the frame takes 80 */
		k = 300 - cut;
		snprintf(want, sizeof(want), "【12345热线】您的诉求HY2611260001"
		    "已办结，办理结果：%.*s……（结果较长，短信未能全部发送，"
		    "完整答复请致电12345查询案件HY2611260001）", 3 * k, body);
		assert_string_equal(text, want);
		assert_int_equal(k, 134 - 80);
	}
	{
		/* a sentence ends in the second half: cut after it */
		char	*s, want[TEMPLATE_OUT_MAX];
		int	 c2;

		xasprintf(&s, "%.*s。%s", 3 * 40, body, body);
		assert_int_equal(notify_result_text("HY2611260001", s, "12345",
		    2, text, sizeof(text), &c2), 0);
		snprintf(want, sizeof(want), "【12345热线】您的诉求HY2611260001"
		    "已办结，办理结果：%.*s。……（结果较长，短信未能全部发送，"
		    "完整答复请致电12345查询案件HY2611260001）", 3 * 40, body);
		assert_string_equal(text, want);
		assert_int_equal(c2, 300);
		free(s);
		/* one in the first half only: cut at a character */
		xasprintf(&s, "已更换水管。%s", body);
		assert_int_equal(notify_result_text("HY2611260001", s, "12345",
		    2, text, sizeof(text), &c2), 0);
		assert_int_equal(c2, 306 - 54);
		free(s);
	}

	new_case(f, "consultation", n);
	xasprintf(&top, "{\"result\":\"%s\"}", body);
	assert_int_equal(op(f, n, "answer", OFFICE, top, &o), 200);
	free(top);
	assert_int_equal(json_integer_value(json_object_get(o, "result_cut")),
	    cut);
	json_decref(o);
	snprintf(path, sizeof(path), "/v1/cases/%s", n);
	assert_int_equal(request(f, EVHTTP_REQ_GET, path, OFFICE, NULL, &o),
	    200);
	out = json_object_get(json_object_get(o, "history"), "out");
	for (i = 0; i < json_array_size(out); i++) {
		if (strcmp(str(json_array_get(out, i), "kind"), "result") == 0)
			kinds |= 1;
		if (strcmp(str(json_array_get(out, i), "kind"), "survey") == 0)
			kinds |= 2;
	}
	assert_int_equal(kinds, 3);
	assert_string_equal(str(o, "survey_state"), "pending");
	json_decref(o);
	free(body);
	notify_free(nt);
	template_stop(NULL);
	conf_free(&conf);
}

/* Audit events committed to the file that match where. */
static int
notice_events(struct fix *f, const char *where)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	char		 sql[256];
	int		 n = -1;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit WHERE %s",
	    where);
	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL),
	    SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

/*
 * The units' contacts and webhooks (admin_notice.c): the office's alone,
 * numbers masked in every answer, hostile bodies and ids refused.
 */
static void
test_routes_notice(void **state)
{
	static const char *const bad[] = {
		"{\"unit\":\"HB-WATER\",\"role\":\"handler\"}",
		"{\"unit\":\"HB-WATER\",\"role\":\"handler\","
		    "\"number\":13800138101}",
		"{\"unit\":\"HB-WATER\",\"role\":\"handler\","
		    "\"number\":\"138 0013 8101\"}",
		"{\"unit\":\"HB-WATER\",\"role\":\"handler\","
		    "\"number\":\"1234\"}",
		"{\"unit\":\"HB-WATER\",\"role\":\"handler\","
		    "\"number\":\"+123456789012345678901\"}",
		"{\"unit\":\"HB-WATER\",\"role\":\"duty\","
		    "\"number\":\"13800138101\"}",
		"{\"unit\":\"HB/1\",\"role\":\"handler\","
		    "\"number\":\"13800138101\"}",
		"{\"unit\":\"HB-WATER\",\"role\":\"handler\","
		    "\"number\":\"13800138101\",\"extra\":1}",
		"{\"unit\":\"HB-WATER\",\"role\":\"handler\","
		    "\"number\":\"13800138101\",\"name\":\"\"}",
		"[]",
	};
	struct fix	*f = *state;
	json_t		*o;
	char		*s;
	size_t		 i;

	units(f);
	for (i = 0; i < nitems(bad); i++)
		EXPECT(f, post(f, "/v1/contacts", OFFICE, bad[i], &o_), 400,
		    "bad_request");
	EXPECT(f, post(f, "/v1/contacts", OFFICE, "{\"unit\":\"HB-NONE\","
	    "\"role\":\"handler\",\"number\":\"13800138101\"}", &o_), 404,
	    "not_found");
	EXPECT(f, post(f, "/v1/contacts", UNIT, "{\"unit\":\"HB-WATER\","
	    "\"role\":\"handler\",\"number\":\"13800138101\"}", &o_), 403,
	    "forbidden");
	assert_int_equal(post(f, "/v1/contacts", OFFICE, "{\"unit\":"
	    "\"HB-WATER\",\"role\":\"handler\",\"number\":"
	    "\"13800138101\",\"name\":\"张三\"}", &o), 201);
	assert_string_equal(json_string_value(json_object_get(o, "number")),
	    "138****8101");
	json_decref(o);
	EXPECT(f, post(f, "/v1/contacts", OFFICE, "{\"unit\":\"HB-WATER\","
	    "\"role\":\"handler\",\"number\":\"+8613800138101\"}", &o_),
	    409, "conflict");
	ST(f, post(f, "/v1/contacts", OFFICE, "{\"unit\":\"office\","
	    "\"role\":\"duty\",\"number\":\"13800138109\"}", &o_), 201);
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/contacts?unit=office",
	    AUDIT, NULL, &o), 200);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 1);
	s = json_dumps(o, 0);
	assert_null(strstr(s, "13800138109"));
	free(s);
	json_decref(o);
	EXPECT(f, request(f, EVHTTP_REQ_GET, "/v1/contacts?unit=a/b", OFFICE,
	    NULL, &o_), 400, "bad_request");
	EXPECT(f, request(f, EVHTTP_REQ_GET, "/v1/contacts?who=x", OFFICE,
	    NULL, &o_), 400, "bad_request");
	EXPECT(f, request(f, EVHTTP_REQ_DELETE, "/v1/contacts/x1", OFFICE,
	    NULL, &o_), 400, "bad_request");
	EXPECT(f, request(f, EVHTTP_REQ_DELETE, "/v1/contacts/-1", OFFICE,
	    NULL, &o_), 400, "bad_request");
	EXPECT(f, request(f, EVHTTP_REQ_DELETE, "/v1/contacts/99", OFFICE,
	    NULL, &o_), 404, "not_found");
	ST(f, request(f, EVHTTP_REQ_DELETE, "/v1/contacts/1", OFFICE, NULL,
	    &o_), 200);
	EXPECT(f, request(f, EVHTTP_REQ_DELETE, "/v1/contacts/1", OFFICE,
	    NULL, &o_), 404, "not_found");
	/* webhooks */
	EXPECT(f, request(f, EVHTTP_REQ_PUT, "/v1/units/HB-WATER/webhook",
	    OFFICE, "{\"url\":\"https://x/\"}", &o_), 400, "bad_request");
	EXPECT(f, request(f, EVHTTP_REQ_PUT, "/v1/units/HB-WATER/webhook",
	    OFFICE, "{\"url\":7}", &o_), 400, "bad_request");
	EXPECT(f, request(f, EVHTTP_REQ_PUT, "/v1/units/HB-NONE/webhook",
	    OFFICE, "{\"url\":\"http://127.0.0.1/h\"}", &o_), 404,
	    "not_found");
	EXPECT(f, request(f, EVHTTP_REQ_DELETE, "/v1/units/HB-WATER/webhook",
	    OFFICE, NULL, &o_), 404, "not_found");
	assert_int_equal(request(f, EVHTTP_REQ_PUT,
	    "/v1/units/HB-WATER/webhook", OFFICE,
	    "{\"url\":\"http://127.0.0.1:9/h\"}", &o), 200);
	assert_int_equal(strlen(json_string_value(json_object_get(o,
	    "secret"))), 40);
	json_decref(o);
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/webhooks", AUDIT,
	    NULL, &o), 200);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 0);
	json_decref(o);
	ST(f, request(f, EVHTTP_REQ_DELETE, "/v1/units/HB-WATER/webhook",
	    OFFICE, NULL, &o_), 200);
	/* every change is an audit event, none names a number in full */
	assert_int_equal(notice_events(f, "action IN ('contact.add', "
	    "'contact.remove', 'webhook.set', 'webhook.remove')"), 5);
	assert_int_equal(notice_events(f, "detail LIKE '%1380013%'"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens_good),
		cmocka_unit_test(test_tokens_hashed),
		cmocka_unit_test(test_tokens_malformed),
		cmocka_unit_test(test_tokens_many),
		cmocka_unit_test(test_tokens_roles),
		cmocka_unit_test(test_tokens_modes),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_bearer),
		cmocka_unit_test(test_hold_unwatched),
		cmocka_unit_test_setup_teardown(test_routes_case, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_routes_audit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_routes_status, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_routes_lifecycle, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_routes_bodies, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_routes_classify, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_routes_list, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_routes_kb, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_routes_citizen, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_notify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_routes_notice, setup,
		    teardown),
	};
	int	rv;

	log_init(LOG_TO_STDERR, LOG_L_WARN, "test_admin");
	rv = cmocka_run_group_tests(tests, NULL, NULL);
	conf_errors_free(&errs);
	return rv;
}
