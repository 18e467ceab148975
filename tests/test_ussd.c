/*
 * Unit tests for ussd.c and ussd_menu.c over a real store, the shipped
 * templates, the group commit and a bearer that records what it is given:
 * every screen compared whole, the paging of a long list, a case's detail,
 * an evaluation that is in the database before its confirmation is sent,
 * hostile choices, the timeout, a redial, and no case from a dial.
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
#include <time.h>

#include <event2/event.h>

#include "commit.h"
#include "../src/config.h"
#include "crypto.h"
#include "lifecycle.h"
#include "log.h"
#include "store.h"
#include "survey.h"
#include "template.h"
#include "testdb.h"
#include "ussd.h"
#include "util.h"

#define NUM	"13800130001"
#define NUM2	"13800130002"
#define SCREENS	64

struct fixture {
	char		 dir[64];
	char		 path[128];
	struct crypto	*crypto;
	struct store	*st;
	struct event_base *base;
};

/* What the fake bearer was asked to send. */
static struct {
	char	 text[SCREENS][1024];
	int	 end[SCREENS];
	int	 aborts;		/* text NULL: our timeout */
	int	 n;
	int	 answers, answer_ok;
	long long survey_state_seen;	/* at the confirmation */
} bearer;
static struct fixture	*fx;
static int64_t		 watch_survey;	/* its row is read when a screen goes */

static int
fake_send(void *ctx, const struct ussd_ref *ref, const char *text, int end)
{
	char	q[128];

	if (text == NULL) {
		bearer.aborts++;
		return 0;
	}
	if (bearer.n == SCREENS)
		return -1;
	strlcpy(bearer.text[bearer.n], text, sizeof(bearer.text[0]));
	bearer.end[bearer.n++] = end;
	if (watch_survey > 0) {
		snprintf(q, sizeof(q), "SELECT state * 10 + score FROM surveys "
		    "WHERE id = %lld", (long long)watch_survey);
		bearer.survey_state_seen = testdb_peek(fx->path, q);
	}
	return 0;
}

static void
done(void *arg, int ok)
{
	bearer.answers++;
	bearer.answer_ok = ok;
}

/* Run the loop until the bearer has n screens, at most ms. */
static void
run_until(struct fixture *f, int n, int ms)
{
	struct timeval	tv = { 0, 10000 };
	int		i;

	for (i = 0; i < ms / 10 && bearer.n < n; i++) {
		event_base_loopexit(f->base, &tv);
		event_base_dispatch(f->base);
	}
}

static int	ucs2_max;	/* the bearer's screen size, 0: USSD's */

/* One message from msisdn in dialog 7; kind as the dialect read it. */
static void
say(const char *msisdn, enum ussd_kind kind, const char *text)
{
	struct ussd_msg	m;

	memset(&m, 0, sizeof(m));
	m.bearer = "sim";
	m.send = fake_send;
	m.kind = kind;
	strlcpy(m.ref.msisdn, msisdn, sizeof(m.ref.msisdn));
	strlcpy(m.ref.code, "*12345#", sizeof(m.ref.code));
	m.ref.key = m.ref.dialog = 7;
	m.ref.umr = -1;
	m.text = text;
	m.ucs2_max = ucs2_max;
	ussd_receive(&m, done, NULL);
}

/* The last screen sent is want, whole, and ends the session or not. */
static void
screen_is(const char *want, int end)
{
	assert_true(bearer.n > 0);
	if (strcmp(bearer.text[bearer.n - 1], want) != 0)
		fail_msg("screen %d\nwant: %s\ngot:  %s", bearer.n, want,
		    bearer.text[bearer.n - 1]);
	assert_int_equal(bearer.end[bearer.n - 1], end);
	assert_true(ussd_fits(bearer.text[bearer.n - 1]));
}

static int
setup(void **state)
{
	struct fixture		*f;
	struct conf_errors	 errs;
	struct hotlined_conf	 conf;
	uint8_t			 key[CRYPTO_KEYFILE_LEN];
	char			 err[256], dir[4096];
	const char		*top = getenv("top_srcdir");

	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	f = calloc(1, sizeof(*f));
	if (f == NULL || testdb_make("test_ussd", f->dir, sizeof(f->dir),
	    f->path, sizeof(f->path)) == -1)
		return -1;
	memset(key, 0x33, sizeof(key));
	f->crypto = crypto_new(key);
	if ((f->st = store_open(f->path, f->crypto, NULL, err,
	    sizeof(err))) == NULL)
		return -1;
	if (store_unit_add(f->st, "cgj", "城管局", NULL,
	    (int64_t)clock_now_ms()) != 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/templates", top ? top : "..");
	memset(&errs, 0, sizeof(errs));
	conf_defaults(&conf);		/* service-number 12345 */
	free(conf.templates);
	conf.templates = xstrdup(dir);
	if (template_start(&conf, &errs) == -1) {
		fprintf(stderr, "# templates: %s\n", errs.buf);
		return -1;
	}
	conf_free(&conf);
	lifecycle_set_notify(NULL, NULL);
	f->base = event_base_new();
	commit_set_default(commit_new(f->base, f->st, 1, 256));
	ussd_init(f->base, f->st, 180 * 1000);
	memset(&bearer, 0, sizeof(bearer));
	watch_survey = 0;
	ucs2_max = 0;
	fx = f;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	ussd_shutdown();
	commit_free(commit_default());
	template_set_current(NULL);
	store_close(f->st);
	crypto_free(f->crypto);
	event_base_free(f->base);
	testdb_remove(f->dir, f->path);
	free(f);
	return 0;
}

/* A case of msisdn due on due; closed (with a survey sent) if closed. */
static int64_t
add_case(struct fixture *f, const char *msisdn, const char *due, int closed,
    char number[STORE_CASE_NUMBER_MAX])
{
	static const struct lc_actor office = { LC_ROLE_OFFICE, "wang", NULL };
	struct store_case_new	c;
	struct survey_conf	sc;
	struct store_survey	sv;
	struct lc_args		a;
	char			err[128];
	int64_t			id = 0, now = (int64_t)clock_now_ms();

	memset(&c, 0, sizeof(c));
	c.msisdn = msisdn;
	c.category = "complaint";
	c.text = "楼下烧烤店噪音扰民";
	c.received_at = now;
	c.due = due;
	assert_int_equal(store_case_add(f->st, &c, &id, number), 0);
	if (!closed)
		return id;
	memset(&a, 0, sizeof(a));
	a.unit = "cgj";
	assert_int_equal(lifecycle_apply(f->st, id, LC_OP_DISPATCH, &a,
	    &office, now, err, sizeof(err)), LC_OK);
	a.text = "已处理";
	assert_int_equal(lifecycle_apply(f->st, id, LC_OP_CLOSE, &a, &office,
	    now, err, sizeof(err)), LC_OK);
	memset(&sc, 0, sizeof(sc));
	sc.enabled = 1;
	sc.service = "12345";
	sc.ext_digits = 4;
	sc.expire_after = 72 * 3600 * 1000LL;
	assert_int_equal(survey_schedule(f->st, id, &sc, now - 60 * 1000, &sv),
	    SURVEY_S_SCHEDULED);
	return sv.id;
}

/* A dial gets the menu and makes no case; an abort ends the session. */
static void
test_dial(void **state)
{
	struct fixture	*f = *state;

	say(NUM, USSD_BEGIN, "*12345#");
	screen_is("12345热线\n1 查询我的诉求\n2 评价已办结诉求\n3 热线联系方式\n"
	    "回复数字选择", 0);
	assert_int_equal(bearer.answers, 1);
	assert_int_equal(bearer.answer_ok, 1);
	assert_int_equal(ussd_sessions(), 1);
	/* a redial restarts it: still one session */
	say(NUM, USSD_AUTO, "*12345#");
	assert_int_equal(ussd_sessions(), 1);
	assert_int_equal(bearer.n, 2);		/* AUTO in a session: a choice */
	screen_is("输入有误，请按屏幕上的数字选择。\n回复任意键返回", 0);
	say(NUM, USSD_BEGIN, "*12345#");
	assert_int_equal(ussd_sessions(), 1);
	say(NUM, USSD_ABORT, "");
	assert_int_equal(ussd_sessions(), 0);
	assert_int_equal(bearer.n, 3);		/* an abort is not answered */
	assert_int_equal(testdb_peek(f->path, "SELECT count(*) FROM cases"),
	    0);
	assert_int_equal(testdb_peek(f->path, "SELECT count(*) FROM outbox"),
	    0);
	/* a choice for no session: told it ended */
	say(NUM, USSD_CONTINUE, "1");
	screen_is("会话已结束，请重新拨打*12345#。", 1);
	assert_int_equal(ussd_sessions(), 0);
	/* contact screen ends the session */
	say(NUM, USSD_BEGIN, "*12345#");
	say(NUM, USSD_CONTINUE, "3");
	screen_is("12345热线（24小时）\n电话、短信：12345\n"
	    "网站：www.heyuan.gov.cn\n紧急情况请拨110/119/120", 1);
	assert_int_equal(ussd_sessions(), 0);
}

/* Five cases: two a page, numbered across pages; detail; back. */
static void
test_cases_paged(void **state)
{
	struct fixture	*f = *state;
	char		 n[5][STORE_CASE_NUMBER_MAX], other[32], want[512];
	int		 i;

	for (i = 0; i < 5; i++)
		add_case(f, NUM, i == 4 ? "2027-01-05" : "2026-12-10", 0, n[i]);
	add_case(f, NUM2, "2026-12-10", 0, other);
	say(NUM, USSD_BEGIN, "*12345#");
	say(NUM, USSD_CONTINUE, " 1 ");
	/* newest first */
	snprintf(want, sizeof(want), "我的诉求（1/3）\n1 %s 已受理 期限01-05\n"
	    "2 %s 已受理 期限12-10\n0 下一页\n00 返回", n[4], n[3]);
	screen_is(want, 0);
	say(NUM, USSD_CONTINUE, "0");
	snprintf(want, sizeof(want), "我的诉求（2/3）\n3 %s 已受理 期限12-10\n"
	    "4 %s 已受理 期限12-10\n0 下一页\n00 返回", n[2], n[1]);
	screen_is(want, 0);
	/* an item of another page is no choice here */
	say(NUM, USSD_CONTINUE, "1");
	screen_is("输入有误，请按屏幕上的数字选择。\n回复任意键返回", 0);
	say(NUM, USSD_CONTINUE, "x");
	screen_is(want, 0);
	say(NUM, USSD_CONTINUE, "0");
	snprintf(want, sizeof(want), "我的诉求（3/3）\n5 %s 已受理 期限12-10\n"
	    "00 返回", n[0]);
	screen_is(want, 0);
	/* no next page after the last */
	say(NUM, USSD_CONTINUE, "0");
	screen_is("输入有误，请按屏幕上的数字选择。\n回复任意键返回", 0);
	say(NUM, USSD_CONTINUE, "");
	screen_is(want, 0);
	say(NUM, USSD_CONTINUE, "5");
	snprintf(want, sizeof(want), "案件%s\n类别：投诉举报\n状态：已受理\n"
	    "办结期限：2026-12-10\n00 返回", n[0]);
	screen_is(want, 0);
	say(NUM, USSD_CONTINUE, "00");
	snprintf(want, sizeof(want), "我的诉求（3/3）\n5 %s 已受理 期限12-10\n"
	    "00 返回", n[0]);
	screen_is(want, 0);
	say(NUM, USSD_CONTINUE, "00");
	screen_is("12345热线\n1 查询我的诉求\n2 评价已办结诉求\n3 热线联系方式\n"
	    "回复数字选择", 0);
	/* one-SMS screens (Kannel): a case a page, two on the last */
	ucs2_max = 70;
	say(NUM, USSD_BEGIN, "*12345#");
	say(NUM, USSD_CONTINUE, "1");
	snprintf(want, sizeof(want), "我的诉求（1/4）\n1 %s 已受理 期限01-05\n"
	    "0 下一页\n00 返回", n[4]);
	screen_is(want, 0);
	ucs2_max = 0;
	/* the other citizen's case is never listed */
	for (i = 0; i < bearer.n; i++)
		assert_null(strstr(bearer.text[i], other));
	/* and a citizen with none is told so */
	say(NUM2 "9", USSD_BEGIN, "*12345#");
	say(NUM2 "9", USSD_CONTINUE, "1");
	screen_is("本号码没有登记过诉求。发短信至12345即可反映诉求。\n00 返回", 0);
}

/*
 * Rating: 不满意 on a closed case is written as the SMS survey writes it
 * (answered, score 3, the case re-handled), and it is in the database
 * when the confirmation goes out.
 */
static void
test_rate(void **state)
{
	struct fixture	*f = *state;
	char		 n[2][STORE_CASE_NUMBER_MAX], open[32], want[512], q[128];
	int64_t		 sv[2];

	sv[0] = add_case(f, NUM, "2026-12-10", 1, n[0]);
	sv[1] = add_case(f, NUM, "2026-12-11", 1, n[1]);
	add_case(f, NUM, "2026-12-12", 0, open);
	say(NUM, USSD_BEGIN, "*12345#");
	say(NUM, USSD_CONTINUE, "2");
	snprintf(want, sizeof(want), "待评价诉求（1/1）\n1 %s 投诉举报\n"
	    "2 %s 投诉举报\n00 返回", n[1], n[0]);
	screen_is(want, 0);
	say(NUM, USSD_CONTINUE, "2");
	snprintf(want, sizeof(want), "评价案件%s：\n1 满意\n2 基本满意\n"
	    "3 不满意\n00 返回", n[0]);
	screen_is(want, 0);
	say(NUM, USSD_CONTINUE, "4");
	screen_is("输入有误，请按屏幕上的数字选择。\n回复任意键返回", 0);
	say(NUM, USSD_CONTINUE, "back");
	screen_is(want, 0);
	bearer.answers = 0;
	watch_survey = sv[0];
	say(NUM, USSD_CONTINUE, "3");
	/* nothing answered or confirmed before the commit */
	assert_int_equal(bearer.answers, 0);
	run_until(f, bearer.n + 1, 2000);
	snprintf(want, sizeof(want), "已记录您对案件%s的评价：不满意。案件将重新"
	    "办理，办结后请再次评价。", n[0]);
	screen_is(want, 1);
	assert_int_equal(bearer.answers, 1);
	assert_int_equal(bearer.answer_ok, 1);
	/* answered (3) with score 3 when the confirmation was sent */
	assert_int_equal(bearer.survey_state_seen, STORE_SURVEY_ANSWERED * 10 +
	    3);
	snprintf(q, sizeof(q), "SELECT raw = '3' AND comment IS NULL FROM "
	    "surveys WHERE id = %lld", (long long)sv[0]);
	assert_int_equal(testdb_peek(f->path, q), 1);
	snprintf(q, sizeof(q), "SELECT state = 'rehandling' FROM cases WHERE "
	    "number = '%s'", n[0]);
	assert_int_equal(testdb_peek(f->path, q), 1);
	assert_int_equal(ussd_sessions(), 0);

	/* the other one, 满意; then nothing is left to rate */
	watch_survey = sv[1];
	say(NUM, USSD_BEGIN, "*12345#");
	say(NUM, USSD_CONTINUE, "2");
	snprintf(want, sizeof(want), "待评价诉求（1/1）\n1 %s 投诉举报\n"
	    "00 返回", n[1]);
	screen_is(want, 0);
	say(NUM, USSD_CONTINUE, "1");
	say(NUM, USSD_CONTINUE, "1");
	run_until(f, bearer.n + 1, 2000);
	snprintf(want, sizeof(want), "感谢您对案件%s的评价，我们将持续改进服务。",
	    n[1]);
	screen_is(want, 1);
	assert_int_equal(bearer.survey_state_seen, STORE_SURVEY_ANSWERED * 10 +
	    1);
	say(NUM, USSD_BEGIN, "*12345#");
	say(NUM, USSD_CONTINUE, "2");
	screen_is("您没有待评价的诉求。\n00 返回", 0);
	assert_int_equal(testdb_peek(f->path, "SELECT count(*) FROM cases"),
	    3);
}

/* A survey answered by SMS while the session shows it: not rated twice. */
static void
test_rate_closed_meanwhile(void **state)
{
	struct fixture		*f = *state;
	struct survey_outcome	 out;
	char			 n[STORE_CASE_NUMBER_MAX], want[256];
	int64_t			 sv;

	sv = add_case(f, NUM, "2026-12-10", 1, n);
	say(NUM, USSD_BEGIN, "*12345#");
	say(NUM, USSD_CONTINUE, "2");
	say(NUM, USSD_CONTINUE, "1");
	assert_int_equal(survey_reply(f->st, sv, "满意", (int64_t)clock_now_ms(),
	    &out), 0);
	say(NUM, USSD_CONTINUE, "2");
	run_until(f, bearer.n + 1, 2000);
	snprintf(want, sizeof(want), "案件%s已评价或已过评价期限，无需再评。", n);
	screen_is(want, 1);
	assert_int_equal(testdb_peek(f->path, "SELECT score FROM surveys"), 1);
}

/* Hostile choices: each is "输入有误", and the menu comes back. */
static void
test_bad_choices(void **state)
{
	static const char	*bad[] = {
		"", " ", "0", "00", "4", "9", "10", "01", "-1", "+1", "1 2",
		"１", "一", "\xff", "1\xff", "%s%n", "*12345*1#", "'; DROP",
		"1111111111111111111111111111111111111111111111111111111111111",
	};
	char	 big[4096];
	size_t	 i;

	say(NUM, USSD_BEGIN, "*12345#");
	for (i = 0; i < nitems(bad); i++) {
		say(NUM, USSD_CONTINUE, bad[i]);
		screen_is("输入有误，请按屏幕上的数字选择。\n回复任意键返回", 0);
		say(NUM, USSD_CONTINUE, "ok");
		screen_is("12345热线\n1 查询我的诉求\n2 评价已办结诉求\n"
		    "3 热线联系方式\n回复数字选择", 0);
		bearer.n = 1;
	}
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	say(NUM, USSD_CONTINUE, big);
	screen_is("输入有误，请按屏幕上的数字选择。\n回复任意键返回", 0);
	say(NUM, USSD_CONTINUE, NULL);
	screen_is("12345热线\n1 查询我的诉求\n2 评价已办结诉求\n"
	    "3 热线联系方式\n回复数字选择", 0);
	assert_int_equal(ussd_sessions(), 1);
}

/* Idle past the timeout: the session is gone; the next choice is told. */
static void
test_timeout(void **state)
{
	struct fixture	*f = *state;

	ussd_set_timeout(30);
	say(NUM, USSD_BEGIN, "*12345#");
	assert_int_equal(ussd_sessions(), 1);
	run_until(f, 99, 200);
	assert_int_equal(ussd_sessions(), 0);
	assert_int_equal(bearer.aborts, 1);
	say(NUM, USSD_CONTINUE, "1");
	screen_is("会话已结束，请重新拨打*12345#。", 1);
}

/* Every screen fits one USSD string with the widest values it meets. */
static void
test_screens_fit(void **state)
{
	static const struct template_var v[] = {
		{ "case", "HY26112610000" },	/* a 5-digit day sequence */
		{ "category", "效能投诉" },
		{ "state", "已答复待审核" },
		{ "due", "2026-12-10" },
		{ "n", "20" },
		{ "page", "10" },
		{ "pages", "10" },
		{ "items", "20 HY26112610000 已答复待审核 期限12-10" },
		{ "nav", "0 下一页\n00 返回" },
	};
	char	out[TEMPLATE_OUT_MAX];
	size_t	i;

	for (i = 0; template_name(i) != NULL; i++) {
		if (strncmp(template_name(i), "ussd_", 5) != 0)
			continue;
		assert_int_equal(template_render(template_current(),
		    template_name(i), v, nitems(v), out, sizeof(out)), 0);
		if (!ussd_fits(out))
			fail_msg("%s does not fit: %s", template_name(i), out);
		/* through Kannel a screen is one SMS: 70 UCS-2 */
		if (!ussd_fits_max(out, 160, 70))
			fail_msg("%s does not fit one SMS: %s",
			    template_name(i), out);
	}
	assert_true(ussd_fits("0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901"));		/* 182 */
	assert_false(ussd_fits("0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "01234567890123456789012"));	/* 183 */
	/* 182 characters, 184 septets: escapes count 2 */
	assert_false(ussd_fits("{}0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "01234567890123456789"));
	assert_true(ussd_fits("一二三四五六七八九十一二三四五六七八九十"
	    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
	    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"));
	assert_false(ussd_fits("一二三四五六七八九十一二三四五六七八九十"
	    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
	    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"));
	assert_false(ussd_fits("\xff"));
}

/* Twenty cases (the list's bound): pages of two, the last reachable. */
static void
test_many_cases(void **state)
{
	struct fixture	*f = *state;
	char		 n[STORE_CASE_NUMBER_MAX];
	int		 i;

	for (i = 0; i < USSD_LIST_MAX + 3; i++)
		add_case(f, NUM, "2026-12-10", 0, n);
	say(NUM, USSD_BEGIN, "*12345#");
	say(NUM, USSD_CONTINUE, "1");
	assert_non_null(strstr(bearer.text[bearer.n - 1], "（1/10）"));
	for (i = 1; i < 10; i++) {
		say(NUM, USSD_CONTINUE, "0");
		assert_true(ussd_fits(bearer.text[bearer.n - 1]));
	}
	assert_non_null(strstr(bearer.text[bearer.n - 1], "（10/10）\n19 "));
	say(NUM, USSD_CONTINUE, "20");
	assert_int_equal(strncmp(bearer.text[bearer.n - 1], "案件HY", 8), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dial, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cases_paged, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_closed_meanwhile,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_choices, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_screens_fit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_many_cases, setup,
		    teardown),
	};

	log_init(LOG_TO_STDERR, LOG_L_WARN, "test_ussd");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
