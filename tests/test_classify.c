/*
 * Unit tests for classify.c and train.c: the model file parser (a good
 * file, every malformed line, each prefix of a good file, oversized,
 * hostile bytes), the n-gram features, the decision (scores, unsure,
 * rules as weights and overrides, the model never refusing alone, the
 * rules-only mode), the rules' weight/override syntax, the JSON lines
 * reader, and retraining with the operators' labels changing a decision.
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
#include <fcntl.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "../src/category.h"
#include "../src/classify.h"
#include "../src/intake.h"
#include "../src/train.h"

static char	err[16384];
static char	norm[INTAKE_NORM_MAX];

/* A small model: 噪音 is a complaint, 请问 a consultation, 谢谢 other. */
static const char good_model[] =
    "hotlined-model 1\n"
    "# a comment\n"
    "version t1\n"
    "date 2026-12-06T00:00:00Z\n"
    "algorithm logreg\n"
    "count consultation 10\n"
    "count complaint 12\n"
    "count other 5\n"
    "holdout 0.2 0.8 0.9 0.2 0.03\n"
    "thresholds 0.6 0.2\n"
    "temperature 1\n"
    "norm none\n"
    "labels consultation complaint other litigation\n"
    "bias 0 0 0 -1\n"
    "f 噪音 -2 4 -2 -1\n"
    "f 请问 4 -2 -2 -1\n"
    "f 谢谢 -2 -2 4 -1\n"
    "f 起诉 -1 -1 -1 2\n"
    "f 0 0 0 0 0\n"
    "f ab 0.5 0 0 0\n"
    "end 6\n";

static const char *
datapath(const char *name)
{
	static char	 path[4096];
	const char	*top = getenv("top_srcdir");

	snprintf(path, sizeof(path), "%s/tests/data/triage/%s",
	    top ? top : ".", name);
	return path;
}

static struct model *
load(const char *s)
{
	return model_load_buf("t.model", s, strlen(s), err, sizeof(err));
}

/* The model text with line n (1-based) replaced by repl (NULL: removed). */
static char *
with_line(int n, const char *repl)
{
	static char	 out[sizeof(good_model) + 4096];
	const char	*p = good_model, *nl;
	size_t		 o = 0;
	int		 line = 0;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		line++;
		if (line == n) {
			if (repl != NULL)
				o += snprintf(out + o, sizeof(out) - o, "%s\n",
				    repl);
		} else {
			memcpy(out + o, p, nl - p + 1);
			o += nl - p + 1;
		}
		p = nl + 1;
	}
	out[o] = '\0';
	return out;
}

/* The error text names line and needle. */
static void
assert_error(const char *text, int line, const char *needle)
{
	char		 head[32];
	struct model	*m;

	m = load(text);
	if (m != NULL)
		fail_msg("loaded, expected line %d: %s", line, needle);
	snprintf(head, sizeof(head), "t.model:%d: ", line);
	if (line > 0 && strstr(err, head) == NULL)
		fail_msg("no '%s' in: %s", head, err);
	if (strstr(err, needle) == NULL)
		fail_msg("no '%s' in: %s", needle, err);
}

static const struct intake_verdict *
decide(const struct rules *rs, const struct model *m, double s, double g,
    const char *text)
{
	static struct intake_verdict	 v;
	struct classify_opts		 o = { s, g };
	struct intake_ctx		 ctx = { .case_prefix = "HY" };

	ctx.model = m;
	ctx.classify = &o;
	assert_int_equal(intake_classify(rs, text, &ctx, &v, norm,
	    sizeof(norm)), 0);
	return &v;
}

static void
test_good_model(void **state)
{
	const struct model_info	*in;
	struct model		*m;
	double			 sc[CL_MAX];

	(void)state;
	if ((m = load(good_model)) == NULL)
		fail_msg("%s", err);
	in = model_info(m);
	assert_string_equal(in->version, "t1");
	assert_string_equal(in->date, "2026-12-06T00:00:00Z");
	assert_string_equal(in->algorithm, "logreg");
	assert_int_equal(in->nfeature, 6);
	assert_int_equal(in->nlabel, 4);
	assert_int_equal(in->count[CL_COMPLAINT], 12);
	assert_true(in->has[CL_LITIGATION] && !in->has[CL_HELP]);
	assert_true(in->min_score > 0.59 && in->min_score < 0.61);
	assert_true(in->accuracy > 0.79 && in->accuracy < 0.81);
	model_scores(m, "楼下噪音", strlen("楼下噪音"), sc);
	assert_true(sc[CL_COMPLAINT] == 4.0 && sc[CL_CONSULTATION] == -2.0);
	assert_true(sc[CL_HELP] < -1e300);	/* not in the model */
	/* digits read as 0; ASCII compared lowered by intake */
	model_scores(m, "ab", 2, sc);
	assert_true(sc[CL_CONSULTATION] == 0.5);
	model_free(m);
	model_free(NULL);
}

/* Append each n-gram and a bar to the string arg. */
static void
ngram_cat(const char *s, size_t len, void *arg)
{
	char	*out = arg;

	strncat(out, s, len);
	strcat(out, "|");
}

static void
test_ngrams(void **state)
{
	char	 got[1024];
	size_t	 n;

	(void)state;
	got[0] = '\0';
#define NG(text) (got[0] = '\0', classify_ngrams(text, strlen(text), ngram_cat, got))
	n = NG("路灯坏");
	assert_int_equal(n, 6);
	assert_string_equal(got, "路|路灯|灯|路灯坏|灯坏|坏|");
	/* punctuation and spaces split the runs; digits are 0 */
	n = NG("a1,b 2");
	assert_int_equal(n, 5);
	assert_string_equal(got, "a|a0|0|b|0|");
	n = NG("");
	assert_int_equal(n, 0);
#undef NG
}

static void
test_bad_lines(void **state)
{
	static const struct {
		int		 line;
		const char	*repl;
		const char	*msg;
	} bad[] = {
		{ 1, "hotlined-model 2", "model format version '2'" },
		{ 1, "hotlined-modle 1", "not a hotlined model" },
		{ 1, "", "not a hotlined model" },
		{ 3, "version a b", "version: one word" },
		{ 5, "algorithm svm", "algorithm: nb or logreg" },
		{ 6, "count nosuch 3", "count LABEL N" },
		{ 6, "count help x", "not a number" },
		{ 6, "count help -3", "count: a number of texts, not -3" },
		{ 9, "holdout 0.2 0.8", "expected 5 numbers" },
		{ 10, "thresholds 2 0", "not a number within" },
		{ 10, "thresholds -0.5 0", "thresholds: two shares" },
		{ 11, "temperature 0", "temperature must be positive" },
		{ 11, "temperature nan", "not a number" },
		{ 12, "norm l1", "norm: sqrt or none" },
		{ 13, "labels consultation complaint other nosuch",
		    "label 'nosuch' unknown" },
		{ 13, "labels help help", "label 'help' twice" },
		{ 14, "bias 0 0 0", "expected 4 numbers, found 3" },
		{ 14, "bias 0 0 0 0 0", "more than 4 numbers" },
		{ 14, "bias 0 0 inf 0", "not a number" },
		{ 15, "f 噪音 1 2 3", "expected 4 numbers" },
		{ 15, "f 噪音 1e400 2 3 4", "not a number" },
		{ 15, "f 噪音 99999 2 3 4", "not a number within" },
		{ 15, "f 一二三四 1 2 3 4", "bad n-gram" },
		{ 15, "f 噪,音 1 2 3 4", "bad n-gram" },
		{ 15, "f AB 1 2 3 4", "bad n-gram" },
		{ 15, "f 7 1 2 3 4", "bad n-gram" },
		{ 15, "f \xff\xfe 1 2 3 4", "bad n-gram" },
		{ 15, "f", "bad n-gram" },
		{ 15, "frobnicate 1", "unknown line 'frobnicate'" },
		{ 16, "f 噪音 1 2 3 4", "appears twice" },
		{ 21, "end 7", "end: 6 features read, the file says 7" },
		/* fuzz_model: a negative count was cast to size_t (UBSan) */
		{ 21, "end -1", "end: 6 features read, the file says -1" },
		{ 21, "end 5.5", "end: 6 features read, the file says 5.5" },
		{ 21, NULL, "no \"end\" line (truncated?)" },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		int	 line = bad[i].line;

		/* whole-file errors carry no line or the last one */
		if (strstr(bad[i].msg, "twice") != NULL &&
		    bad[i].line == 16)
			line = 0;
		if (bad[i].repl == NULL)
			line = 20;
		assert_error(with_line(bad[i].line, bad[i].repl), line,
		    bad[i].msg);
	}
	/* order: features before the labels, text after the end */
	assert_error("hotlined-model 1\nf 噪音 1\nlabels help other\n"
	    "bias 0 0\nend 0\n", 2, "feature before labels and bias");
	assert_error("hotlined-model 1\nlabels help other\nlabels help\n"
	    "bias 0 0\nend 0\n", 3, "labels twice");
	assert_error("hotlined-model 1\nlabels help other\nbias 0 0\n"
	    "end 0\nf 噪音 1 2\n", 5, "text after \"end\"");
	assert_error("hotlined-model 1\nbias 0 0\nend 0\n", 2,
	    "bias before labels");
	assert_error("hotlined-model 1\nlabels help other\nend 0\n", 3,
	    "no bias");
}

static void
test_hostile(void **state)
{
	struct model	*m;
	char		*big, buf[sizeof(good_model) + 8];
	size_t		 i, len = sizeof(good_model) - 1;
	unsigned	 seed = 12345;

	(void)state;
	/* every proper prefix is refused, never crashes */
	for (i = 0; i < len; i++) {
		m = model_load_buf("t.model", good_model, i, err, sizeof(err));
		if (m != NULL)
			fail_msg("prefix of %zu bytes loaded", i);
	}
	assert_non_null(m = load(good_model));
	model_free(m);
	/* a NUL, a CR, an overlong line */
	memcpy(buf, good_model, len + 1);
	buf[40] = '\0';
	assert_null(model_load_buf("t.model", buf, len, err, sizeof(err)));
	assert_non_null(strstr(err, "NUL byte"));
	big = malloc(MODEL_LINE_MAX + 128);
	memset(big, 'x', MODEL_LINE_MAX + 100);
	memcpy(big, "hotlined-model 1\n", 17);
	big[MODEL_LINE_MAX + 100] = '\n';
	assert_null(model_load_buf("t.model", big, MODEL_LINE_MAX + 101, err,
	    sizeof(err)));
	assert_non_null(strstr(err, "line longer than"));
	free(big);
	assert_null(model_load_buf("t.model", NULL, 0, err, sizeof(err)));
	assert_non_null(strstr(err, "empty file"));
	/* random bytes and random edits of a good file */
	for (i = 0; i < 2000; i++) {
		size_t	 k;

		memcpy(buf, good_model, len + 1);
		for (k = 0; k < 1 + i % 4; k++) {
			seed = seed * 1103515245 + 12345;
			buf[(seed >> 8) % len] = (char)(seed >> 20);
		}
		m = model_load_buf("t.model", buf, len, err, sizeof(err));
		if (m != NULL) {
			double sc[CL_MAX];

			model_scores(m, "噪音请问", strlen("噪音请问"), sc);
			model_free(m);
		}
	}
	/* a thousand errors are cut short */
	big = malloc(64 * 1024);
	strcpy(big, "hotlined-model 1\n");
	for (i = 0; i < 1000; i++)
		strcat(big, "bogus\n");
	assert_null(load(big));
	assert_non_null(strstr(err, "too many errors"));
	free(big);
}

static void
test_files(void **state)
{
	char		 path[] = "/tmp/test_classify.XXXXXX";
	struct model	*m;
	int		 fd;

	(void)state;
	assert_null(model_load("/nonexistent/hotlined.model", err,
	    sizeof(err)));
	assert_non_null(strstr(err, "No such file"));
	assert_null(model_load("/tmp", err, sizeof(err)));
	assert_non_null(strstr(err, "not a regular file"));
	/* a FIFO nobody writes to: refused at once, never a hang */
	{
		char	fifo[] = "/tmp/test_classify.fifo.XXXXXX";

		assert_true((fd = mkstemp(fifo)) != -1);
		close(fd);
		unlink(fifo);
		assert_int_equal(mkfifo(fifo, 0600), 0);
		assert_null(model_load(fifo, err, sizeof(err)));
		assert_non_null(strstr(err, "not a regular file"));
		unlink(fifo);
	}
	/* oversized: refused before it is read */
	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(ftruncate(fd, (off_t)MODEL_FILE_MAX + 1), 0);
	close(fd);
	assert_null(model_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, "file longer than"));
	/* a written model reads back the same */
	{
		struct model_info		 in;
		struct model_writer_feature	 f[2];
		double				 bias[CL_MAX] = { 0 };
		double				 sc[CL_MAX];

		memset(&in, 0, sizeof(in));
		memset(f, 0, sizeof(f));
		strlcpy(in.version, "w1", sizeof(in.version));
		strlcpy(in.date, "d", sizeof(in.date));
		strlcpy(in.algorithm, "nb", sizeof(in.algorithm));
		in.has[CL_HELP] = in.has[CL_OTHER] = 1;
		in.temperature = 2;
		in.norm = 0;
		bias[CL_HELP] = 0.25;
		memcpy(f[0].key, "停水", strlen("停水"));
		f[0].keylen = strlen("停水");
		f[0].w[CL_HELP] = 3;
		memcpy(f[1].key, "谢", strlen("谢"));
		f[1].keylen = strlen("谢");
		f[1].w[CL_OTHER] = 1.5;
		assert_int_equal(model_write(path, &in, bias, f, 2, err,
		    sizeof(err)), 0);
		if ((m = model_load(path, err, sizeof(err))) == NULL)
			fail_msg("%s", err);
		assert_string_equal(model_info(m)->version, "w1");
		model_scores(m, "停水", strlen("停水"), sc);
		/* (0.25 + 3) / 2 */
		assert_true(sc[CL_HELP] > 1.62 && sc[CL_HELP] < 1.63);
		model_free(m);
		assert_int_equal(model_write("/nonexistent/x.model", &in,
		    bias, f, 2, err, sizeof(err)), -1);
	}
	unlink(path);
}

/* The shipped model loads, scores the six categories, is calibrated. */
static void
test_shipped_model(void **state)
{
	const struct model_info	*in;
	struct model		*m;
	char			 path[4096];
	const char		*top = getenv("top_srcdir");
	int			 l;

	(void)state;
	snprintf(path, sizeof(path), "%s/etc/hotlined.model",
	    top ? top : ".");
	if ((m = model_load(path, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	in = model_info(m);
	assert_true(in->version[0] != '\0' && in->date[0] != '\0');
	for (l = 0; l < CL_CATEGORIES; l++)
		assert_true(in->has[l] && in->count[l] > 0);
	assert_true(in->min_score > 0 && in->min_score < 1);
	assert_true(in->min_margin >= 0 && in->min_margin < 1);
	assert_true(in->temperature > 0);
	assert_true(in->nfeature > 1000);
	model_free(m);
}

static void
test_decide(void **state)
{
	const struct intake_verdict	*v;
	struct model			*m;
	struct rules			*rs;

	(void)state;
	assert_non_null(m = load(good_model));
	rs = rules_load_buf("t.rules",
	    "rule thanks category other override any 感谢信\n"
	    "rule noise category complaint weight 3 any 吵\n"
	    "rule lit refuse litigation any 起诉\n"
	    "rule lit2 refuse litigation weight 9 any 已起诉\n"
	    "rule mil refuse military override any 部队营区\n"
	    "rule fire refuse emergency 119 any 着火\n"
	    "rule ask category unclassified any 转人工\n"
	    "rule lit3 refuse litigation override any 判决书\n",
	    strlen("rule thanks category other override any 感谢信\n"
	    "rule noise category complaint weight 3 any 吵\n"
	    "rule lit refuse litigation any 起诉\n"
	    "rule lit2 refuse litigation weight 9 any 已起诉\n"
	    "rule mil refuse military override any 部队营区\n"
	    "rule fire refuse emergency 119 any 着火\n"
	    "rule ask category unclassified any 转人工\n"
	    "rule lit3 refuse litigation override any 判决书\n"), err,
	    sizeof(err));
	if (rs == NULL)
		fail_msg("%s", err);

	/* the model alone, confident */
	v = decide(rs, m, -1, -1, "楼下噪音");
	assert_int_equal(v->kind, INTAKE_NEW_CASE);
	assert_int_equal(v->category, CAT_COMPLAINT);
	assert_false(v->unsure);
	assert_true(v->score > 0.9 && v->margin > 0.8);
	assert_string_equal(v->rule, "");
	/* nothing known: every label even, unsure */
	v = decide(rs, m, -1, -1, "今天星期几");
	assert_int_equal(v->category, CAT_UNCLASSIFIED);
	assert_true(v->unsure);
	assert_true(v->score < 0.5);
	/* two labels close: unsure; the same with no margin asked: sure */
	v = decide(rs, m, -1, -1, "请问噪音");
	assert_int_equal(v->category, CAT_UNCLASSIFIED);
	assert_true(v->margin < 0.01);
	v = decide(rs, m, 0, 0, "请问噪音");
	assert_int_not_equal(v->category, CAT_UNCLASSIFIED);
	/* a rule's weight tips it; its name is given */
	v = decide(rs, m, -1, -1, "请问噪音太吵");
	assert_int_equal(v->category, CAT_COMPLAINT);
	assert_false(v->unsure);
	assert_string_equal(v->rule, "noise");
	/* an override decides against the model, confidently */
	v = decide(rs, m, -1, -1, "噪音噪音感谢信");
	assert_int_equal(v->category, CAT_OTHER);
	assert_string_equal(v->rule, "thanks");
	assert_true(v->score == 1.0 && !v->unsure);
	v = decide(rs, m, -1, -1, "部队营区噪音");
	assert_int_equal(v->kind, INTAKE_REFUSE);
	assert_string_equal(v->template, "refuse_military");
	/* a refusal needs the rule and a confident score (Art. 9) */
	v = decide(rs, m, 0.9, 0.2, "我要起诉");
	assert_int_equal(v->kind, INTAKE_NEW_CASE);
	assert_int_equal(v->category, CAT_UNCLASSIFIED);
	assert_int_equal(v->guess, CL_LITIGATION);
	v = decide(rs, m, -1, -1, "我要起诉");
	assert_int_equal(v->kind, INTAKE_REFUSE);
	/* the rule matched, the text says otherwise: a case */
	v = decide(rs, m, -1, -1, "起诉噪音噪音");
	assert_int_equal(v->kind, INTAKE_NEW_CASE);
	assert_int_equal(v->category, CAT_COMPLAINT);
	v = decide(rs, m, -1, -1, "已起诉");
	assert_int_equal(v->kind, INTAKE_REFUSE);
	assert_string_equal(v->reason, "litigation");
	assert_string_equal(v->rule, "lit");
	/* an override refusal names itself, not an earlier rule */
	v = decide(rs, m, -1, -1, "起诉的判决书");
	assert_int_equal(v->kind, INTAKE_REFUSE);
	assert_string_equal(v->rule, "lit3");
	/* the model alone never refuses */
	v = decide(NULL, m, 0, 0, "起诉起诉起诉");
	assert_int_equal(v->kind, INTAKE_NEW_CASE);
	assert_int_equal(v->category, CAT_UNCLASSIFIED);
	/* an emergency rule decides before any score */
	v = decide(rs, m, -1, -1, "噪音噪音着火");
	assert_int_equal(v->kind, INTAKE_REFUSE);
	assert_string_equal(v->channel, "119");
	/* category unclassified forces a person */
	v = decide(rs, m, -1, -1, "噪音噪音转人工");
	assert_int_equal(v->category, CAT_UNCLASSIFIED);
	assert_true(v->unsure);
	/* without a model: as before, never unsure, other when no rule */
	v = decide(rs, NULL, -1, -1, "今天星期几");
	assert_int_equal(v->category, CAT_OTHER);
	assert_false(v->unsure);
	v = decide(rs, NULL, -1, -1, "我要起诉");
	assert_int_equal(v->kind, INTAKE_REFUSE);
	rules_free(rs);
	model_free(m);
}

static void
test_rules_syntax(void **state)
{
	static const struct {
		const char	*text, *msg;
	} bad[] = {
		{ "rule a category help weight any x\n", "weight 'any' is not" },
		{ "rule a category help any x weight\n", "weight without a" },
		{ "rule a category help weight 21 any x\n", "from -20 to 20" },
		{ "rule a category help weight nan any x\n", "not a number" },
		{ "rule a category help weight 1x any x\n", "not a number" },
		{ "rule a refuse litigation weight -30 any x\n", "from -20" },
	};
	struct rules	*rs;
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		rs = rules_load_buf("t.rules", bad[i].text,
		    strlen(bad[i].text), err, sizeof(err));
		if (rs != NULL || strstr(err, bad[i].msg) == NULL)
			fail_msg("%s: %s", bad[i].text, err);
	}
	/* everywhere a clause may stand; a refusal's channel stays optional */
	rs = rules_load_buf("t.rules",
	    "rule a category help override any x\n"
	    "rule b refuse litigation weight 2.5 any y\n"
	    "rule c category complaint\n\tweight -1\n\tany z\n\toverride\n"
	    "rule d refuse emergency 110 weight 1 any w\n",
	    strlen("rule a category help override any x\n"
	    "rule b refuse litigation weight 2.5 any y\n"
	    "rule c category complaint\n\tweight -1\n\tany z\n\toverride\n"
	    "rule d refuse emergency 110 weight 1 any w\n"), err, sizeof(err));
	if (rs == NULL)
		fail_msg("%s", err);
	assert_int_equal(rules_count(rs), 4);
	assert_int_equal(rules_label(rs, 1), CL_LITIGATION);
	assert_int_equal(rules_label(rs, 3), -1);
	rules_free(rs);
	/* "weight" ends a keyword list: it is a word of the syntax now */
	rs = rules_load_buf("t.rules", "rule a category help any x weight 2\n",
	    strlen("rule a category help any x weight 2\n"), err, sizeof(err));
	assert_non_null(rs);
	rules_free(rs);
}

static void
test_jsonl(void **state)
{
	struct train_set	 set;

	(void)state;
	memset(&set, 0, sizeof(set));
	assert_int_equal(train_load(&set, datapath("bad.jsonl"), 1, 0, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "bad.jsonl:2: expected {\"text\""));
	assert_non_null(strstr(err, "bad.jsonl:3: not JSON"));
	assert_non_null(strstr(err, "bad.jsonl:4: unknown label 'nosuch'"));
	assert_non_null(strstr(err, "bad.jsonl:5: expected"));
	assert_non_null(strstr(err, "bad.jsonl:6: expected"));
	assert_non_null(strstr(err, "bad.jsonl:7: expected"));
	assert_null(strstr(err, "bad.jsonl:8:"));
	assert_null(strstr(err, "bad.jsonl:9:"));	/* unclassified: skipped */
	assert_null(strstr(err, "bad.jsonl:10:"));
	assert_int_equal(set.n, 2);	/* lines 1 and 10 */
	train_free(&set);
	/* a line too long is skipped, whole, and the next one read */
	{
		char	 path[] = "/tmp/test_classify.XXXXXX";
		FILE	*fp;
		int	 fd, i;

		assert_true((fd = mkstemp(path)) != -1);
		assert_non_null(fp = fdopen(fd, "w"));
		fputs("{\"text\": \"", fp);
		for (i = 0; i < TRAIN_LINE_MAX; i++)
			fputc('x', fp);
		fputs("\", \"label\": \"help\"}\n", fp);
		fputs("{\"text\": \"停水\", \"label\": \"help\"}\n", fp);
		fclose(fp);
		assert_int_equal(train_load(&set, path, 1, 0, err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, ":1: line longer than"));
		assert_null(strstr(err, ":2:"));
		assert_int_equal(set.n, 1);
		assert_string_equal(set.ex[0].text, "停水");
		train_free(&set);
		unlink(path);
	}
	assert_int_equal(train_load(&set, "/nonexistent.jsonl", 1, 0, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
	train_free(&set);
	assert_int_equal(train_load(&set, datapath("dev.jsonl"), 1, 0, err,
	    sizeof(err)), 0);
	assert_int_equal(set.n, 54);
	assert_int_equal(set.ex[52].label, TRAIN_EMERGENCY);
	train_free(&set);
}

/* Train on the dev set (and the operators' file), everything in. */
static struct model *
train(int operators, int algo)
{
	struct train_set	 set;
	struct train_opts	 o;
	struct train_result	 r;
	struct model		*m;

	memset(&set, 0, sizeof(set));
	memset(&o, 0, sizeof(o));
	o.algo = algo;
	o.norm = 1;
	o.alpha = 0.1;
	o.lambda = 1e-4;
	o.epochs = 20;
	o.min_count = 1;
	o.version = "test";
	o.date = "today";
	assert_int_equal(train_load(&set, datapath("dev.jsonl"), 1, 0, err,
	    sizeof(err)), 0);
	if (operators)
		assert_int_equal(train_load(&set, datapath("operators.jsonl"),
		    2, 1, err, sizeof(err)), 0);
	assert_int_equal(train_fit(&set, 1, &o, &r, err, sizeof(err)), 0);
	r.info.min_score = 0.5;
	r.info.min_margin = 0.2;
	if ((m = train_result_model(&r, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	train_result_free(&r);
	train_free(&set);
	return m;
}

static void
test_retrain_with_operators(void **state)
{
	static const char	 text[] = "小区充电桩太少";
	const struct intake_verdict *v;
	struct model		*before, *after;
	int			 algo;

	(void)state;
	for (algo = 0; algo <= 1; algo++) {
		before = train(0, algo);
		after = train(1, algo);
		/* the office decided such texts are suggestions */
		v = decide(NULL, before, -1, -1, text);
		assert_int_not_equal(v->category, CAT_SUGGESTION);
		v = decide(NULL, after, -1, -1, text);
		assert_int_equal(v->category, CAT_SUGGESTION);
		assert_false(v->unsure);
		/* and what the operators did not touch stays */
		v = decide(NULL, after, -1, -1, "楼下烧烤店油烟太大，投诉");
		assert_int_equal(v->category, CAT_COMPLAINT);
		model_free(before);
		model_free(after);
	}
}

static void
test_calibrate(void **state)
{
	struct train_row	 rows[100];
	struct train_opts	 o;
	struct train_eval	 e;
	double			 s, g;
	int			 i;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.target_wrong = 0.05;
	o.max_unsure = 0.25;
	/* 80 right with high scores, 20 wrong with low ones */
	for (i = 0; i < 100; i++) {
		rows[i].gold = CL_HELP;
		rows[i].pred = i < 80 ? CL_HELP : CL_COMPLAINT;
		rows[i].fixed = 0;
		rows[i].score = i < 80 ? 0.9 : 0.55;
		rows[i].margin = i < 80 ? 0.8 : 0.1;
	}
	assert_int_equal(train_calibrate(rows, 100, &o, &s, &g), 0);
	train_tally(rows, 100, s, g, &e);
	assert_int_equal(e.wrong, 0);
	assert_int_equal(e.unsure, 20);
	assert_int_equal(e.correct, 80);
	assert_int_equal(e.confusion[CL_HELP][TP_UNSURE], 20);
	/* fixed verdicts ignore the thresholds */
	rows[99].fixed = 1;
	train_tally(rows, 100, s, g, &e);
	assert_int_equal(e.wrong, 1);
	/* no way to meet the targets: fewest wrong, and -1 */
	for (i = 0; i < 100; i++)
		rows[i].fixed = i >= 50;
	assert_int_equal(train_calibrate(rows, 100, &o, &s, &g), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_model),
		cmocka_unit_test(test_ngrams),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_shipped_model),
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_rules_syntax),
		cmocka_unit_test(test_jsonl),
		cmocka_unit_test(test_retrain_with_operators),
		cmocka_unit_test(test_calibrate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
