/*
 * Unit tests for intake.c: normalisation, commands and non-commands,
 * survey answers, empty texts, rule order and exclusions, refusals,
 * confidentiality, hostile input, and the shipped etc/hotlined.rules on a
 * table of realistic citizen texts.
 */
#include "compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "../src/category.h"
#include "../src/config.h"
#include "../src/intake.h"
#include "../src/screen.h"

static struct rules	*shipped;	/* etc/hotlined.rules */
static struct rules	*small;		/* a small rule set for order tests */
static char		 norm[INTAKE_NORM_MAX];

static const char small_rules[] =
    "# order and exclusions\n"
    "rule fire refuse emergency 119 any 着火,冒烟 none 火灾隐患\n"
    "rule army refuse military any 部队\n"
    "rule eff category efficiency any 态度差\n"
    "rule comp category complaint any 投诉\n"
    "rule both category suggestion all 公交,线路\n"
    "rule latin category help any WiFi\n";

/* The verdict on text with the usual context (prefix HY, nothing pending). */
static const struct intake_verdict *
classify(const struct rules *rs, const char *text)
{
	static struct intake_verdict	v;
	struct intake_ctx		ctx = { .case_prefix = "HY" };

	assert_int_equal(intake_classify(rs, text, &ctx, &v, norm,
	    sizeof(norm)), 0);
	return &v;
}

static const char *
normalize(const char *in)
{
	static char	out[256];

	intake_normalize(in, strlen(in), out, sizeof(out));
	return out;
}

static int
setup(void **state)
{
	char		 path[4096], err[4096];
	const char	*top = getenv("top_srcdir");

	(void)state;
	snprintf(path, sizeof(path), "%s/etc/hotlined.rules",
	    top ? top : ".");
	if ((shipped = rules_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s", err);
		return -1;
	}
	small = rules_load_buf("small", small_rules, strlen(small_rules), err,
	    sizeof(err));
	if (small == NULL) {
		fprintf(stderr, "%s", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	rules_free(shipped);
	rules_free(small);
	return 0;
}

/* --- normalisation ------------------------------------------------------ */

static void
test_normalize_fullwidth(void **state)
{
	(void)state;
	assert_string_equal(normalize("ＣＸ　ＨＹ２６１１２６０００１"),
	    "CX HY2611260001");
	assert_string_equal(normalize("ｈｅｌｌｏ，ｗｏｒｌｄ！？"),
	    "hello,world!?");
	assert_string_equal(normalize("查询：ＨＹ１"), "查询:HY1");
	/* CJK punctuation that has no half-width form stays */
	assert_string_equal(normalize("你好。、"), "你好。、");
}

static void
test_normalize_whitespace(void **state)
{
	(void)state;
	assert_string_equal(normalize("  \t a \r\n\n  b\u3000\u3000c  "),
	    "a b c");
	assert_string_equal(normalize("\u00a0x\u2003y\u200b z\ufeff"), "x y z");
	assert_string_equal(normalize(""), "");
	assert_string_equal(normalize(" \u3000 \t"), "");
}

static void
test_normalize_controls_and_invalid(void **state)
{
	char	out[64];
	size_t	n;

	(void)state;
	assert_string_equal(normalize("a\x01\x7f" "b\x1b[0m"), "ab[0m");
	n = intake_normalize("a\xff" "b\xc3", 4, out, sizeof(out));
	assert_int_equal(n, 8);
	assert_string_equal(out, "a\xef\xbf\xbd" "b\xef\xbf\xbd");
	/* overlong, surrogate */
	assert_string_equal(normalize("\xc0\xaf\xed\xa0\x80"),
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* NUL through the length path: dropped */
	n = intake_normalize("a\0b", 3, out, sizeof(out));
	assert_int_equal(n, 2);
	assert_string_equal(out, "ab");
}

static void
test_normalize_small_buffer(void **state)
{
	char	out[5];
	size_t	n;

	(void)state;
	/* never splits a character, always terminates */
	n = intake_normalize("你好吗", strlen("你好吗"), out, sizeof(out));
	assert_int_equal(n, 3);
	assert_string_equal(out, "你");
	n = intake_normalize("abc", 3, out, 1);
	assert_int_equal(n, 0);
	assert_string_equal(out, "");
	assert_int_equal(intake_normalize("abc", 3, out, 0), 0);
}

/* --- commands ----------------------------------------------------------- */

static void
test_query_forms(void **state)
{
	static const char *one[] = {
		"CX HY2611260001", "CXHY2611260001", "cx hy2611260001",
		"查询HY2611260001", "查询 HY2611260001", "查询：HY2611260001",
		"查询:hy2611260001 谢谢", "ＣＸ　ＨＹ２６１１２６０００１",
		"CX 2611260001", "Cx,HY26112600012", "  查询  HY2611260001  "
	};
	static const char *all[] = { "CX", "cx", "查询", "查询。", " CX ! " };
	const struct intake_verdict	*v;
	size_t				 i;

	(void)state;
	for (i = 0; i < nitems(one); i++) {
		v = classify(shipped, one[i]);
		assert_int_equal(v->kind, INTAKE_QUERY);
		assert_true(strncmp(v->number, "HY2611260001", 12) == 0);
	}
	v = classify(shipped, "Cx,HY26112600012");
	assert_string_equal(v->number, "HY26112600012");
	for (i = 0; i < nitems(all); i++) {
		v = classify(shipped, all[i]);
		assert_int_equal(v->kind, INTAKE_QUERY);
		assert_string_equal(v->number, "");
	}
}

static void
test_query_bad_number_is_help(void **state)
{
	static const char *bad[] = {
		"CX HY123", "查询 HY261126000123", "CXHY2611260001X",
		"CX 12345"
	};
	size_t	i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		assert_int_equal(classify(shipped, bad[i])->kind, INTAKE_HELP);
		assert_string_equal(classify(shipped, bad[i])->number, "");
	}
}

static void
test_not_commands(void **state)
{
	static const char *texts[] = {
		"查询一下社保怎么交", "查询社保缴费记录需要什么材料",
		"查询 社保怎么交", "CXK是什么", "补充一点，我家停水了",
		"帮助我家老人办理低保，请问需要什么材料", "HELPME 停电了",
		"退订的短信还在发，我要投诉", "TDA 公司乱收费投诉"
	};
	const struct intake_verdict	*v;
	size_t				 i;

	(void)state;
	for (i = 0; i < nitems(texts); i++) {
		v = classify(shipped, texts[i]);
		if (v->kind != INTAKE_NEW_CASE)
			fail_msg("%s: kind %s", texts[i],
			    intake_kind_name(v->kind));
	}
}

static void
test_supplement(void **state)
{
	const struct intake_verdict	*v;

	(void)state;
	v = classify(shipped, "BC HY2611260001 噪音晚上十点后更严重");
	assert_int_equal(v->kind, INTAKE_SUPPLEMENT);
	assert_string_equal(v->number, "HY2611260001");
	assert_string_equal(v->body, "噪音晚上十点后更严重");
	assert_ptr_equal(v->body, norm + strlen("BC HY2611260001 "));

	v = classify(shipped, "补充：ＨＹ２６１１２６０００１，　地址是三栋");
	assert_int_equal(v->kind, INTAKE_SUPPLEMENT);
	assert_string_equal(v->number, "HY2611260001");
	assert_string_equal(v->body, "地址是三栋");

	v = classify(shipped, "bchy2611260001补充照片已发");
	assert_int_equal(v->kind, INTAKE_SUPPLEMENT);
	assert_string_equal(v->body, "补充照片已发");

	/* no body, bad number, keyword alone: help */
	assert_int_equal(classify(shipped, "BC HY2611260001")->kind,
	    INTAKE_HELP);
	assert_int_equal(classify(shipped, "BC HY2611260001 。")->kind,
	    INTAKE_HELP);
	assert_int_equal(classify(shipped, "补充 HY26 地址")->kind,
	    INTAKE_HELP);
	assert_int_equal(classify(shipped, "补充")->kind, INTAKE_HELP);
}

static void
test_help_and_optout(void **state)
{
	static const char *help[] = {
		"帮助", "HELP", "help", "Help!", "?", "？", "??", "帮助？"
	};
	static const char *optout[] = { "退订", "TD", "td", "ＴＤ", "退订。" };
	size_t	i;

	(void)state;
	for (i = 0; i < nitems(help); i++)
		assert_int_equal(classify(shipped, help[i])->kind,
		    INTAKE_HELP);
	for (i = 0; i < nitems(optout); i++)
		assert_int_equal(classify(shipped, optout[i])->kind,
		    INTAKE_OPTOUT);
}

static void
test_custom_prefix(void **state)
{
	struct intake_verdict	v;
	struct intake_ctx	ctx = { .case_prefix = "GZ" };

	(void)state;
	assert_int_equal(intake_classify(shipped, "CX GZ26112600001", &ctx,
	    &v, norm, sizeof(norm)), 0);
	assert_int_equal(v.kind, INTAKE_QUERY);
	assert_string_equal(v.number, "GZ26112600001");
	assert_int_equal(intake_classify(shipped, "CX HY2611260001", &ctx,
	    &v, norm, sizeof(norm)), 0);
	assert_int_equal(v.kind, INTAKE_NEW_CASE);
	/* no prefix configured: digits only */
	ctx.case_prefix = NULL;
	assert_int_equal(intake_classify(shipped, "CX 2611260001", &ctx,
	    &v, norm, sizeof(norm)), 0);
	assert_int_equal(v.kind, INTAKE_QUERY);
	assert_string_equal(v.number, "2611260001");
}

/* --- surveys and empty texts -------------------------------------------- */

static void
test_survey(void **state)
{
	static const char *answers[] = {
		"1", "2", "3", "1 满意", "3。", "满意", "基本满意", "不满意，还是很吵",
		"一般", "2满意"
	};
	static const char *not[] = { "12号楼停电", "4", "我家停水了好几天" };
	struct intake_verdict	v;
	struct intake_ctx	ctx = {
	    .case_prefix = "HY", .survey_pending = 1 };
	size_t			i;

	(void)state;
	for (i = 0; i < nitems(answers); i++) {
		assert_int_equal(intake_classify(shipped, answers[i], &ctx,
		    &v, norm, sizeof(norm)), 0);
		assert_int_equal(v.kind, INTAKE_SURVEY);
	}
	for (i = 0; i < nitems(not); i++) {
		assert_int_equal(intake_classify(shipped, not[i], &ctx,
		    &v, norm, sizeof(norm)), 0);
		assert_int_not_equal(v.kind, INTAKE_SURVEY);
	}
	/* commands still win */
	intake_classify(shipped, "TD", &ctx, &v, norm, sizeof(norm));
	assert_int_equal(v.kind, INTAKE_OPTOUT);
	/* no survey pending: "1" is empty, 满意 a new matter */
	ctx.survey_pending = 0;
	intake_classify(shipped, "1", &ctx, &v, norm, sizeof(norm));
	assert_int_equal(v.kind, INTAKE_EMPTY);
	/* to the extension: anything is an answer */
	ctx.to_extension = 1;
	intake_classify(shipped, "处理得很好，谢谢", &ctx, &v, norm,
	    sizeof(norm));
	assert_int_equal(v.kind, INTAKE_SURVEY);
	intake_classify(shipped, "", &ctx, &v, norm, sizeof(norm));
	assert_int_equal(v.kind, INTAKE_EMPTY);
}

/* "HY2611260001 1": an answer naming its case (survey_which_case asks so) */
static void
test_survey_naming_case(void **state)
{
	static const struct {
		const char	*text, *number;
	} yes[] = {
		{ "HY2611260001 1", "HY2611260001" },
		{ "hy2611260001，满意", "HY2611260001" },
		{ "ＨＹ２６１１２６０００１　３ 太慢了", "HY2611260001" },
		{ "案件号HY2611260001 基本满意", "HY2611260001" },
		{ "案件 HY2611260002:2", "HY2611260002" },
	};
	static const char *no[] = {
		"HY2611260001",			/* no answer: not a survey */
		"HY2611260001 路灯又坏了",	/* a new matter naming a case */
		"2611260001 1",			/* no prefix: could be anything */
		"HY12 1",			/* too short for a case number */
		"HY26112600011234567890123 1",	/* too long */
		"HYX2611260001 1", "HY 1", "HY", "案件号", "",
	};
	struct intake_verdict	v;
	struct intake_ctx	ctx = { "HY", 1, 0, NULL, NULL };
	size_t			i;

	(void)state;
	for (i = 0; i < nitems(yes); i++) {
		assert_int_equal(intake_classify(shipped, yes[i].text, &ctx,
		    &v, norm, sizeof(norm)), 0);
		assert_int_equal(v.kind, INTAKE_SURVEY);
		assert_string_equal(v.number, yes[i].number);
		assert_non_null(v.body);
	}
	for (i = 0; i < nitems(no); i++) {
		assert_int_equal(intake_classify(shipped, no[i], &ctx, &v,
		    norm, sizeof(norm)), 0);
		if (v.kind == INTAKE_SURVEY)
			fail_msg("\"%s\" read as a survey answer", no[i]);
		if (v.kind != INTAKE_QUERY && v.kind != INTAKE_SUPPLEMENT)
			assert_string_equal(v.number, "");
	}
	/* without a survey open it is not an answer at all */
	ctx.survey_pending = 0;
	intake_classify(shipped, "HY2611260001 1", &ctx, &v, norm,
	    sizeof(norm));
	assert_int_not_equal(v.kind, INTAKE_SURVEY);
}

static void
test_empty(void **state)
{
	static const char *texts[] = {
		"", " ", "\u3000\t\r\n", "。", "！！！", "...", "，。、；",
		"好", "a", "🙂", " 嗯 。", "\xff\xfe", "【】"
	};
	size_t	i;

	(void)state;
	for (i = 0; i < nitems(texts); i++)
		if (classify(shipped, texts[i])->kind != INTAKE_EMPTY)
			fail_msg("text %zu not empty", i);
	assert_int_equal(classify(shipped, "你好")->kind, INTAKE_NEW_CASE);
	assert_int_equal(classify(NULL, "你好")->category, CAT_OTHER);
}

/* --- rules: order, exclusions, refusals --------------------------------- */

static void
test_rule_order_and_exclusions(void **state)
{
	const struct intake_verdict	*v;

	(void)state;
	/* refuse rules come first, whatever the order of the file */
	v = classify(small, "投诉部队训练扰民");
	assert_int_equal(v->kind, INTAKE_REFUSE);
	assert_string_equal(v->rule, "army");
	/* exclusion */
	v = classify(small, "投诉火灾隐患，楼道冒烟味");
	assert_int_equal(v->kind, INTAKE_NEW_CASE);
	assert_int_equal(v->category, CAT_COMPLAINT);
	assert_string_equal(v->rule, "comp");
	/* first matching category rule wins */
	v = classify(small, "投诉办事员态度差");
	assert_int_equal(v->category, CAT_EFFICIENCY);
	assert_string_equal(v->rule, "eff");
	/* all */
	assert_int_equal(classify(small, "公交太挤")->category, CAT_OTHER);
	assert_string_equal(classify(small, "公交太挤")->rule, "");
	v = classify(small, "希望公交12路调整线路");
	assert_int_equal(v->category, CAT_SUGGESTION);
	/* ASCII keywords compare without case, after normalisation */
	assert_int_equal(classify(small, "图书馆的ｗｉｆｉ连不上")->category,
	    CAT_HELP);
	assert_int_equal(classify(small, "WIFI坏了")->category, CAT_HELP);
}

static void
test_refusals(void **state)
{
	static const struct {
		const char	*text, *reason, *channel, *template;
	} t[] = {
		/* emergencies are the safety screen's: tests/test_screen */
		{ "附近部队晚上训练声音很大", "military", "",
		    "refuse_military" },
		{ "武警支队的事情想反映一下", "military", "", "refuse_military" },
		{ "我的案子已经起诉了，想问问进展", "litigation", "",
		    "refuse_litigation" },
		{ "劳动仲裁结果不公平", "litigation", "", "refuse_litigation" },
		{ "行政复议的结果我不服", "litigation", "", "refuse_litigation" },
		{ "能不能帮我查某人的住址", "unlawful", "", "refuse_unlawful" },
		{ "帮我开假证明，多少钱都行", "unlawful", "", "refuse_unlawful" },
	};
	const struct intake_verdict	*v;
	size_t				 i;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		v = classify(shipped, t[i].text);
		if (v->kind != INTAKE_REFUSE)
			fail_msg("%s: kind %s", t[i].text,
			    intake_kind_name(v->kind));
		assert_string_equal(v->reason, t[i].reason);
		assert_string_equal(v->channel, t[i].channel);
		assert_string_equal(v->template, t[i].template);
		assert_string_not_equal(v->rule, "");
	}
}

static void
test_confidential(void **state)
{
	const struct intake_verdict	*v;

	(void)state;
	v = classify(shipped, "保密 举报某饭店使用过期食材，后厨卫生很差。");
	assert_int_equal(v->kind, INTAKE_NEW_CASE);
	assert_int_equal(v->category, CAT_COMPLAINT);
	assert_true(v->confidential);
	v = classify(shipped, "举报某饭店使用过期食材，请为我保密");
	assert_true(v->confidential);
	v = classify(shipped, "举报某饭店使用过期食材");
	assert_false(v->confidential);
	/* 保密 alone is a (confidential) matter of category other */
	v = classify(shipped, "保密");
	assert_int_equal(v->kind, INTAKE_NEW_CASE);
	assert_int_equal(v->category, CAT_OTHER);
	assert_true(v->confidential);

	/* 保密 + a case number: that case, the rest added to it */
	v = classify(shipped, "保密 HY2611260001");
	assert_int_equal(v->kind, INTAKE_CONFIDENTIAL);
	assert_string_equal(v->number, "HY2611260001");
	assert_string_equal(v->body, "");
	v = classify(shipped, "ＢＭ保密ｈｙ２６１１２６０００１");
	assert_int_not_equal(v->kind, INTAKE_CONFIDENTIAL);
	v = classify(shipped, "保密：ｈｙ２６１１２６０００１，不要公开我的电话");
	assert_int_equal(v->kind, INTAKE_CONFIDENTIAL);
	assert_string_equal(v->number, "HY2611260001");
	assert_string_equal(v->body, "不要公开我的电话");
	v = classify(shipped, "保密HY2611260001");
	assert_int_equal(v->kind, INTAKE_CONFIDENTIAL);
	/* no prefix, a phone number, a bad number: a confidential matter */
	v = classify(shipped, "保密 13800138000 举报有人在小区卖假烟");
	assert_int_equal(v->kind, INTAKE_NEW_CASE);
	assert_true(v->confidential);
	assert_string_equal(v->number, "");
	v = classify(shipped, "保密 HY12 举报");
	assert_int_equal(v->kind, INTAKE_NEW_CASE);
	v = classify(shipped, "保密 HY");
	assert_int_equal(v->kind, INTAKE_NEW_CASE);

	/* BM, the pinyin initials, before a case number only */
	v = classify(shipped, "BM HY2611260001");
	assert_int_equal(v->kind, INTAKE_CONFIDENTIAL);
	assert_string_equal(v->number, "HY2611260001");
	v = classify(shipped, "ｂｍ：ｈｙ２６１１２６０００１");
	assert_int_equal(v->kind, INTAKE_CONFIDENTIAL);
	assert_string_equal(v->number, "HY2611260001");
	v = classify(shipped, "bmhy2611260001 不要公开");
	assert_int_equal(v->kind, INTAKE_CONFIDENTIAL);
	assert_string_equal(v->body, "不要公开");
	v = classify(shipped, "BMW车主投诉4S店乱收费");
	assert_int_equal(v->kind, INTAKE_NEW_CASE);
	assert_false(v->confidential);
	assert_string_equal(v->number, "");
	v = classify(shipped, "BM");
	assert_int_not_equal(v->kind, INTAKE_CONFIDENTIAL);
	v = classify(shipped, "BM HY26112600012345678901234567890");
	assert_int_not_equal(v->kind, INTAKE_CONFIDENTIAL);
	v = classify(shipped, "BM 13800138000");
	assert_int_not_equal(v->kind, INTAKE_CONFIDENTIAL);
	v = classify(shipped, "BM HY261126000１");	/* mixed widths */
	assert_int_equal(v->kind, INTAKE_CONFIDENTIAL);
	v = classify(shipped, "BM\x01HY2611260001");
	assert_int_not_equal(v->kind, INTAKE_HELP);
}

/* --- hostile input ------------------------------------------------------ */

static void
test_long_input_truncated(void **state)
{
	struct intake_verdict	 v;
	struct intake_ctx	 ctx = { .case_prefix = "HY" };
	char			*big;
	size_t			 i, n = 3 * 4096;

	(void)state;
	big = malloc(n + 1);
	assert_non_null(big);
	for (i = 0; i + 3 <= n; i += 3)
		memcpy(big + i, "噪", 3);	/* 4096 is not a multiple of 3 */
	big[n] = '\0';
	memcpy(big, "投诉", 6);
	assert_int_equal(intake_classify(shipped, big, &ctx, &v, norm,
	    sizeof(norm)), 0);
	assert_true(v.truncated);
	assert_int_equal(v.category, CAT_COMPLAINT);
	assert_true(strlen(norm) <= 4096 && strlen(norm) % 3 == 0);
	/* a keyword beyond the cut is not seen */
	memcpy(big + n - 6, "部队", 6);
	intake_classify(shipped, big, &ctx, &v, norm, sizeof(norm));
	assert_int_equal(v.kind, INTAKE_NEW_CASE);
	/* a small norm buffer: truncated output, no overflow */
	intake_classify(shipped, big, &ctx, &v, norm, 10);
	assert_true(strlen(norm) < 10);
	free(big);
}

static void
test_hostile_bytes(void **state)
{
	struct intake_verdict	 v;
	struct intake_ctx	 ctx = { .case_prefix = "HY" };
	char			 buf[8192];
	size_t			 i;
	unsigned int		 seed = 12345;

	(void)state;
	/* NULs through the explicit length */
	assert_int_equal(intake_classify_len(shipped, "C\0X HY2611260001", 16,
	    &ctx, &v, norm, sizeof(norm)), 0);
	assert_int_equal(v.kind, INTAKE_QUERY);
	assert_int_equal(intake_classify_len(shipped, "投\0诉噪音", 13,
	    &ctx, &v, norm, sizeof(norm)), 0);
	assert_int_equal(v.kind, INTAKE_NEW_CASE);
	/* all invalid UTF-8, all bytes, controls */
	memset(buf, 0xff, sizeof(buf));
	intake_classify_len(shipped, buf, sizeof(buf), &ctx, &v, norm,
	    sizeof(norm));
	assert_int_equal(v.kind, INTAKE_EMPTY);
	assert_true(v.truncated);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)i;
	intake_classify_len(shipped, buf, sizeof(buf), &ctx, &v, norm,
	    sizeof(norm));
	for (i = 0; i < 200; i++) {
		size_t	j;

		for (j = 0; j < sizeof(buf); j++) {
			seed = seed * 1103515245 + 12345;
			buf[j] = (char)(seed >> 16);
		}
		assert_int_equal(intake_classify_len(shipped, buf,
		    seed % sizeof(buf), &ctx, &v, norm, sizeof(norm)), 0);
		assert_true(strlen(norm) < sizeof(norm));
	}
	memset(buf, '\x01', 100);
	memcpy(buf + 100, "CX", 3);
	intake_classify(shipped, buf, &ctx, &v, norm, sizeof(norm));
	assert_int_equal(v.kind, INTAKE_QUERY);
	/* bad arguments */
	assert_int_equal(intake_classify(shipped, "x", &ctx, NULL, norm,
	    sizeof(norm)), -1);
	assert_int_equal(intake_classify(shipped, "x", &ctx, &v, NULL, 0), -1);
	assert_int_equal(intake_classify(shipped, NULL, NULL, &v, norm,
	    sizeof(norm)), 0);
	assert_int_equal(v.kind, INTAKE_EMPTY);
}

static void
test_speed(void **state)
{
	struct intake_verdict	 v;
	struct intake_ctx	 ctx = { .case_prefix = "HY" };
	const char		*text = "我要投诉：幸福花园小区旁边的工地每天晚上"
	    "十一点以后还在施工，电钻和渣土车的噪音非常严重，已经持续一个"
	    "多星期了，家里老人和孩子都休息不好，请有关部门尽快处理并答复。";
	struct timespec		 a, b;
	double			 s;
	int			 i, n = 20000;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++)
		intake_classify(shipped, text, &ctx, &v, norm, sizeof(norm));
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	assert_int_equal(v.category, CAT_COMPLAINT);
	/* 10k texts/s is the need; leave room for sanitizers */
	assert_true(n / s > 10000);
}

/* --- the shipped rules -------------------------------------------------- */

static void
test_shipped_table(void **state)
{
	static const struct {
		const char	*text;
		int		 kind;
		int		 cat;		/* NEW_CASE */
		const char	*channel;	/* REFUSE: channel or reason */
	} t[] = {
		/* the integration tests' texts */
		{ "我要投诉：幸福花园小区旁边的工地每天晚上十一点以后还在施工，"
		  "电钻和渣土车的噪音扰民非常严重，已经持续一个多星期了，家里"
		  "老人和孩子都休息不好，之前打过电话也没有人管，请有关部门尽快"
		  "处理并答复。", INTAKE_NEW_CASE, CAT_COMPLAINT, NULL },
		{ "请问新生儿医保怎么办理，需要带什么材料？", INTAKE_NEW_CASE,
		  CAT_CONSULTATION, NULL },
		{ "救命！我家楼下着火了，烟很大！", INTAKE_REFUSE, 0, "119" },
		{ "求助：建设路和文明路路口的路灯坏了好几天，晚上很黑，请派人"
		  "修一下。", INTAKE_NEW_CASE, CAT_HELP, NULL },
		{ "保密 举报某饭店使用过期食材，后厨卫生很差。", INTAKE_NEW_CASE,
		  CAT_COMPLAINT, NULL },
		{ "我和公司的劳动纠纷法院已经受理了，能不能帮我催一下判决？",
		  INTAKE_REFUSE, 0, "litigation" },
		{ "我和公司的劳动纠纷法院已经受理了，你们能不能帮我催一下判决？",
		  INTAKE_REFUSE, 0, "litigation" },
		{ "投诉：幸福花园3号楼楼下餐馆油烟和噪音扰民，请处理。",
		  INTAKE_NEW_CASE, CAT_COMPLAINT, NULL },
		{ "?", INTAKE_HELP, 0, NULL },
		/* consultation */
		{ "咨询一下，灵活就业人员社保怎么交？", INTAKE_NEW_CASE,
		  CAT_CONSULTATION, NULL },
		{ "身份证丢了在哪里办补领？", INTAKE_NEW_CASE, CAT_CONSULTATION,
		  NULL },
		{ "公租房怎么申请，有什么条件", INTAKE_NEW_CASE,
		  CAT_CONSULTATION, NULL },
		{ "请问退役军人优待证如何办理", INTAKE_NEW_CASE,
		  CAT_CONSULTATION, NULL },
		{ "查询一下社保怎么交", INTAKE_NEW_CASE, CAT_CONSULTATION, NULL },
		{ "生育津贴的政策是怎样的", INTAKE_NEW_CASE, CAT_CONSULTATION,
		  NULL },
		/* help */
		{ "我们小区从昨天开始停水，到现在还没来水", INTAKE_NEW_CASE,
		  CAT_HELP, NULL },
		{ "人民路中段有个井盖不见了，很危险", INTAKE_NEW_CASE, CAT_HELP,
		  NULL },
		{ "家里老人行动不便，生活有困难，能不能帮忙联系社区",
		  INTAKE_NEW_CASE, CAT_HELP, NULL },
		{ "楼上漏水到我家天花板", INTAKE_NEW_CASE, CAT_HELP, NULL },
		{ "东源县城区大面积停电", INTAKE_NEW_CASE, CAT_HELP, NULL },
		/* complaint */
		{ "举报：某超市销售假冒名牌酒", INTAKE_NEW_CASE, CAT_COMPLAINT,
		  NULL },
		{ "停车场乱收费，一小时收二十块", INTAKE_NEW_CASE, CAT_COMPLAINT,
		  NULL },
		{ "河里有工厂偷排污水，污染严重", INTAKE_NEW_CASE, CAT_COMPLAINT,
		  NULL },
		{ "投诉消防通道堵塞，被电动车占满了", INTAKE_NEW_CASE,
		  CAT_COMPLAINT, NULL },
		{ "小区有火灾隐患，楼道堆满杂物", INTAKE_NEW_CASE, CAT_COMPLAINT,
		  NULL },
		{ "举报有人办假证", INTAKE_NEW_CASE, CAT_COMPLAINT, NULL },
		{ "老板拖欠工资三个月了", INTAKE_NEW_CASE, CAT_COMPLAINT, NULL },
		/* suggestion */
		{ "建议在新江路口增设红绿灯", INTAKE_NEW_CASE, CAT_SUGGESTION,
		  NULL },
		{ "希望增加到高铁站的公交班次", INTAKE_NEW_CASE, CAT_SUGGESTION,
		  NULL },
		{ "对垃圾分类宣传提个意见", INTAKE_NEW_CASE, CAT_SUGGESTION,
		  NULL },
		/* efficiency: before complaint */
		{ "投诉窗口人员态度差", INTAKE_NEW_CASE, CAT_EFFICIENCY, NULL },
		{ "不动产登记中心办事效率太低，来了三次都没办好",
		  INTAKE_NEW_CASE, CAT_EFFICIENCY, NULL },
		{ "街道办互相推诿，没人管", INTAKE_NEW_CASE, CAT_EFFICIENCY,
		  NULL },
		/* refusals */
		{ "仓库起火了，快来人", INTAKE_REFUSE, 0, "119" },
		{ "楼道里燃气泄漏", INTAKE_REFUSE, 0, "119" },
		{ "有人打人，在夜市这边", INTAKE_REFUSE, 0, "110" },
		{ "家里进了小偷正在翻东西", INTAKE_REFUSE, 0, "110" },
		{ "老人呼吸困难，快叫救护车", INTAKE_REFUSE, 0, "120" },
		/* no word of an injury: registered, advised (screen possible) */
		{ "高速路口两车追尾", INTAKE_NEW_CASE, CAT_OTHER, NULL },
		{ "军队的营区扩建占了我家的地", INTAKE_REFUSE, 0, "military" },
		{ "我要查别人的手机号", INTAKE_REFUSE, 0, "unlawful" },
		{ "这个案子正在诉讼中", INTAKE_REFUSE, 0, "litigation" },
		/* other */
		{ "谢谢你们", INTAKE_NEW_CASE, CAT_OTHER, NULL },
	};
	const struct intake_verdict	*v;
	size_t				 i;

	struct conf_errors		 errs;
	char				 path[4096];
	const char			*top = getenv("top_srcdir");

	(void)state;
	/* as the daemon does: the safety screen first, then the rules */
	snprintf(path, sizeof(path), "%s/etc/hotlined.screen", top ? top : ".");
	memset(&errs, 0, sizeof(errs));
	screen_set_current(screen_load(path, &errs));
	assert_non_null(screen_current());
	conf_errors_free(&errs);
	for (i = 0; i < nitems(t); i++) {
		v = classify(shipped, t[i].text);
		if ((int)v->kind != t[i].kind)
			fail_msg("%s: kind %s rule %s", t[i].text,
			    intake_kind_name(v->kind), v->rule);
		if (t[i].kind == INTAKE_NEW_CASE && v->category != t[i].cat)
			fail_msg("%s: category %s rule %s", t[i].text,
			    category_name(v->category), v->rule);
		if (t[i].kind == INTAKE_REFUSE &&
		    strcmp(v->channel, t[i].channel) != 0 &&
		    strcmp(v->reason, t[i].channel) != 0)
			fail_msg("%s: %s %s rule %s", t[i].text, v->reason,
			    v->channel, v->rule);
	}
	screen_set_current(NULL);
}

static void
test_conf_check(void **state)
{
	char		 path[4096], err[512];
	const char	*top = getenv("top_srcdir");

	(void)state;
	snprintf(path, sizeof(path), "%s/etc/hotlined.rules",
	    top ? top : ".");
	assert_int_equal(intake_conf_check(path, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(intake_conf_check("/nonexistent/hotlined.rules", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/hotlined.rules: "));
	assert_int_equal(rules_count(NULL), 0);
	assert_true(rules_count(shipped) >= 10);
	assert_string_equal(intake_kind_name(INTAKE_SURVEY), "survey");
	assert_string_equal(intake_kind_name((enum intake_kind)99), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_fullwidth),
		cmocka_unit_test(test_normalize_whitespace),
		cmocka_unit_test(test_normalize_controls_and_invalid),
		cmocka_unit_test(test_normalize_small_buffer),
		cmocka_unit_test(test_query_forms),
		cmocka_unit_test(test_query_bad_number_is_help),
		cmocka_unit_test(test_not_commands),
		cmocka_unit_test(test_supplement),
		cmocka_unit_test(test_help_and_optout),
		cmocka_unit_test(test_custom_prefix),
		cmocka_unit_test(test_survey),
		cmocka_unit_test(test_survey_naming_case),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_rule_order_and_exclusions),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_confidential),
		cmocka_unit_test(test_long_input_truncated),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_speed),
		cmocka_unit_test(test_shipped_table),
		cmocka_unit_test(test_conf_check),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
