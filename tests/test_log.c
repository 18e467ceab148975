/* Unit tests for log.c: phone-number masking and the text escaper. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "compat.h"
#include "log.h"

static void
test_msisdn_mobile(void **state)
{
	char	buf[LOG_MSISDN_MAX];

	assert_string_equal(log_msisdn("13812345678", buf, sizeof(buf)),
	    "138****5678");
	assert_string_equal(log_msisdn("+8613812345678", buf, sizeof(buf)),
	    "+861****5678");
}

static void
test_msisdn_short_and_empty(void **state)
{
	char	buf[LOG_MSISDN_MAX];

	assert_string_equal(log_msisdn("12345", buf, sizeof(buf)), "****45");
	assert_string_equal(log_msisdn("123", buf, sizeof(buf)), "****");
	assert_string_equal(log_msisdn("", buf, sizeof(buf)), "-");
	assert_string_equal(log_msisdn(NULL, buf, sizeof(buf)), "-");
}

static void
test_msisdn_never_leaks_middle(void **state)
{
	char	buf[LOG_MSISDN_MAX];
	char	longnum[100];

	memset(longnum, '9', sizeof(longnum) - 1);
	longnum[sizeof(longnum) - 1] = '\0';
	longnum[5] = '1';
	log_msisdn(longnum, buf, sizeof(buf));
	assert_null(strchr(buf, '1'));
	assert_true(strlen(buf) < LOG_MSISDN_MAX);
	/* hostile characters in a sender id cannot reach the log */
	log_msisdn("ab\ncd\"efgh\x01ij", buf, sizeof(buf));
	assert_null(strchr(buf, '\n'));
	assert_null(strchr(buf, '\x01'));
}

static void
test_snippet_escapes(void **state)
{
	char		buf[64];
	const char	*in = "a\nb\"c\\d\x01";

	log_snippet(in, strlen(in), buf, sizeof(buf));
	assert_string_equal(buf, "a\\nb\\\"c\\\\d\\x01");
}

static void
test_snippet_truncates_on_utf8_boundary(void **state)
{
	char		 buf[12];
	const char	*in = "投诉噪音扰民严重";	/* 3 bytes a character */

	log_snippet(in, strlen(in), buf, sizeof(buf));
	/* 12 bytes: two characters (6) + "..." (3) + NUL fit, a third does not */
	assert_string_equal(buf, "投诉...");
}

static void
test_snippet_invalid_utf8(void **state)
{
	char		buf[64];
	const char	in[] = { 'x', (char)0xe6, (char)0x8a, 'y', (char)0xff, 0 };

	log_snippet(in, strlen(in), buf, sizeof(buf));
	assert_string_equal(buf, "x\\xe6\\x8ay\\xff");
}

static void
test_snippet_tiny_buffer(void **state)
{
	char	buf[4];

	log_snippet("hello", 5, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void
test_parselevel(void **state)
{
	assert_int_equal(log_parselevel("debug"), LOG_L_DEBUG);
	assert_int_equal(log_parselevel("warn"), LOG_L_WARN);
	assert_int_equal(log_parselevel("loud"), -1);
	assert_int_equal(log_parselevel(""), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msisdn_mobile),
		cmocka_unit_test(test_msisdn_short_and_empty),
		cmocka_unit_test(test_msisdn_never_leaks_middle),
		cmocka_unit_test(test_snippet_escapes),
		cmocka_unit_test(test_snippet_truncates_on_utf8_boundary),
		cmocka_unit_test(test_snippet_invalid_utf8),
		cmocka_unit_test(test_snippet_tiny_buffer),
		cmocka_unit_test(test_parselevel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
