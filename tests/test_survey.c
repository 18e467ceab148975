/*
 * Unit tests for survey.c: the reply parser (a table of replies, hostile
 * ones included), quiet hours at their edges, scheduling (opt-out, rounds,
 * extension codes), matching replies with several surveys open, reminder
 * and expiry with the movable clock, and 不满意 -> supervision ->
 * re-handling -> a final second survey.
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

#include "crypto.h"
#include "lifecycle.h"
#include "log.h"
#include "testdb.h"
#include "store.h"
#include "survey.h"
#include "util.h"
#include "testclock.h"

#define NUM	"13800138001"
#define NUM2	"13800138002"
/* 2026-11-26 10:00:00 +08:00 in ms */
#define T0	(INT64_C(1795658400) * 1000)
#define MIN	(INT64_C(60) * 1000)
#define HOUR	(60 * MIN)
#define DAY	(24 * HOUR)
#define Q_START	(21 * 60)
#define Q_END	(8 * 60 + 30)

struct fixture {
	char		 dir[64];
	char		 path[128];
	struct crypto	*crypto;
	struct store	*st;
	struct survey_conf sc;
};

static const struct lc_actor office = { LC_ROLE_OFFICE, "wang", NULL };
static const struct lc_actor lead = { LC_ROLE_UNIT, "li", "cgj" };

static const struct {
	const char	*text;
	int		 score;		/* 0: unclear */
	const char	*comment;
} replies[] = {
	{ "1", 1, "" },
	{ "2", 2, "" },
	{ "3", 3, "" },
	{ "１", 1, "" },
	{ "３", 3, "" },
	{ " 2 ", 2, "" },
	{ "②", 2, "" },
	{ "3 办事太慢", 3, "办事太慢" },
	{ "３ 太慢了", 3, "太慢了" },
	{ "3,太慢", 3, "太慢" },
	{ "3，太慢", 3, "太慢" },
	{ "1、谢谢你们", 1, "谢谢你们" },
	{ "2.", 2, "" },
	{ "【3】", 3, "" },
	{ "满意", 1, "" },
	{ "满意！", 1, "" },
	{ "满意，谢谢", 1, "谢谢" },
	{ "非常满意", 1, "" },
	{ "很满意的", 1, "" },
	{ "基本满意", 2, "" },
	{ "一般", 2, "" },
	{ "一般吧", 2, "" },
	{ "还行", 2, "" },
	{ "差不多", 2, "" },
	{ "不满意", 3, "" },
	{ "不满意办事太慢", 3, "办事太慢" },
	{ "很不满意!!!", 3, "" },
	{ "不太满意", 3, "" },
	{ "我觉得不满意，拖了很久", 3, "拖了很久" },
	{ "差", 3, "" },
	{ "太差了", 3, "" },
	{ "问题没解决", 3, "" },
	{ "MANYI", 1, "" },
	{ "BuManYi", 3, "" },
	{ "3 ABC公司", 3, "ABC公司" },
	/* not understood: never satisfied */
	{ "", 0, NULL },
	{ "   ", 0, NULL },
	{ "4", 0, NULL },
	{ "0", 0, NULL },
	{ "12", 0, NULL },
	{ "1.5", 0, NULL },
	{ "3天了还没修", 0, NULL },
	{ "1 不满意", 0, NULL },
	{ "满意度很低", 0, NULL },
	{ "满意，不满意", 0, NULL },
	{ "好的", 0, NULL },
	{ "谢谢", 0, NULL },
	{ "收到", 0, NULL },
	{ "不是不满意", 0, NULL },
	{ "-1", 0, NULL },
	{ "\xff", 0, NULL },
	{ "1\xff", 0, NULL },
	{ "\xe6\xbb", 0, NULL },		/* 满 cut short */
	{ "\xc0\xb1", 0, NULL },		/* overlong "1" */
	{ "\xed\xa0\x80", 0, NULL },		/* a surrogate */
	{ "'; DROP TABLE surveys; --", 0, NULL },
	{ "%s%s%n", 0, NULL },
	{ "STOP", 0, NULL },
};

static int
setup(void **state)
{
	struct fixture	*f;
	uint8_t		 key[CRYPTO_KEYFILE_LEN];
	char		 err[256];

	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	f = calloc(1, sizeof(*f));
	if (testdb_make("test_survey", f->dir, sizeof(f->dir), f->path,
	    sizeof(f->path)) == -1)
		return -1;
	memset(key, 0x77, sizeof(key));
	f->crypto = crypto_new(key);
	if ((f->st = store_open(f->path, f->crypto, NULL, err,
	    sizeof(err))) == NULL)
		return -1;
	if (store_unit_add(f->st, "cgj", "城管局", NULL, T0) != 0)
		return -1;
	f->sc.enabled = 1;
	f->sc.service = "12345";
	f->sc.ext_digits = 4;
	f->sc.delay = 10 * MIN;
	f->sc.remind_after = 24 * HOUR;
	f->sc.expire_after = 72 * HOUR;
	f->sc.quiet_start = Q_START;
	f->sc.quiet_end = Q_END;
	lifecycle_set_notify(NULL, NULL);
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

/* A case dispatched and closed at closed_at. */
static int64_t
closed_case(struct store *st, const char *from, int64_t closed_at)
{
	struct store_case_new	c;
	struct lc_args		a;
	char			number[STORE_CASE_NUMBER_MAX], err[128];
	int64_t			id = 0;

	memset(&c, 0, sizeof(c));
	c.msisdn = from;
	c.category = "complaint";
	c.text = "楼下烧烤店噪音扰民";
	c.received_at = T0;
	c.due = "2026-12-10";
	assert_int_equal(store_case_add(st, &c, &id, number), 0);
	memset(&a, 0, sizeof(a));
	a.unit = "cgj";
	assert_int_equal(lifecycle_apply(st, id, LC_OP_DISPATCH, &a, &office,
	    T0, err, sizeof(err)), LC_OK);
	a.text = "已处理";
	assert_int_equal(lifecycle_apply(st, id, LC_OP_CLOSE, &a, &office,
	    closed_at, err, sizeof(err)), LC_OK);
	return id;
}

/* Local time of day on 2026-11-26 (+08:00) plus days, in ms. */
static int64_t
at(int days, int h, int m, int s)
{
	return T0 + days * DAY + ((h - 10) * 3600 + m * 60 + s) * 1000;
}

static void
test_parse_table(void **state)
{
	char	comment[SURVEY_COMMENT_MAX];
	size_t	i;
	int	score, r;

	(void)state;
	for (i = 0; i < nitems(replies); i++) {
		score = -1;
		r = survey_parse(replies[i].text, &score, comment,
		    sizeof(comment));
		if (r != (replies[i].score != 0) || score != replies[i].score)
			fail_msg("reply %zu \"%s\": %d score %d, want %d", i,
			    replies[i].text, r, score, replies[i].score);
		if (replies[i].comment != NULL &&
		    strcmp(comment, replies[i].comment) != 0)
			fail_msg("reply \"%s\": comment \"%s\", want \"%s\"",
			    replies[i].text, comment, replies[i].comment);
	}
	assert_true(nitems(replies) >= 40);
	/* NULL comment buffer, NULL text */
	assert_int_equal(survey_parse("3 慢", &score, NULL, 0), 1);
	assert_int_equal(survey_parse(NULL, &score, NULL, 0), 0);
	assert_int_equal(score, 0);
}

static void
test_parse_hostile(void **state)
{
	char	*big, comment[8];
	size_t	 n = 1 << 20, i;
	int	 score;

	(void)state;
	big = malloc(n + 1);
	/* a megabyte of 满 */
	for (i = 0; i + 3 <= n; i += 3)
		memcpy(big + i, "满", 3);
	big[i] = '\0';
	assert_int_equal(survey_parse(big, &score, comment, sizeof(comment)),
	    0);
	/* "3" then a long comment: cut at a character, small buffer */
	memcpy(big, "3  ", 3);
	assert_int_equal(survey_parse(big, &score, comment, sizeof(comment)),
	    1);
	assert_int_equal(score, 3);
	assert_int_equal(strlen(comment), 6);	/* two characters of 8 bytes */
	/* control characters in the comment become spaces */
	assert_int_equal(survey_parse("1 a\x01" "b\x1b[2J", &score, comment,
	    sizeof(comment)), 1);
	assert_string_equal(comment, "a b [2J");
	free(big);
}

static void
test_quiet_hours(void **state)
{
	const int64_t	next_0830 = at(1, 8, 30, 0);

	(void)state;
	assert_int_equal(survey_next_allowed(at(0, 20, 59, 59), Q_START, Q_END),
	    at(0, 20, 59, 59));
	assert_int_equal(survey_next_allowed(at(0, 21, 0, 0), Q_START, Q_END),
	    next_0830);
	assert_int_equal(survey_next_allowed(at(0, 23, 59, 59), Q_START, Q_END),
	    next_0830);
	assert_int_equal(survey_next_allowed(at(1, 0, 0, 0), Q_START, Q_END),
	    next_0830);
	assert_int_equal(survey_next_allowed(at(1, 8, 29, 59), Q_START, Q_END),
	    next_0830);
	assert_int_equal(survey_next_allowed(at(1, 8, 30, 0), Q_START, Q_END),
	    next_0830);
	assert_int_equal(survey_next_allowed(at(1, 12, 0, 0), Q_START, Q_END),
	    at(1, 12, 0, 0));
	/* across the month end: 2026-11-30 22:00 -> 2026-12-01 08:30 */
	assert_int_equal(survey_next_allowed(at(4, 22, 0, 0), Q_START, Q_END),
	    at(5, 8, 30, 0));
	/* quiet hours within one day (12:00-14:00), and none */
	assert_int_equal(survey_next_allowed(at(0, 13, 0, 0), 720, 840),
	    at(0, 14, 0, 0));
	assert_int_equal(survey_next_allowed(at(0, 14, 0, 0), 720, 840),
	    at(0, 14, 0, 0));
	assert_int_equal(survey_next_allowed(at(0, 11, 59, 0), 720, 840),
	    at(0, 11, 59, 0));
	assert_int_equal(survey_next_allowed(at(0, 22, 0, 0), 0, 0),
	    at(0, 22, 0, 0));
}

static void
test_schedule(void **state)
{
	struct fixture		*f = *state;
	struct store_survey	 sv, sv2;
	struct store_case	 c;
	int64_t			 id;

	/* closed at 20:55: survey at 21:05 is quiet -> 08:30 next day */
	id = closed_case(f->st, NUM, at(0, 20, 55, 0));
	assert_int_equal(survey_schedule(f->st, id, &f->sc, at(0, 20, 55, 0),
	    &sv), SURVEY_S_SCHEDULED);
	assert_int_equal(sv.case_id, id);
	assert_int_equal(sv.round, 1);
	assert_int_equal(sv.sent_at, at(1, 8, 30, 0));
	assert_int_equal(sv.remind_at, at(2, 8, 30, 0));
	assert_int_equal(sv.expire_at, at(4, 8, 30, 0));
	assert_string_equal(sv.ext, "0001");
	assert_string_equal(sv.msisdn, NUM);
	assert_int_equal(sv.state, STORE_SURVEY_PENDING);
	/* once per round */
	assert_int_equal(survey_schedule(f->st, id, &f->sc, at(0, 21, 0, 0),
	    &sv2), SURVEY_S_EXISTS);
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_string_equal(c.survey_state, "pending");
	store_case_clear(&c);

	/* opted out: no survey, recorded */
	assert_int_equal(store_optout_set(f->st, NUM2, 1, T0), 0);
	id = closed_case(f->st, NUM2, T0);
	assert_int_equal(survey_schedule(f->st, id, &f->sc, T0, &sv2),
	    SURVEY_S_OPTED_OUT);
	/* not closed; disabled */
	{
		struct store_case_new	n;
		char			number[STORE_CASE_NUMBER_MAX];

		memset(&n, 0, sizeof(n));
		n.msisdn = NUM;
		n.category = "help";
		n.text = "x";
		n.received_at = T0;
		assert_int_equal(store_case_add(f->st, &n, &id, number), 0);
		assert_int_equal(survey_schedule(f->st, id, &f->sc, T0, &sv2),
		    SURVEY_S_NOT_CLOSED);
		f->sc.enabled = 0;
		assert_int_equal(survey_schedule(f->st, id, &f->sc, T0, &sv2),
		    SURVEY_S_DISABLED);
	}
}

static void
test_match_several(void **state)
{
	struct fixture		*f = *state;
	struct store_survey	 a, b, c, m;
	struct survey_outcome	 o;
	int64_t			 ia, ib, ic;

	ia = closed_case(f->st, NUM, T0);
	ib = closed_case(f->st, NUM, T0);
	ic = closed_case(f->st, NUM2, T0);
	assert_int_equal(survey_schedule(f->st, ia, &f->sc, T0, &a),
	    SURVEY_S_SCHEDULED);
	assert_int_equal(survey_schedule(f->st, ib, &f->sc, T0, &b),
	    SURVEY_S_SCHEDULED);
	assert_int_equal(survey_schedule(f->st, ic, &f->sc, T0, &c),
	    SURVEY_S_SCHEDULED);
	assert_string_not_equal(a.ext, b.ext);
	assert_string_not_equal(b.ext, c.ext);

	/* the code picks the survey, whatever order they came in */
	assert_int_equal(survey_match(f->st, &f->sc, NUM, "123450002", &m),
	    SURVEY_M_FOUND);
	assert_int_equal(m.case_id, ib);
	assert_int_equal(survey_match(f->st, &f->sc, "+86" NUM, "123450001",
	    &m), SURVEY_M_FOUND);
	assert_int_equal(m.case_id, ia);
	/* another's code, an unknown code, junk, another service */
	assert_int_equal(survey_match(f->st, &f->sc, NUM, "123450003", &m),
	    SURVEY_M_NONE);
	assert_int_equal(survey_match(f->st, &f->sc, NUM, "123459999", &m),
	    SURVEY_M_NONE);
	assert_int_equal(survey_match(f->st, &f->sc, NUM, "12345ab", &m),
	    SURVEY_M_NONE);
	assert_int_equal(survey_match(f->st, &f->sc, NUM, "10086", &m),
	    SURVEY_M_NONE);
	/* bare number: two open -> ask which, never guess */
	assert_int_equal(survey_match(f->st, &f->sc, NUM, "12345", &m),
	    SURVEY_M_WHICH);
	/* NUM2 has one: that one */
	assert_int_equal(survey_match(f->st, &f->sc, NUM2, "12345", &m),
	    SURVEY_M_FOUND);
	assert_int_equal(m.case_id, ic);
	/* answer one; the bare number now finds the other */
	assert_int_equal(survey_reply(f->st, a.id, "1", T0 + DAY, &o), 0);
	assert_int_equal(survey_match(f->st, &f->sc, NUM, "12345", &m),
	    SURVEY_M_FOUND);
	assert_int_equal(m.case_id, ib);
	/* an answered survey's code is free and no longer matches */
	assert_int_equal(survey_match(f->st, &f->sc, NUM, "123450001", &m),
	    SURVEY_M_NONE);
	assert_int_equal(survey_reply(f->st, a.id, "3", T0 + DAY, &o), 1);
}

static void
test_ext_codes(void **state)
{
	struct fixture		*f = *state;
	struct store_survey	 sv;
	struct survey_outcome	 o;
	int64_t			 id[12];
	char			 first[8];
	int			 i;

	f->sc.ext_digits = 1;	/* ten codes */
	for (i = 0; i < 11; i++) {
		id[i] = closed_case(f->st, NUM, T0);
		if (i < 10) {
			assert_int_equal(survey_schedule(f->st, id[i], &f->sc,
			    T0, &sv), SURVEY_S_SCHEDULED);
			if (i == 0)
				strlcpy(first, sv.ext, sizeof(first));
		}
	}
	assert_string_equal(first, "1");
	/* all ten in use */
	assert_int_equal(survey_schedule(f->st, id[10], &f->sc, T0, &sv),
	    SURVEY_S_ERROR);
	/* answer the one with code 4: it is the next free */
	assert_int_equal(survey_match(f->st, &f->sc, NUM, "123454", &sv),
	    SURVEY_M_FOUND);
	assert_int_equal(survey_reply(f->st, sv.id, "2", T0, &o), 0);
	assert_int_equal(survey_schedule(f->st, id[10], &f->sc, T0, &sv),
	    SURVEY_S_SCHEDULED);
	assert_string_equal(sv.ext, "4");
}

static void
test_unclear_once(void **state)
{
	struct fixture		*f = *state;
	struct store_survey	 sv;
	struct store_case	 c;
	struct survey_outcome	 o;
	int64_t			 id;

	id = closed_case(f->st, NUM, T0);
	assert_int_equal(survey_schedule(f->st, id, &f->sc, T0, &sv),
	    SURVEY_S_SCHEDULED);
	assert_int_equal(survey_reply(f->st, sv.id, "好的", T0 + HOUR, &o), 0);
	assert_int_equal(o.score, 0);
	assert_int_equal(o.send_options, 1);
	assert_int_equal(survey_reply(f->st, sv.id, "嗯", T0 + 2 * HOUR, &o),
	    0);
	assert_int_equal(o.send_options, 0);	/* the options only once */
	assert_int_equal(store_survey_get(f->st, sv.id, &sv), 1);
	assert_int_equal(sv.state, STORE_SURVEY_UNCLEAR);
	assert_int_equal(sv.unclear, 2);
	assert_int_equal(sv.score, 0);
	assert_string_equal(sv.raw, "嗯");
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_int_equal(c.survey_score, 0);	/* never "satisfied" */
	assert_string_equal(c.survey_state, "unclear");
	store_case_clear(&c);
	/* still open: an understood reply is taken */
	assert_int_equal(survey_reply(f->st, sv.id, "2 还行", T0 + 3 * HOUR,
	    &o), 0);
	assert_int_equal(o.score, 2);
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_int_equal(c.survey_score, 2);
	assert_string_equal(c.survey_state, "answered");
	store_case_clear(&c);
}

/* survey_tick_slice()'s reminders: how many times each survey had one. */
struct remind_count {
	int64_t	first;
	int	n[160];
};

static int
remind_count(void *arg, struct store *st, const struct store_survey *sv,
    int64_t send_at)
{
	struct remind_count	*r = arg;

	(void)st;
	(void)send_at;
	assert_true(sv->id >= r->first && sv->id < r->first + 160);
	r->n[sv->id - r->first]++;
	return 0;
}

/* n closed cases each with a survey, the first tie of them at T0. */
static struct remind_count *
due_surveys(struct fixture *f, int n, int tie)
{
	struct remind_count	*r;
	struct store_survey	 sv;
	char			 from[16];
	int64_t			 id;
	int			 i;

	assert_true(n <= (int)nitems(r->n));
	r = calloc(1, sizeof(*r));
	assert_non_null(r);
	assert_int_equal(commit_txn_begin(f->st), 0);
	for (i = 0; i < n; i++) {
		snprintf(from, sizeof(from), "13800130%03d", i);
		id = closed_case(f->st, from, T0);
		assert_int_equal(survey_schedule(f->st, id, &f->sc, i < tie ?
		    T0 : T0 + i * MIN, &sv), SURVEY_S_SCHEDULED);
		if (i == 0)
			r->first = sv.id;
		assert_int_equal(sv.id, r->first + i);
	}
	assert_int_equal(commit_txn_end(f->st, 1), 0);
	return r;
}

/* One slice of at most 16 in its own transaction, as the daemon's unit. */
static int
tick_slice(struct fixture *f, struct survey_scan *scan,
    struct remind_count *r)
{
	int	n;

	assert_int_equal(commit_txn_begin(f->st), 0);
	n = survey_tick_slice(f->st, &f->sc, scan, 16, remind_count, r);
	assert_int_equal(commit_txn_end(f->st, n != -1), 0);
	return n;
}

/*
 * The survey tick in slices (issue 17): 160 reminders due, 100 of them
 * at the same moment (the cursor's tie on id), a restart after two
 * slices: each survey is reminded exactly once.
 */
static void
test_tick_slices(void **state)
{
	struct fixture		*f = *state;
	struct survey_scan	 scan;
	struct store_survey	 sv;
	struct remind_count	*r;
	char			 err[256];
	int64_t			 now;
	int			 i, n, total = 0, slices = 0;

	r = due_surveys(f, 160, 100);
	/* every reminder due, none expired */
	now = T0 + DAY + 4 * HOUR;
	survey_scan_begin(&scan, now);
	scan.budget_us = -1;	/* never cut by time: slices of 16 */
	for (i = 0; i < 2; i++) {
		n = tick_slice(f, &scan, r);
		assert_int_equal(n, 16);
		total += n;
	}
	store_close(f->st);
	f->st = store_open(f->path, f->crypto, NULL, err, sizeof(err));
	assert_non_null(f->st);
	survey_scan_begin(&scan, now);
	while (!scan.done) {
		assert_true(++slices <= 20);
		n = tick_slice(f, &scan, r);
		assert_true(n >= 0 && n <= 16);
		total += n;
	}
	assert_int_equal(total, 160);
	for (i = 0; i < 160; i++) {
		assert_int_equal(r->n[i], 1);
		assert_int_equal(store_survey_get(f->st, r->first + i, &sv), 1);
		assert_int_equal(sv.state, STORE_SURVEY_REMINDED);
	}
	/* a whole tick again: nothing left */
	assert_int_equal(survey_tick(f->st, &f->sc, now, remind_count, r), 0);
	free(r);
}

/*
 * A slice stops by time (issue 17): with a budget of 0 each slice handles
 * one survey and keeps its cursor there, 30 due at the same moment (the
 * tie on id) and 10 later; then uncut: each is reminded exactly once.
 */
static void
test_tick_cut(void **state)
{
	struct fixture		*f = *state;
	struct survey_scan	 scan;
	struct remind_count	*r;
	int64_t			 now;
	int			 i, n, slices = 0;

	r = due_surveys(f, 40, 30);
	now = T0 + DAY + 4 * HOUR;
	survey_scan_begin(&scan, now);
	assert_int_equal(scan.budget_us, SLICE_BUDGET_US);
	scan.budget_us = 0;
	for (i = 0; i < 35; i++) {
		n = tick_slice(f, &scan, r);
		assert_int_equal(n, 1);
		assert_false(scan.done);
	}
	scan.budget_us = -1;	/* never cut: 5 left */
	while (!scan.done) {
		assert_true(++slices <= 3);
		assert_true(tick_slice(f, &scan, r) >= 0);
	}
	assert_int_equal(slices, 1);
	assert_int_equal(scan.count, 40);
	for (i = 0; i < 40; i++)
		assert_int_equal(r->n[i], 1);
	free(r);
}

#ifdef HOTLINED_TEST_CLOCK
struct reminded {
	int	n;
	int64_t	send_at;
};

static int
remind(void *arg, struct store *st, const struct store_survey *sv,
    int64_t send_at)
{
	struct reminded	*r = arg;

	(void)st;
	assert_string_equal(sv->msisdn, NUM);
	r->n++;
	r->send_at = send_at;
	return 0;
}

static void
test_remind_expire(void **state)
{
	struct fixture		*f = *state;
	struct store_survey	 sv;
	struct store_case	 c;
	struct reminded		 r;
	struct survey_outcome	 o;
	int64_t			 id, real, when;

	memset(&r, 0, sizeof(r));
	/* whole seconds below the real clock: now lands just after targets */
	real = (int64_t)clock_now_ms() / 1000 * 1000;
	/* closed at 10:00, survey at 10:10, reminder at 10:10 next day */
	id = closed_case(f->st, NUM, T0);
	assert_int_equal(survey_schedule(f->st, id, &f->sc, T0, &sv),
	    SURVEY_S_SCHEDULED);
	assert_int_equal(store_survey_next_time(f->st, &when), 1);
	assert_int_equal(when, T0 + 10 * MIN + DAY);
	TEST_CLOCK_SET((T0 + DAY - real) / 1000);
	assert_int_equal(survey_tick(f->st, &f->sc, (int64_t)clock_now_ms(),
	    remind, &r), 0);
	assert_int_equal(r.n, 0);
	/* the timer fires late, at 22:00: the reminder waits for 08:30 */
	TEST_CLOCK_SET((at(1, 22, 0, 0) - real) / 1000);
	assert_int_equal(survey_tick(f->st, &f->sc, (int64_t)clock_now_ms(),
	    remind, &r), 1);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.send_at, at(2, 8, 30, 0));
	/* once */
	assert_int_equal(survey_tick(f->st, &f->sc, (int64_t)clock_now_ms(),
	    remind, &r), 0);
	assert_int_equal(r.n, 1);
	/* expiry after 72 h: no response */
	TEST_CLOCK_SET((T0 + 10 * MIN + 72 * HOUR - real) / 1000);
	assert_int_equal(survey_tick(f->st, &f->sc, (int64_t)clock_now_ms(),
	    remind, &r), 1);
	assert_int_equal(store_survey_get(f->st, sv.id, &sv), 1);
	assert_int_equal(sv.state, STORE_SURVEY_EXPIRED);
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_string_equal(c.survey_state, "expired");
	assert_int_equal(c.survey_score, 0);
	store_case_clear(&c);
	assert_int_equal(store_survey_next_time(f->st, &when), 0);
	/* a late reply finds nothing open */
	assert_int_equal(survey_reply(f->st, sv.id, "1", T0 + 4 * DAY, &o), 1);
}
#endif

static void
test_dissatisfied_rehandling(void **state)
{
	struct fixture		*f = *state;
	struct store_survey	 sv;
	struct store_case	 c;
	struct survey_outcome	 o;
	struct store_history	 h;
	struct lc_args		 a;
	char			 err[128];
	int64_t			 id, bad;
	size_t			 i;
	int			 sup = 0, reopen = 0;

	id = closed_case(f->st, NUM, T0);
	assert_int_equal(survey_schedule(f->st, id, &f->sc, T0, &sv),
	    SURVEY_S_SCHEDULED);
	assert_int_equal(survey_match(f->st, &f->sc, NUM, "123450001", &sv),
	    SURVEY_M_FOUND);
	assert_int_equal(survey_reply(f->st, sv.id, "３ 太慢了", T0 + HOUR, &o),
	    0);
	assert_int_equal(o.score, 3);
	assert_string_equal(o.comment, "太慢了");
	assert_int_equal(o.reopened, 1);
	assert_int_equal(o.final, 0);
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_string_equal(c.state, "rehandling");
	assert_int_equal(c.supervised, 1);
	assert_string_equal(c.supervision, "disputed-result");
	assert_int_equal(c.rehandled, 1);
	assert_int_equal(c.closed_at, 0);
	assert_int_equal(c.survey_score, 3);
	assert_string_equal(c.unit, "cgj");	/* the same unit re-handles */
	store_case_clear(&c);
	assert_int_equal(store_survey_get(f->st, sv.id, &sv), 1);
	assert_string_equal(sv.raw, "３ 太慢了");
	assert_string_equal(sv.comment, "太慢了");
	assert_int_equal(sv.answered_at, T0 + HOUR);

	/* re-handled and closed: final; the second survey is round 2 */
	memset(&a, 0, sizeof(a));
	a.text = "已督促店家安装隔音设施";
	assert_int_equal(lifecycle_apply(f->st, id, LC_OP_REPLY, &a, &lead,
	    T0 + DAY, err, sizeof(err)), LC_OK);
	a.text = NULL;
	assert_int_equal(lifecycle_apply(f->st, id, LC_OP_CLOSE, &a, &office,
	    T0 + DAY + HOUR, err, sizeof(err)), LC_OK);
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_string_equal(c.state, "final");
	assert_int_equal(c.supervised, 0);
	store_case_clear(&c);
	assert_int_equal(survey_schedule(f->st, id, &f->sc, T0 + DAY + HOUR,
	    &sv), SURVEY_S_SCHEDULED);
	assert_int_equal(sv.round, 2);
	assert_string_equal(sv.ext, "0002");	/* 0001 not reused at once */
	assert_int_equal(survey_reply(f->st, sv.id, "不满意", T0 + 2 * DAY,
	    &o), 0);
	assert_int_equal(o.score, 3);
	assert_int_equal(o.final, 1);
	assert_int_equal(o.reopened, 0);
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_string_equal(c.state, "final");
	store_case_clear(&c);
	assert_int_equal(survey_schedule(f->st, id, &f->sc, T0 + 3 * DAY, &sv),
	    SURVEY_S_EXISTS);

	assert_int_equal(store_case_history(f->st, id, &h), 0);
	for (i = 0; i < h.naudit; i++) {
		sup += strcmp(h.audit[i].kind, "case.supervise") == 0;
		reopen += strcmp(h.audit[i].kind, "case.reopen") == 0;
		/* no citizen's words in the audit trail */
		assert_null(strstr(h.audit[i].text, "太慢"));
	}
	assert_int_equal(sup, 1);
	assert_int_equal(reopen, 1);
	store_history_clear(&h);
	assert_int_equal(store_audit_verify(f->st, &bad), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_hostile),
		cmocka_unit_test_setup_teardown(test_quiet_hours, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_schedule, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_match_several, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ext_codes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unclear_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tick_slices, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tick_cut, setup,
		    teardown),
#ifdef HOTLINED_TEST_CLOCK
		cmocka_unit_test_setup_teardown(test_remind_expire, setup,
		    teardown),
#endif
		cmocka_unit_test_setup_teardown(test_dissatisfied_rehandling,
		    setup, teardown),
	};

	log_init(LOG_TO_STDERR, LOG_L_WARN, "test_survey");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
