/*
 * Unit tests for log.c: phone-number masking (by length, 5 to 15 digits,
 * odd characters) and its keyed tag (stable per citizen, distinct between
 * citizens whose masks collide, keyed), and the text escaper.
 */
#include "compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

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

/*
 * Run fn with stderr on a fresh file whose contents come back in buf; with
 * journal set, JOURNAL_STREAM names that file, as systemd does.
 */
static void
on_stderr(int journal, void (*fn)(void), char *buf, size_t len)
{
	char		 path[] = "/tmp/test_log.XXXXXX", js[64];
	struct stat	 st;
	FILE		*f;
	size_t		 n;
	int		 fd, saved;

	assert_true((fd = mkstemp(path)) != -1);
	assert_true((saved = dup(STDERR_FILENO)) != -1);
	assert_true(dup2(fd, STDERR_FILENO) != -1);
	assert_int_equal(fstat(fd, &st), 0);
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	if (journal)
		setenv("JOURNAL_STREAM", js, 1);
	else
		unsetenv("JOURNAL_STREAM");
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	unsetenv("JOURNAL_STREAM");
	assert_non_null(f = fopen(path, "r"));
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	unlink(path);
}

static int	is_journal;

static void
probe_journal(void)
{
	is_journal = log_stderr_is_journal();
}

/* JOURNAL_STREAM counts only when it names stderr itself. */
static void
test_journal_stream_detection(void **state)
{
	char	buf[64];

	on_stderr(1, probe_journal, buf, sizeof(buf));
	assert_int_equal(is_journal, 1);
	on_stderr(0, probe_journal, buf, sizeof(buf));
	assert_int_equal(is_journal, 0);
	setenv("JOURNAL_STREAM", "1:2", 1);	/* another stream */
	assert_int_equal(log_stderr_is_journal(), 0);
	setenv("JOURNAL_STREAM", "garbage", 1);
	assert_int_equal(log_stderr_is_journal(), 0);
	setenv("JOURNAL_STREAM", "", 1);
	assert_int_equal(log_stderr_is_journal(), 0);
	unsetenv("JOURNAL_STREAM");
}

/* One line of each kind, to stderr as the daemon decides (hotlined.c). */
static void
log_each_level(void)
{
	log_init(LOG_TO_STDERR | (log_stderr_is_journal() ? LOG_TO_JOURNAL :
	    0), LOG_L_DEBUG, "test_log");
	log_err("commit failing at=commit messages=3");
	log_crit("alert raised id=1 verdict=clear channel=119");
	log_warnx("smpp unbound smsc=main");
	log_info("hotlined started version=0");
	log_debug("outbox pumped rows=0");
	log_trace("smpp pdu seq=1");
	log_init(LOG_TO_STDERR, LOG_L_WARN, "test_log");
}

/*
 * The journal gets each line once, its syslog priority as sd-daemon(3)'s
 * prefix and no time stamp: err 3 (a failing disk or database), crit 2
 * (an alert), warning 4, info 6, debug 7 (trace too).
 */
static void
test_journal_priorities(void **state)
{
	char	buf[4096];

	on_stderr(1, log_each_level, buf, sizeof(buf));
	assert_string_equal(buf,
	    "<3>err   commit failing at=commit messages=3\n"
	    "<2>crit  alert  raised id=1 verdict=clear channel=119\n"
	    "<4>warn  smpp   unbound smsc=main\n"
	    "<6>info  hotlined started version=0\n"
	    "<7>debug outbox pumped rows=0\n");
}

/* Without the journal: the operator format with its time stamp. */
static void
test_stderr_keeps_timestamps(void **state)
{
	char	buf[4096];

	on_stderr(0, log_each_level, buf, sizeof(buf));
	/* 2026-11-26T19:22:01.123+08:00 err   commit ... */
	assert_int_equal(strlen(buf) > 30, 1);
	assert_int_equal(buf[4], '-');
	assert_int_equal(buf[10], 'T');
	assert_non_null(strstr(buf, " err   commit failing at=commit "));
	assert_null(strchr(buf, '<'));
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
		cmocka_unit_test(test_journal_stream_detection),
		cmocka_unit_test(test_journal_priorities),
		cmocka_unit_test(test_stderr_keeps_timestamps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
