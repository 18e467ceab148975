/*
 * Unit tests for tokens.c (the tokens file: good, malformed, duplicate,
 * bad modes) and admin.c: route matching, the nesting guard, the bearer
 * header, and the case and audit routes served in-process over a store.
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

#include "admin.h"
#include "crypto.h"
#include "daemon.h"
#include "log.h"
#include "store.h"
#include "tokens.h"
#include "util.h"

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
	chmod(path, 0640);
	conf_errors_free(&errs);
	assert_null(tokens_load(path, &errs));
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
	assert_int_equal(request(f, EVHTTP_REQ_GET, "/v1/audit/verify", AUDIT,
	    NULL, &o), 200);
	assert_true(json_is_true(json_object_get(o, "intact")));
	json_decref(o);
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
		cmocka_unit_test_setup_teardown(test_routes_case, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_routes_audit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_routes_status, setup,
		    teardown),
	};
	int	rv;

	log_init(LOG_TO_STDERR, LOG_L_WARN, "test_admin");
	rv = cmocka_run_group_tests(tests, NULL, NULL);
	conf_errors_free(&errs);
	return rv;
}
