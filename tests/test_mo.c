/*
 * Unit tests of the message path over a real store in a temporary
 * directory: a part handed to inbound_receive() as a bearer would, through
 * inbound.c, mo.c and the group commit, to the case and the reply queued
 * in the outbox.  One test per command (a new matter, CX/查询, BC/补充,
 * HELP/帮助, TD/退订, 保密, a survey answer) and per outcome (registered,
 * refused, rate limited, a resend acknowledged again).  Every reply is
 * compared whole, word for word, with the shipped template filled in by
 * the values the store holds (case number, deadline).
 */
#include "../src/config.h"	/* not the autoconf config.h; brings compat.h */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "calendar.h"
#include "category.h"
#include "commit.h"
#include "crypto.h"
#include "inbound.h"
#include "lifecycle.h"
#include "log.h"
#include "mo.h"
#include "screen.h"
#include "store.h"
#include "survey.h"
#include "template.h"
#include "testdb.h"
#include "util.h"

#define NUM_NEW		"13800138101"
#define NUM_CX		"13800138102"
#define NUM_BC		"13800138103"
#define NUM_HELP	"13800138104"
#define NUM_TD		"13800138105"
#define NUM_SECRET	"13800138106"
#define NUM_SURVEY	"13800138107"
#define NUM_REFUSE	"13800138108"
#define NUM_LIMIT	"13800138109"
#define NUM_DUP		"13800138110"
#define NUM_OTHER	"13800138111"

struct fix {
	char			 dir[256], path[512];
	struct crypto		*crypto;
	struct store		*st;
	struct event_base	*base;
	struct hotlined_conf	 conf;
	struct commit		*commit;
	struct mo		*mo;
	struct inbound		*inbound;
};

static const struct lc_actor office = { LC_ROLE_OFFICE, "wang", NULL };

static void
answered(void *arg, int ok)
{
	*(int *)arg = ok;
}

/*
 * One SMS from from to 12345 with bearer message id msgid (NULL: none),
 * through inbound_receive(), and the batch committed: what the peer was
 * answered (1 acknowledged after the commit, 0 a temporary error, -1 not
 * yet).
 */
static int
mo(struct fix *f, const char *from, const char *text, const char *msgid)
{
	struct inbound_msg	m;
	int			ok = -1;

	memset(&m, 0, sizeof(m));
	m.bearer = "smsc1";
	m.msgid = msgid;
	m.source = from;
	m.dest = f->conf.service_number;
	m.data_coding = 8;
	m.raw = (const uint8_t *)text;
	m.rawlen = strlen(text);
	m.text = text;
	m.concat_total = 1;
	inbound_receive(f->inbound, &m, answered, &ok);
	commit_flush(f->commit);
	return ok;
}

/* The text of the newest outbox row (the last reply), or "". */
static const char *
last_reply(struct fix *f)
{
	static char	buf[2048];

	testdb_text(f->path, "SELECT text FROM outbox ORDER BY id DESC "
	    "LIMIT 1", buf, sizeof(buf));
	return buf;
}

static long long
replies(struct fix *f)
{
	return testdb_peek(f->path, "SELECT COUNT(*) FROM outbox");
}

static long long
cases(struct fix *f)
{
	return testdb_peek(f->path, "SELECT COUNT(*) FROM cases");
}

/* The newest case's number, due date and category, from the store. */
static void
newest_case(struct fix *f, struct store_case *c)
{
	long long	id;

	id = testdb_peek(f->path, "SELECT MAX(id) FROM cases");
	assert_true(id > 0);
	assert_int_equal(store_case_get(f->st, id, c), 1);
}

/* Register a new matter from num; its case into c. */
static void
register_case(struct fix *f, const char *num, const char *text,
    struct store_case *c)
{
	long long	n = cases(f);

	assert_int_equal(mo(f, num, text, NULL), 1);
	assert_int_equal(cases(f), n + 1);
	newest_case(f, c);
}

static int
group_setup(void **state)
{
	struct fix		*f;
	struct conf_errors	 errs;
	char			 err[1024];
	const char		*top = getenv("top_srcdir");

	if (top == NULL)
		top = "..";
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->st = testdb_open("test_mo", f->dir, sizeof(f->dir), f->path,
	    sizeof(f->path), &f->crypto)) == NULL)
		return -1;
	log_init(LOG_TO_STDERR, LOG_L_WARN, "test_mo");
	conf_defaults(&f->conf);
	free(f->conf.templates);
	free(f->conf.rules);
	free(f->conf.calendar);
	free(f->conf.screen);
	free(f->conf.model);
	xasprintf(&f->conf.templates, "%s/templates", top);
	xasprintf(&f->conf.rules, "%s/etc/hotlined.rules", top);
	xasprintf(&f->conf.calendar, "%s/etc/hotlined.calendar", top);
	xasprintf(&f->conf.screen, "%s/etc/hotlined.screen", top);
	f->conf.model = NULL;		/* the rules alone */
	f->conf.max_new_cases_per_hour = 0;
	f->conf.max_replies_per_hour = 0;
	f->base = event_base_new();
	f->commit = commit_new(f->base, f->st, 1000, 256);
	if ((f->mo = mo_new(f->st, &f->conf, f->commit, NULL, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "# mo_new: %s\n", err);
		return -1;
	}
	f->inbound = inbound_new(f->base, f->st, f->commit, f->mo, 60 * 1000,
	    2 * 60 * 1000);
	/* what engine.c starts beside mo.c */
	memset(&errs, 0, sizeof(errs));
	if (calendar_start(&f->conf, &errs) == -1 ||
	    template_start(&f->conf, &errs) == -1 ||
	    screen_start(&f->conf, &errs) == -1) {
		fprintf(stderr, "# start: %s\n", errs.buf);
		return -1;
	}
	conf_errors_free(&errs);
	lifecycle_set_workdays(calendar_lc_workdays, NULL);
	lifecycle_set_due(mo_deadline, f->mo);
	*state = f;
	return 0;
}

static int
group_teardown(void **state)
{
	struct fix	*f = *state;

	mo_free(f->mo);
	template_stop(NULL);
	calendar_stop(NULL);
	screen_stop(NULL);
	lifecycle_set_due(NULL, NULL);
	lifecycle_set_workdays(NULL, NULL);
	inbound_free(f->inbound);
	commit_free(f->commit);
	store_close(f->st);
	crypto_free(f->crypto);
	event_base_free(f->base);
	conf_free(&f->conf);
	testdb_remove(f->dir, f->path);
	free(f);
	return 0;
}

/* The acknowledgement of c as ack.txt or ack_unclassified.txt says it. */
static void
expect_ack(struct fix *f, const struct store_case *c, const char *zh)
{
	char	want[1024];

	if (strcmp(c->category, "unclassified") == 0)
		snprintf(want, sizeof(want), "【12345热线】已受理，案件号%s。"
		    "我们将于%s前确定诉求类别和办理时限，并短信告知您。",
		    c->number, c->due);
	else
		snprintf(want, sizeof(want), "【12345热线】已受理，案件号%s，"
		    "%s，%s前答复。查询回复CX %s", c->number, zh, c->due,
		    c->number);
	assert_string_equal(last_reply(f), want);
}

/* A new matter: one case, acknowledged with its number and deadline. */
static void
test_new_matter(void **state)
{
	struct fix		*f = *state;
	struct store_case	 c;
	long long		 n = replies(f);

	register_case(f, NUM_NEW, "楼下烧烤店每天半夜噪音扰民，严重影响休息",
	    &c);
	assert_int_equal(replies(f), n + 1);
	assert_string_equal(c.state, "registered");
	assert_string_equal(c.text, "楼下烧烤店每天半夜噪音扰民，严重影响休息");
	assert_string_equal(c.category, "complaint");
	expect_ack(f, &c, "投诉举报");
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM inbound "
	    "WHERE state = 2 AND case_id = (SELECT MAX(id) FROM cases)"), 1);
	store_case_clear(&c);
}

/* CX/查询: none open, one named, another's or unknown number, the list. */
static void
test_query(void **state)
{
	struct fix		*f = *state;
	struct store_case	 c, other;
	char			 want[1024], q[64];

	assert_int_equal(mo(f, NUM_CX, "查询", NULL), 1);
	assert_string_equal(last_reply(f), "【12345热线】未查询到您名下正在"
	    "办理的诉求。如需反映问题，请直接发送诉求内容。");
	register_case(f, NUM_CX, "小区门口的路灯坏了一个星期没人修", &c);
	register_case(f, NUM_OTHER, "公交站台的广告牌松动了很危险", &other);
	snprintf(q, sizeof(q), "CX %s", c.number);
	assert_int_equal(mo(f, NUM_CX, q, NULL), 1);
	if (strcmp(c.category, "unclassified") == 0)
		snprintf(want, sizeof(want), "【12345热线】案件%s当前状态：已受理，"
		    "类别待定，将于%s前确定类别和办理时限并短信告知您。", c.number,
		    c.due);
	else
		snprintf(want, sizeof(want), "【12345热线】案件%s（%s）当前"
		    "状态：已受理，办结期限：%s。", c.number,
		    category_label_zh(category_from_name(c.category)), c.due);
	assert_string_equal(last_reply(f), want);
	/* another's case reads as not found */
	snprintf(q, sizeof(q), "CX %s", other.number);
	assert_int_equal(mo(f, NUM_CX, q, NULL), 1);
	snprintf(want, sizeof(want), "【12345热线】未找到您名下的案件%s，请"
	    "核对案件号后按\"CX 案件号\"格式重新查询，发送\"CX\"可查看您正在"
	    "办理的全部诉求。", other.number);
	assert_string_equal(last_reply(f), want);
	/* the list */
	assert_int_equal(mo(f, NUM_CX, "CX", NULL), 1);
	snprintf(want, sizeof(want), "【12345热线】您有1件诉求正在办理：%s "
	    "已受理 %s。查询详情请回复\"CX 案件号\"。", c.number,
	    strcmp(c.category, "unclassified") == 0 ? "待分类" : c.due);
	assert_string_equal(last_reply(f), want);
	store_case_clear(&c);
	store_case_clear(&other);
}

/* BC/补充: the sender's own case takes the text; another's does not. */
static void
test_supplement(void **state)
{
	struct fix		*f = *state;
	struct store_case	 c;
	char			 want[1024], q[128];
	long long		 n;

	register_case(f, NUM_BC, "学校门口早晚高峰经常堵车，希望增加交警疏导",
	    &c);
	n = cases(f);
	snprintf(q, sizeof(q), "BC %s 早上七点半最堵", c.number);
	assert_int_equal(mo(f, NUM_BC, q, NULL), 1);
	snprintf(want, sizeof(want), "【12345热线】您对案件%s的补充内容已记录，"
	    "将一并转承办单位办理。", c.number);
	assert_string_equal(last_reply(f), want);
	assert_int_equal(cases(f), n);		/* no new case */
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM audit "
	    "WHERE action LIKE '%supplement%'"), 1);
	snprintf(q, sizeof(q), "补充 %s 还有晚上", c.number);
	assert_int_equal(mo(f, NUM_OTHER, q, NULL), 1);
	snprintf(want, sizeof(want), "【12345热线】未找到您名下的案件%s，请"
	    "核对案件号后按\"BC 案件号 内容\"格式重新发送。", c.number);
	assert_string_equal(last_reply(f), want);
	assert_int_equal(cases(f), n);
	store_case_clear(&c);
}

/* HELP/帮助: the list of commands, whole. */
static void
test_help(void **state)
{
	struct fix	*f = *state;
	static const char want[] = "【12345热线】直接发送诉求即可登记，含\"保密\""
	    "将保密办理，已登记的案件发\"保密 案件号\"。查询：CX或查询 [案件号]；"
	    "补充：BC或补充 案件号 内容；帮助：HELP或帮助；退订回访：TD或退订。";
	long long	n = cases(f);

	assert_int_equal(mo(f, NUM_HELP, "HELP", NULL), 1);
	assert_string_equal(last_reply(f), want);
	assert_int_equal(mo(f, NUM_HELP, "帮助", NULL), 1);
	assert_string_equal(last_reply(f), want);
	assert_int_equal(cases(f), n);
}

/* TD/退订: the number opts out of surveys. */
static void
test_optout(void **state)
{
	struct fix	*f = *state;

	assert_int_equal(mo(f, NUM_TD, "TD", NULL), 1);
	assert_string_equal(last_reply(f), "【12345热线】您已退订满意度回访"
	    "短信，不影响诉求办理和结果告知。");
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM optout"),
	    1);
	assert_int_equal(mo(f, NUM_TD, "退订", NULL), 1);
	assert_string_equal(last_reply(f), "【12345热线】您已退订满意度回访"
	    "短信，不影响诉求办理和结果告知。");
}

/* 保密 案件号: the case becomes confidential. */
static void
test_confidential(void **state)
{
	struct fix		*f = *state;
	struct store_case	 c;
	char			 want[1024], q[64];

	register_case(f, NUM_SECRET, "单位拖欠工资三个月了，老板一直不给", &c);
	assert_int_equal(c.confidential, 0);
	snprintf(q, sizeof(q), "保密 %s", c.number);
	assert_int_equal(mo(f, NUM_SECRET, q, NULL), 1);
	snprintf(want, sizeof(want), "【12345热线】案件%s已按您的要求保密处理，"
	    "您的个人信息和诉求内容不会公开。", c.number);
	assert_string_equal(last_reply(f), want);
	store_case_clear(&c);
	newest_case(f, &c);
	assert_int_equal(c.confidential, 1);
	store_case_clear(&c);
}

/* A survey answer: recorded on the case, thanked by case number. */
static void
test_survey_answer(void **state)
{
	struct fix		*f = *state;
	struct store_case	 c;
	struct survey_conf	 sc;
	struct store_survey	 sv;
	struct lc_args		 a;
	char			 want[1024], err[256];
	long long		 n;

	register_case(f, NUM_SURVEY, "我家楼道的灯坏了，晚上很黑", &c);
	memset(&a, 0, sizeof(a));
	a.unit = "cgj";
	assert_int_equal(commit_txn_begin(f->st), 0);
	assert_int_equal(store_unit_add(f->st, "cgj", "城管局", NULL,
	    (int64_t)clock_now_ms()), 0);
	assert_int_equal(lifecycle_apply(f->st, c.id, LC_OP_DISPATCH, &a,
	    &office, (int64_t)clock_now_ms(), err, sizeof(err)), LC_OK);
	a.text = "已修复";
	assert_int_equal(lifecycle_apply(f->st, c.id, LC_OP_CLOSE, &a,
	    &office, (int64_t)clock_now_ms(), err, sizeof(err)), LC_OK);
	survey_conf_init(&sc, &f->conf);
	sc.enabled = 1;
	sc.delay = 0;
	sc.quiet_start = sc.quiet_end = 0;
	assert_int_equal(survey_schedule(f->st, c.id, &sc,
	    (int64_t)clock_now_ms(), &sv), SURVEY_S_SCHEDULED);
	assert_int_equal(commit_txn_end(f->st, 1), 0);
	n = cases(f);
	assert_int_equal(mo(f, NUM_SURVEY, "1", NULL), 1);
	snprintf(want, sizeof(want), "【12345热线】感谢您对案件%s的评价，"
	    "我们将持续改进服务。", c.number);
	assert_string_equal(last_reply(f), want);
	assert_int_equal(cases(f), n);		/* not a new matter */
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM audit "
	    "WHERE action = 'survey.answered'"), 1);
	store_case_clear(&c);
}

/* Refused: an emergency goes to 110, and no case is registered. */
static void
test_refused(void **state)
{
	struct fix	*f = *state;
	long long	 n = cases(f);

	assert_int_equal(mo(f, NUM_REFUSE, "有人持刀抢劫，快来人", NULL), 1);
	assert_string_equal(last_reply(f), "【12345热线】您反映的情况涉及人身"
	    "财产安全，请立即拨打110报警求助。12345热线不受理紧急求助。");
	assert_int_equal(cases(f), n);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM "
	    "refusals"), 1);
}

/* Rate limited: past max-new-cases-per-hour, answered, not registered. */
static void
test_rate_limited(void **state)
{
	struct fix		*f = *state;
	struct store_case	 c;
	long long		 n;

	f->conf.max_new_cases_per_hour = 1;
	register_case(f, NUM_LIMIT, "马路上有个井盖丢了，很危险", &c);
	store_case_clear(&c);
	n = cases(f);
	assert_int_equal(mo(f, NUM_LIMIT, "河边有人乱倒建筑垃圾", NULL), 1);
	f->conf.max_new_cases_per_hour = 0;
	assert_string_equal(last_reply(f), "【12345热线】您1小时内已提交多件"
	    "诉求，本条暂未登记，请1小时后重新发送或致电12345。紧急情况请拨打"
	    "110、119、120。");
	assert_int_equal(cases(f), n);
}

/* A resend of one message (same bearer id): acknowledged, one case. */
static void
test_duplicate(void **state)
{
	struct fix		*f = *state;
	struct store_case	 c;
	long long		 n, r;

	assert_int_equal(mo(f, NUM_DUP, "菜市场附近的排水沟堵了，污水横流",
	    "m-77"), 1);
	n = cases(f);
	r = replies(f);
	newest_case(f, &c);
	assert_int_equal(mo(f, NUM_DUP, "菜市场附近的排水沟堵了，污水横流",
	    "m-77"), 1);
	assert_int_equal(cases(f), n);
	assert_int_equal(replies(f), r);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM inbound "
	    "WHERE smsc_msgid = 'm-77'"), 1);
	store_case_clear(&c);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_matter),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_supplement),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_optout),
		cmocka_unit_test(test_confidential),
		cmocka_unit_test(test_survey_answer),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_rate_limited),
		cmocka_unit_test(test_duplicate),
	};

	return cmocka_run_group_tests_name("test_mo", tests, group_setup,
	    group_teardown);
}
