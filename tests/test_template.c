/*
 * Unit tests for template.c: every shipped template loads and renders
 * (golden ack), load errors with file:line, rendering limits, literal
 * values, part counting and its debug log line, reload keeping the old
 * set on errors.
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
#include <unistd.h>
#include <sys/stat.h>

#include "../src/config.h"
#include "log.h"
#include "template.h"
#include "util.h"

static char			 shipped[4096];	/* top_srcdir/templates */
static struct template_set	*set;		/* the shipped set */

static const struct template_var sample[] = {
	{ "case",	"HY2611260001" },
	{ "category",	"投诉举报" },
	{ "due",	"2026-12-10" },
	{ "service",	"12345" },
	{ "state",	"办理中" },
	{ "count",	"2" },
	{ "cases",	"HY2611260001、HY2611260002" },
	{ "result",	"经核查，涉事商户已整改。" },
	{ "channel",	"110" },
	{ "code",	"0417" },
	/* the USSD screens' lists */
	{ "n",		"1" },
	{ "page",	"1" },
	{ "pages",	"3" },
	{ "items",	"1 HY2611260001 办理中 期限12-10" },
	{ "nav",	"0 下一页\n00 返回" },
	/* the units' notices */
	{ "unit",	"市市场监督管理局" },
	{ "reason",	"超期未办结" },
	{ "days",	"2" },
};
#define NSAMPLE	(sizeof(sample) / sizeof(sample[0]))

/* Read a whole small file into buf; bytes read, or -1. */
static long
slurp(const char *path, char *buf, size_t len)
{
	FILE	*f;
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (long)n;
}

/* Literals may hold NUL bytes: their length is their size. */
#define SPEW(d, n, lit)		spew((d), (n), (lit), sizeof(lit) - 1)
#define BAD(n, lit, want)	bad((n), (lit), sizeof(lit) - 1, (want))

static void
spew(const char *dir, const char *name, const char *data, size_t len)
{
	char	 path[4096];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* A fresh copy of the shipped templates in a temporary directory. */
static char *
copy_set(void)
{
	char	*dir, path[8192], name[64], buf[TEMPLATE_FILE_MAX + 1];
	size_t	 i;
	long	 n;

	dir = xstrdup("/tmp/test_template.XXXXXX");
	assert_non_null(mkdtemp(dir));
	for (i = 0; template_name(i) != NULL; i++) {
		snprintf(path, sizeof(path), "%s/%s.txt", shipped,
		    template_name(i));
		if ((n = slurp(path, buf, sizeof(buf))) < 0)
			continue;
		snprintf(name, sizeof(name), "%s.txt", template_name(i));
		spew(dir, name, buf, (size_t)n);
	}
	return dir;
}

static void
rm_set(char *dir)
{
	char	cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

/* Replace one file of a copy, load, expect one error containing want. */
static void
bad(const char *name, const char *data, size_t len, const char *want)
{
	struct conf_errors	 errs;
	struct template_set	*s;
	char			*dir;

	dir = copy_set();
	spew(dir, name, data, len);
	memset(&errs, 0, sizeof(errs));
	s = template_load(dir, &errs);
	if (s != NULL || errs.n != 1 || strstr(errs.buf, want) == NULL)
		fail_msg("%s: want one error \"%s\", got %d: %s", name, want,
		    errs.n, errs.buf ? errs.buf : "(none)");
	conf_errors_free(&errs);
	rm_set(dir);
}

static void
test_shipped_all(void **state)
{
	char	out[TEMPLATE_OUT_MAX];
	size_t	i;
	int	parts;

	(void)state;
	assert_non_null(set);
	for (i = 0; template_name(i) != NULL; i++) {
		/* every template of the table ships */
		assert_true(template_has(set, template_name(i)));
		assert_int_equal(template_render(set, template_name(i), sample,
		    NSAMPLE, out, sizeof(out)), 0);
		assert_null(strchr(out, '{'));
		assert_null(strchr(out, '}'));
		parts = template_parts(out);
		/* short: at most 2 SMS each with realistic values */
		if (parts < 1 || parts > 2)
			fail_msg("%s takes %d parts: %s", template_name(i),
			    parts, out);
		/* comments are gone */
		assert_null(strstr(template_text(set, template_name(i)),
		    "占位符"));
	}
	assert_int_equal(i, 69);
}

/* The safety screen's texts, whole: the refusal in one SMS, the advice. */
static void
test_golden_screen(void **state)
{
	static const struct {
		const char	*name, *text;
	} t[] = {
		{ "refuse_emergency_selfharm", "【12345热线】生命最重要。有危险请"
		    "立即拨打110或120；心理援助热线12356，随时可拨打。12345不受理"
		    "紧急求助。" },
		{ "advice_selfharm", "【紧急提示】如您或身边的人有轻生念头，请立即"
		    "拨打110或120，心理援助热线12356。" },
		{ "advice_110", "【紧急提示】如正遭遇违法犯罪或人身危险，请立即拨打"
		    "110。" },
		{ "advice_119", "【紧急提示】如有火情或燃气泄漏，请立即撤离并拨打"
		    "119。" },
		{ "advice_120", "【紧急提示】如有人需要急救，请立即拨打120。" },
		{ "advice_122", "【紧急提示】如发生交通事故，请拨打122，有人受伤请"
		    "同时拨打120。" },
	};
	char	out[TEMPLATE_OUT_MAX];
	size_t	i;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		assert_int_equal(template_render(set, t[i].name, sample,
		    NSAMPLE, out, sizeof(out)), 0);
		assert_string_equal(out, t[i].text);
	}
	/* a clear emergency's answer is one SMS */
	assert_int_equal(template_render(set, "refuse_emergency_selfharm",
	    sample, NSAMPLE, out, sizeof(out)), 0);
	assert_int_equal(template_parts(out), 1);
}

static void
test_golden_ack(void **state)
{
	char	out[TEMPLATE_OUT_MAX], want[TEMPLATE_OUT_MAX], path[4096];
	char	*top = getenv("top_srcdir");
	long	n;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/data/templates/ack.ok",
	    top ? top : "..");
	assert_true((n = slurp(path, want, sizeof(want))) > 0);
	if (n > 0 && want[n - 1] == '\n')	/* cmocka's asserts return */
		want[n - 1] = '\0';
	assert_int_equal(template_render(set, "ack", sample, NSAMPLE, out,
	    sizeof(out)), 0);
	assert_string_equal(out, want);
	/* one SMS: a citizen (and the hotline) pays per part */
	assert_int_equal(template_parts(out), 1);
	assert_int_equal(template_render(set, "ack_confidential", sample,
	    NSAMPLE, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "保密"));
	assert_non_null(strstr(out, "HY2611260001"));
	assert_int_equal(template_render(set, "survey", sample, NSAMPLE, out,
	    sizeof(out)), 0);
	assert_non_null(strstr(out, "满意请回复1，基本满意请回复2，不满意请回复3"));
	assert_int_equal(template_render(set, "refuse_emergency_119", sample,
	    NSAMPLE, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "119"));
}

/*
 * The units' notices (notice.h), whole, with realistic values: one SMS
 * each, and never a citizen's number or text (none is given to them).
 */
static void
test_golden_unit(void **state)
{
	static const struct {
		const char *name, *want;
	} tab[] = {
		{ "unit_dispatch", "【12345热线】市市场监督管理局：HY2611260001"
		    "（投诉举报）已派贵单位办理，期限2026-12-10，"
		    "请登录热线系统查看。" },
		{ "unit_due", "【12345热线】市市场监督管理局：HY2611260001"
		    "（投诉举报）将于2026-12-10到期，请按时办结反馈。" },
		{ "unit_overdue", "【12345热线】市市场监督管理局：HY2611260001"
		    "（投诉举报）已超办结期限2026-12-10，请立即办理反馈。" },
		{ "unit_supervised", "【12345热线】市市场监督管理局："
		    "HY2611260001（投诉举报）因超期未办结被督办，"
		    "期限2026-12-10，请抓紧办理反馈。" },
		{ "unit_rehandle", "【12345热线】市市场监督管理局：HY2611260001"
		    "（投诉举报）已退回重办，请登录热线系统查看并尽快反馈。" },
		{ "unit_escalated", "【12345热线】值班：HY2611260001"
		    "（投诉举报）市市场监督管理局超期2个工作日"
		    "（期限2026-12-10），已自动督办。" },
		{ "unit_extension_approved", "【12345热线】市市场监督管理局："
		    "HY2611260001（投诉举报）延期申请已批准，"
		    "办结期限延至2026-12-10。" },
		{ "unit_extension_refused", "【12345热线】市市场监督管理局："
		    "HY2611260001延期未获批准，请按原期限办结。"
		    "理由：超期未办结" },
	};
	char	out[TEMPLATE_OUT_MAX];
	size_t	i;

	(void)state;
	for (i = 0; i < nitems(tab); i++) {
		assert_int_equal(template_render(set, tab[i].name, sample,
		    NSAMPLE, out, sizeof(out)), 0);
		assert_string_equal(out, tab[i].want);
		assert_int_equal(template_parts(out), 1);
	}
}

/* The texts of the unsure flow, whole, with realistic values. */
static void
test_golden_unclassified(void **state)
{
	static const struct {
		const char	*name;
		int		 parts;
		const char	*want;
	} g[] = {
		{ "ack_unclassified", 1, "【12345热线】已受理，案件号"
		    "HY2611260001。我们将于2026-12-10前确定诉求类别和办理时限，"
		    "并短信告知您。" },
		{ "ack_unclassified_confidential", 2, "【12345热线】您的诉求已按"
		    "保密方式受理，案件号HY2611260001。我们将于2026-12-10前确定"
		    "诉求类别和办理时限并短信告知您，您的信息将严格保密。" },
		{ "classified", 1, "【12345热线】案件HY2611260001已确定为投诉举报"
		    "类，将于2026-12-10前答复。查询回复CX HY2611260001" },
		{ "status_unclassified", 1, "【12345热线】案件HY2611260001当前"
		    "状态：办理中，类别待定，将于2026-12-10前确定类别和办理时限并"
		    "短信告知您。" },
	};
	char	out[TEMPLATE_OUT_MAX];
	size_t	i;

	(void)state;
	for (i = 0; i < nitems(g); i++) {
		assert_int_equal(template_render(set, g[i].name, sample,
		    NSAMPLE, out, sizeof(out)), 0);
		assert_string_equal(out, g[i].want);
		assert_int_equal(template_parts(out), g[i].parts);
	}
}

static void
test_render(void **state)
{
	struct template_var	 v[2] = { { "case", "{due}{{x}}" },
				    { "result", "50%s %n \\0" } };
	char			 out[TEMPLATE_OUT_MAX], small[16];
	char			*dir;
	struct conf_errors	 errs;
	struct template_set	*s;
	size_t			 need;

	(void)state;
	/* values go in literally: no second expansion, no format */
	assert_int_equal(template_render(set, "result", v, 2, out,
	    sizeof(out)), 0);
	assert_non_null(strstr(out, "{due}{{x}}"));
	assert_non_null(strstr(out, "50%s %n \\0"));
	/*
	 * A placeholder without a value, or with an empty one, is an error:
	 * a citizen never gets "案件的补充" with the number missing.
	 */
	assert_int_equal(template_render(set, "supplement_ok", NULL, 0, out,
	    sizeof(out)), -1);
	assert_string_equal(out, "");
	{
		struct template_var	e[1] = { { "case", "" } };
		struct template_var	z[1] = { { "case", NULL } };

		assert_int_equal(template_render(set, "supplement_ok", e, 1,
		    out, sizeof(out)), -1);
		assert_string_equal(out, "");
		assert_int_equal(template_render(set, "supplement_ok", z, 1,
		    out, sizeof(out)), -1);
		assert_string_equal(out, "");
	}
	/* unknown or absent template, no room */
	assert_int_equal(template_render(set, "nosuch", sample, NSAMPLE, out,
	    sizeof(out)), -1);
	assert_string_equal(out, "");
	assert_int_equal(template_render(NULL, "ack", sample, NSAMPLE, out,
	    sizeof(out)), -1);
	assert_int_equal(template_render(set, "ack", sample, NSAMPLE, small,
	    sizeof(small)), -1);
	assert_string_equal(small, "");
	assert_int_equal(template_render(set, "ack", sample, NSAMPLE, out, 0),
	    -1);
	/* exactly enough room, and one byte less */
	assert_int_equal(template_render(set, "ack", sample, NSAMPLE, out,
	    sizeof(out)), 0);
	need = strlen(out) + 1;
	assert_int_equal(template_render(set, "ack", sample, NSAMPLE, out,
	    need), 0);
	assert_int_equal(template_render(set, "ack", sample, NSAMPLE, out,
	    need - 1), -1);

	/* {{ and }} are literal braces */
	dir = copy_set();
	SPEW(dir, "help.txt", "# x\n{{a}} {service} }}\n");
	memset(&errs, 0, sizeof(errs));
	s = template_load(dir, &errs);
	assert_non_null(s);
	assert_int_equal(template_render(s, "help", sample, NSAMPLE, out,
	    sizeof(out)), 0);
	assert_string_equal(out, "{a} 12345 }");
	template_free(s);
	/* {service} without a value from the caller: the configured number */
	{
		struct hotlined_conf	conf;

		conf_defaults(&conf);
		free(conf.templates);
		conf.templates = strdup(dir);
		free(conf.service_number);
		conf.service_number = strdup("12345");
		assert_int_equal(template_start(&conf, &errs), 0);
		assert_int_equal(template_render(template_current(), "help",
		    NULL, 0, out, sizeof(out)), 0);
		assert_string_equal(out, "{a} 12345 }");
		template_set_current(NULL);
		conf_free(&conf);
	}
	/* CRLF, blank lines around, several lines kept */
	SPEW(dir, "help.txt", "# x\r\n\r\n第一行\r\n第二行 {service}\r\n\r\n");
	s = template_load(dir, &errs);
	assert_non_null(s);
	assert_string_equal(template_text(s, "help"), "第一行\n第二行 {service}");
	template_free(s);
	conf_errors_free(&errs);
	rm_set(dir);
}

static void
test_load_errors(void **state)
{
	char			 big[TEMPLATE_FILE_MAX + 2];
	struct conf_errors	 errs;
	struct template_set	*s;
	char			*dir, path[4096];

	(void)state;
	BAD("ack.txt", "# c\n# d\n\n好 {foo}\n", "ack.txt:4: unknown "
	    "placeholder {foo}");
	BAD("ack.txt", "# {result} may be named in comments\n{result}\n",
	    "ack.txt:2: unknown placeholder {result}");
	BAD("help.txt", "帮助 {service\n", "help.txt:1: unclosed \"{\"");
	BAD("help.txt", "帮助 {ser{vice}\n", "help.txt:1: unclosed");
	BAD("help.txt", "帮助 service}\n", "help.txt:1: unmatched \"}\"");
	BAD("help.txt", "帮助 {}\n", "help.txt:1: bad placeholder");
	BAD("help.txt", "帮助 {Service}\n", "help.txt:1: bad placeholder");
	BAD("help.txt", "a\n\xe5\xb8\n", "help.txt:2: invalid UTF-8");
	BAD("help.txt", "# \xff\nok\n", "help.txt:1: invalid UTF-8");
	BAD("help.txt", "a\0b\n", "help.txt:1: NUL byte");
	BAD("help.txt", "a\x07\n", "help.txt:1: control character 0x07");
	BAD("help.txt", "# only a comment\n\n  \n", "help.txt: empty "
	    "template");
	BAD("help.txt", "", "help.txt: empty template");
	memset(big, 'a', sizeof(big));
	bad("help.txt", big, TEMPLATE_FILE_MAX + 1, "help.txt: file larger "
	    "than 8192 bytes");

	/* exactly 8 KiB is fine; unknown files are ignored */
	dir = copy_set();
	spew(dir, "help.txt", big, TEMPLATE_FILE_MAX);
	SPEW(dir, "nosuch.txt", "{whatever}");
	SPEW(dir, "README", "x");
	memset(&errs, 0, sizeof(errs));
	s = template_load(dir, &errs);
	assert_non_null(s);
	assert_int_equal(errs.n, 0);
	template_free(s);

	/* a required template missing; an optional one may be */
	snprintf(path, sizeof(path), "%s/help.txt", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ussd_menu.txt", dir);
	unlink(path);
	assert_null(template_load(dir, &errs));
	assert_int_equal(errs.n, 1);
	assert_non_null(strstr(errs.buf, "help.txt: missing required "
	    "template"));
	conf_errors_free(&errs);
	/* every error collected */
	SPEW(dir, "ack.txt", "{nope}");
	SPEW(dir, "status.txt", "{");
	assert_null(template_load(dir, &errs));
	assert_int_equal(errs.n, 3);
	conf_errors_free(&errs);
	rm_set(dir);
	/* no directory */
	assert_null(template_load("/nonexistent/templates", &errs));
	assert_int_equal(errs.n, 1);
	conf_errors_free(&errs);
}

static void
test_parts(void **state)
{
	char	buf[512];
	size_t	i;

	(void)state;
	assert_int_equal(template_parts("hello"), 1);
	/* GSM 7-bit: 160 in one, 153 a part after */
	memset(buf, 'a', 160);
	buf[160] = '\0';
	assert_int_equal(template_parts(buf), 1);
	buf[160] = 'a';
	buf[161] = '\0';
	assert_int_equal(template_parts(buf), 2);
	/* UCS-2: 70 in one, 67 a part after */
	buf[0] = '\0';
	for (i = 0; i < 70; i++)
		strlcat(buf, "中", sizeof(buf));
	assert_int_equal(template_parts(buf), 1);
	strlcat(buf, "中", sizeof(buf));
	assert_int_equal(template_parts(buf), 2);
	assert_int_equal(template_parts(NULL), -1);
	assert_int_equal(template_parts("\xff"), -1);
}

static void
test_debug_log(void **state)
{
	char	out[TEMPLATE_OUT_MAX], path[128], log[4096];

	(void)state;
	snprintf(path, sizeof(path), "/tmp/test_template.%ld.log",
	    (long)getpid());
	log_init(LOG_TO_FILE, LOG_L_DEBUG, "test_template");
	assert_int_equal(log_reopen(path), 0);
	assert_int_equal(template_render(set, "ack", sample, NSAMPLE, out,
	    sizeof(out)), 0);
	assert_int_equal(template_render(set, "optout_ok", sample, NSAMPLE,
	    out, sizeof(out)), 0);
	log_close();
	log_init(LOG_TO_STDERR, LOG_L_WARN, "test_template");
	assert_true(slurp(path, log, sizeof(log)) > 0);
	assert_non_null(strstr(log, "template name=ack parts=1"));
	assert_non_null(strstr(log, "template name=optout_ok parts=1"));
	unlink(path);
}

static void
test_reload(void **state)
{
	struct hotlined_conf		 conf;
	struct conf_errors		 errs;
	const struct template_set	*before;
	char				*dir, out[TEMPLATE_OUT_MAX];

	(void)state;
	dir = copy_set();
	memset(&conf, 0, sizeof(conf));
	conf_defaults(&conf);
	free(conf.templates);
	conf.templates = xstrdup(dir);
	memset(&errs, 0, sizeof(errs));
	assert_int_equal(template_conf_check(&conf, &errs, NULL), 0);
	assert_int_equal(template_start(&conf, &errs), 0);
	before = template_current();
	assert_non_null(before);

	SPEW(dir, "help.txt", "{bad}\n");
	assert_int_equal(template_reload(NULL), -1);
	assert_ptr_equal(template_current(), before);
	assert_int_equal(template_conf_check(&conf, &errs, NULL), -1);
	assert_non_null(strstr(errs.buf, "help.txt:1: unknown placeholder"));
	conf_errors_free(&errs);

	SPEW(dir, "help.txt", "新帮助 {service}\n");
	assert_int_equal(template_reload(NULL), 0);
	assert_int_equal(template_render(template_current(), "help", sample,
	    NSAMPLE, out, sizeof(out)), 0);
	assert_string_equal(out, "新帮助 12345");
	template_stop(NULL);
	assert_null(template_current());
	conf_free(&conf);
	rm_set(dir);
}

static void
test_table(void **state)
{
	(void)state;
	assert_true(template_known("ack"));
	assert_false(template_known("ACK"));
	assert_false(template_known(NULL));
	assert_true(template_allows("ack", "due"));
	assert_false(template_allows("ack", "result"));
	assert_false(template_allows("ack", "du"));
	assert_true(template_allows("status", "state"));
	assert_true(template_allows("survey_which_case", "cases"));
	assert_null(template_name(1000));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_shipped_all),
		cmocka_unit_test(test_golden_ack),
		cmocka_unit_test(test_golden_unclassified),
		cmocka_unit_test(test_golden_unit),
		cmocka_unit_test(test_golden_screen),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_debug_log),
		cmocka_unit_test(test_reload),
	};
	struct conf_errors	 errs;
	const char		*top = getenv("top_srcdir");
	int			 rv;

	log_init(LOG_TO_STDERR, LOG_L_WARN, "test_template");
	snprintf(shipped, sizeof(shipped), "%s/templates", top ? top : "..");
	memset(&errs, 0, sizeof(errs));
	if ((set = template_load(shipped, &errs)) == NULL)
		fprintf(stderr, "%s", errs.buf ? errs.buf : "no templates\n");
	conf_errors_free(&errs);
	rv = cmocka_run_group_tests(tests, NULL, NULL);
	template_free(set);
	return rv;
}
