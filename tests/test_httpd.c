/*
 * Unit tests for httpd.c's pure parts: the Content-Type check (exact media
 * type, parameters allowed, prefixes refused) and the loopback test that
 * decides whether a listener without TLS is warned about.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "compat.h"
#include "httpd.h"

static void
test_media_exact(void **state)
{
	const char	*t = "application/json";

	assert_true(httpd_media_is("application/json", t));
	assert_true(httpd_media_is("Application/JSON", t));
	assert_true(httpd_media_is("application/json; charset=utf-8", t));
	assert_true(httpd_media_is("application/json ;charset=utf-8", t));
	assert_true(httpd_media_is("application/json\t", t));
	assert_true(httpd_media_is("application/octet-stream",
	    "application/octet-stream"));
}

static void
test_media_hostile(void **state)
{
	const char	*t = "application/json";

	/* a prefix is not the type */
	assert_false(httpd_media_is("application/jsonp", t));
	assert_false(httpd_media_is("application/json-seq", t));
	assert_false(httpd_media_is("application/json5", t));
	assert_false(httpd_media_is("application/json/x", t));
	assert_false(httpd_media_is("application/json, text/html", t));
	assert_false(httpd_media_is("application/octet-streamy",
	    "application/octet-stream"));
	/* truncated, empty, absent, other */
	assert_false(httpd_media_is("application/jso", t));
	assert_false(httpd_media_is("", t));
	assert_false(httpd_media_is(NULL, t));
	assert_false(httpd_media_is(" application/json", t));
	assert_false(httpd_media_is("text/plain", t));
	assert_false(httpd_media_is("application/json\x01", t));
}

static void
test_loopback(void **state)
{
	assert_true(httpd_is_loopback("127.0.0.1"));
	assert_true(httpd_is_loopback("127.255.0.9"));
	assert_true(httpd_is_loopback("::1"));
	assert_false(httpd_is_loopback("0.0.0.0"));
	assert_false(httpd_is_loopback("::"));
	assert_false(httpd_is_loopback("10.0.0.1"));
	assert_false(httpd_is_loopback("128.0.0.1"));
	assert_false(httpd_is_loopback("localhost"));		/* not numeric */
	assert_false(httpd_is_loopback("127.0.0.1 "));
	assert_false(httpd_is_loopback("127.0.0.1.5"));
	assert_false(httpd_is_loopback(""));
	assert_false(httpd_is_loopback(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_media_exact),
		cmocka_unit_test(test_media_hostile),
		cmocka_unit_test(test_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
