/*
 * Unit tests for the safety screen (screen.c) and its place in intake:
 * the shipped lexicon over the screen's test set (recall must be 100 %,
 * the false-alarm rate is printed, no ordinary matter may be refused),
 * each rule of the decision (mask, negation, past, aftermath, matter,
 * precedence), the lexicon parser with malformed and hostile files, and
 * the reload that keeps the old lexicon on error.
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

#include "../src/config.h"
#include "../src/intake.h"
#include "../src/screen.h"
#include "screen_eval.h"

static char	norm[INTAKE_NORM_MAX];

static const char *
toppath(const char *name)
{
	static char	 path[4096];
	const char	*top = getenv("top_srcdir");

	snprintf(path, sizeof(path), "%s/%s", top ? top : ".", name);
	return path;
}

/* Make the shipped lexicon current. */
static int
setup_shipped(void **state)
{
	struct conf_errors	 errs;
	struct screen		*sc;

	memset(&errs, 0, sizeof(errs));
	sc = screen_load(toppath("etc/hotlined.screen"), &errs);
	if (sc == NULL)
		fprintf(stderr, "%s", errs.buf ? errs.buf : "?");
	conf_errors_free(&errs);
	screen_set_current(sc);
	return sc == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	screen_set_current(NULL);
	return 0;
}

/* Screen text with sc: the verdict, channel in ch. */
static int
check(const struct screen *sc, const char *text, char *ch, size_t len)
{
	struct screen_result	r;
	size_t			n, i;

	n = intake_normalize(text, strlen(text), norm, sizeof(norm));
	for (i = 0; i < n; i++)
		if (norm[i] >= 'A' && norm[i] <= 'Z')
			norm[i] += 'a' - 'A';
	screen_check(sc, norm, n, &r);
	if (ch != NULL)
		snprintf(ch, len, "%s", r.verdict == SCREEN_NONE ? "-" :
		    screen_channel_name(r.channel));
	return r.verdict;
}

static struct screen *
load_str(const char *s, struct conf_errors *errs)
{
	return screen_load_buf("t.screen", s, strlen(s), errs);
}

/* --- the shipped lexicon on the screen's test set ---------------------- */

static void
test_recall(void **state)
{
	struct screen_eval	e;

	memset(&e, 0, sizeof(e));
	assert_int_equal(screen_eval_file(
	    toppath("tests/data/screen/emergency.txt"), &e, stdout), 0);
	assert_int_equal(screen_eval_file(
	    toppath("tests/data/screen/ordinary.txt"), &e, stdout), 0);
	screen_eval_print(stdout, "safety screen, tests/data/screen "
	    "(recall and false alarms)", &e);
	assert_true(e.emergencies >= 150);
	assert_true(e.ordinary >= 150);
	/* every life in danger is refused or advised */
	assert_int_equal(e.flagged, e.emergencies);
	/* no ordinary matter is refused without being registered */
	assert_int_equal(e.ordinary_refused, 0);
	/* the false-alarm rate is printed, not asserted (it is a trade) */
}

/* --- the decision, rule by rule ---------------------------------------- */

static const char lex[] =
    "clear selfharm 自杀,跳楼\n"
    "possible selfharm 想不开\n"
    "clear 119 着火,大火\n"
    "possible 119 火灾\n"
    "clear 110 抢劫\n"
    "possible 110 被偷\n"
    "clear 120 晕倒\n"
    "clear 122 撞人了\n"
    "mask 火锅,跳楼价,火灾隐患,困难\n"
    "clear 120 呼吸困难\n"
    "negation 没有,不是\n"
    "past 去年\n"
    "after 收费\n"
    "matter 工资\n";

static void
test_decision(void **state)
{
	struct conf_errors	 errs;
	struct screen		*sc;
	char			 ch[16];

	memset(&errs, 0, sizeof(errs));
	assert_non_null(sc = load_str(lex, &errs));
	assert_int_equal(screen_count(sc), 20);
	assert_int_equal(check(sc, "呼吸困难", NULL, 0), SCREEN_CLEAR);
	assert_int_equal(check(sc, "家庭困难", NULL, 0), SCREEN_NONE);

	assert_int_equal(check(sc, "我想自杀", ch, sizeof(ch)), SCREEN_CLEAR);
	assert_string_equal(ch, "selfharm");
	assert_int_equal(check(sc, "家里着火了", ch, sizeof(ch)), SCREEN_CLEAR);
	assert_string_equal(ch, "119");
	assert_int_equal(check(sc, "请问办证流程", ch, sizeof(ch)),
	    SCREEN_NONE);
	/* a mask: the danger word inside an ordinary one does not count */
	assert_int_equal(check(sc, "大火锅店的油烟", NULL, 0), SCREEN_NONE);
	assert_int_equal(check(sc, "跳楼价甩卖", NULL, 0), SCREEN_NONE);
	assert_int_equal(check(sc, "举报火灾隐患", NULL, 0), SCREEN_NONE);
	/* a danger word that holds the whole mask is the more precise */
	assert_int_equal(check(sc, "火锅店大火锅炉着火", NULL, 0),
	    SCREEN_CLEAR);
	/* ...and a mask cancels only the occurrence it overlaps */
	assert_int_equal(check(sc, "火锅店着火了", NULL, 0), SCREEN_CLEAR);
	/* a denial just before: none; self-harm stays possible */
	assert_int_equal(check(sc, "没有着火", NULL, 0), SCREEN_NONE);
	assert_int_equal(check(sc, "不是抢劫", NULL, 0), SCREEN_NONE);
	assert_int_equal(check(sc, "没有想过自杀", ch, sizeof(ch)),
	    SCREEN_POSSIBLE);
	assert_string_equal(ch, "selfharm");
	/* a denial far before does not count */
	assert_int_equal(check(sc, "没有人管，现在着火了", NULL, 0),
	    SCREEN_CLEAR);
	/* the past and the aftermath lower one step */
	assert_int_equal(check(sc, "去年着火", NULL, 0), SCREEN_POSSIBLE);
	assert_int_equal(check(sc, "去年被偷的车", NULL, 0), SCREEN_NONE);
	assert_int_equal(check(sc, "救护车收费晕倒", NULL, 0),
	    SCREEN_POSSIBLE);
	assert_int_equal(check(sc, "去年他自杀了", ch, sizeof(ch)),
	    SCREEN_POSSIBLE);
	assert_string_equal(ch, "selfharm");
	assert_int_equal(check(sc, "去年的事想不开", NULL, 0),
	    SCREEN_POSSIBLE);
	/* an ordinary matter beside a clear emergency: possible */
	assert_int_equal(check(sc, "再不发工资我就跳楼", ch, sizeof(ch)),
	    SCREEN_POSSIBLE);
	assert_string_equal(ch, "selfharm");
	/* precedence: the stronger verdict, then selfharm 119 110 122 120 */
	assert_int_equal(check(sc, "被偷了，有人抢劫", ch, sizeof(ch)),
	    SCREEN_CLEAR);
	assert_string_equal(ch, "110");
	assert_int_equal(check(sc, "撞人了，有人晕倒", ch, sizeof(ch)),
	    SCREEN_CLEAR);
	assert_string_equal(ch, "122");
	assert_int_equal(check(sc, "着火了有人想自杀", ch, sizeof(ch)),
	    SCREEN_CLEAR);
	assert_string_equal(ch, "selfharm");
	/* full width, spaces collapsed, a text cut inside a character */
	assert_int_equal(check(sc, "　着火　", NULL, 0), SCREEN_CLEAR);
	assert_int_equal(check(sc, "\xe7\x9d", NULL, 0), SCREEN_NONE);
	screen_check(sc, "", 0, &(struct screen_result){ 0 });
	screen_check(NULL, "着火", strlen("着火"),
	    &(struct screen_result){ 0 });
	screen_free(sc);
	screen_free(NULL);
}

/* Many danger words in one text: the strongest still decides. */
static void
test_many_hits(void **state)
{
	struct conf_errors	 errs;
	struct screen		*sc;
	char			 text[4096];
	size_t			 i;

	memset(&errs, 0, sizeof(errs));
	assert_non_null(sc = load_str(lex, &errs));
	text[0] = '\0';
	for (i = 0; i < 200; i++)
		strlcat(text, "被偷", sizeof(text));
	assert_int_equal(check(sc, text, NULL, 0), SCREEN_POSSIBLE);
	strlcat(text, "抢劫", sizeof(text));
	assert_int_equal(check(sc, text, NULL, 0), SCREEN_CLEAR);
	screen_free(sc);
}

/* --- intake: the screen comes first ------------------------------------ */

static void
test_intake(void **state)
{
	struct intake_ctx	 ctx = { "HY", 0, 0, NULL, NULL };
	struct intake_verdict	 v;

	assert_int_equal(intake_classify(NULL, "我不想活了", &ctx, &v, norm,
	    sizeof(norm)), 0);
	assert_int_equal(v.kind, INTAKE_REFUSE);
	assert_string_equal(v.reason, "emergency");
	assert_string_equal(v.channel, "selfharm");
	assert_string_equal(v.template, "refuse_emergency_selfharm");
	assert_string_equal(v.rule, "screen");
	assert_int_equal(v.screen, SCREEN_CLEAR);

	assert_int_equal(intake_classify(NULL, "老板拖欠工资，再不给我就跳楼",
	    &ctx, &v, norm, sizeof(norm)), 0);
	assert_int_equal(v.kind, INTAKE_NEW_CASE);
	assert_int_equal(v.screen, SCREEN_POSSIBLE);
	assert_string_equal(v.screen_channel, "selfharm");

	assert_int_equal(intake_classify(NULL, "小区路灯坏了", &ctx, &v, norm,
	    sizeof(norm)), 0);
	assert_int_equal(v.kind, INTAKE_NEW_CASE);
	assert_int_equal(v.screen, SCREEN_NONE);
	assert_null(v.screen_channel);

	/* a supplement is carried out, but advised and alerted */
	assert_int_equal(intake_classify(NULL, "补充 HY2611260001 我不想活了",
	    &ctx, &v, norm, sizeof(norm)), 0);
	assert_int_equal(v.kind, INTAKE_SUPPLEMENT);
	assert_int_equal(v.screen, SCREEN_POSSIBLE);
	assert_string_equal(v.screen_channel, "selfharm");
	/* so is a survey answer */
	ctx.survey_pending = 1;
	assert_int_equal(intake_classify(NULL, "不满意，我不想活了", &ctx, &v,
	    norm, sizeof(norm)), 0);
	assert_int_equal(v.kind, INTAKE_SURVEY);
	assert_int_equal(v.screen, SCREEN_POSSIBLE);
}

/* --- the lexicon file -------------------------------------------------- */

/* errs holds a line "t.screen:LINE: ...needle...". */
static int
has_error(const struct conf_errors *errs, int line, const char *needle)
{
	char		 head[64];
	const char	*p;

	if (line > 0)
		snprintf(head, sizeof(head), "t.screen:%d: ", line);
	else
		snprintf(head, sizeof(head), "t.screen: ");
	for (p = errs->buf; p != NULL && (p = strstr(p, head)) != NULL; p++) {
		const char	*nl = strchr(p, '\n');

		if (nl != NULL && memmem(p, nl - p, needle, strlen(needle)))
			return 1;
	}
	return 0;
}

static void
bad(const char *text, size_t len, int line, const char *needle)
{
	struct conf_errors	 errs;
	struct screen		*sc;

	memset(&errs, 0, sizeof(errs));
	sc = screen_load_buf("t.screen", text, len, &errs);
	if (sc != NULL || !has_error(&errs, line, needle))
		fail_msg("'%s': want line %d '%s', got: %s", text, line,
		    needle, errs.buf ? errs.buf : "(nothing)");
	screen_free(sc);
	conf_errors_free(&errs);
}
#define BAD(t, l, n)	bad(t, sizeof(t) - 1, l, n)

static void
test_parse_errors(void **state)
{
	struct conf_errors	 errs;
	struct screen		*sc;
	char			*big, word[200];
	size_t			 n;

	BAD("bogus 110 x\n", 1, "unknown kind 'bogus'");
	BAD("clear\n", 1, "needs a channel");
	BAD("clear 911 着火\n", 1, "needs a channel (selfharm, 119, 110, 122, "
	    "120), not '911'");
	BAD("clear 119\n", 1, "clear: no words");
	BAD("mask ,,、 ,\n", 1, "mask: no words");
	BAD("clear 119 着火\nmask 着火\n", 2, "'着火' is mask here but clear "
	    "on line 1");
	BAD("clear 119 着火\nclear 110 着火\n", 2, "is clear here but clear "
	    "on line 1");
	BAD("clear 119 a\nmask b\x01\n", 2, "control character");
	BAD("clear 119 a\nmask b\0c\n", 2, "NUL byte");
	BAD("clear 119 a\nmask \xff\xfe\n", 2, "invalid UTF-8");
	BAD("# nothing\nmask 火锅\n", 0, "no clear or possible words");
	BAD("", 0, "no clear or possible words");
	memset(word, 'x', sizeof(word) - 1);
	word[sizeof(word) - 1] = '\0';
	memcpy(word, "mask ", 5);
	bad(word, strlen(word), 1, "word longer than");

	/* a line and a file over their limits */
	n = SCREEN_FILE_MAX + 10;
	big = malloc(n);
	assert_non_null(big);
	memset(big, '#', n);
	bad(big, n, 0, "file longer than");
	memcpy(big, "clear 119 a\n", 12);
	bad(big, 9000, 2, "line longer than");
	free(big);

	/* comments, CRLF, upper case, full-width commas, spaces: fine */
	memset(&errs, 0, sizeof(errs));
	sc = load_str("# c\r\nCLEAR 119 着火，大火、SOS  # tail\r\n\r\n"
	    "clear 119 着火\n", &errs);
	assert_non_null(sc);
	assert_int_equal(screen_count(sc), 4);
	assert_int_equal(check(sc, "sos", NULL, 0), SCREEN_CLEAR);
	screen_free(sc);
	assert_null(screen_load("/nonexistent/screen", &errs));
	assert_non_null(strstr(errs.buf, "/nonexistent/screen: "));
	conf_errors_free(&errs);
}

/* Random bytes never crash the parser or the matcher. */
static void
test_garbage(void **state)
{
	struct conf_errors	 errs;
	struct screen		*sc;
	unsigned char		 buf[512];
	size_t			 i, j;
	unsigned		 seed = 11;

	for (i = 0; i < 500; i++) {
		for (j = 0; j < sizeof(buf); j++) {
			seed = seed * 1103515245 + 12345;
			buf[j] = (unsigned char)(seed >> 16);
			if (buf[j] < 0x20 && (seed & 3))
				buf[j] = '\n';
		}
		memset(&errs, 0, sizeof(errs));
		sc = screen_load_buf("g", (char *)buf, sizeof(buf), &errs);
		screen_free(sc);
		conf_errors_free(&errs);
		buf[sizeof(buf) - 1] = '\0';	/* check() takes a string */
		check(screen_current(), (char *)buf, NULL, 0);
	}
}

/* SIGHUP: a lexicon that does not load leaves the old one in place. */
static void
test_reload(void **state)
{
	struct hotlined_conf	 conf;
	struct conf_errors	 errs;
	char			 path[] = "/tmp/test_screen.XXXXXX";
	FILE			*f;
	int			 fd;

	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(f = fdopen(fd, "w"));
	fputs("clear 119 着火\n", f);
	fclose(f);
	memset(&conf, 0, sizeof(conf));
	conf.screen = path;
	memset(&errs, 0, sizeof(errs));
	assert_int_equal(screen_start(&conf, &errs), 0);
	assert_int_equal(screen_count(screen_current()), 1);
	assert_int_equal(screen_conf_check(&conf, &errs, NULL), 0);

	assert_non_null(f = fopen(path, "w"));
	fputs("clear 119 着火\nclear 999 x\n", f);
	fclose(f);
	assert_int_equal(screen_reload(NULL), -1);
	assert_int_equal(screen_count(screen_current()), 1);
	assert_int_equal(check(screen_current(), "着火", NULL, 0),
	    SCREEN_CLEAR);
	assert_int_equal(screen_conf_check(&conf, &errs, NULL), -1);

	assert_non_null(f = fopen(path, "w"));
	fputs("clear 119 着火,起火\n", f);
	fclose(f);
	assert_int_equal(screen_reload(NULL), 0);
	assert_int_equal(screen_count(screen_current()), 2);
	unlink(path);
	assert_int_equal(screen_reload(NULL), -1);
	assert_int_equal(screen_count(screen_current()), 2);
	screen_stop(NULL);
	assert_null(screen_current());
	conf_errors_free(&errs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_recall, setup_shipped,
		    teardown),
		cmocka_unit_test(test_decision),
		cmocka_unit_test(test_many_hits),
		cmocka_unit_test_setup_teardown(test_intake, setup_shipped,
		    teardown),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test_setup_teardown(test_garbage, setup_shipped,
		    teardown),
		cmocka_unit_test(test_reload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
