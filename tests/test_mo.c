/*
 * Unit tests of the message path over a real store in a temporary
 * directory: a part handed to inbound_receive() as a bearer would, through
 * inbound.c, mo.c and the group commit, to the case and the reply queued
 * in the outbox.  One test per command (a new matter, CX/查询, BC/补充,
 * HELP/帮助 and an empty text, TD/退订, 保密, a survey answer) and per
 * outcome of mo.c's dispatch (registered, confidential, a possible
 * emergency with its advice, refused for each reason of Art. 8, rate
 * limited and told once, replies over the hourly limit, a machine sender
 * ignored, the same text again within the hour, a long text given up
 * incomplete, a survey's which-case and closed answers, a resend
 * acknowledged again, a consultation the knowledge base answers).  A
 * batch of texts is answered after its commit, in order, and one that
 * fails in it is undone alone.  Every reply is compared whole, word for
 * word, with the shipped template filled in by the values the store holds
 * (case number, deadline).  Each store has its own context (struct
 * commit, mo, inbound); some tests make a second one beside the first.
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
#include "notify.h"
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
#define NUM_MACHINE	"13800138112"
#define NUM_SAFETY	"13800138113"
#define NUM_ART8	"13800138114"
#define NUM_LIMIT2	"13800138115"
#define NUM_REPLIES	"13800138116"
#define NUM_AGAIN	"13800138117"
#define NUM_LONG	"13800138118"
#define NUM_WHICH	"13800138119"
#define NUM_CLOSED	"13800138120"
#define NUM_EMPTY	"13800138121"
#define NUM_TWO		"13800138122"
#define NUM_KB		"13800138123"
#define NUM_BATCH	"1380013813"	/* + one digit */

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

/* A second store and its own context, beside the fixture's. */
struct inst {
	char			 dir[256], path[512];
	struct crypto		*crypto;
	struct store		*st;
	struct commit		*commit;
	struct mo		*mo;
	struct inbound		*inbound;
};

static const struct lc_actor office = { LC_ROLE_OFFICE, "wang", NULL };

/* help.txt, whole */
static const char	help_text[] = "【12345热线】直接发送诉求即可登记，"
    "含\"保密\"将保密办理，已登记的案件发\"保密 案件号\"。查询：CX或"
    "查询 [案件号]；补充：BC或补充 案件号 内容；帮助：HELP或帮助；退订"
    "回访：TD或退订。";

static int	mo_part(struct inbound *, struct commit *, const char *,
		    const char *, const char *, const char *, int, int, int);

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
	return mo_part(f->inbound, f->commit, f->conf.service_number, from,
	    text, msgid, 0, 1, 1);
}

/*
 * The same through any context, to dest, as part seq of total under
 * ref (total 1: a single SMS).
 */
static int
mo_part(struct inbound *ib, struct commit *c, const char *dest,
    const char *from, const char *text, const char *msgid, int ref,
    int total, int seq)
{
	struct inbound_msg	m;
	int			ok = -1;

	memset(&m, 0, sizeof(m));
	m.bearer = "smsc1";
	m.msgid = msgid;
	m.source = from;
	m.dest = dest;
	m.data_coding = 8;
	m.raw = (const uint8_t *)text;
	m.rawlen = strlen(text);
	m.text = text;
	m.concat_ref = ref;
	m.concat_total = total;
	m.concat_seq = seq;
	inbound_receive(ib, &m, answered, &ok);
	commit_flush(c);
	return ok;
}

/*
 * A second store in its own directory, with its own group commit, mo and
 * reception (concat_ms, retransmit_ms), sharing the fixture's
 * configuration and the rooms engine.c starts once per process.
 */
static void
inst_open(struct fix *f, struct inst *in, const char *name,
    int64_t concat_ms, int64_t retransmit_ms)
{
	char	err[1024];

	memset(in, 0, sizeof(*in));
	in->st = testdb_open(name, in->dir, sizeof(in->dir), in->path,
	    sizeof(in->path), &in->crypto);
	assert_non_null(in->st);
	in->commit = commit_new(f->base, in->st, 1000, 256);
	in->mo = mo_new(in->st, &f->conf, in->commit, NULL, err,
	    sizeof(err));
	assert_non_null(in->mo);
	in->inbound = inbound_new(f->base, in->st, in->commit, in->mo,
	    concat_ms, retransmit_ms);
}

static void
inst_close(struct inst *in)
{
	inbound_free(in->inbound);
	mo_free(in->mo);
	commit_free(in->commit);
	store_close(in->st);
	crypto_free(in->crypto);
	testdb_remove(in->dir, in->path);
}

/* The text of the newest outbox row of the store at path, or "". */
static const char *
last_reply_at(const char *path)
{
	static char	buf[2048];

	buf[0] = '\0';
	testdb_text(path, "SELECT text FROM outbox ORDER BY id DESC LIMIT 1",
	    buf, sizeof(buf));
	return buf;
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

/* The acknowledgement of c, as ack.txt or ack_unclassified.txt says it. */
static void
ack_text(const struct store_case *c, const char *zh, char *want,
    size_t len)
{
	if (strcmp(c->category, "unclassified") == 0)
		snprintf(want, len, "【12345热线】已受理，案件号%s。"
		    "我们将于%s前确定诉求类别和办理时限，并短信告知您。",
		    c->number, c->due);
	else
		snprintf(want, len, "【12345热线】已受理，案件号%s，"
		    "%s，%s前答复。查询回复CX %s", c->number, zh, c->due,
		    c->number);
}

static void
expect_ack(struct fix *f, const struct store_case *c, const char *zh)
{
	char	want[1024];

	ack_text(c, zh, want, sizeof(want));
	assert_string_equal(last_reply(f), want);
}

/* The Chinese label of c's category, as the acknowledgement says it. */
static const char *
label(const struct store_case *c)
{
	return category_label_zh(category_from_name(c->category));
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
	const char	*want = help_text;
	long long	 n = cases(f);

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

/*
 * Register text from num as a case, dispatch and close it, and schedule
 * its survey now (outside the loop, as a tool would): c and sv get them.
 */
static void
closed_with_survey(struct fix *f, const char *num, const char *text,
    struct store_case *c, struct store_survey *sv)
{
	struct survey_conf	sc;
	struct lc_args		a;
	char			err[256];

	register_case(f, num, text, c);
	memset(&a, 0, sizeof(a));
	a.unit = "cgj";
	assert_int_equal(commit_txn_begin(f->st), 0);
	if (testdb_peek(f->path, "SELECT COUNT(*) FROM units WHERE code = "
	    "'cgj'") == 0)
		assert_int_equal(store_unit_add(f->st, "cgj", "城管局", NULL,
		    (int64_t)clock_now_ms()), 0);
	assert_int_equal(lifecycle_apply(f->st, c->id, LC_OP_DISPATCH, &a,
	    &office, (int64_t)clock_now_ms(), err, sizeof(err)), LC_OK);
	a.text = "已修复";
	assert_int_equal(lifecycle_apply(f->st, c->id, LC_OP_CLOSE, &a,
	    &office, (int64_t)clock_now_ms(), err, sizeof(err)), LC_OK);
	survey_conf_init(&sc, &f->conf);
	sc.enabled = 1;
	sc.delay = 0;
	sc.quiet_start = sc.quiet_end = 0;
	assert_int_equal(survey_schedule(f->st, c->id, &sc,
	    (int64_t)clock_now_ms(), sv), SURVEY_S_SCHEDULED);
	assert_int_equal(commit_txn_end(f->st, 1), 0);
}

/* A survey answer: recorded on the case, thanked by case number. */
static void
test_survey_answer(void **state)
{
	struct fix		*f = *state;
	struct store_case	 c;
	struct store_survey	 sv;
	char			 want[1024];
	long long		 n;

	closed_with_survey(f, NUM_SURVEY, "我家楼道的灯坏了，晚上很黑", &c,
	    &sv);
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

/*
 * Machines are never answered (FIELD-NOTES 10): an alphanumeric sender, a
 * short service code, the service number itself.  Each is acknowledged
 * to the SMSC and its inbound row done, with no case and no reply.
 */
static void
test_machine(void **state)
{
	struct fix	*f = *state;
	static const char *senders[] = { "BANK95588", "10086", "12345",
	    "+106575" };
	long long	 n = cases(f), r = replies(f), done;
	size_t		 i;

	for (i = 0; i < nitems(senders); i++) {
		done = testdb_peek(f->path, "SELECT COUNT(*) FROM inbound "
		    "WHERE state = 2");
		assert_int_equal(mo(f, senders[i], "您的账户有一笔消费，"
		    "回复1确认", NULL), 1);
		assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM "
		    "inbound WHERE state = 2"), done + 1);
	}
	assert_int_equal(cases(f), n);
	assert_int_equal(replies(f), r);
	/* a citizen's number of the same text is a citizen */
	assert_int_equal(mo(f, NUM_MACHINE, "您的账户有一笔消费，回复1确认",
	    NULL), 1);
	assert_int_equal(cases(f), n + 1);
	assert_int_equal(replies(f), r + 1);
}

/*
 * Art. 8, each reason: the refusal's own template, whole, one refusal
 * row, no case.  The safety screen's clear emergencies (fire, ambulance,
 * traffic, self-harm) and the rules' military, litigation and unlawful
 * matters.
 */
static void
test_refusals(void **state)
{
	struct fix	*f = *state;
	static const struct {
		const char	*text, *want;
	} t[] = {
		{ "家里着火了，烟很大", "【12345热线】如遇火灾、燃气泄漏等"
		    "险情，请立即拨打119求助并注意安全。12345热线不受理紧急"
		    "求助。" },
		{ "我爸突然抽搐口吐白沫", "【12345热线】如需医疗急救，请立即"
		    "拨打120急救电话。12345热线不受理紧急求助。" },
		{ "我被车撞了，司机跑了", "【12345热线】如发生交通事故，请立即"
		    "拨打122交通事故报警电话，有人员受伤请同时拨打120。" },
		{ "我不想活了", "【12345热线】生命最重要。有危险请立即拨打110"
		    "或120；心理援助热线12356，随时可拨打。12345不受理紧急"
		    "求助。" },
		{ "部队训练场晚上打靶声音太大", "【12345热线】您反映的事项属"
		    "军队、武警管辖，12345热线不予受理，请向相关军队或武警部门"
		    "反映。" },
		{ "这件事我已经起诉了，法院让等", "【12345热线】您反映的事项"
		    "已进入诉讼、仲裁、行政复议或信访复查复核等法定程序，热线"
		    "不予受理，请通过原受理机关依法办理。" },
		{ "帮我查某人的住址和电话", "【12345热线】您的诉求涉及违反法律"
		    "法规或公序良俗的内容，依规不予受理，感谢理解。" },
	};
	long long	 n = cases(f), refusals;
	size_t		 i;

	for (i = 0; i < nitems(t); i++) {
		refusals = testdb_peek(f->path, "SELECT COUNT(*) FROM "
		    "refusals");
		assert_int_equal(mo(f, NUM_ART8, t[i].text, NULL), 1);
		assert_string_equal(last_reply(f), t[i].want);
		assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM "
		    "refusals"), refusals + 1);
		assert_int_equal(cases(f), n);
	}
}

/*
 * A possible emergency is registered as usual, its acknowledgement
 * begun with the advice in one text, and an alert raised with the case.
 */
static void
test_possible_emergency(void **state)
{
	struct fix		*f = *state;
	struct store_case	 c;
	char			 ack[1024], want[1200];
	long long		 alerts;

	alerts = testdb_peek(f->path, "SELECT COUNT(*) FROM alerts");
	register_case(f, NUM_SAFETY, "楼道里这几天总有浓烟，物业也不来看看",
	    &c);
	ack_text(&c, label(&c), ack, sizeof(ack));
	snprintf(want, sizeof(want), "【紧急提示】如有火情或燃气泄漏，请立即"
	    "撤离并拨打119。%s", ack);
	assert_string_equal(last_reply(f), want);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM alerts"),
	    alerts + 1);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM alerts "
	    "WHERE case_id = (SELECT MAX(id) FROM cases)"), 1);
	store_case_clear(&c);
}

/* A new matter asked to be kept confidential: ack_confidential, whole. */
static void
test_confidential_matter(void **state)
{
	struct fix		*f = *state;
	struct store_case	 c;
	char			 want[1024];

	register_case(f, NUM_SECRET, "保密，我举报小区旁边的工厂夜里偷排污水",
	    &c);
	assert_int_equal(c.confidential, 1);
	snprintf(want, sizeof(want), "【12345热线】您的诉求已按保密方式受理，"
	    "案件号%s，类别：%s，将于%s前办结答复，您的信息将严格保密。查询请"
	    "回复\"CX %s\"。", c.number, label(&c), c.due, c.number);
	assert_string_equal(last_reply(f), want);
	store_case_clear(&c);
}

/*
 * 保密 with a case number: someone else's (or an unknown one) is not
 * found; the sender's own with a text after the number takes the text
 * as a supplement too.
 */
static void
test_confidential_outcomes(void **state)
{
	struct fix		*f = *state;
	struct store_case	 c;
	char			 want[1024], q[128];
	long long		 sup;

	register_case(f, NUM_OTHER, "广场舞音响每天晚上开到十点多", &c);
	snprintf(q, sizeof(q), "保密 %s", c.number);
	assert_int_equal(mo(f, NUM_SECRET, q, NULL), 1);
	snprintf(want, sizeof(want), "【12345热线】未找到您名下的案件%s，请"
	    "核对案件号后按\"保密 案件号\"格式重新发送。", c.number);
	assert_string_equal(last_reply(f), want);
	sup = testdb_peek(f->path, "SELECT COUNT(*) FROM audit WHERE action = "
	    "'case.supplement'");
	snprintf(q, sizeof(q), "保密 %s 我住在三楼", c.number);
	assert_int_equal(mo(f, NUM_OTHER, q, NULL), 1);
	snprintf(want, sizeof(want), "【12345热线】案件%s已按您的要求保密处理，"
	    "您的个人信息和诉求内容不会公开。", c.number);
	assert_string_equal(last_reply(f), want);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM audit "
	    "WHERE action = 'case.supplement'"), sup + 1);
	store_case_clear(&c);
}

/*
 * Over max-new-cases-per-hour the citizen is told once an hour: a third
 * new matter in the hour is kept, not registered and not answered.
 */
static void
test_rate_limited_once(void **state)
{
	struct fix		*f = *state;
	struct store_case	 c;
	long long		 n, r;

	f->conf.max_new_cases_per_hour = 1;
	register_case(f, NUM_LIMIT2, "人行道上的地砖翘起来好几块了", &c);
	store_case_clear(&c);
	n = cases(f);
	assert_int_equal(mo(f, NUM_LIMIT2, "公园的健身器材坏了", NULL), 1);
	assert_string_equal(last_reply(f), "【12345热线】您1小时内已提交多件"
	    "诉求，本条暂未登记，请1小时后重新发送或致电12345。紧急情况请拨打"
	    "110、119、120。");
	r = replies(f);
	assert_int_equal(mo(f, NUM_LIMIT2, "垃圾桶满了没人清", NULL), 1);
	f->conf.max_new_cases_per_hour = 0;
	assert_int_equal(replies(f), r);
	assert_int_equal(cases(f), n);
}

/*
 * max-replies-per-hour: a query past the limit is not answered; the
 * acknowledgement of a case registered now still goes.
 */
static void
test_reply_limit(void **state)
{
	struct fix		*f = *state;
	struct store_case	 c;
	long long		 r;

	f->conf.max_replies_per_hour = 2;
	assert_int_equal(mo(f, NUM_REPLIES, "CX", NULL), 1);
	assert_int_equal(mo(f, NUM_REPLIES, "查询", NULL), 1);
	r = replies(f);
	assert_int_equal(mo(f, NUM_REPLIES, "CX", NULL), 1);
	assert_int_equal(replies(f), r);
	assert_int_equal(mo(f, NUM_REPLIES, "HELP", NULL), 1);
	assert_int_equal(replies(f), r);
	register_case(f, NUM_REPLIES, "小区电梯经常停运，老人上下楼很难", &c);
	assert_int_equal(replies(f), r + 1);
	expect_ack(f, &c, label(&c));
	f->conf.max_replies_per_hour = 0;
	store_case_clear(&c);
}

/* An empty text (or only spaces) is answered with the help. */
static void
test_empty(void **state)
{
	struct fix	*f = *state;
	const char	*want = help_text;
	long long	 n = cases(f);

	assert_int_equal(mo(f, NUM_EMPTY, "", NULL), 1);
	assert_string_equal(last_reply(f), want);
	assert_int_equal(mo(f, NUM_EMPTY, "   ", "e-2"), 1);
	assert_string_equal(last_reply(f), want);
	assert_int_equal(cases(f), n);
}

/*
 * The same text again within the hour.  Inside retransmit-window (the
 * fixture's two minutes) it is the SMSC's resend: no reply.  A second
 * store whose window is 0 takes it as the citizen asking again: the
 * case's acknowledgement again, one case.
 */
static void
test_same_text_again(void **state)
{
	struct fix		*f = *state;
	struct inst		 b;
	static const char	 text[] = "小区后门的下水道井盖松了，踩上去晃";
	char			 first[2048];
	long long		 r;

	r = replies(f);
	assert_int_equal(mo(f, NUM_AGAIN, text, NULL), 1);
	assert_int_equal(mo(f, NUM_AGAIN, text, NULL), 1);
	assert_int_equal(replies(f), r + 1);

	inst_open(f, &b, "test_mo_again", 60 * 1000, 0);
	assert_int_equal(mo_part(b.inbound, b.commit, "12345", NUM_AGAIN,
	    text, NULL, 0, 1, 1), 1);
	strlcpy(first, last_reply_at(b.path), sizeof(first));
	assert_int_equal(mo_part(b.inbound, b.commit, "12345", NUM_AGAIN,
	    text, NULL, 0, 1, 1), 1);
	assert_int_equal(testdb_peek(b.path, "SELECT COUNT(*) FROM cases"), 1);
	assert_int_equal(testdb_peek(b.path, "SELECT COUNT(*) FROM outbox"),
	    2);
	assert_string_equal(last_reply_at(b.path), first);
	inst_close(&b);
}

/*
 * A long text whose second part never comes: after concat-timeout the
 * sweep registers what arrived, marked incomplete, acknowledged, and
 * incomplete_note says how to add the rest.
 */
static void
test_incomplete(void **state)
{
	struct fix		*f = *state;
	struct inst		 b;
	struct store_case	 c;
	char			 want[1024], ack[1024];
	long long		 id;

	/*
	 * concat-timeout -1 ms: the sweep takes every open group, even one
	 * received in this very millisecond (0 would need a clock tick).
	 */
	inst_open(f, &b, "test_mo_long", -1, 2 * 60 * 1000);
	assert_int_equal(mo_part(b.inbound, b.commit, "12345", NUM_LONG,
	    "我们小区的路灯已经坏了快一个月了，晚上出门很不方便，", NULL, 42,
	    2, 1), 1);
	assert_int_equal(testdb_peek(b.path, "SELECT COUNT(*) FROM cases"), 0);
	inbound_sweep(b.inbound);
	commit_flush(b.commit);
	id = testdb_peek(b.path, "SELECT MAX(id) FROM cases");
	assert_true(id > 0);
	assert_int_equal(store_case_get(b.st, id, &c), 1);
	assert_int_equal(c.flags & STORE_CF_INCOMPLETE, STORE_CF_INCOMPLETE);
	assert_int_equal(testdb_peek(b.path, "SELECT COUNT(*) FROM outbox"),
	    2);
	ack_text(&c, label(&c), ack, sizeof(ack));
	assert_int_equal(testdb_text(b.path, "SELECT text FROM outbox ORDER BY "
	    "id LIMIT 1", want, sizeof(want)), 0);
	assert_string_equal(want, ack);
	snprintf(want, sizeof(want), "【12345热线】您的短信有部分内容未能收到，"
	    "案件%s已按收到的内容登记。如需补充，请回复\"BC %s 内容\"。",
	    c.number, c.number);
	assert_string_equal(last_reply_at(b.path), want);
	store_case_clear(&c);
	inst_close(&b);
}

/*
 * Two surveys open: a bare score asks which case (survey_which_case,
 * whole); "number score" answers that one.
 */
static void
test_survey_which(void **state)
{
	struct fix		*f = *state;
	struct store_case	 c1, c2;
	struct store_survey	 sv1, sv2, open[5];
	char			 want[1024], q[64];
	long long		 n;
	int			 k;

	closed_with_survey(f, NUM_WHICH, "菜市场门口的垃圾堆了好几天", &c1,
	    &sv1);
	closed_with_survey(f, NUM_WHICH, "学校旁边的人行横道线看不清了", &c2,
	    &sv2);
	n = cases(f);
	k = store_survey_open(f->st, NUM_WHICH, open, nitems(open));
	assert_int_equal(k, 2);
	assert_int_equal(mo(f, NUM_WHICH, "1", NULL), 1);
	snprintf(want, sizeof(want), "【12345热线】您有多件待评价的诉求："
	    "%s、%s。请回复\"案件号 数字\"评价，满意1，基本满意2，不满意3。",
	    open[0].number, open[1].number);
	assert_string_equal(last_reply(f), want);
	snprintf(q, sizeof(q), "%s 2", c2.number);
	assert_int_equal(mo(f, NUM_WHICH, q, NULL), 1);
	snprintf(want, sizeof(want), "【12345热线】感谢您对案件%s的评价，"
	    "我们将持续改进服务。", c2.number);
	assert_string_equal(last_reply(f), want);
	assert_int_equal(cases(f), n);
	assert_int_equal(store_survey_open(f->st, NUM_WHICH, open,
	    nitems(open)), 1);
	store_case_clear(&c1);
	store_case_clear(&c2);
}

/*
 * A score sent to the extension of a survey already answered: told it
 * is not counted (survey_closed, whole), no new case for "3".
 */
static void
test_survey_closed(void **state)
{
	struct fix		*f = *state;
	struct store_case	 c;
	struct store_survey	 sv;
	char			 want[1024], dest[32];
	long long		 n;

	closed_with_survey(f, NUM_CLOSED, "桥下的涵洞积水过不去人", &c, &sv);
	assert_true(sv.ext[0] != '\0');
	snprintf(dest, sizeof(dest), "12345%s", sv.ext);
	n = cases(f);
	assert_int_equal(mo_part(f->inbound, f->commit, dest, NUM_CLOSED, "1",
	    NULL, 0, 1, 1), 1);
	snprintf(want, sizeof(want), "【12345热线】感谢您对案件%s的评价，"
	    "我们将持续改进服务。", c.number);
	assert_string_equal(last_reply(f), want);
	assert_int_equal(mo_part(f->inbound, f->commit, dest, NUM_CLOSED, "3",
	    "c-2", 0, 1, 1), 1);
	snprintf(want, sizeof(want), "【12345热线】案件%s的满意度回访已结束，"
	    "本条回复未计入评价，感谢您的支持。如有新的诉求，请直接发送诉求"
	    "内容。", c.number);
	assert_string_equal(last_reply(f), want);
	assert_int_equal(cases(f), n);
	store_case_clear(&c);
}

/*
 * Two contexts in one process, each over its own store: a text goes to
 * the store its reception was made with, and is answered after that
 * store's commit, not the other's.
 */
static void
test_two_instances(void **state)
{
	struct fix		*f = *state;
	struct inst		 b;
	struct inbound_msg	 m;
	long long		 n = cases(f);
	int			 ok = -1;

	inst_open(f, &b, "test_mo_two", 60 * 1000, 2 * 60 * 1000);
	memset(&m, 0, sizeof(m));
	m.bearer = "smsc2";
	m.source = NUM_TWO;
	m.dest = "12345";
	m.data_coding = 8;
	m.text = "村口的桥栏杆断了一截";
	m.raw = (const uint8_t *)m.text;
	m.rawlen = strlen(m.text);
	m.concat_total = 1;
	inbound_receive(b.inbound, &m, answered, &ok);
	commit_flush(f->commit);		/* the other store's */
	assert_int_equal(ok, -1);
	commit_flush(b.commit);
	assert_int_equal(ok, 1);
	assert_int_equal(testdb_peek(b.path, "SELECT COUNT(*) FROM cases"), 1);
	assert_int_equal(cases(f), n);
	assert_int_equal(mo(f, NUM_TWO, "村口的桥栏杆断了一截", NULL), 1);
	assert_int_equal(cases(f), n + 1);
	assert_int_equal(testdb_peek(b.path, "SELECT COUNT(*) FROM cases"), 1);
	inst_close(&b);
}

/*
 * A consultation the knowledge base answers with confidence: the case is
 * answered at once, and the result SMS (result.txt, whole) is the reply,
 * not an acknowledgement.
 */
static void
test_kb_answer(void **state)
{
	struct fix		*f = *state;
	struct notify		*nt;
	struct store_case	 c;
	char			 want[1024], got[1024];
	int64_t			 id;

	nt = notify_new(NULL, f->st, &f->conf, f->commit, NULL);
	assert_int_equal(commit_txn_begin(f->st), 0);
	assert_int_equal(store_kb_add(f->st, "无人机 飞行 备案", "在民航局"
	    "无人机实名登记系统在线备案即可。", NULL, (int64_t)clock_now_ms(),
	    &id), 0);
	assert_int_equal(commit_txn_end(f->st, 1), 0);
	register_case(f, NUM_KB, "请问无人机飞行备案怎么办理", &c);
	assert_string_equal(c.category, "consultation");
	assert_string_equal(c.state, "answered");
	snprintf(want, sizeof(want), "【12345热线】您的诉求%s已办结，办理结果："
	    "在民航局无人机实名登记系统在线备案即可。", c.number);
	assert_int_equal(testdb_text(f->path, "SELECT text FROM outbox WHERE "
	    "kind = 'result' ORDER BY id DESC LIMIT 1", got, sizeof(got)), 0);
	assert_string_equal(got, want);
	/* no acknowledgement besides: the answer is the reply */
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM outbox "
	    "WHERE kind = 'ack' AND case_id = (SELECT MAX(id) FROM cases)"), 0);
	notify_free(nt);
	store_case_clear(&c);
}

/* The lifecycle notify hook of a failing transition (a store error). */
static int
hook_fails(void *arg, struct store *st, const struct store_case *c,
    const struct lc_event *ev)
{
	(void)arg;
	(void)st;
	(void)c;
	(void)ev;
	return -1;
}

static int	batch_ok[5], batch_order[5], nbatch;

static void
batch_answered(void *arg, int ok)
{
	int	i = (int)(intptr_t)arg;

	batch_ok[i] = ok;
	batch_order[nbatch++] = i;
}

/*
 * Five texts in one batch: nobody is answered before the commit, then
 * each in the order it came.  The third, a consultation whose knowledge
 * base answer fails (its transition's notify hook reports a store
 * error), is undone alone -- no case, no inbound row -- and answered with
 * a temporary error after the pause; the four others are registered.
 */
static void
test_batch_one_fails(void **state)
{
	struct fix		*f = *state;
	struct inbound_msg	 m;
	struct timeval		 tv = { 0, 10000 };
	char			 num[5][16];
	static const char	*texts[5] = { "东门外的马路上有个大坑",
	    "二号楼下水管漏水好几天了", "请问无人机飞行备案怎么办理",
	    "菜场周边的流动摊贩占道", "小区里的健身器材生锈了" };
	long long		 n = cases(f), in;
	int			 i;

	lifecycle_set_notify(hook_fails, NULL);
	in = testdb_peek(f->path, "SELECT COUNT(*) FROM inbound");
	nbatch = 0;
	for (i = 0; i < 5; i++) {
		batch_ok[i] = -1;
		snprintf(num[i], sizeof(num[i]), "%s%d", NUM_BATCH, i);
		memset(&m, 0, sizeof(m));
		m.bearer = "smsc1";
		m.source = num[i];
		m.dest = "12345";
		m.data_coding = 8;
		m.text = texts[i];
		m.raw = (const uint8_t *)m.text;
		m.rawlen = strlen(m.text);
		m.concat_total = 1;
		inbound_receive(f->inbound, &m, batch_answered,
		    (void *)(intptr_t)i);
	}
	assert_int_equal(nbatch, 0);		/* not before the commit */
	commit_flush(f->commit);
	assert_int_equal(nbatch, 4);
	assert_int_equal(batch_order[0], 0);
	assert_int_equal(batch_order[1], 1);
	assert_int_equal(batch_order[2], 3);
	assert_int_equal(batch_order[3], 4);
	for (i = 0; i < 5; i++)
		assert_int_equal(batch_ok[i], i == 2 ? -1 : 1);
	assert_int_equal(cases(f), n + 4);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM inbound"),
	    in + 4);
	/* the undone one: a temporary error, after the pause */
	for (i = 0; i < 300 && batch_ok[2] == -1; i++) {
		event_base_loopexit(f->base, &tv);
		event_base_dispatch(f->base);
	}
	assert_int_equal(batch_ok[2], 0);
	lifecycle_set_notify(NULL, NULL);
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
		cmocka_unit_test(test_machine),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_possible_emergency),
		cmocka_unit_test(test_confidential_matter),
		cmocka_unit_test(test_confidential_outcomes),
		cmocka_unit_test(test_rate_limited_once),
		cmocka_unit_test(test_reply_limit),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_same_text_again),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_survey_which),
		cmocka_unit_test(test_survey_closed),
		cmocka_unit_test(test_two_instances),
		cmocka_unit_test(test_kb_answer),
		cmocka_unit_test(test_batch_one_fails),
	};

	return cmocka_run_group_tests_name("test_mo", tests, group_setup,
	    group_teardown);
}
