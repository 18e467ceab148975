/*
 * Unit tests for the rules file parser in intake.c: the format (lines,
 * indented blocks, comments, CRLF), every error with its file:line, and
 * hostile files (oversized lines and files, NUL, invalid UTF-8, garbage).
 */
#include "compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../src/category.h"
#include "../src/intake.h"

static char	err[16384];
static char	norm[INTAKE_NORM_MAX];

static const char *
datapath(const char *name)
{
	static char	 path[4096];
	const char	*top = getenv("top_srcdir");

	snprintf(path, sizeof(path), "%s/tests/data/rules/%s",
	    top ? top : ".", name);
	return path;
}

static struct rules *
load_str(const char *s)
{
	return rules_load_buf("t.rules", s, strlen(s), err, sizeof(err));
}

static const struct intake_verdict *
classify(const struct rules *rs, const char *text)
{
	static struct intake_verdict	v;
	struct intake_ctx		ctx = { "HY", 0, 0 };

	assert_int_equal(intake_classify(rs, text, &ctx, &v, norm,
	    sizeof(norm)), 0);
	return &v;
}

/* Whether err holds exactly the line "t.rules:LINE: ...needle...". */
static int
has_error(int line, const char *needle)
{
	char		 head[64];
	const char	*p, *nl;

	snprintf(head, sizeof(head), "t.rules:%d: ", line);
	for (p = err; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			return 0;
		if (strncmp(p, head, strlen(head)) == 0 &&
		    strstr(p, needle) != NULL && strstr(p, needle) < nl)
			return 1;
	}
	return 0;
}

static int
count_lines(const char *s)
{
	int	n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

static void
test_good_file(void **state)
{
	struct rules			*rs;
	const struct intake_verdict	*v;

	(void)state;
	rs = rules_load(datapath("good.rules"), err, sizeof(err));
	if (rs == NULL)
		fail_msg("%s", err);
	assert_string_equal(err, "");
	assert_int_equal(rules_count(rs), 9);

	v = classify(rs, "厂房起火了");
	assert_int_equal(v->kind, INTAKE_REFUSE);
	assert_string_equal(v->template, "refuse_emergency_119");
	assert_int_equal(classify(rs, "有火灾隐患")->kind, INTAKE_NEW_CASE);
	/* repeated clause lines add keywords */
	assert_string_equal(classify(rs, "武警的事")->rule, "army");
	assert_string_equal(classify(rs, "部队的事")->rule, "army");
	assert_int_equal(classify(rs, "退役军人 部队")->kind, INTAKE_NEW_CASE);
	/* full-width comma and spaces in a list */
	assert_string_equal(classify(rs, "已申请仲裁")->reason, "litigation");
	assert_string_equal(classify(rs, "等判决下来")->reason, "litigation");
	/* a channel on a non-emergency refusal */
	v = classify(rs, "帮我办假证");
	assert_string_equal(v->channel, "110");
	assert_string_equal(v->template, "refuse_unlawful");
	/* all */
	assert_int_equal(classify(rs, "窗口排队太长")->category, CAT_OTHER);
	assert_int_equal(classify(rs, "窗口的人态度差")->category,
	    CAT_EFFICIENCY);
	/* an indented none continues the rule above */
	assert_int_equal(classify(rs, "请问能投诉吗")->category, CAT_OTHER);
	assert_string_equal(classify(rs, "请问在哪")->rule, "Q.A_1");
	assert_int_equal(classify(rs, "谢谢")->category, CAT_OTHER);
	assert_string_equal(classify(rs, "谢谢你")->rule, "misc");
	/* the CRLF line */
	assert_int_equal(classify(rs, "又停水了")->category, CAT_HELP);
	rules_free(rs);
}

static void
test_bad_file_every_error(void **state)
{
	static const struct {
		int		 line;
		const char	*msg;
	} want[] = {
		{ 2, "unknown category 'nosuch'" },
		{ 3, "unknown refusal reason 'nosuch'" },
		{ 4, "emergency needs a channel" },
		{ 5, "unknown channel '999'" },
		{ 6, "unknown action 'frobnicate'" },
		{ 7, "empty keyword list after any" },
		{ 8, "expected any, all or none, not 'maybe'" },
		{ 9, "rule h: no keywords" },
		{ 11, "duplicate rule name i (first at line 10)" },
		{ 12, "unknown directive 'ruler'" },
		{ 14, "bad rule name 'bad/name'" },
		{ 15, "rule without a name" },
		{ 16, "rule k: no keywords" },
	};
	struct rules	*rs;
	char		 buf[8192];
	FILE		*f;
	size_t		 i, n;

	(void)state;
	assert_non_null(f = fopen(datapath("bad.rules"), "r"));
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	rs = rules_load_buf("t.rules", buf, n, err, sizeof(err));
	assert_null(rs);
	for (i = 0; i < nitems(want); i++)
		if (!has_error(want[i].line, want[i].msg))
			fail_msg("missing line %d %s in:\n%s", want[i].line,
			    want[i].msg, err);
	assert_int_equal(count_lines(err), nitems(want));

	/* the file path names the file */
	assert_null(rules_load(datapath("bad.rules"), err, sizeof(err)));
	assert_non_null(strstr(err, "bad.rules:2: rule a: unknown category"));
}

static void
test_small_errors(void **state)
{
	(void)state;
	assert_null(load_str(""));
	assert_true(has_error(1, "no rules"));
	assert_null(load_str("# only a comment\n\n"));
	assert_true(has_error(2, "no rules"));
	assert_null(load_str("\tany x\n"));
	assert_true(has_error(1, "any outside a rule"));
	assert_null(load_str("rule a category help any ,,,\n"));
	assert_true(has_error(1, "empty keyword list after any"));
	assert_null(load_str("rule a category help any x none\n"));
	assert_true(has_error(1, "empty keyword list after none"));
	assert_null(load_str("rule a category\n"));
	assert_true(has_error(1, "unknown category ''"));
	assert_null(load_str("rule a category any x\n"));
	assert_true(has_error(1, "unknown category 'any'"));
	assert_null(load_str("rule a refuse\n"));
	assert_true(has_error(1, "unknown refusal reason ''"));
	assert_null(load_str("rule a\n"));
	assert_true(has_error(1, "no action"));
	assert_null(load_str("rule a category help any x\nrule a category "
	    "help any y\nrule a category help any z\n"));
	assert_true(has_error(2, "duplicate rule name a (first at line 1)"));
	assert_true(has_error(3, "duplicate rule name a (first at line 1)"));
	/* no error buffer: still NULL, no crash */
	assert_null(rules_load_buf("t.rules", "junk", 4, NULL, 0));
	assert_null(rules_load_buf("t.rules", "junk", 4, err, 1));
	assert_string_equal(err, "");
	assert_null(rules_load_buf("t.rules", NULL, 0, err, sizeof(err)));
	/* a tiny buffer: truncated, terminated */
	assert_null(rules_load_buf("t.rules", "junk\njunk\n", 10, err, 20));
	assert_true(strlen(err) < 20);
}

static void
test_long_keyword_and_name(void **state)
{
	char	buf[1024];

	(void)state;
	snprintf(buf, sizeof(buf), "rule a category help any %0300d\n", 1);
	assert_null(load_str(buf));
	assert_true(has_error(1, "keyword longer than 255 bytes"));
	snprintf(buf, sizeof(buf), "rule %064d category help any x\n", 1);
	assert_null(load_str(buf));
	assert_true(has_error(1, "bad rule name"));
}

static void
test_hostile_lines(void **state)
{
	static const char hostile[] = "rule a category help any x\0y\n"
	    "rule b category help any \xff\xfe\n"
	    "rule c category help any \x1b[1m\n"
	    "rule d category help any \xef\xbf\xbd\n"
	    "rule e category help any ok\n";
	struct rules	*rs;
	char		*big;
	size_t		 n, i;

	(void)state;
	/* NUL, invalid UTF-8, a control: each an error, the rest read */
	rs = rules_load_buf("t.rules", hostile, sizeof(hostile) - 1, err,
	    sizeof(err));
	assert_null(rs);
	assert_true(has_error(1, "NUL byte"));
	assert_true(has_error(2, "invalid UTF-8"));
	assert_true(has_error(3, "control character"));
	assert_int_equal(count_lines(err), 3);	/* U+FFFD itself is valid */

	/* a line over 4096 bytes */
	n = 5000;
	big = malloc(n + 64);
	assert_non_null(big);
	memcpy(big, "rule a category help any ", 25);
	for (i = 25; i < n; i++)
		big[i] = i % 2 ? ',' : 'x';
	memcpy(big + n, "\nrule b category help any y\n", 29);
	assert_null(rules_load_buf("t.rules", big, n + 28, err, sizeof(err)));
	assert_true(has_error(1, "line longer than 4096 bytes"));
	assert_int_equal(count_lines(err), 1);
	/* exactly 4096 is fine */
	memcpy(big + 4096, "\n", 1);
	rs = rules_load_buf("t.rules", big, 4097, err, sizeof(err));
	if (rs == NULL)
		fail_msg("%s", err);
	rules_free(rs);
	free(big);
}

static void
test_oversized_file(void **state)
{
	const char	*line = "rule r%07zu category help any kw%zu\n";
	char		*big, tmp[128];
	size_t		 n = 0, cap = 1100 * 1024, i = 0;
	struct rules	*rs;

	(void)state;
	big = malloc(cap);
	assert_non_null(big);
	while (n + 64 < cap) {
		int	w = snprintf(tmp, sizeof(tmp), line, i, i);

		memcpy(big + n, tmp, w);
		n += w;
		i++;
	}
	assert_null(rules_load_buf("t.rules", big, n, err, sizeof(err)));
	assert_non_null(strstr(err, "file longer than 1048576 bytes"));
	assert_int_equal(count_lines(err), 1);
	/* just under the limit loads: ~25k rules */
	while (n > 1024 * 1024)
		n--;
	while (big[n - 1] != '\n')
		n--;
	rs = rules_load_buf("t.rules", big, n, err, sizeof(err));
	if (rs == NULL)
		fail_msg("%.200s", err);
	assert_true(rules_count(rs) > 20000);
	assert_string_equal(classify(rs, "你好 kw0 在这里")->rule, "r0000000");
	rules_free(rs);
	free(big);
}

static void
test_garbage(void **state)
{
	static const char alpha[] = "rule a b any all none category "
	    "refuse help emergency 119 ,\n\t#x";
	char		 buf[4096];
	unsigned int	 seed = 7;
	size_t		 i, k;
	struct rules	*rs;

	(void)state;
	for (k = 0; k < 300; k++) {
		for (i = 0; i < sizeof(buf); i++) {
			seed = seed * 1103515245 + 12345;
			buf[i] = (k & 1) ? (char)(seed >> 16) :
			    alpha[(seed >> 16) % (sizeof(alpha) - 1)];
		}
		rs = rules_load_buf("t.rules", buf, seed % sizeof(buf), err,
		    sizeof(err));
		rules_free(rs);
		assert_true(strlen(err) < sizeof(err));
	}
	/* too many errors: capped */
	for (i = 0; i + 2 <= sizeof(buf); i += 2)
		memcpy(buf + i, "x\n", 2);
	assert_null(rules_load_buf("t.rules", buf, sizeof(buf), err,
	    sizeof(err)));
	assert_non_null(strstr(err, "too many errors"));
	assert_true(count_lines(err) <= 101);
}

static void
test_missing_file(void **state)
{
	(void)state;
	assert_null(rules_load("/nonexistent/x.rules", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/x.rules: "));
	assert_null(rules_load(datapath(""), err, sizeof(err)));
	assert_non_null(strstr(err, "not a regular file"));
	rules_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_bad_file_every_error),
		cmocka_unit_test(test_small_errors),
		cmocka_unit_test(test_long_keyword_and_name),
		cmocka_unit_test(test_hostile_lines),
		cmocka_unit_test(test_oversized_file),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
