/*
 * Unit tests for the rules file parser in intake.c: the format (lines,
 * indented blocks, comments, CRLF), every error with its file:line, and
 * hostile files (oversized lines and files, NUL, invalid UTF-8, garbage);
 * then the matcher against a brute-force reference (a parser and a strstr
 * per keyword written here) on the shipped rules and generated ones.
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
	struct intake_ctx		ctx = { .case_prefix = "HY" };

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

/* "category unclassified": an operator sends a kind of text to a person. */
static void
test_force_unclassified(void **state)
{
	struct rules			*rs;
	const struct intake_verdict	*v;

	(void)state;
	rs = load_str("rule fire refuse emergency 119 any 着火\n"
	    "rule unsure category unclassified any 情况说明\n"
	    "rule noise category complaint any 噪音\n");
	if (rs == NULL)
		fail_msg("%s", err);
	v = classify(rs, "噪音的情况说明");
	assert_int_equal(v->kind, INTAKE_NEW_CASE);
	assert_int_equal(v->category, CAT_UNCLASSIFIED);
	assert_string_equal(v->rule, "unsure");
	/* refusals still come first */
	assert_int_equal(classify(rs, "着火了，附情况说明")->kind, INTAKE_REFUSE);
	assert_int_equal(classify(rs, "噪音扰民")->category, CAT_COMPLAINT);
	rules_free(rs);
	/* names are exact */
	assert_null(load_str("rule a category Unclassified any x\n"));
	assert_true(has_error(1, "unknown category 'Unclassified'"));
	assert_null(load_str("rule a category 待分类 any x\n"));
	assert_true(has_error(1, "unknown category"));
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
		{ 8, "expected any, all, none, weight or override, not "
		    "'maybe'" },
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

/* --- the matcher against a brute-force reference ------------------ */

/* A rule as the reference reads it: keyword lists as strings. */
struct ref_rule {
	char		 name[64];
	int		 refuse;
	char		 reason[32];
	char		 channel[8];
	int		 category;
	char		**kw[3];	/* any, all, none */
	size_t		 nkw[3];
};

static struct intake_verdict	checked;	/* ref_check's last verdict */

struct ref_rules {
	struct ref_rule	*r;
	size_t		 n;
	size_t		 hits[4096];	/* texts each rule decided */
	size_t		 excluded;	/* rules a none clause stopped */
};

static unsigned int	 seed;

static unsigned int
rnd(unsigned int n)
{
	seed = seed * 1103515245 + 12345;
	return n > 0 ? (seed >> 8) % n : 0;	/* cmocka's asserts return */
}

static int
ref_clause(const char *tok)
{
	return strcmp(tok, "any") == 0 ? 0 : strcmp(tok, "all") == 0 ? 1 :
	    strcmp(tok, "none") == 0 ? 2 : -1;
}

/* Add the comma-separated keywords of tok, lowered, to list l of r. */
static void
ref_keywords(struct ref_rule *r, int l, char *tok)
{
	char	*kw, *p;

	for (kw = strtok_r(tok, ",", &p); kw != NULL;
	    kw = strtok_r(NULL, ",", &p)) {
		r->kw[l] = realloc(r->kw[l], (r->nkw[l] + 1) * sizeof(char *));
		assert_non_null(r->kw[l]);
		assert_non_null(r->kw[l][r->nkw[l]] = strdup(kw));
		for (kw = r->kw[l][r->nkw[l]]; *kw != '\0'; kw++)
			if (*kw >= 'A' && *kw <= 'Z')
				*kw += 'a' - 'A';
		r->nkw[l]++;
	}
}

/* One line of a valid rules file, normalised as intake.c does. */
static void
ref_line(struct ref_rules *m, char *s)
{
	struct ref_rule	*r;
	char		*tok, *p;
	int		 l = -1, c, i = 0;

	for (tok = strtok_r(s, " ", &p); tok != NULL && tok[0] != '#';
	    tok = strtok_r(NULL, " ", &p), i++) {
		if (i == 0 && strcmp(tok, "rule") == 0) {
			m->r = realloc(m->r, (m->n + 1) * sizeof(*m->r));
			assert_non_null(m->r);
			memset(&m->r[m->n++], 0, sizeof(*m->r));
			continue;
		}
		if (m->n == 0) {	/* a keyword line before any rule */
			fail_msg("rules: \"%s\" before any rule", tok);
			return;
		}
		r = &m->r[m->n - 1];
		if (r->name[0] == '\0') {
			strlcpy(r->name, tok, sizeof(r->name));
			continue;
		}
		if (l == -1 && ref_clause(tok) == -1) {	/* the action */
			if (strcmp(tok, "refuse") == 0)
				r->refuse = 1;
			else if (strcmp(tok, "category") == 0)
				r->category = -1;
			else if (r->category == -1)
				r->category = category_from_name(tok);
			else if (r->reason[0] == '\0')
				strlcpy(r->reason, tok, sizeof(r->reason));
			else
				strlcpy(r->channel, tok, sizeof(r->channel));
			continue;
		}
		if ((c = ref_clause(tok)) != -1)
			l = c;
		else
			ref_keywords(r, l, tok);
	}
}

/* Read a rules file that intake.c loads. */
static void
ref_load(struct ref_rules *m, const char *buf, size_t len)
{
	char		 line[RULES_LINE_MAX + 1], n[RULES_LINE_MAX * 3 + 1];
	const char	*p, *nl, *end = buf + len;

	memset(m, 0, sizeof(*m));
	for (p = buf; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		assert_true((size_t)(nl - p) < sizeof(line));
		memcpy(line, p, nl - p);
		line[nl - p] = '\0';
		intake_normalize(line, nl - p, n, sizeof(n));
		ref_line(m, n);
	}
	assert_true(m->n > 0 && m->n <= nitems(m->hits));
}

static void
ref_free(struct ref_rules *m)
{
	size_t	 i, j;
	int	 l;

	for (i = 0; i < m->n; i++)
		for (l = 0; l < 3; l++) {
			for (j = 0; j < m->r[i].nkw[l]; j++)
				free(m->r[i].kw[l][j]);
			free(m->r[i].kw[l]);
		}
	free(m->r);
}

/* The old matcher: a strstr per keyword, rules in order. */
static int
ref_match(struct ref_rules *m, const struct ref_rule *r, const char *low)
{
	size_t	 i;
	int	 any = r->nkw[0] == 0;

	for (i = 0; i < r->nkw[0]; i++)
		any |= strstr(low, r->kw[0][i]) != NULL;
	for (i = 0; i < r->nkw[1]; i++)
		if (strstr(low, r->kw[1][i]) == NULL)
			return 0;
	if (!any)
		return 0;
	for (i = 0; i < r->nkw[2]; i++)
		if (strstr(low, r->kw[2][i]) != NULL) {
			m->excluded++;
			return 0;
		}
	return 1;
}

/* The verdict the old matcher gives on the lowered text low. */
static void
ref_verdict(struct ref_rules *m, const char *low, struct intake_verdict *v)
{
	const struct ref_rule	*r;
	size_t			 i;
	int			 pass;

	memset(v, 0, sizeof(*v));
	v->kind = INTAKE_NEW_CASE;
	v->category = CAT_OTHER;
	v->confidential = strstr(low, "保密") != NULL;
	for (pass = 1; pass >= 0; pass--)
		for (i = 0; i < m->n; i++) {
			r = &m->r[i];
			if (r->refuse != pass || !ref_match(m, r, low))
				continue;
			m->hits[i]++;
			strlcpy(v->rule, r->name, sizeof(v->rule));
			if (!r->refuse) {
				v->category = r->category;
				return;
			}
			v->kind = INTAKE_REFUSE;
			strlcpy(v->reason, r->reason, sizeof(v->reason));
			strlcpy(v->channel, r->channel, sizeof(v->channel));
			if (strcmp(r->reason, "emergency") == 0)
				snprintf(v->template, sizeof(v->template),
				    "refuse_emergency_%s", r->channel);
			else
				snprintf(v->template, sizeof(v->template),
				    "refuse_%s", r->reason);
			return;
		}
}

/*
 * Classify len bytes of text with rs and, when it is a new matter, check
 * the verdict against the reference's; 1 when compared, 0 when the text
 * was something else (a command, empty).
 */
static int
ref_check(const struct rules *rs, struct ref_rules *m, const char *text,
    size_t len)
{
	struct intake_ctx	 ctx = { .case_prefix = "HY" };
	struct intake_verdict	*v = &checked, want;
	static char		 low[INTAKE_NORM_MAX];
	size_t			 i;

	assert_int_equal(intake_classify_len(rs, text, len, &ctx, v, norm,
	    sizeof(norm)), 0);
	if (v->kind != INTAKE_NEW_CASE && v->kind != INTAKE_REFUSE)
		return 0;
	for (i = 0; norm[i] != '\0'; i++)
		low[i] = (norm[i] >= 'A' && norm[i] <= 'Z') ?
		    norm[i] + ('a' - 'A') : norm[i];
	low[i] = '\0';
	ref_verdict(m, low, &want);
	if (v->kind != want.kind || v->category != want.category ||
	    v->confidential != want.confidential ||
	    strcmp(v->rule, want.rule) != 0 ||
	    strcmp(v->reason, want.reason) != 0 ||
	    strcmp(v->channel, want.channel) != 0 ||
	    strcmp(v->template, want.template) != 0)
		fail_msg("'%.300s': rule '%s' (%s %d %s %s %d), reference "
		    "'%s' (%s %d %s %s %d)", low, v->rule,
		    intake_kind_name(v->kind), v->category, v->reason,
		    v->template, v->confidential, want.rule,
		    intake_kind_name(want.kind), want.category, want.reason,
		    want.template, want.confidential);
	return 1;
}

/* A random keyword of a random rule. */
static const char *
ref_pick(const struct ref_rules *m)
{
	const struct ref_rule	*r;
	int			 l;

	if (m->r == NULL)	/* ref_load() asserted rules: cmocka returns */
		return "";
	do {
		r = &m->r[rnd(m->n)];
		l = rnd(3);
	} while (r->nkw[l] == 0);
	return r->kw[l][rnd(r->nkw[l])];
}

/*
 * A text of keywords of m, pieces of them (cut at any byte, so also
 * inside a character), characters next to theirs (same leading bytes),
 * filler, ASCII in both cases and full width, invalid bytes.
 */
static size_t
ref_text(const struct ref_rules *m, char *buf, size_t cap)
{
	static const char *filler[] = {
		"的", "我们", "小区", "今天", "请", "已经", "很", "问题", "，",
		"。", "！", " ", "  ", "WIFI", "ｗｉｆｉ", "Ａｂ", "123", "\xff",
		"\xe7\x81", "\xef\xbf\xbd", "保密", "保", "密"
	};
	const char	*k;
	size_t		 n = 0, klen, a, b, npiece, i;

	npiece = 1 + rnd(12);
	for (i = 0; i < npiece; i++) {
		k = ref_pick(m);
		klen = strlen(k);
		a = 0;
		b = klen;
		switch (rnd(8)) {
		case 0:
		case 1:
		case 2:
			break;
		case 3:
			b = rnd(klen + 1);	/* a prefix */
			break;
		case 4:
			a = rnd(klen + 1);	/* a suffix */
			break;
		case 5:
			if (n + klen < cap && klen > 1) {
				/* the keyword with its last byte moved */
				memcpy(buf + n, k, klen);
				buf[n + klen - 1] ^= 1 + rnd(2);
				n += klen;
			}
			b = 0;
			break;
		default:
			k = filler[rnd(nitems(filler))];
			b = strlen(k);
			break;
		}
		if (n + (b > a ? b - a : 0) >= cap)
			break;
		if (b > a) {
			memcpy(buf + n, k + a, b - a);
			n += b - a;
		}
	}
	return n;
}

/* Check n generated texts; returns how many were new matters. */
static size_t
ref_run(const struct rules *rs, struct ref_rules *m, size_t n)
{
	char	 buf[2048];
	size_t	 i, done = 0;

	for (i = 0; i < n; i++)
		done += ref_check(rs, m, buf, ref_text(m, buf, sizeof(buf)));
	return done;
}

/* How many rules of m decided at least one text. */
static size_t
ref_rules_hit(const struct ref_rules *m)
{
	size_t	 i, n = 0;

	for (i = 0; i < m->n; i++)
		n += m->hits[i] > 0;
	return n;
}

static char *
read_file(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf;

	assert_non_null(f = fopen(path, "r"));
	assert_non_null(buf = malloc(RULES_FILE_MAX + 1));
	*len = fread(buf, 1, RULES_FILE_MAX, f);
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

static void
test_match_shipped(void **state)
{
	/* static: 32 KiB of hits, and scan-build keeps track of what it holds */
	static struct ref_rules	 m;
	struct rules		*rs;
	char			 path[4096], *buf;
	const char		*top = getenv("top_srcdir");
	size_t			 len, n;

	(void)state;
	snprintf(path, sizeof(path), "%s/etc/hotlined.rules",
	    top ? top : ".");
	buf = read_file(path, &len);
	if ((rs = rules_load_buf("hotlined.rules", buf, len, err,
	    sizeof(err))) == NULL)
		fail_msg("%s", err);
	ref_load(&m, buf, len);
	assert_int_equal(m.n, rules_count(rs));
	seed = 1;
	n = ref_run(rs, &m, 20000);
	/* the texts reach the rules: nearly all compared, every rule decides */
	assert_true(n > 19000);
	assert_int_equal(ref_rules_hit(&m), m.n);
	assert_true(m.excluded > 1000);
	ref_free(&m);
	rules_free(rs);
	free(buf);
}

/* Overlapping keywords, prefixes and suffixes, one keyword in many rules. */
static const char tricky_rules[] =
    "rule hers refuse unlawful any hers,his none ushers\n"
    "rule she refuse emergency 110 any she all he\n"
    "rule fire refuse emergency 119 any 火,着火,起火 none 火灾隐患,灾隐,防火\n"
    "rule lane category complaint any 消防通道,通道,防通 none 火\n"
    "rule he category help any he,H\n"
    "rule wifi category suggestion any WiFi,ＷＩＦＩ６,wi-fi all 信号\n"
    "rule rep category efficiency all 投诉,诉,投 none 火,she\n"
    "rule odd category consultation any \xef\xbf\xbd,保密保\n"
    "rule other category other any 的的的的,的的\n";

/* The rule that decides text with rs. */
static const char *
rule_of(const struct rules *rs, const char *text)
{
	return classify(rs, text)->rule;
}

static void
test_match_tricky(void **state)
{
	/* static: 32 KiB of hits, and scan-build keeps track of what it holds */
	static struct ref_rules	 m;
	struct rules		*rs;
	char			 buf[INTAKE_TEXT_MAX + 16];

	(void)state;
	rs = load_str(tricky_rules);
	if (rs == NULL)
		fail_msg("%s", err);
	ref_load(&m, tricky_rules, sizeof(tricky_rules) - 1);
	assert_int_equal(m.n, rules_count(rs));
	/* by hand: suffixes found inside longer keywords, none, all */
	assert_string_equal(rule_of(rs, "ushers"), "she");
	assert_string_equal(rule_of(rs, "USHERS"), "she");
	assert_string_equal(rule_of(rs, "this"), "hers");
	assert_string_equal(rule_of(rs, "shers"), "hers");
	assert_string_equal(rule_of(rs, "sh e"), "he");
	assert_string_equal(rule_of(rs, "起火了"), "fire");
	assert_string_equal(rule_of(rs, "火灾隐患"), "");
	assert_string_equal(rule_of(rs, "消防通道堵了"), "lane");
	assert_string_equal(rule_of(rs, "防火通道"), "");
	assert_string_equal(rule_of(rs, "ＷＩＦＩ信号差"), "wifi");
	assert_string_equal(rule_of(rs, "wifi6没有"), "");
	assert_string_equal(rule_of(rs, "Wi-Fi6信号"), "wifi");
	assert_string_equal(rule_of(rs, "我要投诉"), "rep");
	assert_string_equal(rule_of(rs, "投个诉"), "");
	assert_string_equal(rule_of(rs, "\xff请问"), "odd");
	assert_string_equal(rule_of(rs, "保密保密"), "odd");
	assert_true(classify(rs, "保密保密")->confidential);
	assert_string_equal(rule_of(rs, "的的的"), "other");
	/* characters that share leading bytes with 火 (e7 81 ab) */
	assert_string_equal(rule_of(rs, "灪灬"), "");
	assert_int_equal(classify(rs, "")->kind, INTAKE_EMPTY);
	assert_int_equal(classify(rs, "火")->kind, INTAKE_EMPTY);
	assert_string_equal(rule_of(rs, "火火"), "fire");

	/* a keyword at the end of the longest normalised text */
	memset(buf, 0xff, INTAKE_TEXT_MAX - 6);
	memcpy(buf + INTAKE_TEXT_MAX - 6, "起火", 6);
	assert_int_equal(ref_check(rs, &m, buf, INTAKE_TEXT_MAX), 1);
	assert_true(strlen(norm) > INTAKE_NORM_MAX - 16);
	assert_string_equal(checked.rule, "fire");
	memcpy(buf, "起火", 6);
	memset(buf + 6, 0xff, INTAKE_TEXT_MAX - 6);
	assert_int_equal(ref_check(rs, &m, buf, INTAKE_TEXT_MAX), 1);
	assert_string_equal(checked.rule, "fire");
	/* ... and cut in two by the input limit */
	memset(buf, 'x', INTAKE_TEXT_MAX - 3);
	memcpy(buf + INTAKE_TEXT_MAX - 3, "起火", 6);
	assert_int_equal(ref_check(rs, &m, buf, INTAKE_TEXT_MAX + 3), 1);
	assert_true(checked.truncated);
	assert_string_equal(checked.rule, "");

	seed = 2;
	assert_true(ref_run(rs, &m, 20000) > 18000);
	assert_int_equal(ref_rules_hit(&m), m.n);
	assert_true(m.excluded > 1000);
	ref_free(&m);
	rules_free(rs);
}

/* Append what fmt makes to buf (cap bytes), which must hold it. */
static void
put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list	 ap;
	int	 w;

	va_start(ap, fmt);
	w = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	assert_true(w >= 0 && (size_t)w < cap - *len);
	*len += (size_t)w;
}

/* A keyword of 1 to maxc characters from the n code points at first. */
static void
put_keyword(char *buf, size_t cap, size_t *len, unsigned int first,
    unsigned int n, unsigned int maxc)
{
	unsigned int	 c, k;

	for (k = 1 + rnd(maxc); k > 0; k--) {
		c = first + rnd(n);
		put(buf, cap, len, "%c%c%c", 0xe0 | c >> 12,
		    0x80 | (c >> 6 & 0x3f), 0x80 | (c & 0x3f));
	}
}

/*
 * Rules with n keywords in all, of 1 to maxc characters from the n code
 * points at first: a rule every 20 keywords, the first tenth refusals,
 * with all and none clauses here and there, a clause line every 10.
 */
static size_t
make_rules(char *buf, size_t cap, size_t nkw, unsigned int first,
    unsigned int ncp, unsigned int maxc)
{
	static const char	*clause[] = {
		"any", "any", "any", "all", "none"
	};
	size_t			 len = 0, i;
	int			 l = 0;

	for (i = 0; i < nkw; i++) {
		if (i % 20 == 0)
			put(buf, cap, &len, "%srule g%zu %s", i ? "\n" : "",
			    i / 20, i < nkw / 10 ? "refuse military" :
			    "category help");
		if (i % 10 == 0) {
			l = i % 20 == 0 ? 0 : rnd(nitems(clause));
			put(buf, cap, &len, "\n\t%s ", clause[l]);
		} else
			put(buf, cap, &len, ",");
		put_keyword(buf, cap, &len, first, ncp, maxc);
	}
	put(buf, cap, &len, "\n");
	return len;
}

static void
test_match_many_keywords(void **state)
{
	static const struct {
		unsigned int	 seed;
		size_t		 nkw;
		unsigned int	 first, ncp, maxc;
	} t[] = {
		/* 6,000 keywords of 1 to 3 of 300 characters: overlapping */
		{ 3, 6000, 0x5f00, 300, 3 },
		/* 8,000 of 1 to 4 of 3,000 characters: a 9 MiB matcher */
		{ 4, 8000, 0x4e00, 3000, 4 },
	};
	/* static: 32 KiB of hits, and scan-build keeps track of what it holds */
	static struct ref_rules	 m;
	struct rules		*rs;
	char			*buf;
	size_t			 len, cap = RULES_FILE_MAX, i, n;

	(void)state;
	assert_non_null(buf = malloc(cap));
	for (i = 0; i < nitems(t); i++) {
		seed = t[i].seed;
		len = make_rules(buf, cap, t[i].nkw, t[i].first, t[i].ncp,
		    t[i].maxc);
		if ((rs = rules_load_buf("t.rules", buf, len, err,
		    sizeof(err))) == NULL)
			fail_msg("%.300s", err);
		ref_load(&m, buf, len);
		assert_int_equal(m.n, rules_count(rs));
		n = ref_run(rs, &m, 4000);
		assert_true(n > 3600);
		assert_true(ref_rules_hit(&m) > 50);
		assert_true(m.excluded > 5);
		ref_free(&m);
		rules_free(rs);
	}
	free(buf);
}

static void
test_matcher_limits(void **state)
{
	char		*buf, path[] = "/tmp/test_rules.XXXXXX";
	size_t		 len = 0, cap = RULES_FILE_MAX, i;
	struct rules	*rs;
	FILE		*f;
	int		 fd;

	(void)state;
	assert_non_null(buf = malloc(cap));
	/* 65,536 different keywords load, and the last one is found */
	put(buf, cap, &len, "rule many category help");
	for (i = 0; i < 65536; i++)
		put(buf, cap, &len, i % 500 ? ",k%04zx" : "\n\tany k%04zx", i);
	put(buf, cap, &len, ",k0000\n");
	if ((rs = rules_load_buf("t.rules", buf, len, err,
	    sizeof(err))) == NULL)
		fail_msg("%.300s", err);
	assert_string_equal(classify(rs, "有 KFFFF 吗")->rule, "many");
	assert_string_equal(classify(rs, "有 KFFF 吗")->rule, "");
	rules_free(rs);
	/* one more is refused */
	put(buf, cap, &len, "rule more category help any k10000\n");
	assert_null(rules_load_buf("t.rules", buf, len, err, sizeof(err)));
	assert_string_equal(err,
	    "t.rules: 65537 different keywords (at most 65536)\n");

	/* 20,000 keywords of 8 characters: more than the matcher may take */
	seed = 5;
	len = make_rules(buf, cap, 20000, 0x4e00, 20000, 8);
	assert_null(rules_load_buf("t.rules", buf, len, err, sizeof(err)));
	assert_int_equal(count_lines(err), 1);
	assert_non_null(strstr(err, "t.rules: keywords too many or too long: "
	    "the matcher would take "));
	assert_non_null(strstr(err, "KiB (at most 16384 KiB)\n"));
	/* as hotlined -t says it */
	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(f = fdopen(fd, "w"));
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
	assert_int_equal(intake_conf_check(path, err, sizeof(err)), -1);
	assert_true(strncmp(err, path, strlen(path)) == 0);
	assert_non_null(strstr(err, ": keywords too many or too long"));
	unlink(path);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_force_unclassified),
		cmocka_unit_test(test_bad_file_every_error),
		cmocka_unit_test(test_small_errors),
		cmocka_unit_test(test_long_keyword_and_name),
		cmocka_unit_test(test_hostile_lines),
		cmocka_unit_test(test_oversized_file),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_match_shipped),
		cmocka_unit_test(test_match_tricky),
		cmocka_unit_test(test_match_many_keywords),
		cmocka_unit_test(test_matcher_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
