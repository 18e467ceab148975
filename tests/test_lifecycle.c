/*
 * Unit tests for lifecycle.c: every cell of the transition table (state x
 * operation x role) allowed or refused, unit visibility, the notify hook
 * inside the transaction, late returns (Art. 17), extension limits (Art.
 * 18), the overdue scan with the movable clock, the knowledge-base
 * matcher, and the same-matter checks of Art. 14 and 23(8); the office
 * classifying an unclassified case (due from receipt, labels, errors).
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
#include <unistd.h>

#include "category.h"
#include "commit.h"
#include "crypto.h"
#include "deadline.h"
#include "lifecycle.h"
#include "log.h"
#include "testdb.h"
#include "store.h"
#include "util.h"
#include "testclock.h"

#define NUM	"13800138001"
#define NUM2	"13800138002"
/* 2026-11-26 10:00:00 +08:00, a Thursday, in ms */
#define T0	(INT64_C(1795658400) * 1000)
#define HOUR	(INT64_C(3600) * 1000)
#define DAY	(INT64_C(86400) * 1000)
#define CAL_DATE_LEN_T	11

struct fixture {
	char		 dir[64];
	char		 path[128];
	struct crypto	*crypto;
	struct store	*st;
};

static const struct lc_actor office = { LC_ROLE_OFFICE, "wang", NULL };
static const struct lc_actor sys = { LC_ROLE_SYSTEM, "test", NULL };
static const struct lc_actor lead = { LC_ROLE_UNIT, "li", "cgj" };
static const struct lc_actor co = { LC_ROLE_UNIT, "zhao", "hbj" };
static const struct lc_actor other = { LC_ROLE_UNIT, "qian", "jtj" };
static const struct lc_actor auditor = { LC_ROLE_AUDITOR, "audit", NULL };

/* The daemon's deadline rule on a calendar of weekdays only (heyuan). */
static int
due_weekdays(void *arg, const char *category, int64_t received_at,
    char *due, size_t len)
{
	char	d[CAL_DATE_LEN_T];
	int	c = category_from_name(category);

	(void)arg;
	if (c == -1 || len < sizeof(d) || deadline_due(NULL,
	    CONF_PROFILE_HEYUAN, c, 10, (time_t)(received_at / 1000), d) == -1)
		return -1;
	strlcpy(due, d, len);
	return 0;
}

static int
setup(void **state)
{
	struct fixture	*f;
	uint8_t		 key[CRYPTO_KEYFILE_LEN];
	char		 err[256];

	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	f = calloc(1, sizeof(*f));
	if (testdb_make("test_lifecycle", f->dir, sizeof(f->dir), f->path,
	    sizeof(f->path)) == -1)
		return -1;
	memset(key, 0x3c, sizeof(key));
	f->crypto = crypto_new(key);
	if ((f->st = store_open(f->path, f->crypto, NULL, err,
	    sizeof(err))) == NULL)
		return -1;
	if (store_unit_add(f->st, "cgj", "城管局", "0762-1111111", T0) != 0 ||
	    store_unit_add(f->st, "hbj", "环保局", NULL, T0) != 0 ||
	    store_unit_add(f->st, "jtj", "交通局", NULL, T0) != 0)
		return -1;
	lifecycle_set_notify(NULL, NULL);
	lifecycle_set_workdays(NULL, NULL);
	lifecycle_set_help_limit(LC_HELP_CATEGORY, LC_HELP_MAX_DAYS);
	lifecycle_set_due(due_weekdays, NULL);
	TEST_CLOCK_SET(0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	store_close(f->st);
	crypto_free(f->crypto);
	testdb_remove(f->dir, f->path);
	free(f);
	TEST_CLOCK_SET(0);
	return 0;
}

static int64_t
add_case_cat(struct store *st, const char *from, const char *cat,
    const char *text, int64_t at, const char *due)
{
	struct store_case_new	c;
	char			number[STORE_CASE_NUMBER_MAX];
	int64_t			id = 0;

	memset(&c, 0, sizeof(c));
	c.msisdn = from;
	c.category = cat;
	c.text = text;
	c.received_at = at;
	c.due = due;
	assert_int_equal(store_case_add(st, &c, &id, number), 0);
	return id;
}

static int64_t
add_case(struct store *st)
{
	return add_case_cat(st, NUM, "complaint", "楼下烧烤店噪音扰民", T0,
	    "2026-12-10");
}

static const char *
state_of(struct store *st, int64_t id)
{
	static char		 buf[32];
	struct store_case	 c;

	assert_int_equal(store_case_get(st, id, &c), 1);
	strlcpy(buf, c.state, sizeof(buf));
	store_case_clear(&c);
	return buf;
}

static enum lc_result
apply(struct store *st, int64_t id, enum lc_op op, const struct lc_args *a,
    const struct lc_actor *who, int64_t now)
{
	char		err[256];
	enum lc_result	r;

	/* one unit of work in a transaction of its own, as a tool would */
	assert_int_equal(commit_txn_begin(st), 0);
	r = lifecycle_apply(st, id, op, a, who, now, err, sizeof(err));
	if (commit_txn_end(st, r != LC_ERROR) == -1 && r != LC_ERROR)
		r = LC_ERROR;
	if (r != LC_OK) {
		assert_true(err[0] != '\0');
		assert_null(strstr(err, "0013800"));	/* no number */
	}
	return r;
}

static void
dispatch(struct store *st, int64_t id, int64_t now)
{
	static const char *const cos[] = { "hbj" };
	struct lc_args	a = { .unit = "cgj", .co = cos, .nco = 1 };

	assert_int_equal(apply(st, id, LC_OP_DISPATCH, &a, &office, now),
	    LC_OK);
}

/*
 * The table as lifecycle.h documents it, written again here on purpose:
 * roles o(ffice) s(ystem) l(ead) c(o-unit); "=" keeps the state; "*"
 * closes (final after re-handling).
 */
static const struct {
	enum lc_op	 op;
	const char	*from;
	const char	*roles;
	const char	*to;
} expect[] = {
	{ LC_OP_ANSWER, "registered returned rehandling", "os", "*" },
	{ LC_OP_APPROVAL, "registered returned", "o", "pending_approval" },
	{ LC_OP_DISPATCH, "registered returned pending_approval replied", "o",
	    "dispatched" },
	{ LC_OP_DISPATCH, "rehandling", "o", "=" },
	{ LC_OP_RETURN, "dispatched rehandling", "lo", "returned" },
	{ LC_OP_EXTEND, "dispatched rehandling", "o", "=" },
	{ LC_OP_REPLY, "dispatched rehandling", "l", "replied" },
	{ LC_OP_NOTE, "registered pending_approval dispatched returned "
	    "replied rehandling", "olc", "=" },
	{ LC_OP_SUPERVISE, "registered pending_approval dispatched returned "
	    "replied rehandling answered closed", "os", "=" },
	{ LC_OP_CLOSE, "dispatched replied rehandling", "o", "*" },
	{ LC_OP_REOPEN, "answered closed", "os", "rehandling" },
	{ LC_OP_CLASSIFY, "registered pending_approval dispatched returned "
	    "replied rehandling", "o", "=" },
};

/* 1 when word is one of the space-separated words of list. */
static int
has_word(const char *list, const char *word)
{
	size_t	n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' ||
		    p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

static void
test_every_transition(void **state)
{
	struct fixture		*f = *state;
	static const struct lc_actor *const who[] = { &office, &sys, &lead,
		&co, &auditor };
	static const char	 rolech[] = "oslca";
	static const char *const cos[] = { "hbj" };
	struct store_case_change ch;
	struct lc_args		 a;
	enum lc_result		 r;
	const char		*from, *want;
	char			 hist[64];
	size_t			 e;
	int			 s, op, w, allowed, ok = 0, refused = 0;
	int64_t			 id;

	for (s = 0; s < LC_S_MAX; s++)
	for (op = 0; op < LC_OP_MAX; op++)
	for (w = 0; w < (int)nitems(who); w++) {
		from = lifecycle_strstate(s);
		id = add_case(f->st);
		dispatch(f->st, id, T0);	/* units assigned */
		memset(&ch, 0, sizeof(ch));
		ch.from = "dispatched";
		ch.to = from;
		ch.supervised = -1;
		ch.closed_at = lifecycle_is_closed(s) ? T0 + HOUR : -1;
		ch.rehandled = s == LC_S_REHANDLING || s == LC_S_FINAL;
		ch.result = s == LC_S_REPLIED ? "unit result" : NULL;
		ch.at = T0;
		assert_int_equal(store_case_change(f->st, id, &ch), 1);

		memset(&a, 0, sizeof(a));
		a.text = "理由 text";
		a.unit = "cgj";
		a.co = cos;
		a.nco = 1;
		a.approval = "副市长同意";
		a.due = "2026-12-11";
		a.supervision = LC_SUP_OTHER;
		a.category = "help";	/* the case is a complaint */

		allowed = 0;
		want = NULL;
		for (e = 0; e < nitems(expect); e++)
			if ((int)expect[e].op == op &&
			    has_word(expect[e].from, from)) {
				want = expect[e].to;
				allowed = strchr(expect[e].roles,
				    rolech[w]) != NULL;
				break;
			}
		r = apply(f->st, id, op, &a, who[w], T0 + 2 * HOUR);
		snprintf(hist, sizeof(hist), "%s %s by %c", from,
		    lifecycle_strop(op), rolech[w]);
		if (want == NULL) {
			if (r != LC_BAD_STATE)
				fail_msg("%s: %s, want bad-state", hist,
				    lifecycle_strresult(r));
			refused++;
		} else if (!allowed) {
			if (r != LC_FORBIDDEN)
				fail_msg("%s: %s, want forbidden", hist,
				    lifecycle_strresult(r));
			refused++;
		} else {
			if (r != LC_OK)
				fail_msg("%s: %s, want ok", hist,
				    lifecycle_strresult(r));
			if (strcmp(want, "=") == 0)
				want = from;
			else if (strcmp(want, "*") == 0)
				want = s == LC_S_REHANDLING ? "final" :
				    op == LC_OP_ANSWER ? "answered" : "closed";
			if (strcmp(state_of(f->st, id), want) != 0)
				fail_msg("%s: now %s, want %s", hist,
				    state_of(f->st, id), want);
			ok++;
		}
		/* the pure table agrees */
		assert_int_equal(lifecycle_next(s, op, who[w]->role,
		    who[w] == &lead ? STORE_UNIT_LEAD : who[w] == &co ?
		    STORE_UNIT_CO : 0, NULL) != -1, want != NULL && allowed);
	}
	assert_int_equal(ok + refused, LC_S_MAX * LC_OP_MAX * 5);
	assert_true(ok > 40);
}

/* The category, due date and supervision of a case. */
static void
expect_case(struct store *st, int64_t id, const char *cat, const char *due,
    int supervised)
{
	struct store_case	c;

	assert_int_equal(store_case_get(st, id, &c), 1);
	assert_string_equal(c.category, cat);
	assert_string_equal(c.due, due);
	assert_int_equal(c.supervised, supervised);
	store_case_clear(&c);
}

static int	classified_seen;

static int
count_classify(void *arg, struct store *st, const struct store_case *c,
    const struct lc_event *ev)
{
	(void)arg;
	(void)st;
	if (ev->op == LC_OP_CLASSIFY) {
		classified_seen++;
		/* the hook sees the case as classified, due from receipt */
		assert_string_equal(c->category, "complaint");
		assert_string_equal(c->due, "2026-12-10");
	}
	return 0;
}

static void
test_classify(void **state)
{
	struct fixture		*f = *state;
	struct store_history	 h;
	struct store_label	 l[4];
	struct store_case	 c;
	struct lc_args		 a;
	int64_t			 id, bad;
	int			 n;

	/* received Thursday 2026-11-26 10:00, to be classified by Friday */
	id = add_case_cat(f->st, NUM, "unclassified", "我想反映一下情况",
	    T0, "2026-11-27");
	memset(&a, 0, sizeof(a));
	lifecycle_set_notify(count_classify, NULL);
	classified_seen = 0;
	/* a person decides first: no dispatch, approval or answer before */
	a.unit = "cgj";
	assert_int_equal(apply(f->st, id, LC_OP_DISPATCH, &a, &office, T0),
	    LC_BAD_STATE);
	a.text = "已答复";
	assert_int_equal(apply(f->st, id, LC_OP_ANSWER, &a, &office, T0),
	    LC_BAD_STATE);
	assert_int_equal(apply(f->st, id, LC_OP_APPROVAL, &a, &office, T0),
	    LC_BAD_STATE);
	/* classified four days later (Monday): due counted from receipt */
	memset(&a, 0, sizeof(a));
	a.category = "complaint";
	a.text = "反映噪音扰民，属投诉";
	assert_int_equal(apply(f->st, id, LC_OP_CLASSIFY, &a, &office,
	    T0 + 4 * DAY), LC_OK);
	assert_int_equal(classified_seen, 1);
	lifecycle_set_notify(NULL, NULL);
	expect_case(f->st, id, "complaint", "2026-12-10", 0);
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_null(c.due_original);		/* no extension: none */
	assert_string_equal(c.state, "registered");
	store_case_clear(&c);
	/* audited, with the label's before and after */
	assert_int_equal(store_case_history(f->st, id, &h), 0);
	assert_int_equal(h.naudit, 1);
	assert_string_equal(h.audit[0].kind, "case.classify");
	assert_string_equal(h.audit[0].actor, "office:wang");
	assert_non_null(strstr(h.audit[0].text, "\"category\":\"complaint\""));
	assert_non_null(strstr(h.audit[0].text,
	    "\"previous\":\"unclassified\""));
	assert_non_null(strstr(h.audit[0].text, "\"due\":\"2026-12-10\""));
	store_history_clear(&h);
	/* a labelled example */
	assert_int_equal(store_label_export(f->st, 0, l, 4), 1);
	assert_string_equal(l[0].category, "complaint");
	assert_string_equal(l[0].previous, "unclassified");
	assert_string_equal(l[0].actor, "office:wang");
	assert_string_equal(l[0].text, "我想反映一下情况");
	store_label_clear(l, 1);

	/* reclassified: due again from receipt; one label per case out */
	a.category = "consultation";
	a.text = NULL;
	assert_int_equal(apply(f->st, id, LC_OP_CLASSIFY, &a, &office,
	    T0 + 5 * DAY), LC_OK);
	expect_case(f->st, id, "consultation", "2026-11-30", 0);
	assert_int_equal((n = store_label_export(f->st, 0, l, 4)), 1);
	assert_string_equal(l[0].category, "consultation");
	assert_string_equal(l[0].previous, "complaint");
	store_label_clear(l, 1);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
}

static void
test_classify_errors(void **state)
{
	struct fixture	*f = *state;
	struct lc_args	 a;
	char		 err[256];
	int64_t		 id, closed;

	id = add_case_cat(f->st, NUM, "unclassified", "说不清", T0,
	    "2026-11-27");
	memset(&a, 0, sizeof(a));
	/* no category, an unknown one, unclassified itself */
	assert_int_equal(lifecycle_apply(f->st, id, LC_OP_CLASSIFY, &a,
	    &office, T0, err, sizeof(err)), LC_INVALID);
	assert_non_null(strstr(err, "unknown category"));
	a.category = "Complaint";
	assert_int_equal(lifecycle_apply(f->st, id, LC_OP_CLASSIFY, &a,
	    &office, T0, err, sizeof(err)), LC_INVALID);
	assert_non_null(strstr(err, "unknown category 'Complaint'"));
	a.category = "unclassified";
	assert_int_equal(lifecycle_apply(f->st, id, LC_OP_CLASSIFY, &a,
	    &office, T0, err, sizeof(err)), LC_INVALID);
	assert_non_null(strstr(err, "not unclassified"));
	/* a blank reason */
	a.category = "help";
	a.text = "   ";
	assert_int_equal(apply(f->st, id, LC_OP_CLASSIFY, &a, &office, T0),
	    LC_INVALID);
	a.text = NULL;
	/* units and the system do not classify */
	assert_int_equal(apply(f->st, id, LC_OP_CLASSIFY, &a, &sys, T0),
	    LC_FORBIDDEN);
	/* without a deadline rule nothing is promised */
	lifecycle_set_due(NULL, NULL);
	assert_int_equal(apply(f->st, id, LC_OP_CLASSIFY, &a, &office, T0),
	    LC_INVALID);
	lifecycle_set_due(due_weekdays, NULL);
	/* an unknown case */
	assert_int_equal(apply(f->st, id + 100, LC_OP_CLASSIFY, &a, &office,
	    T0), LC_NOT_FOUND);
	/* classified, then the same category again: a confirmation */
	assert_int_equal(apply(f->st, id, LC_OP_CLASSIFY, &a, &office, T0),
	    LC_OK);
	expect_case(f->st, id, "help", "2026-12-01", 0);
	lifecycle_set_due(NULL, NULL);	/* no count: no rule needed */
	assert_int_equal(apply(f->st, id, LC_OP_CLASSIFY, &a, &office,
	    T0 + DAY), LC_OK);
	lifecycle_set_due(due_weekdays, NULL);
	expect_case(f->st, id, "help", "2026-12-01", 0);
	/* a closed case */
	closed = add_case(f->st);
	dispatch(f->st, closed, T0);
	a.text = "结果";
	assert_int_equal(apply(f->st, closed, LC_OP_CLOSE, &a, &office, T0),
	    LC_OK);
	a.text = NULL;
	assert_int_equal(lifecycle_apply(f->st, closed, LC_OP_CLASSIFY, &a,
	    &office, T0, err, sizeof(err)), LC_BAD_STATE);
	assert_non_null(strstr(err, "it is closed"));
	/* nothing of the refused ones left a label; the confirmation did */
	{
		struct store_label	l[4];
		struct store_history	h;

		assert_int_equal(store_label_export(f->st, 0, l, 4), 1);
		assert_string_equal(l[0].previous, "help");
		store_label_clear(l, 1);
		assert_int_equal(store_case_history(f->st, id, &h), 0);
		assert_int_equal(h.naudit, 2);
		assert_non_null(strstr(h.audit[1].text, "\"confirmed\":true"));
		assert_null(strstr(h.audit[0].text, "confirmed"));
		store_history_clear(&h);
	}
}

#ifdef HOTLINED_TEST_CLOCK
static void
test_classify_extended_overdue(void **state)
{
	struct fixture		*f = *state;
	struct store_label	 l[4];
	struct store_case	 c;
	struct lc_args		 a;
	int64_t			 id, id2, real;

	/* an extended complaint reclassified as help: the extension stays */
	id = add_case_cat(f->st, NUM, "complaint", "路灯不亮", T0,
	    "2026-12-10");
	dispatch(f->st, id, T0);
	memset(&a, 0, sizeof(a));
	a.due = "2026-12-17";
	a.text = "需协调供电部门";
	assert_int_equal(apply(f->st, id, LC_OP_EXTEND, &a, &office, T0 + DAY),
	    LC_OK);
	memset(&a, 0, sizeof(a));
	a.category = "help";
	assert_int_equal(apply(f->st, id, LC_OP_CLASSIFY, &a, &office,
	    T0 + 2 * DAY), LC_OK);
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_string_equal(c.due, "2026-12-17");
	assert_string_equal(c.due_original, "2026-12-01");
	store_case_clear(&c);

	/* unclassified past its day: supervised as overdue by the scan */
	real = (int64_t)clock_now_ms();
	/* Monday 11-30 */
	TEST_CLOCK_SET((T0 + 4 * DAY - real) / 1000);
	id2 = add_case_cat(f->st, NUM2, "unclassified", "有个事", T0,
	    "2026-11-27");
	assert_int_equal(lifecycle_overdue_scan(f->st,
	    (int64_t)clock_now_ms(), NULL, NULL), 1);
	expect_case(f->st, id2, "unclassified", "2026-11-27", 1);
	/* classified: its new due is ahead, the overdue supervision ends */
	a.category = "suggestion";
	assert_int_equal(apply(f->st, id2, LC_OP_CLASSIFY, &a, &office,
	    (int64_t)clock_now_ms()), LC_OK);
	expect_case(f->st, id2, "suggestion", "2026-12-10", 0);
	/* a confidential case's text is no exported example (Art. 19) */
	{
		struct store_case_new	cn;
		char			num[STORE_CASE_NUMBER_MAX];
		int64_t			id3;

		memset(&cn, 0, sizeof(cn));
		cn.msisdn = NUM2;
		cn.category = "unclassified";
		cn.text = "保密 举报某单位";
		cn.confidential = 1;
		cn.received_at = T0;
		cn.due = "2026-11-27";
		assert_int_equal(store_case_add(f->st, &cn, &id3, num), 0);
		a.category = "complaint";
		assert_int_equal(apply(f->st, id3, LC_OP_CLASSIFY, &a,
		    &office, (int64_t)clock_now_ms()), LC_OK);
	}
	assert_int_equal(store_label_export(f->st, 0, l, 4), 2);
	assert_string_equal(l[0].text, "路灯不亮");
	assert_string_equal(l[1].text, "有个事");
	store_label_clear(l, 2);
}
#endif

/* Art. 23(8) counted again once a person has set the category. */
static void
test_classify_repeated(void **state)
{
	struct fixture		*f = *state;
	struct store_case	 c;
	struct lc_args		 a;
	int64_t			 id, id2;

	add_case_cat(f->st, NUM, "complaint", "楼下烧烤店噪音扰民，晚上吵",
	    T0 - 2 * DAY, "2026-12-08");
	add_case_cat(f->st, NUM, "complaint", "楼下烧烤店噪音扰民，还在吵",
	    T0 - DAY, "2026-12-09");
	id = add_case_cat(f->st, NUM, "unclassified", "楼下烧烤店噪音扰民，又吵",
	    T0, "2026-11-27");
	id2 = add_case_cat(f->st, NUM2, "unclassified", "楼下烧烤店噪音扰民",
	    T0, "2026-11-27");
	memset(&a, 0, sizeof(a));
	/* another category: nothing to count */
	a.category = "suggestion";
	assert_int_equal(apply(f->st, id, LC_OP_CLASSIFY, &a, &office,
	    T0 + HOUR), LC_OK);
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_int_equal(c.flags & STORE_CF_REPEATED, 0);
	store_case_clear(&c);
	/* the third complaint on the same unresolved matter */
	a.category = "complaint";
	assert_int_equal(apply(f->st, id, LC_OP_CLASSIFY, &a, &office,
	    T0 + 2 * HOUR), LC_OK);
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_int_equal(c.flags & STORE_CF_REPEATED, STORE_CF_REPEATED);
	store_case_clear(&c);
	/* another citizen's first one is no repeat */
	assert_int_equal(apply(f->st, id2, LC_OP_CLASSIFY, &a, &office,
	    T0 + 2 * HOUR), LC_OK);
	assert_int_equal(store_case_get(f->st, id2, &c), 1);
	assert_int_equal(c.flags & STORE_CF_REPEATED, 0);
	store_case_clear(&c);
}

/* Masking digit runs for export: exact, and safe on hostile bytes. */
static void
test_mask_digits(void **state)
{
	static const struct {
		const char	*in, *want;
	} t[] = {
		{ "", "" },
		{ "电话13800138000", "电话***********" },
		{ "123456 1234567", "123456 *******" },	/* 6 kept, 7 masked */
		{ "１３８００１３８０００呀", "***********呀" },
		{ "13８001３8000", "***********" },	/* mixed widths */
		{ "2026年12月10日 110 12345", "2026年12月10日 110 12345" },
		/* a cut full-width sequence */
		{ "1234567\xef\xbc", "*******\xef\xbc" },
		{ "\xef\xbc\x99\xef\xbc", "\xef\xbc\x99\xef\xbc" },
		{ "\xff\xfe" "123456789", "\xff\xfe*********" },
		{ "\xef\xbc\x8f" "1234567", "\xef\xbc\x8f*******" }, /* ／ */
	};
	char	*m;
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		m = lc_mask_digits(t[i].in);
		if (strcmp(m, t[i].want) != 0)
			fail_msg("%zu: \"%s\" -> \"%s\", want \"%s\"", i,
			    t[i].in, m, t[i].want);
		assert_true(strlen(m) <= strlen(t[i].in));
		free(m);
	}
}

static void
test_audit_per_transition(void **state)
{
	struct fixture		*f = *state;
	struct store_history	 h;
	struct lc_args		 a;
	int64_t			 id, bad;

	id = add_case(f->st);
	dispatch(f->st, id, T0);
	memset(&a, 0, sizeof(a));
	a.text = "已责令店家整改\"噪音\"";
	assert_int_equal(apply(f->st, id, LC_OP_REPLY, &a, &lead, T0 + DAY),
	    LC_OK);
	a.text = NULL;		/* close with the unit's reply */
	assert_int_equal(apply(f->st, id, LC_OP_CLOSE, &a, &office,
	    T0 + DAY + HOUR), LC_OK);
	/* a refused operation writes nothing */
	assert_int_equal(apply(f->st, id, LC_OP_CLOSE, &a, &office,
	    T0 + 2 * DAY), LC_BAD_STATE);
	assert_int_equal(store_case_history(f->st, id, &h), 0);
	assert_int_equal(h.naudit, 3);
	assert_string_equal(h.audit[0].kind, "case.dispatch");
	assert_string_equal(h.audit[0].actor, "office:wang");
	assert_non_null(strstr(h.audit[0].text, "\"unit\":\"cgj\""));
	assert_non_null(strstr(h.audit[0].text, "\"co\":\"hbj\""));
	assert_string_equal(h.audit[1].kind, "case.reply");
	assert_string_equal(h.audit[1].actor, "unit:cgj/li");
	assert_non_null(strstr(h.audit[1].text, "\\\"噪音\\\""));
	assert_string_equal(h.audit[2].kind, "case.close");
	assert_non_null(strstr(h.audit[2].text, "\"to\":\"closed\""));
	store_history_clear(&h);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
}

static void
test_unit_visibility(void **state)
{
	struct fixture	*f = *state;
	struct lc_args	 a;
	int64_t		 id, id2;

	id = add_case(f->st);
	id2 = add_case(f->st);
	assert_int_equal(lifecycle_can_see(f->st, id, "cgj"), 0);
	dispatch(f->st, id, T0);
	assert_int_equal(lifecycle_can_see(f->st, id, "cgj"), 1);
	assert_int_equal(lifecycle_can_see(f->st, id, "hbj"), 1);
	assert_int_equal(lifecycle_can_see(f->st, id, "jtj"), 0);
	assert_int_equal(lifecycle_can_see(f->st, id2, "cgj"), 0);
	memset(&a, 0, sizeof(a));
	a.text = "x";
	/* another unit's case does not exist for it */
	assert_int_equal(apply(f->st, id, LC_OP_NOTE, &a, &other, T0),
	    LC_NOT_FOUND);
	assert_int_equal(apply(f->st, id2, LC_OP_NOTE, &a, &lead, T0),
	    LC_NOT_FOUND);
	assert_int_equal(apply(f->st, 9999, LC_OP_NOTE, &a, &office, T0),
	    LC_NOT_FOUND);
	/* a co-unit may note, not reply, return or extend */
	assert_int_equal(apply(f->st, id, LC_OP_NOTE, &a, &co, T0), LC_OK);
	assert_int_equal(apply(f->st, id, LC_OP_REPLY, &a, &co, T0),
	    LC_FORBIDDEN);
	assert_int_equal(apply(f->st, id, LC_OP_RETURN, &a, &co, T0),
	    LC_FORBIDDEN);
	/* after a return nobody but the office sees it */
	assert_int_equal(apply(f->st, id, LC_OP_RETURN, &a, &lead, T0 + HOUR),
	    LC_OK);
	assert_int_equal(lifecycle_can_see(f->st, id, "cgj"), 0);
	assert_int_equal(lifecycle_can_see(f->st, id, "hbj"), 0);
	/* re-dispatched elsewhere: only the new unit */
	{
		struct lc_args	d = { .unit = "jtj" };

		assert_int_equal(apply(f->st, id, LC_OP_DISPATCH, &d, &office,
		    T0 + 2 * HOUR), LC_OK);
	}
	assert_int_equal(lifecycle_can_see(f->st, id, "jtj"), 1);
	assert_int_equal(lifecycle_can_see(f->st, id, "cgj"), 0);
	assert_int_equal(apply(f->st, id, LC_OP_NOTE, &a, &lead, T0),
	    LC_NOT_FOUND);
}

static void
test_dispatch_args(void **state)
{
	struct fixture		*f = *state;
	static const char *const twice[] = { "hbj", "hbj" };
	static const char *const self[] = { "cgj" };
	static const char *const unknown[] = { "nope" };
	struct lc_args		 a;
	struct store_case	 c;
	int64_t			 id;

	id = add_case(f->st);
	memset(&a, 0, sizeof(a));
	assert_int_equal(apply(f->st, id, LC_OP_DISPATCH, &a, &office, T0),
	    LC_INVALID);
	a.unit = "nope";
	assert_int_equal(apply(f->st, id, LC_OP_DISPATCH, &a, &office, T0),
	    LC_INVALID);
	a.unit = "cgj";
	a.co = twice;
	a.nco = 2;
	assert_int_equal(apply(f->st, id, LC_OP_DISPATCH, &a, &office, T0),
	    LC_INVALID);
	a.co = self;
	a.nco = 1;
	assert_int_equal(apply(f->st, id, LC_OP_DISPATCH, &a, &office, T0),
	    LC_INVALID);
	a.co = unknown;
	assert_int_equal(apply(f->st, id, LC_OP_DISPATCH, &a, &office, T0),
	    LC_INVALID);
	a.nco = 0;
	a.due = "2026-02-30";
	assert_int_equal(apply(f->st, id, LC_OP_DISPATCH, &a, &office, T0),
	    LC_INVALID);
	assert_string_equal(state_of(f->st, id), "registered");
	/* Art. 12: a case pending approval needs the approval */
	a.due = NULL;
	a.text = "拟由城管局牵头";
	assert_int_equal(apply(f->st, id, LC_OP_APPROVAL, &a, &office, T0),
	    LC_OK);
	assert_int_equal(apply(f->st, id, LC_OP_DISPATCH, &a, &office, T0),
	    LC_INVALID);
	a.approval = "同意 (副市长)";
	assert_int_equal(apply(f->st, id, LC_OP_DISPATCH, &a, &office, T0),
	    LC_OK);
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_string_equal(c.state, "dispatched");
	assert_string_equal(c.unit, "cgj");
	assert_int_equal(c.dispatched_at, T0);
	store_case_clear(&c);
	/* texts: blank and oversized refused */
	a.text = "   ";
	assert_int_equal(apply(f->st, id, LC_OP_NOTE, &a, &office, T0),
	    LC_INVALID);
	{
		char	*big = malloc(LC_TEXT_MAX + 2);

		memset(big, 'x', LC_TEXT_MAX + 1);
		big[LC_TEXT_MAX + 1] = '\0';
		a.text = big;
		assert_int_equal(apply(f->st, id, LC_OP_NOTE, &a, &office,
		    T0), LC_INVALID);
		free(big);
	}
	/* supervision needs a reason */
	memset(&a, 0, sizeof(a));
	assert_int_equal(apply(f->st, id, LC_OP_SUPERVISE, &a, &office, T0),
	    LC_INVALID);
	a.supervision = LC_SUP_LEADER;
	assert_int_equal(apply(f->st, id, LC_OP_SUPERVISE, &a, &office, T0),
	    LC_OK);
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_int_equal(c.supervised, 1);
	assert_string_equal(c.supervision, "leader-instruction");
	store_case_clear(&c);
}

/* Working days of a calendar where Friday 2026-11-27 is a holiday. */
static int
holiday_fri(void *arg, const char *from, const char *to)
{
	int	n;

	(void)arg;
	n = lifecycle_weekdays(NULL, from, to);
	if (n > 0 && strcmp(from, "2026-11-27") < 0 &&
	    strcmp(to, "2026-11-27") >= 0)
		n--;
	return n;
}

static void
test_late_return(void **state)
{
	struct fixture		*f = *state;
	struct store_history	 h;
	struct store_case	 c;
	struct lc_args		 a = { .text = "不属于本单位职责" };
	int64_t			 id;

	assert_int_equal(lifecycle_weekdays(NULL, "2026-11-26", "2026-11-26"),
	    0);
	assert_int_equal(lifecycle_weekdays(NULL, "2026-11-27", "2026-11-30"),
	    1);
	assert_int_equal(lifecycle_weekdays(NULL, "2026-11-26", "2026-12-03"),
	    5);
	assert_int_equal(lifecycle_weekdays(NULL, "2026-11-26", "bad"), -1);

	/* Thursday -> Friday: within 1 working day */
	id = add_case(f->st);
	dispatch(f->st, id, T0);
	assert_int_equal(apply(f->st, id, LC_OP_RETURN, &a, &lead,
	    T0 + DAY + 7 * HOUR), LC_OK);
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_int_equal(c.late_returns, 0);
	assert_null(c.unit);
	store_case_clear(&c);

	/* Thursday -> Monday: Friday and Monday, late */
	id = add_case(f->st);
	dispatch(f->st, id, T0);
	assert_int_equal(apply(f->st, id, LC_OP_RETURN, &a, &lead,
	    T0 + 4 * DAY), LC_OK);
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_int_equal(c.late_returns, 1);
	store_case_clear(&c);
	assert_int_equal(store_case_history(f->st, id, &h), 0);
	assert_non_null(strstr(h.audit[h.naudit - 1].text, "\"late\":true"));
	store_history_clear(&h);

	/* Friday -> Monday over a weekend: in time */
	id = add_case(f->st);
	dispatch(f->st, id, T0 + DAY);
	assert_int_equal(apply(f->st, id, LC_OP_RETURN, &a, &lead,
	    T0 + 4 * DAY), LC_OK);
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_int_equal(c.late_returns, 0);
	store_case_clear(&c);

	/* with the calendar: Friday a holiday, Thursday -> Monday in time */
	lifecycle_set_workdays(holiday_fri, NULL);
	id = add_case(f->st);
	dispatch(f->st, id, T0);
	assert_int_equal(apply(f->st, id, LC_OP_RETURN, &a, &lead,
	    T0 + 4 * DAY), LC_OK);
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_int_equal(c.late_returns, 0);
	store_case_clear(&c);
}

static void
test_extension(void **state)
{
	struct fixture		*f = *state;
	struct store_case	 c;
	struct lc_args		 a;
	int64_t			 id;

	/* help, received Thursday, due in 3 working days (Tuesday) */
	id = add_case_cat(f->st, NUM, "help", "路灯不亮", T0, "2026-12-01");
	dispatch(f->st, id, T0);
	memset(&a, 0, sizeof(a));
	a.due = "2026-12-03";
	assert_int_equal(apply(f->st, id, LC_OP_EXTEND, &a, &office, T0 + DAY),
	    LC_INVALID);		/* no reason */
	a.text = "需协调供电部门";
	a.due = "2026-12-01";
	assert_int_equal(apply(f->st, id, LC_OP_EXTEND, &a, &office, T0 + DAY),
	    LC_INVALID);		/* not later */
	a.due = "2026-12-04";
	assert_int_equal(apply(f->st, id, LC_OP_EXTEND, &a, &office, T0 + DAY),
	    LC_INVALID);		/* 6 working days > 5 */
	a.due = "2026-12-03";
	assert_int_equal(apply(f->st, id, LC_OP_EXTEND, &a, &office, T0 + DAY),
	    LC_OK);			/* exactly 5 */
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_string_equal(c.due, "2026-12-03");
	assert_string_equal(c.due_original, "2026-12-01");
	assert_int_equal(c.extensions, 1);
	assert_string_equal(c.state, "dispatched");
	store_case_clear(&c);
	/* units ask the office (extension.c): neither extends itself */
	assert_int_equal(apply(f->st, id, LC_OP_EXTEND, &a, &co, T0 + DAY),
	    LC_FORBIDDEN);
	assert_int_equal(apply(f->st, id, LC_OP_EXTEND, &a, &lead, T0 + DAY),
	    LC_FORBIDDEN);

	/* after the deadline: refused (Art. 18 "before the limit expires") */
	id = add_case_cat(f->st, NUM, "complaint", "噪音", T0, "2026-12-10");
	dispatch(f->st, id, T0);
	a.due = "2026-12-24";
	assert_int_equal(apply(f->st, id, LC_OP_EXTEND, &a, &office,
	    T0 + 15 * DAY), LC_INVALID);
	/* on the due day itself still in time; complaints have no cap */
	assert_int_equal(apply(f->st, id, LC_OP_EXTEND, &a, &office,
	    T0 + 14 * DAY), LC_OK);
	a.due = "2027-01-29";
	assert_int_equal(apply(f->st, id, LC_OP_EXTEND, &a, &office,
	    T0 + 15 * DAY), LC_OK);
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_int_equal(c.extensions, 2);
	assert_string_equal(c.due_original, "2026-12-10");
	store_case_clear(&c);
	/* the Guangdong profile: no 5-day cap on help */
	lifecycle_set_help_limit("help", 0);
	id = add_case_cat(f->st, NUM, "help", "路灯不亮", T0, "2026-12-01");
	dispatch(f->st, id, T0);
	a.due = "2026-12-10";
	assert_int_equal(apply(f->st, id, LC_OP_EXTEND, &a, &office, T0),
	    LC_OK);
}

struct notified {
	int	n;
	int	fail;
	int	op;
	int	to;
	char	result[64];
};

/* The integrator's hook: queue the result SMS, record what was cut. */
static int
notify(void *arg, struct store *st, const struct store_case *c,
    const struct lc_event *ev)
{
	struct notified		*nt = arg;
	struct store_outbox_new	 o;

	nt->n++;
	nt->op = ev->op;
	nt->to = ev->to;
	if (ev->to != LC_S_CLOSED && ev->to != LC_S_ANSWERED &&
	    ev->to != LC_S_FINAL)
		return 0;
	strlcpy(nt->result, c->result, sizeof(nt->result));
	memset(&o, 0, sizeof(o));
	o.case_id = c->id;
	o.kind = "result";
	o.msisdn = NUM;
	o.source = "12345";
	o.text = c->result;
	if (store_outbox_add(st, &o, NULL) == -1 ||
	    store_case_set_result_cut(st, c->id, 7) == -1)
		return -1;
	return nt->fail;
}

static void
test_notify_in_transaction(void **state)
{
	struct fixture		*f = *state;
	struct notified		 nt;
	struct store_history	 h;
	struct store_case	 c;
	struct lc_args		 a = { .text = "已处理完毕" };
	int64_t			 id, bad;
	char			 err[256];

	memset(&nt, 0, sizeof(nt));
	lifecycle_set_notify(notify, &nt);
	id = add_case(f->st);
	dispatch(f->st, id, T0);
	assert_int_equal(nt.n, 1);
	/* the hook fails: nothing of the close remains */
	nt.fail = 1;
	assert_int_equal(apply(f->st, id, LC_OP_CLOSE, &a, &office, T0 + DAY),
	    LC_ERROR);
	assert_string_equal(state_of(f->st, id), "dispatched");
	assert_int_equal(store_case_history(f->st, id, &h), 0);
	assert_int_equal(h.naudit, 1);
	assert_int_equal(h.nout, 0);
	store_history_clear(&h);
	nt.fail = 0;
	assert_int_equal(apply(f->st, id, LC_OP_CLOSE, &a, &office, T0 + DAY),
	    LC_OK);
	assert_int_equal(nt.op, LC_OP_CLOSE);
	assert_int_equal(nt.to, LC_S_CLOSED);
	assert_string_equal(nt.result, "已处理完毕");
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_int_equal(c.result_cut, 7);
	assert_int_equal(c.closed_at, T0 + DAY);
	assert_int_equal(c.supervised, 0);
	store_case_clear(&c);
	assert_int_equal(store_case_history(f->st, id, &h), 0);
	assert_int_equal(h.nout, 1);
	assert_string_equal(h.out[0].kind, "result");
	assert_int_equal(h.out[0].state, STORE_OUT_QUEUED);
	store_history_clear(&h);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
	/* inside a caller's unit, a refusal leaves the unit alone */
	assert_int_equal(commit_txn_begin(f->st), 0);
	assert_int_equal(lifecycle_apply(f->st, id, LC_OP_CLOSE, &a, &office,
	    T0 + DAY, err, sizeof(err)), LC_BAD_STATE);
	assert_int_equal(commit_txn_end(f->st, 1), 0);
}

#ifdef HOTLINED_TEST_CLOCK
static void
test_overdue_scan(void **state)
{
	struct fixture		*f = *state;
	struct store_case	 c;
	struct store_case_filter flt;
	struct lc_args		 a = { .text = "结果" };
	int64_t			 real, now, id1, id2, id3, id4;

	/* the clock moved to Friday 2026-12-11 09:00 (+08:00) */
	real = (int64_t)clock_now_ms();
	TEST_CLOCK_SET((T0 + 15 * DAY - HOUR - real) / 1000);
	now = (int64_t)clock_now_ms();
	assert_true(now >= T0 + 15 * DAY - HOUR - 1000);

	id1 = add_case_cat(f->st, NUM, "complaint", "a", T0, "2026-12-10");
	id2 = add_case_cat(f->st, NUM, "complaint", "b", T0, "2026-12-11");
	id3 = add_case_cat(f->st, NUM, "complaint", "c", T0, "2026-12-01");
	id4 = add_case_cat(f->st, NUM, "complaint", "d", T0, "2026-12-01");
	dispatch(f->st, id1, T0);
	dispatch(f->st, id3, T0);
	dispatch(f->st, id4, T0);
	assert_int_equal(apply(f->st, id3, LC_OP_CLOSE, &a, &office, T0 + DAY),
	    LC_OK);
	assert_int_equal(apply(f->st, id4, LC_OP_REPLY, &a, &lead, T0 + DAY),
	    LC_OK);

	/* id1 at its unit, id4 replied and left by the office: both */
	assert_int_equal(lifecycle_overdue_scan(f->st, now, NULL, NULL), 2);
	assert_int_equal(store_case_get(f->st, id1, &c), 1);
	assert_int_equal(c.supervised, 1);
	assert_string_equal(c.supervision, "overdue");
	store_case_clear(&c);
	assert_int_equal(store_case_get(f->st, id4, &c), 1);
	assert_int_equal(c.supervised, 1);
	assert_string_equal(c.supervision, "overdue");
	assert_string_equal(c.state, "replied");
	store_case_clear(&c);
	assert_int_equal(store_case_get(f->st, id3, &c), 1);
	assert_int_equal(c.supervised, 0);	/* closed: never */
	store_case_clear(&c);
	assert_int_equal(store_case_get(f->st, id2, &c), 1);
	assert_int_equal(c.supervised, 0);	/* due today: not yet */
	store_case_clear(&c);
	/* once only */
	assert_int_equal(lifecycle_overdue_scan(f->st, now, NULL, NULL), 0);
	/* the next day the second one */
	TEST_CLOCK_SET((T0 + 16 * DAY - real) / 1000);
	assert_int_equal(lifecycle_overdue_scan(f->st,
	    (int64_t)clock_now_ms(), NULL, NULL), 1);
	store_case_filter_init(&flt);
	flt.supervised = 1;
	assert_int_equal(store_case_search(f->st, &flt, &c, 1), 1);
	assert_int_equal(c.id, id4);		/* newest first */
	store_case_clear(&c);
	assert_int_equal(store_case_get(f->st, id2, &c), 1);
	assert_int_equal(c.supervised, 1);
	store_case_clear(&c);
}
#endif

/* The audit events of a case whose action is action. */
static int
audit_count(struct store *st, int64_t id, const char *action)
{
	struct store_history	h;
	size_t			i;
	int			n = 0;

	assert_int_equal(store_case_history(st, id, &h), 0);
	for (i = 0; i < h.naudit; i++)
		if (strcmp(h.audit[i].kind, action) == 0)
			n++;
	store_history_clear(&h);
	return n;
}

/*
 * The overdue scan in slices (issue 17): more cases than a slice, many
 * due the same day (the cursor's tie on id), a restart after two slices;
 * every case due is supervised exactly once, none that is not due.
 */
static void
test_overdue_slices(void **state)
{
	struct fixture		*f = *state;
	struct lc_overdue	 o;
	struct store_case	 c;
	char			 err[256], due[16];
	int64_t			 ids[160];
	int			 i, n, total = 0, slices = 0;

	assert_int_equal(commit_txn_begin(f->st), 0);
	for (i = 0; i < (int)nitems(ids); i++) {
		/* 100 due 11-20, 40 on 11-21..11-25, 20 not due yet */
		if (i < 100)
			strlcpy(due, "2026-11-20", sizeof(due));
		else
			snprintf(due, sizeof(due), "2026-%s-%02d", i < 140 ?
			    "11" : "12", i < 140 ? 21 + i % 5 : 1 + i % 9);
		ids[i] = add_case_cat(f->st, NUM, "complaint", "x", T0 - DAY,
		    due);
	}
	assert_int_equal(commit_txn_end(f->st, 1), 0);
	/* two slices of 16, each its own unit, then a restart */
	assert_int_equal(lifecycle_overdue_begin(&o, T0), 0);
	o.budget_us = -1;	/* slices by count, never cut short by time */
	for (i = 0; i < 2; i++) {
		assert_int_equal(commit_txn_begin(f->st), 0);
		n = lifecycle_overdue_slice(f->st, &o, 16, NULL, NULL);
		assert_int_equal(commit_txn_end(f->st, n != -1), 0);
		assert_int_equal(n, 16);
		total += n;
	}
	assert_false(o.done);
	store_close(f->st);
	f->st = store_open(f->path, f->crypto, NULL, err, sizeof(err));
	assert_non_null(f->st);
	/* a scan begun afresh finds the rest, leaves the first 32 alone */
	assert_int_equal(lifecycle_overdue_begin(&o, T0), 0);
	o.budget_us = -1;
	while (!o.done) {
		assert_true(++slices <= 20);
		assert_int_equal(commit_txn_begin(f->st), 0);
		n = lifecycle_overdue_slice(f->st, &o, 16, NULL, NULL);
		assert_int_equal(commit_txn_end(f->st, n != -1), 0);
		assert_true(n >= 0 && n <= 16);
		total += n;
	}
	/* the 108 left, 16 a slice: the 32 supervised are not read again */
	assert_int_equal(slices, 108 / 16 + 1);
	assert_int_equal(total, 140);
	assert_int_equal(o.count, 140 - 32);
	for (i = 0; i < (int)nitems(ids); i++) {
		assert_int_equal(audit_count(f->st, ids[i], "case.supervise"),
		    i < 140);
		assert_int_equal(store_case_get(f->st, ids[i], &c), 1);
		assert_int_equal(c.supervised, i < 140);
		store_case_clear(&c);
	}
	/* the whole scan again: nothing left */
	assert_int_equal(lifecycle_overdue_scan(f->st, T0, NULL, NULL), 0);
}

/*
 * A slice stops by time (SLICE_BUDGET_US), its cursor on the last case
 * it did: with a budget of 0 each slice does one case; the slices after
 * them (no budget) go on from there.  Every case due is supervised once.
 */
static void
test_overdue_cut(void **state)
{
	struct fixture		*f = *state;
	struct lc_overdue	 o;
	char			 due[16];
	int64_t			 ids[90];
	int			 i, n, slices = 0;

	assert_int_equal(commit_txn_begin(f->st), 0);
	for (i = 0; i < (int)nitems(ids); i++) {
		/* 50 due 11-20, 30 on 11-21..11-25, 10 not due yet */
		if (i < 50)
			strlcpy(due, "2026-11-20", sizeof(due));
		else
			snprintf(due, sizeof(due), "2026-%s-%02d", i < 80 ?
			    "11" : "12", i < 80 ? 21 + i % 5 : 1 + i % 9);
		ids[i] = add_case_cat(f->st, NUM, "complaint", "x", T0 - DAY,
		    due);
	}
	assert_int_equal(commit_txn_end(f->st, 1), 0);
	assert_int_equal(lifecycle_overdue_begin(&o, T0), 0);
	assert_int_equal(o.budget_us, SLICE_BUDGET_US);
	o.budget_us = 0;
	for (i = 0; i < 20; i++) {
		assert_int_equal(commit_txn_begin(f->st), 0);
		n = lifecycle_overdue_slice(f->st, &o, 16, NULL, NULL);
		assert_int_equal(commit_txn_end(f->st, n != -1), 0);
		assert_int_equal(n, 1);
		assert_false(o.done);
	}
	o.budget_us = -1;	/* never cut: 60 left, 16 a slice */
	while (!o.done) {
		assert_true(++slices <= 10);
		assert_int_equal(commit_txn_begin(f->st), 0);
		n = lifecycle_overdue_slice(f->st, &o, 16, NULL, NULL);
		assert_int_equal(commit_txn_end(f->st, n != -1), 0);
	}
	assert_int_equal(slices, 60 / 16 + 1);
	assert_int_equal(o.count, 80);
	for (i = 0; i < (int)nitems(ids); i++)
		assert_int_equal(audit_count(f->st, ids[i], "case.supervise"),
		    i < 80);
}

static void
test_search(void **state)
{
	struct fixture		 *f = *state;
	struct store_case_filter  flt;
	struct store_case	  c[8];
	int			  n, i;
	int64_t			  ids[5];

	for (i = 0; i < 5; i++)
		ids[i] = add_case_cat(f->st, i % 2 ? NUM2 : NUM, i < 3 ?
		    "complaint" : "help", "x", T0 + i * DAY, "2026-12-10");
	dispatch(f->st, ids[1], T0);
	store_case_filter_init(&flt);
	assert_int_equal(n = store_case_search(f->st, &flt, c, 8), 5);
	assert_int_equal(c[0].id, ids[4]);
	while (n > 0)
		store_case_clear(&c[--n]);
	flt.category = "help";
	assert_int_equal(n = store_case_search(f->st, &flt, c, 8), 2);
	while (n > 0)
		store_case_clear(&c[--n]);
	store_case_filter_init(&flt);
	flt.unit = "hbj";
	assert_int_equal(n = store_case_search(f->st, &flt, c, 8), 1);
	assert_int_equal(c[0].id, ids[1]);
	store_case_clear(&c[0]);
	store_case_filter_init(&flt);
	flt.received_from = T0 + DAY;
	flt.received_to = T0 + 3 * DAY;
	assert_int_equal(n = store_case_search(f->st, &flt, c, 8), 2);
	while (n > 0)
		store_case_clear(&c[--n]);
	/* keyset pages of 2 */
	store_case_filter_init(&flt);
	assert_int_equal(n = store_case_search(f->st, &flt, c, 2), 2);
	flt.before_id = c[1].id;
	while (n > 0)
		store_case_clear(&c[--n]);
	assert_int_equal(n = store_case_search(f->st, &flt, c, 2), 2);
	assert_int_equal(c[0].id, ids[2]);
	while (n > 0)
		store_case_clear(&c[--n]);
	store_case_filter_init(&flt);
	flt.state = "dispatched";
	flt.confidential = 0;
	flt.open = 1;
	assert_int_equal(n = store_case_search(f->st, &flt, c, 8), 1);
	store_case_clear(&c[0]);
	flt.confidential = 1;
	assert_int_equal(store_case_search(f->st, &flt, c, 8), 0);
}

static void
test_kb_match(void **state)
{
	struct fixture	*f = *state;
	struct store_kb	 k, list[4];
	double		 score;
	int64_t		 id1, id2;

	assert_int_equal(store_kb_add(f->st, "社保卡 补办", "携带身份证到社保"
	    "局窗口办理。", "cgj", T0, &id1), 0);
	assert_int_equal(store_kb_add(f->st, "公积金、提取、租房",
	    "租房提取公积金需……", NULL, T0 - 400 * DAY, &id2), 0);
	assert_int_equal(store_kb_add(f->st, "", "x", NULL, T0, NULL), -1);

	assert_int_equal(lifecycle_kb_match(f->st, "请问社保卡丢了怎么补办？",
	    0, &k, &score), 1);
	assert_int_equal(k.id, id1);
	assert_true(score >= LC_KB_CONFIDENT);
	assert_string_equal(k.unit, "cgj");
	store_kb_clear(&k, 1);
	/* one keyword of three: weak */
	assert_int_equal(lifecycle_kb_match(f->st, "公积金怎么查", 0, &k,
	    &score), 1);
	assert_int_equal(k.id, id2);
	assert_true(score < LC_KB_CONFIDENT);
	store_kb_clear(&k, 1);
	assert_int_equal(lifecycle_kb_match(f->st, "租房提取公积金要什么材料",
	    0, &k, &score), 1);
	assert_true(score >= LC_KB_CONFIDENT);
	store_kb_clear(&k, 1);
	/* a stale entry is not used; and is listed as stale */
	assert_int_equal(lifecycle_kb_match(f->st, "租房提取公积金要什么材料",
	    T0 - 365 * DAY, &k, &score), 0);
	assert_int_equal(store_kb_list(f->st, T0 - 365 * DAY, list, 4, 0), 1);
	assert_int_equal(list[0].id, id2);
	store_kb_clear(list, 1);
	assert_int_equal(lifecycle_kb_match(f->st, "噪音扰民", 0, &k, &score),
	    0);
	assert_int_equal(lifecycle_kb_match(f->st, "\xff\xfe", 0, &k, &score),
	    0);
	/* update: the entry is fresh again */
	assert_int_equal(store_kb_update(f->st, id2, NULL, "新答案", NULL, T0),
	    1);
	assert_int_equal(store_kb_update(f->st, 999, NULL, "x", NULL, T0), 0);
	assert_int_equal(store_kb_list(f->st, T0 - 365 * DAY, list, 4, 0), 0);
	assert_int_equal(store_kb_get(f->st, id2, &k), 1);
	assert_string_equal(k.answer, "新答案");
	assert_string_equal(k.keywords, "公积金、提取、租房");
	store_kb_clear(&k, 1);
}

static void
test_similarity(void **state)
{
	(void)state;
	assert_true(lc_similarity("楼下烧烤店噪音扰民", "楼下烧烤店噪音扰民")
	    > 0.99);
	assert_true(lc_similarity("楼下烧烤店噪音扰民，晚上睡不着",
	    "楼下的烧烤店噪音扰民!") >= LC_SAME_THRESHOLD);
	assert_true(lc_similarity("楼下烧烤店噪音扰民", "路灯不亮") < 0.1);
	assert_true(lc_similarity("ＡＢＣ小区", "abc小区") > 0.99);
	assert_true(lc_similarity("", "x") == 0.0);
	assert_true(lc_similarity("\xc0\x80", "x") == 0.0);
}

/* A case through re-handling to final. */
static int64_t
final_case(struct store *st, const char *from, const char *text)
{
	struct lc_args	a = { .text = "已处理" };
	int64_t		id;

	id = add_case_cat(st, from, "complaint", text, T0, "2026-12-10");
	dispatch(st, id, T0);
	assert_int_equal(apply(st, id, LC_OP_CLOSE, &a, &office, T0 + DAY),
	    LC_OK);
	a.text = "不满意";
	assert_int_equal(apply(st, id, LC_OP_REOPEN, &a, &sys, T0 + 2 * DAY),
	    LC_OK);
	assert_string_equal(state_of(st, id), "rehandling");
	{
		/* re-handling gets the category's full time from the reopening */
		struct store_case	c;
		char			want[16];

		assert_int_equal(due_weekdays(NULL, "complaint", T0 + 2 * DAY,
		    want, sizeof(want)), 0);
		assert_true(strcmp(want, "2026-12-10") > 0);
		memset(&c, 0, sizeof(c));
		assert_int_equal(store_case_get(st, id, &c), 1);
		assert_string_equal(c.due, want);
		store_case_clear(&c);
	}
	a.text = "已重新处理";
	assert_int_equal(apply(st, id, LC_OP_REPLY, &a, &lead, T0 + 3 * DAY),
	    LC_OK);
	a.text = NULL;
	assert_int_equal(apply(st, id, LC_OP_CLOSE, &a, &office, T0 + 4 * DAY),
	    LC_OK);
	assert_string_equal(state_of(st, id), "final");
	return id;
}

static void
test_same_matter(void **state)
{
	struct fixture	*f = *state;
	struct lc_args	 a = { .text = "x" };
	int64_t		 id, found = 0;

	id = final_case(f->st, NUM, "楼下烧烤店噪音扰民，晚上睡不着");
	/* final cannot be reopened again */
	assert_int_equal(apply(f->st, id, LC_OP_REOPEN, &a, &office,
	    T0 + 5 * DAY), LC_BAD_STATE);
	assert_int_equal(lifecycle_same_matter(f->st, NUM, "complaint",
	    "楼下烧烤店还是噪音扰民！", T0 + 10 * DAY, &found), 1);
	assert_int_equal(found, id);
	/* +86 form of the same number */
	assert_int_equal(lifecycle_same_matter(f->st, "+86" NUM, "complaint",
	    "楼下烧烤店还是噪音扰民！", T0 + 10 * DAY, &found), 1);
	/* other facts, other number, other category, too long ago */
	assert_int_equal(lifecycle_same_matter(f->st, NUM, "complaint",
	    "小区门口路灯不亮", T0 + 10 * DAY, &found), 0);
	assert_int_equal(lifecycle_same_matter(f->st, NUM2, "complaint",
	    "楼下烧烤店还是噪音扰民！", T0 + 10 * DAY, &found), 0);
	assert_int_equal(lifecycle_same_matter(f->st, NUM, "help",
	    "楼下烧烤店还是噪音扰民！", T0 + 10 * DAY, &found), 0);
	assert_int_equal(lifecycle_same_matter(f->st, NUM, "complaint",
	    "楼下烧烤店还是噪音扰民！", T0 + 400 * DAY, &found), 0);
	/* closed but not re-handled: accepted again */
	{
		struct lc_args	c = { .text = "已处理" };
		int64_t		id2;

		id2 = add_case_cat(f->st, NUM, "complaint", "小区垃圾无人清运",
		    T0, "2026-12-10");
		dispatch(f->st, id2, T0);
		assert_int_equal(apply(f->st, id2, LC_OP_CLOSE, &c, &office,
		    T0 + DAY), LC_OK);
		assert_int_equal(lifecycle_same_matter(f->st, NUM, "complaint",
		    "小区垃圾无人清运", T0 + 2 * DAY, &found), 0);
	}
}

/*
 * A citizen with more recent cases than the first small read holds: the
 * re-handled matter is the oldest of them and is still found.
 */
static void
test_same_matter_many(void **state)
{
	struct fixture	*f = *state;
	char		 text[64];
	int64_t		 id, found = 0;
	int		 i;

	id = final_case(f->st, NUM, "楼下烧烤店噪音扰民，晚上睡不着");
	for (i = 0; i < 7; i++) {
		snprintf(text, sizeof(text), "第%d件：小区路灯不亮", i + 1);
		add_case_cat(f->st, NUM, "complaint", text, T0 + DAY + i,
		    "2026-12-10");
	}
	assert_int_equal(lifecycle_same_matter(f->st, NUM, "complaint",
	    "楼下烧烤店还是噪音扰民！", T0 + 10 * DAY, &found), 1);
	assert_int_equal(found, id);
}

static void
test_repeat_count(void **state)
{
	struct fixture	*f = *state;
	const char	*t = "工地夜间施工噪音扰民";
	int64_t		 id;

	assert_int_equal(lifecycle_repeat_count(f->st, NUM, "complaint", t,
	    T0), 0);
	add_case_cat(f->st, NUM, "complaint", t, T0, "2026-12-10");
	add_case_cat(f->st, NUM, "complaint", "工地夜间施工，噪音扰民！", T0 +
	    DAY, "2026-12-11");
	add_case_cat(f->st, NUM, "complaint", "路灯不亮", T0, "2026-12-10");
	add_case_cat(f->st, NUM2, "complaint", t, T0, "2026-12-10");
	/* the third from this number: flag it */
	assert_int_equal(lifecycle_repeat_count(f->st, NUM, "complaint", t,
	    T0 + 2 * DAY), 2);
	assert_true(lifecycle_repeat_count(f->st, NUM, "complaint", t,
	    T0 + 2 * DAY) >= LC_REPEAT_FLAG - 1);
	/* from anyone */
	assert_int_equal(lifecycle_repeat_count(f->st, NULL, "complaint", t,
	    T0 + 2 * DAY), 3);
	/* a resolved one does not count */
	id = final_case(f->st, NUM, t);
	assert_int_equal(lifecycle_repeat_count(f->st, NUM, "complaint", t,
	    T0 + 2 * DAY), 2);
	assert_int_equal(store_case_add_flags(f->st, id, STORE_CF_REPEATED), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_transition, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_same_matter_many, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit_per_transition,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unit_visibility, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dispatch_args, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_late_return, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_extension, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_notify_in_transaction,
		    setup, teardown),
#ifdef HOTLINED_TEST_CLOCK
		cmocka_unit_test_setup_teardown(test_overdue_scan, setup,
		    teardown),
#endif
		cmocka_unit_test_setup_teardown(test_overdue_cut, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_overdue_slices, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kb_match, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_similarity, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_same_matter, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_repeat_count, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_classify, setup,
		    teardown),
		cmocka_unit_test(test_mask_digits),
		cmocka_unit_test_setup_teardown(test_classify_repeated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_classify_errors, setup,
		    teardown),
#ifdef HOTLINED_TEST_CLOCK
		cmocka_unit_test_setup_teardown(test_classify_extended_overdue,
		    setup, teardown),
#endif
	};

	log_init(LOG_TO_STDERR, LOG_L_WARN, "test_lifecycle");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
