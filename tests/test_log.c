/*
 * Unit tests for log.c: phone-number masking (by length, 5 to 15 digits,
 * odd characters) and its keyed tag (stable per citizen, distinct between
 * citizens whose masks collide, keyed), and the text escaper.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "compat.h"
#include "crypto.h"
#include "log.h"

static int
nokey(void **state)
{
	(void)state;
	log_msisdn_key(NULL);
	return 0;
}

/* A tag key as hotlined derives it, from a data key of 0x5a bytes. */
static int
withkey(void **state)
{
	uint8_t		 key[CRYPTO_KEYFILE_LEN], lk[CRYPTO_HASH_LEN];
	struct crypto	*c;

	(void)state;
	memset(key, 0x5a, sizeof(key));
	c = crypto_new(key);
	assert_int_equal(crypto_log_key(c, lk), 0);
	crypto_free(c);
	log_msisdn_key(lk);
	return 0;
}

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

/* Every length from 1 to 15: what shows, and never more than 7 digits. */
static void
test_msisdn_by_length(void **state)
{
	static const struct {
		const char	*in, *want;
	} t[] = {
		{ "1", "****" },
		{ "1234", "****" },
		{ "12345", "****45" },
		{ "123456", "****56" },
		{ "1234567", "****67" },
		{ "13800801", "13****01" },		/* was 138****0801 */
		{ "138008020", "13****20" },		/* was 138****8020 */
		{ "1380080201", "138****201" },
		{ "13800138000", "138****8000" },	/* unchanged */
		{ "138001380001", "138****0001" },
		{ "8613800138000", "861****8000" },
		{ "+8613800138000", "+861****8000" },
		{ "00861380013800", "008****3800" },
		{ "008613800138000", "008****8000" },
		{ "+00861380013800", "+008****3800" },
	};
	char	buf[LOG_MSISDN_MAX];
	size_t	i, j, digits;

	for (i = 0; i < nitems(t); i++) {
		log_msisdn(t[i].in, buf, sizeof(buf));
		if (strcmp(buf, t[i].want) != 0)
			fail_msg("%s: %s, want %s", t[i].in, buf, t[i].want);
		for (j = digits = 0; buf[j] != '\0'; j++)
			digits += buf[j] >= '0' && buf[j] <= '9';
		assert_true(digits <= 7);
		/* at least 4 hidden from 6 digits on */
		if (strlen(t[i].in) - (t[i].in[0] == '+') >= 6)
			assert_true(strlen(t[i].in) - (t[i].in[0] == '+') -
			    digits >= 4);
	}
}

/* Odd senders: letters kept, anything else a '?', never a raw byte. */
static void
test_msisdn_odd(void **state)
{
	char	buf[LOG_MSISDN_MAX];

	assert_string_equal(log_msisdn("ICBC", buf, sizeof(buf)), "****");
	assert_string_equal(log_msisdn("China Mobile", buf, sizeof(buf)),
	    "Chi****bile");
	assert_string_equal(log_msisdn("138-0013-8000", buf, sizeof(buf)),
	    "138****8000");
	assert_string_equal(log_msisdn("+", buf, sizeof(buf)), "+****");
	assert_string_equal(log_msisdn("1[3]8_0\x7f" "13800", buf,
	    sizeof(buf)), "1?3****3800");
	/* a buffer too small is cut, never overrun */
	assert_string_equal(log_msisdn("13800138000", buf, 5), "138*");
}

/*
 * The tag: "~" and four lowercase letters after the unchanged mask, the
 * same for every way of writing one number, different for the numbers
 * whose masks collide, and another with another key.
 */
static void
test_msisdn_tag(void **state)
{
	char		 a[LOG_MSISDN_MAX], b[LOG_MSISDN_MAX];
	char		 tags[100][LOG_TAG_LEN + 1], num[16];
	uint8_t		 other[LOG_TAG_KEY_LEN];
	size_t		 i, j, same = 0;

	log_msisdn("13800138020", a, sizeof(a));
	assert_int_equal(strlen(a), strlen("138****8020~") + LOG_TAG_LEN);
	assert_int_equal(strncmp(a, "138****8020~", 12), 0);
	assert_int_equal(strspn(a + 12, "abcdefghijklmnopqrstuvwxyz"),
	    LOG_TAG_LEN);
	/* stable: again, and written another way */
	assert_string_equal(log_msisdn("13800138020", b, sizeof(b)), a);
	log_msisdn("+8613800138020", b, sizeof(b));
	assert_string_equal(strchr(b, '~'), strchr(a, '~'));
	log_msisdn("008613800138020", b, sizeof(b));
	assert_string_equal(strchr(b, '~'), strchr(a, '~'));
	/* letters only: a grep for digits never matches a tag */
	assert_null(strpbrk(strchr(a, '~'), "0123456789"));
	/* 100 numbers with one mask 138****8020: tags tell them apart */
	for (i = 0; i < nitems(tags); i++) {
		snprintf(num, sizeof(num), "138%04zu8020", i * 97);
		log_msisdn(num, a, sizeof(a));
		assert_int_equal(strncmp(a, "138****8020~", 12), 0);
		strlcpy(tags[i], a + 12, sizeof(tags[i]));
	}
	for (i = 0; i < nitems(tags); i++)
		for (j = i + 1; j < nitems(tags); j++)
			same += strcmp(tags[i], tags[j]) == 0;
	assert_true(same <= 1);	/* 26^4: one of 4,950 pairs 1% of keys */
	/* keyed: another key, another tag */
	log_msisdn("13800138020", a, sizeof(a));
	memset(other, 0xa5, sizeof(other));
	log_msisdn_key(other);
	log_msisdn("13800138020", b, sizeof(b));
	assert_string_not_equal(a, b);
	assert_int_equal(strncmp(b, "138****8020~", 12), 0);
	/* short and odd numbers are tagged too */
	assert_int_equal(strncmp(log_msisdn("12345", a, sizeof(a)),
	    "****45~", 7), 0);
	assert_string_equal(log_msisdn("", a, sizeof(a)), "-");
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
		cmocka_unit_test_setup(test_msisdn_mobile, nokey),
		cmocka_unit_test_setup(test_msisdn_short_and_empty, nokey),
		cmocka_unit_test_setup(test_msisdn_by_length, nokey),
		cmocka_unit_test_setup(test_msisdn_odd, nokey),
		cmocka_unit_test_setup(test_msisdn_tag, withkey),
		cmocka_unit_test_setup(test_msisdn_never_leaks_middle, withkey),
		cmocka_unit_test(test_snippet_escapes),
		cmocka_unit_test(test_snippet_truncates_on_utf8_boundary),
		cmocka_unit_test(test_snippet_invalid_utf8),
		cmocka_unit_test(test_snippet_tiny_buffer),
		cmocka_unit_test(test_parselevel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
