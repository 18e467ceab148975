/*
 * Unit tests of util.c's line reader, buf_next_line(): lines with and
 * without their newline, empty ones, carriage returns and NUL bytes kept
 * for the caller, a line that just fits and one a byte too long (refused,
 * nothing moved), and a buffer with no newline at all.
 */
#include "compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <limits.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util.h"

/* Every line of s (len bytes) joined by '|', as the reader gives them. */
static int
lines(const char *s, size_t len, size_t size, char *out, size_t outlen)
{
	const char	*p = s, *end = s + len;
	char		 line[64];
	size_t		 n;
	int		 first = 1;

	assert_true(size <= sizeof(line));
	out[0] = '\0';
	while (p < end) {
		if (buf_next_line(&p, end, line, size, &n) == -1)
			return -1;
		assert_int_equal(n, strlen(line));
		if (!first)
			strlcat(out, "|", outlen);
		first = 0;
		strlcat(out, line, outlen);
	}
	assert_true(p == end);
	return 0;
}

static void
test_lines(void **state)
{
	char	out[256];

	(void)state;
	assert_int_equal(lines("a\nbc\n", 5, 8, out, sizeof(out)), 0);
	assert_string_equal(out, "a|bc");
	/* the last line without its newline */
	assert_int_equal(lines("a\nbc", 4, 8, out, sizeof(out)), 0);
	assert_string_equal(out, "a|bc");
	/* empty lines are lines */
	assert_int_equal(lines("\n\nx\n\n", 5, 8, out, sizeof(out)), 0);
	assert_string_equal(out, "||x|");
	/* a carriage return is the caller's to drop */
	assert_int_equal(lines("k v\r\n", 5, 8, out, sizeof(out)), 0);
	assert_string_equal(out, "k v\r");
}

/* size - 1 bytes fit; size do not, and then nothing moves. */
static void
test_bounds(void **state)
{
	const char	*s = "1234567\n12345678\n", *p = s;
	char		 line[8];
	size_t		 n = 99;

	(void)state;
	assert_int_equal(buf_next_line(&p, s + strlen(s), line, sizeof(line),
	    &n), 0);
	assert_string_equal(line, "1234567");
	assert_int_equal(n, 7);
	assert_true(p == s + 8);
	memcpy(line, "unmoved", 8);
	assert_int_equal(buf_next_line(&p, s + strlen(s), line, sizeof(line),
	    &n), -1);
	assert_true(p == s + 8);
	assert_int_equal(n, 7);
	assert_string_equal(line, "unmoved");
	/* the same without a newline at the end */
	s = "12345678";
	p = s;
	assert_int_equal(buf_next_line(&p, s + 8, line, sizeof(line), &n), -1);
	assert_true(p == s);
	/* a size of 1 holds the empty line only */
	s = "\nx";
	p = s;
	assert_int_equal(buf_next_line(&p, s + 2, line, 1, &n), 0);
	assert_string_equal(line, "");
	assert_int_equal(buf_next_line(&p, s + 2, line, 1, &n), -1);
}

/*
 * A NUL byte is copied with the rest (the parsers refuse files with one
 * before reading lines); the length says where the line really ends.
 */
static void
test_nul(void **state)
{
	static const char	 s[] = { 'a', '\0', 'b', '\n', 'c' };
	const char		*p = s;
	char			 line[8];
	size_t			 n;

	(void)state;
	assert_int_equal(buf_next_line(&p, s + sizeof(s), line, sizeof(line),
	    &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(line, "a\0b", 4);
	assert_int_equal(buf_next_line(&p, s + sizeof(s), line, sizeof(line),
	    &n), 0);
	assert_string_equal(line, "c");
	assert_true(p == s + sizeof(s));
}

/* slice_resize(): halve over 2 budgets, double under half, within [lo, hi] */
static void
test_slice_resize(void **state)
{
	(void)state;
	assert_int_equal(slice_resize(8, 3 * SLICE_BUDGET_US, 1, 64), 4);
	assert_int_equal(slice_resize(8, 2 * SLICE_BUDGET_US + 1, 1, 64), 4);
	assert_int_equal(slice_resize(8, 2 * SLICE_BUDGET_US, 1, 64), 8);
	assert_int_equal(slice_resize(8, SLICE_BUDGET_US, 1, 64), 8);
	assert_int_equal(slice_resize(8, SLICE_BUDGET_US / 2, 1, 64), 8);
	assert_int_equal(slice_resize(8, SLICE_BUDGET_US / 2 - 1, 1, 64), 16);
	assert_int_equal(slice_resize(8, 0, 1, 64), 16);
	/* the bounds hold */
	assert_int_equal(slice_resize(1, UINT64_MAX, 1, 64), 1);
	assert_int_equal(slice_resize(3, 3 * SLICE_BUDGET_US, 2, 64), 2);
	assert_int_equal(slice_resize(64, 0, 1, 64), 64);
	assert_int_equal(slice_resize(40, 0, 1, 64), 64);
	assert_int_equal(slice_resize(0, 3 * SLICE_BUDGET_US, 1, 64), 1);
	assert_int_equal(slice_resize(500, SLICE_BUDGET_US, 1, 64), 64);
	assert_int_equal(slice_resize(INT_MAX, 0, 1, INT_MAX), INT_MAX);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_slice_resize),
	};

	return cmocka_run_group_tests_name("test_util", tests, NULL, NULL);
}
