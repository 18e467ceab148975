/*
 * Unit tests for redact.c: a table of texts and their whole redacted
 * form (phone numbers, ID numbers, names before a title, addresses,
 * plates, and what must stay: dates, amounts, order numbers, words with
 * digits), then hostile input: invalid UTF-8, very long strings, cuts.
 */
#include "compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "util.h"

static const struct {
	const char	*in;
	const char	*out;
} table[] = {
	/* phone numbers */
	{ "我的电话13800138000请回电", "我的电话[电话]请回电" },
	{ "电话:+8613800138000", "电话:[电话]" },
	{ "电话8613800138001", "电话[电话]" },
	{ "联系138 0013 8002谢谢", "联系[电话]谢谢" },
	{ "联系138-0013-8003", "联系[电话]" },
	{ "全角１３８００１３８００４也算", "全角[电话]也算" },
	{ "座机0762-3331234", "座机[电话]" },
	{ "座机020-88881234转", "座机[电话]转" },
	{ "座机07623331234", "座机[电话]" },
	{ "Tel13800138005", "Tel[电话]" },
	{ "13800138006", "[电话]" },
	/* ID numbers */
	{ "身份证44160219900101123X", "身份证[身份证号]" },
	{ "身份证44160219900101123x办", "身份证[身份证号]办" },
	{ "证号441602199001011234", "证号[身份证号]" },
	/* names before a title */
	{ "张先生反映", "某先生反映" },
	{ "王女士来电", "某女士来电" },
	{ "邻居李建国先生说", "邻居某先生说" },
	{ "欧阳女士", "某女士" },
	{ "这位陈小姐很着急", "这位某小姐很着急" },
	{ "一位先生反映", "一位先生反映" },
	{ "先生您好", "先生您好" },
	{ "Mr张先生", "Mr某先生" },
	/* addresses */
	{ "建设路88号门口", "建设路*号门口" },
	{ "阳光小区5栋2单元301室漏水", "阳光小区*栋*单元*室漏水" },
	{ "中山大道西１２３号", "中山大道西*号" },
	{ "中山大道123号", "中山大道*号" },
	{ "幸福村三号", "幸福村*号" },
	{ "华景花园12幢", "华景花园*幢" },
	{ "永和街第6号楼", "永和街第*号楼" },
	/* plates */
	{ "车牌粤P·12345乱停", "车牌[车牌]乱停" },
	{ "粤B12345D占道", "[车牌]占道" },
	{ "粤p 8A123停在门口", "[车牌]停在门口" },
	/* what stays */
	{ "2026年11月30日下午", "2026年11月30日下午" },
	{ "5月3号投诉过", "5月3号投诉过" },
	{ "地铁3号线很挤", "地铁3号线很挤" },
	{ "罚款100000元", "罚款100000元" },
	{ "订单号202611301234567", "订单号202611301234567" },
	{ "编号12800138000", "编号12800138000" },
	{ "iPhone15坏了", "iPhone15坏了" },
	{ "12345热线", "12345热线" },
	{ "5G信号差", "5G信号差" },
	{ "粤菜馆ABCDEF", "粤菜馆ABCDEF" },
	{ "138001380001234", "138001380001234" },
	{ "", "" },
	/* more than one */
	{ "张先生13800138007住建设路1号", "某先生[电话]住建设路*号" },
};

static void
test_table(void **state)
{
	size_t	i;
	char	*r;
	int	 bad = 0;

	(void)state;
	assert_true(nitems(table) >= 40);
	for (i = 0; i < nitems(table); i++) {
		r = redact_text(table[i].in, 0);
		if (strcmp(r, table[i].out) != 0) {
			print_message("# %zu: \"%s\" gave \"%s\", not \"%s\"\n",
			    i, table[i].in, r, table[i].out);
			bad++;
		}
		free(r);
	}
	assert_int_equal(bad, 0);
}

/* Every byte of s is valid UTF-8. */
static int
valid_utf8(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	int			 n, k;

	while (*p != '\0') {
		n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 :
		    (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
		if (n < 0)
			return 0;
		for (k = 1; k <= n; k++)
			if ((p[k] & 0xc0) != 0x80)
				return 0;
		p += n + 1;
	}
	return 1;
}

static void
test_invalid_utf8(void **state)
{
	static const char *const in[] = {
		"\xff\xfe电话13800138000",
		"\xe4\xb8",			/* truncated 中 */
		"\xc0\xaf",			/* overlong / */
		"\xed\xa0\x80",			/* a surrogate */
		"\xf4\x90\x80\x80",		/* past U+10FFFF */
		"张\x80先生",
		"\xe5\xbc\xa0\xe5\x85",		/* 张 and half a char */
	};
	static const char *const out[] = {
		"\xef\xbf\xbd\xef\xbf\xbd电话[电话]",
		"\xef\xbf\xbd\xef\xbf\xbd",
		"\xef\xbf\xbd\xef\xbf\xbd",
		"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
		"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
		"张\xef\xbf\xbd先生",
		"张\xef\xbf\xbd\xef\xbf\xbd",
	};
	size_t	i;
	char	*r;

	(void)state;
	for (i = 0; i < nitems(in); i++) {
		r = redact_text(in[i], 0);
		if (strcmp(r, out[i]) != 0)
			print_message("# %zu gave %zu bytes\n", i, strlen(r));
		assert_true(valid_utf8(r));
		assert_string_equal(r, out[i]);
		free(r);
	}
	r = redact_text(NULL, 0);
	assert_string_equal(r, "");
	free(r);
}

static void
test_long(void **state)
{
	size_t	 n = 2 * 1024 * 1024, i;
	char	*s, *r;

	(void)state;
	/* digits all the way: one run, not a number of anybody's */
	s = xmalloc(n + 1);
	memset(s, '1', n);
	s[n] = '\0';
	r = redact_text(s, 0);
	assert_string_equal(r, "…");	/* the cut run goes with the cut */
	free(r);
	/* a phone number repeated 100,000 times, every one taken out */
	for (i = 0; i + 12 <= n; i += 12)
		memcpy(s + i, "13800138000 ", 12);
	s[i] = '\0';
	r = redact_text(s, 0);
	assert_null(strstr(r, "138"));
	free(r);
	/* titles and nothing else */
	for (i = 0; i + 6 <= n; i += 6)
		memcpy(s + i, "先生", 6);
	s[i] = '\0';
	r = redact_text(s, 0);
	assert_true(valid_utf8(r));
	free(r);
	free(s);
}

static void
test_cut(void **state)
{
	char	*r;

	(void)state;
	r = redact_text("张先生的电话13800138000在这里", 6);
	assert_string_equal(r, "某先生的电话…");
	free(r);
	/* cut after the redaction: no first digits left behind */
	r = redact_text("电话13800138000", 3);
	assert_string_equal(r, "电话[电话]");
	free(r);
	r = redact_text("短", 5);
	assert_string_equal(r, "短");
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
