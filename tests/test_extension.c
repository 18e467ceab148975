/*
 * Unit tests for extension.c and disclose.c: a unit's extension request,
 * the office's approval (the due date moves, the request is recorded and
 * audited) and refusal; the limits (one pending, one granted a round, the
 * help cap counted from day 0, asked in time), who may do what; Art. 19's
 * flags (the citizen's confidentiality the office cannot lift, the
 * office's own, not for publication) and publication; the v21 upgrade of
 * a v16 database in place.
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

#include "category.h"
#include "commit.h"
#include "crypto.h"
#include "deadline.h"
#include "disclose.h"
#include "extension.h"
#include "lifecycle.h"
#include "testdb.h"
#include "store.h"
#include "util.h"

#define NUM	"13800138001"
/* 2026-11-26 10:00:00 +08:00, a Thursday, in ms */
#define T0	(INT64_C(1795658400) * 1000)
#define HOUR	(INT64_C(3600) * 1000)
#define DAY	(INT64_C(86400) * 1000)

struct fixture {
	char		 dir[64];
	char		 path[128];
	struct crypto	*crypto;
	struct store	*st;
	int		 notified;
	char		 decided[16];
};

static const struct lc_actor office = { LC_ROLE_OFFICE, "wang", NULL };
static const struct lc_actor lead = { LC_ROLE_UNIT, "li", "cgj" };
static const struct lc_actor co = { LC_ROLE_UNIT, "zhao", "hbj" };
static const struct lc_actor other = { LC_ROLE_UNIT, "qian", "jtj" };

/* The hook helper "units" fills: here it counts and keeps the state. */
static int
notified(void *arg, struct store *st, const struct store_ext *e,
    const struct store_case *c)
{
	struct fixture	*f = arg;

	(void)st;
	assert_int_equal(e->case_id, c->id);
	f->notified++;
	strlcpy(f->decided, e->state, sizeof(f->decided));
	return 0;
}

/* The daemon's deadline rule on a weekdays-only calendar (heyuan). */
static int
due_weekdays(void *arg, const char *category, int64_t received_at,
    char *due, size_t len)
{
	int	c = category_from_name(category);

	(void)arg;
	if (c == -1 || len < 11)
		return -1;
	return deadline_due(NULL, CONF_PROFILE_HEYUAN, c, 10,
	    (time_t)(received_at / 1000), due);
}

static struct store *
open_db(struct fixture *f, int max_version)
{
	struct store_opts	 o;
	char			 err[256];
	struct store		*st;

	memset(&o, 0, sizeof(o));
	o.max_version = max_version;
	st = store_open(f->path, f->crypto, &o, err, sizeof(err));
	if (st == NULL)
		fail_msg("store_open: %s", err);
	return st;
}

static int
setup(void **state)
{
	struct fixture	*f;
	uint8_t		 key[CRYPTO_KEYFILE_LEN];

	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	f = calloc(1, sizeof(*f));
	if (testdb_make("test_extension", f->dir, sizeof(f->dir), f->path,
	    sizeof(f->path)) == -1)
		return -1;
	memset(key, 0x3c, sizeof(key));
	f->crypto = crypto_new(key);
	f->st = open_db(f, 0);
	if (store_unit_add(f->st, "cgj", "城管局", "0762-1111111", T0) != 0 ||
	    store_unit_add(f->st, "hbj", "环保局", NULL, T0) != 0 ||
	    store_unit_add(f->st, "jtj", "交通局", NULL, T0) != 0)
		return -1;
	lifecycle_set_notify(NULL, NULL);
	lifecycle_set_workdays(NULL, NULL);
	lifecycle_set_help_limit(LC_HELP_CATEGORY, LC_HELP_MAX_DAYS);
	/* the daemon's count (engine.c), on a weekdays-only calendar */
	lifecycle_set_due_days(deadline_lc_due_days, NULL);
	lifecycle_set_due(due_weekdays, NULL);
	extension_set_notify(notified, f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	extension_set_notify(NULL, NULL);
	lifecycle_set_due_days(NULL, NULL);
	lifecycle_set_due(NULL, NULL);
	store_close(f->st);
	crypto_free(f->crypto);
	testdb_remove(f->dir, f->path);
	free(f);
	return 0;
}

static int64_t
add_case(struct store *st, const char *cat, int64_t at, const char *due)
{
	struct store_case_new	c;
	char			number[STORE_CASE_NUMBER_MAX];
	int64_t			id = 0;

	memset(&c, 0, sizeof(c));
	c.msisdn = NUM;
	c.category = cat;
	c.text = "路灯不亮，晚上很危险";
	c.received_at = at;
	c.due = due;
	assert_int_equal(store_case_add(st, &c, &id, number), 0);
	return id;
}

static void
dispatch(struct store *st, int64_t id, int64_t now)
{
	static const char *const cos[] = { "hbj" };
	struct lc_args	a = { .unit = "cgj", .co = cos, .nco = 1 };
	char		err[256];

	assert_int_equal(commit_txn_begin(st), 0);
	assert_int_equal(lifecycle_apply(st, id, LC_OP_DISPATCH, &a, &office,
	    now, err, sizeof(err)), LC_OK);
	assert_int_equal(commit_txn_end(st, 1), 0);
}

/* A request in a transaction of its own; the id in *idp. */
static enum ext_result
ask(struct store *st, int64_t id, const struct lc_actor *who,
    const char *due, int days, const char *reason, int64_t now,
    int64_t *idp)
{
	char		err[256];
	int64_t		rid = 0;
	enum ext_result	r;

	err[0] = '\0';
	assert_int_equal(commit_txn_begin(st), 0);
	r = extension_request(st, id, who, due, days, reason, now, &rid, err,
	    sizeof(err));
	assert_int_equal(commit_txn_end(st, r != EXT_ERROR), 0);
	if (r != EXT_OK)
		assert_true(err[0] != '\0');
	if (idp != NULL)
		*idp = rid;
	return r;
}

static enum ext_result
decide(struct store *st, int64_t rid, int approve,
    const struct lc_actor *who, const char *note, int64_t now)
{
	char		err[256];
	enum ext_result	r;

	err[0] = '\0';
	assert_int_equal(commit_txn_begin(st), 0);
	r = extension_decide(st, rid, approve, who, note, now, err,
	    sizeof(err));
	if (r == EXT_ERROR)
		print_message("decide: %s\n", err);
	/* a refused decision may have applied half: the unit is undone */
	assert_int_equal(commit_txn_end(st, r == EXT_OK), r == EXT_OK ? 0 : -1);
	if (r != EXT_OK)
		assert_true(err[0] != '\0');
	return r;
}

static void
assert_due(struct store *st, int64_t id, const char *due, int extensions)
{
	struct store_case	c;

	assert_int_equal(store_case_get(st, id, &c), 1);
	assert_string_equal(c.due, due);
	assert_int_equal(c.extensions, extensions);
	store_case_clear(&c);
}

static int
supervised(struct store *st, int64_t id)
{
	struct store_case	c;
	int			v;

	assert_int_equal(store_case_get(st, id, &c), 1);
	v = c.supervised;
	store_case_clear(&c);
	return v;
}

/* 1 when the case's audit trail has action (and, if given, detail part). */
static int
has_event(struct store *st, int64_t id, const char *action, const char *part)
{
	struct store_history	h;
	size_t			i;
	int			found = 0;

	assert_int_equal(store_case_history(st, id, &h), 0);
	for (i = 0; i < h.naudit; i++)
		if (strcmp(h.audit[i].kind, action) == 0 && (part == NULL ||
		    (h.audit[i].text != NULL && strstr(h.audit[i].text,
		    part) != NULL)))
			found = 1;
	store_history_clear(&h);
	return found;
}

/*
 * Art. 18's help cap from day 0: received Friday 18:00, after hours, so
 * day 0 is Monday 11-30 and the 3-day deadline Thursday 12-03; the cap of
 * 5 working days is Monday 12-07 (counted from Friday, the day of
 * receipt, it would wrongly be Friday 12-04).
 */
static void
test_help_cap_day0(void **state)
{
	struct fixture	*f = *state;
	struct store_ext e;
	int64_t		 id, rid, fri = T0 + DAY + 8 * HOUR;
	char		 due[16];

	assert_int_equal(deadline_lc_due_days(NULL, 3, fri, due, sizeof(due)),
	    0);
	assert_string_equal(due, "2026-12-03");
	id = add_case(f->st, "help", fri, due);
	dispatch(f->st, id, fri + 3 * DAY);
	assert_int_equal(ask(f->st, id, &lead, "2026-12-08", 0, "需协调供电",
	    fri + 4 * DAY, NULL), EXT_INVALID);		/* day 6 */
	assert_int_equal(ask(f->st, id, &lead, NULL, 3, "需协调供电",
	    fri + 4 * DAY, NULL), EXT_INVALID);		/* the same, in days */
	assert_int_equal(ask(f->st, id, &lead, NULL, 2, "需协调供电部门抢修",
	    fri + 4 * DAY, &rid), EXT_OK);		/* day 5 */
	assert_true(rid > 0);
	assert_int_equal(store_ext_get(f->st, rid, &e), 1);
	assert_string_equal(e.state, "pending");
	assert_string_equal(e.due, "2026-12-07");
	assert_string_equal(e.due_before, "2026-12-03");
	assert_int_equal(e.days, 2);
	assert_string_equal(e.unit, "cgj");
	assert_string_equal(e.case_state, "dispatched");
	store_ext_clear(&e);
	/* nothing moves until the office decides */
	assert_due(f->st, id, "2026-12-03", 0);
	assert_int_equal(f->notified, 0);
	assert_true(has_event(f->st, id, "case.extension-request",
	    "\"due\":\"2026-12-07\""));

	assert_int_equal(decide(f->st, rid, 1, &office, NULL, fri + 4 * DAY),
	    EXT_OK);
	assert_due(f->st, id, "2026-12-07", 1);
	assert_int_equal(store_ext_get(f->st, rid, &e), 1);
	assert_string_equal(e.state, "approved");
	assert_string_equal(e.decided_by, "office:wang");
	store_ext_clear(&e);
	assert_int_equal(f->notified, 1);
	assert_string_equal(f->decided, "approved");
	assert_true(has_event(f->st, id, "case.extend", "\"request\":"));
	assert_true(has_event(f->st, id, "case.extension-decide",
	    "\"decision\":\"approved\""));
	/* decided: not again, either way */
	assert_int_equal(decide(f->st, rid, 0, &office, "不同意",
	    fri + 4 * DAY), EXT_CONFLICT);
	/* one granted a dispatch */
	assert_int_equal(ask(f->st, id, &lead, NULL, 1, "还需要时间",
	    fri + 5 * DAY, NULL), EXT_CONFLICT);
}

static void
op(struct store *st, int64_t id, enum lc_op o, const char *text,
    const struct lc_actor *who, int64_t now)
{
	struct lc_args	a;
	char		err[256];

	memset(&a, 0, sizeof(a));
	a.text = text;
	assert_int_equal(commit_txn_begin(st), 0);
	if (lifecycle_apply(st, id, o, &a, who, now, err, sizeof(err)) !=
	    LC_OK)
		fail_msg("%s", err);
	assert_int_equal(commit_txn_end(st, 1), 0);
}

/*
 * A help case re-handled is handled anew: the cap counts from day 0 of
 * the reopening (Monday 12-07: due Thursday 12-10, at most Monday 12-14),
 * not from the first receipt, long past.
 */
static void
test_help_cap_rehandled(void **state)
{
	struct fixture	*f = *state;
	int64_t		 id, mon = T0 + 11 * DAY;

	id = add_case(f->st, "help", T0, "2026-12-01");
	dispatch(f->st, id, T0);
	op(f->st, id, LC_OP_REPLY, "已修复", &lead, T0 + DAY);
	op(f->st, id, LC_OP_CLOSE, NULL, &office, T0 + DAY);
	op(f->st, id, LC_OP_REOPEN, "市民反映仍未修好", &office, mon);
	assert_due(f->st, id, "2026-12-10", 0);
	dispatch(f->st, id, mon);
	assert_int_equal(ask(f->st, id, &lead, NULL, 3, "需更换线路",
	    mon + DAY, NULL), EXT_INVALID);		/* 12-15: day 6 */
	assert_int_equal(ask(f->st, id, &lead, NULL, 2, "需更换线路",
	    mon + DAY, NULL), EXT_OK);			/* 12-14: day 5 */
}

/* Refusals, who may ask and decide, one pending, asked in time. */
static void
test_refuse_and_roles(void **state)
{
	struct fixture	*f = *state;
	struct store_ext e, list[8];
	int64_t		 id, rid, rid2;
	int		 n;

	id = add_case(f->st, "complaint", T0, "2026-12-10");
	dispatch(f->st, id, T0);
	/* no reason; not later; too long; not a date */
	assert_int_equal(ask(f->st, id, &lead, NULL, 3, "", T0, NULL),
	    EXT_INVALID);
	assert_int_equal(ask(f->st, id, &lead, NULL, 3, NULL, T0, NULL),
	    EXT_INVALID);
	assert_int_equal(ask(f->st, id, &lead, "2026-12-09", 0, "x", T0, NULL),
	    EXT_INVALID);
	assert_int_equal(ask(f->st, id, &lead, NULL, EXTENSION_DAYS_MAX + 1,
	    "x", T0, NULL), EXT_INVALID);
	assert_int_equal(ask(f->st, id, &lead, NULL, 0, "x", T0, NULL),
	    EXT_INVALID);
	assert_int_equal(ask(f->st, id, &lead, "2027-06-30", 0, "x", T0,
	    NULL), EXT_INVALID);			/* > 60 working days */
	assert_int_equal(ask(f->st, id, &lead, "2026-13-01", 0, "x", T0,
	    NULL), EXT_INVALID);
	assert_int_equal(ask(f->st, id, &lead, "12-20", 0, "x", T0, NULL),
	    EXT_INVALID);
	/* the co-unit may not ask, another unit does not see the case */
	assert_int_equal(ask(f->st, id, &co, NULL, 3, "x", T0, NULL),
	    EXT_FORBIDDEN);
	assert_int_equal(ask(f->st, id, &other, NULL, 3, "x", T0, NULL),
	    EXT_NOT_FOUND);
	assert_int_equal(ask(f->st, id, &office, NULL, 3, "x", T0, NULL),
	    EXT_FORBIDDEN);
	assert_int_equal(ask(f->st, id + 100, &lead, NULL, 3, "x", T0, NULL),
	    EXT_NOT_FOUND);
	/* after the deadline: too late (Art. 18) */
	assert_int_equal(ask(f->st, id, &lead, NULL, 3, "x", T0 + 15 * DAY,
	    NULL), EXT_INVALID);
	/* on the due day: in time; one pending at once */
	assert_int_equal(ask(f->st, id, &lead, NULL, 5, "需要检测报告",
	    T0 + 14 * DAY, &rid), EXT_OK);
	assert_int_equal(ask(f->st, id, &lead, NULL, 2, "x", T0 + 14 * DAY,
	    NULL), EXT_CONFLICT);
	n = store_ext_list(f->st, "pending", NULL, 0, list, nitems(list));
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, rid);
	store_ext_clear(&list[0]);
	assert_int_equal(store_ext_list(f->st, "pending", "jtj", 0, list,
	    nitems(list)), 0);
	/* only the office decides; a refusal needs a reason */
	assert_int_equal(decide(f->st, rid, 1, &lead, NULL, T0 + 14 * DAY),
	    EXT_FORBIDDEN);
	assert_int_equal(decide(f->st, rid, 0, &office, NULL, T0 + 14 * DAY),
	    EXT_INVALID);
	assert_int_equal(decide(f->st, rid, 0, &office, "", T0 + 14 * DAY),
	    EXT_INVALID);
	assert_int_equal(decide(f->st, rid + 100, 0, &office, "x",
	    T0 + 14 * DAY), EXT_NOT_FOUND);
	assert_int_equal(decide(f->st, rid, 0, &office, "理由不充分",
	    T0 + 14 * DAY), EXT_OK);
	assert_due(f->st, id, "2026-12-10", 0);
	assert_int_equal(store_ext_get(f->st, rid, &e), 1);
	assert_string_equal(e.state, "refused");
	assert_string_equal(e.decision, "理由不充分");
	store_ext_clear(&e);
	assert_string_equal(f->decided, "refused");
	/* asked again on the due day, decided the day after: granted */
	assert_int_equal(ask(f->st, id, &lead, "2026-12-17", 0, "检测报告已约",
	    T0 + 14 * DAY, &rid2), EXT_OK);
	/* meanwhile the scan finds it overdue and supervises it */
	assert_int_equal(commit_txn_begin(f->st), 0);
	assert_int_equal(lifecycle_overdue_scan(f->st, T0 + 15 * DAY, NULL,
	    NULL), 1);
	assert_int_equal(commit_txn_end(f->st, 1), 0);
	assert_true(supervised(f->st, id));
	assert_int_equal(decide(f->st, rid2, 1, &office, "同意",
	    T0 + 15 * DAY), EXT_OK);
	assert_due(f->st, id, "2026-12-17", 1);
	/* the wait was the office's: the overdue supervision ends */
	assert_false(supervised(f->st, id));
	n = store_ext_list(f->st, NULL, "cgj", 0, list, nitems(list));
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, rid2);		/* newest first */
	assert_int_equal(store_ext_list(f->st, NULL, NULL, rid2, list + 2, 1),
	    1);
	assert_int_equal(list[2].id, rid);
	store_ext_clear(&list[0]);
	store_ext_clear(&list[1]);
	store_ext_clear(&list[2]);
}

/* A request for a case that moved on cannot be approved, only refused. */
/* Request rid is lapsed, by "system:lapse", because of op. */
static void
assert_lapsed(struct store *st, int64_t id, int64_t rid, const char *op)
{
	struct store_ext	e;
	char			why[32];

	memset(&e, 0, sizeof(e));
	assert_int_equal(store_ext_get(st, rid, &e), 1);
	assert_string_equal(e.state, "lapsed");
	assert_string_equal(e.decided_by, "system:lapse");
	assert_string_equal(e.decision, op);
	store_ext_clear(&e);
	snprintf(why, sizeof(why), "\"why\":\"%s\"", op);
	assert_true(has_event(st, id, "case.extension-decide", why));
	assert_int_equal(store_ext_pending(st, id, &e), 0);
}

/*
 * A pending request lapses when the case leaves the unit's hands: the
 * unit returns it, replies, or the office closes it; it is not left for
 * the office to decide, and the unit is not told of a decision.  After a
 * new dispatch the unit may ask again.  An extension the office grants on
 * its own leaves the request pending.
 */
static void
test_case_moved_on(void **state)
{
	struct fixture		*f = *state;
	struct lc_args		 a;
	struct store_ext	 e;
	char			 err[256];
	int64_t			 id, rid, rid2, rid3;

	id = add_case(f->st, "complaint", T0, "2026-12-10");
	dispatch(f->st, id, T0);
	assert_int_equal(ask(f->st, id, &lead, NULL, 3, "需要时间", T0 + DAY,
	    &rid), EXT_OK);
	op(f->st, id, LC_OP_RETURN, "不属于本单位职责", &lead, T0 + DAY);
	assert_lapsed(f->st, id, rid, "return");
	assert_int_equal(decide(f->st, rid, 1, &office, NULL, T0 + DAY),
	    EXT_CONFLICT);
	assert_int_equal(decide(f->st, rid, 0, &office, "案件已退回",
	    T0 + DAY), EXT_CONFLICT);
	assert_due(f->st, id, "2026-12-10", 0);
	assert_int_equal(f->notified, 0);

	/* dispatched again: a new request; the unit replies */
	dispatch(f->st, id, T0 + 2 * DAY);
	assert_int_equal(ask(f->st, id, &lead, NULL, 3, "还需核实",
	    T0 + 2 * DAY, &rid2), EXT_OK);
	assert_true(rid2 != rid);
	/* the office's own extension does not decide the request */
	memset(&a, 0, sizeof(a));
	a.due = "2026-12-14";
	a.text = "办公室延期";
	assert_int_equal(commit_txn_begin(f->st), 0);
	assert_int_equal(lifecycle_apply(f->st, id, LC_OP_EXTEND, &a, &office,
	    T0 + 2 * DAY, err, sizeof(err)), LC_OK);
	assert_int_equal(commit_txn_end(f->st, 1), 0);
	memset(&e, 0, sizeof(e));
	assert_int_equal(store_ext_pending(f->st, id, &e), 1);
	assert_int_equal(e.id, rid2);
	store_ext_clear(&e);
	op(f->st, id, LC_OP_REPLY, "已修复路灯", &lead, T0 + 3 * DAY);
	assert_lapsed(f->st, id, rid2, "reply");

	/* a third case: the office closes it over a pending request */
	id = add_case(f->st, "complaint", T0, "2026-12-10");
	dispatch(f->st, id, T0);
	assert_int_equal(ask(f->st, id, &lead, NULL, 2, "需要时间", T0 + DAY,
	    &rid3), EXT_OK);
	op(f->st, id, LC_OP_REPLY, "已处理", &lead, T0 + DAY);
	assert_lapsed(f->st, id, rid3, "reply");
	op(f->st, id, LC_OP_CLOSE, NULL, &office, T0 + DAY);
	assert_int_equal(f->notified, 0);
	assert_int_equal(store_audit_verify(f->st, NULL), 0);
}

static enum disclose_result
set(struct store *st, int64_t id, enum disclose_flag fl, int on,
    const struct lc_actor *who, const char *reason)
{
	char			err[256];
	enum disclose_result	r;
	int			changed;

	err[0] = '\0';
	assert_int_equal(commit_txn_begin(st), 0);
	r = disclose_set(st, id, fl, on, who, reason, T0, &changed, err,
	    sizeof(err));
	assert_int_equal(commit_txn_end(st, r != DISCLOSE_ERROR), 0);
	if (r != DISCLOSE_OK)
		assert_true(err[0] != '\0');
	return r;
}

static int
citizen(struct store *st, int64_t id)
{
	int	r;

	assert_int_equal(commit_txn_begin(st), 0);
	r = disclose_citizen(st, id, T0);
	assert_int_equal(commit_txn_end(st, r != -1), 0);
	return r;
}

static int
published_row(void *arg, int ncol, const char *const *col)
{
	int	*n = arg;

	(void)ncol;
	(void)col;
	(*n)++;
	return 0;
}

/* How many closed cases hotlinectl publish would list. */
static int
published(struct store *st)
{
	int	n = 0;

	assert_int_equal(store_stats(st, STORE_PUBLISH, T0 - DAY, T0 + 30 * DAY,
	    "2026-12-01", 100, published_row, &n), 0);
	return n;
}

static int64_t
closed_case(struct store *st)
{
	struct lc_args	a;
	char		err[256];
	int64_t		id = add_case(st, "consultation", T0, "2026-11-30");

	memset(&a, 0, sizeof(a));
	a.text = "已答复";
	assert_int_equal(commit_txn_begin(st), 0);
	assert_int_equal(lifecycle_apply(st, id, LC_OP_ANSWER, &a, &office,
	    T0 + HOUR, err, sizeof(err)), LC_OK);
	assert_int_equal(commit_txn_end(st, 1), 0);
	return id;
}

static void
test_disclose(void **state)
{
	struct fixture	*f = *state;
	int64_t		 a, b, c;

	a = closed_case(f->st);
	b = closed_case(f->st);
	c = closed_case(f->st);
	assert_int_equal(published(f->st), 3);
	assert_int_equal(disclose_publishable(f->st, a), 1);
	assert_int_equal(disclose_confidential(f->st, a), 0);
	assert_int_equal(disclose_confidential(f->st, a + 100), 0);

	/* the citizen asks: theirs, once; the office cannot lift it */
	assert_int_equal(citizen(f->st, a), 1);
	assert_int_equal(citizen(f->st, a), 0);
	assert_int_equal(disclose_confidential(f->st, a), 1);
	assert_int_equal(set(f->st, a, DISCLOSE_CONFIDENTIAL, 0, &office,
	    "误设"), DISCLOSE_REFUSED);
	assert_int_equal(disclose_confidential(f->st, a), 1);
	assert_int_equal(published(f->st), 2);
	assert_true(has_event(f->st, a, "case.confidential",
	    "\"by\":\"citizen\""));

	/* the office's own: set, lifted, each with a reason, audited */
	assert_int_equal(set(f->st, b, DISCLOSE_CONFIDENTIAL, 1, &office, ""),
	    DISCLOSE_INVALID);
	assert_int_equal(set(f->st, b, DISCLOSE_CONFIDENTIAL, 1, &office,
	    NULL), DISCLOSE_INVALID);
	assert_int_equal(set(f->st, b, DISCLOSE_CONFIDENTIAL, 1, &lead,
	    "x"), DISCLOSE_INVALID);
	assert_int_equal(set(f->st, b + 100, DISCLOSE_CONFIDENTIAL, 1,
	    &office, "x"), DISCLOSE_NOT_FOUND);
	assert_int_equal(set(f->st, b, DISCLOSE_CONFIDENTIAL, 1, &office,
	    "涉及未成年人"), DISCLOSE_OK);
	assert_int_equal(published(f->st), 1);
	assert_int_equal(set(f->st, b, DISCLOSE_CONFIDENTIAL, 0, &office,
	    "核实后可公开"), DISCLOSE_OK);
	assert_int_equal(published(f->st), 2);
	assert_true(has_event(f->st, b, "case.confidential",
	    "\"set\":false"));
	/* set by the office, then asked by the citizen: theirs */
	assert_int_equal(set(f->st, b, DISCLOSE_CONFIDENTIAL, 1, &office,
	    "x"), DISCLOSE_OK);
	assert_int_equal(citizen(f->st, b), 1);
	assert_int_equal(set(f->st, b, DISCLOSE_CONFIDENTIAL, 0, &office,
	    "x"), DISCLOSE_REFUSED);

	/* not for publication: out of publish, text not confidential */
	assert_int_equal(set(f->st, c, DISCLOSE_NOPUBLISH, 1, &office,
	    "不宜公开"), DISCLOSE_OK);
	assert_int_equal(published(f->st), 0);
	assert_int_equal(disclose_publishable(f->st, c), 0);
	assert_int_equal(disclose_confidential(f->st, c), 0);
	assert_true(has_event(f->st, c, "case.nopublish", "\"set\":true"));
	assert_int_equal(set(f->st, c, DISCLOSE_NOPUBLISH, 0, &office,
	    "可以公开"), DISCLOSE_OK);
	assert_int_equal(published(f->st), 1);
}

/* v21 upgrades a v16 database in place: old cases keep their flags. */
static void
test_upgrade(void **state)
{
	struct fixture		*f = *state;
	struct store_disclose	 d;
	int64_t			 id, old, rid;

	store_close(f->st);
	testdb_remove(f->dir, f->path);
	assert_int_equal(testdb_make("test_extension", f->dir, sizeof(f->dir),
	    f->path, sizeof(f->path)), 0);
	f->st = open_db(f, 16);
	assert_int_equal(store_version(f->st), 16);
	assert_int_equal(store_unit_add(f->st, "cgj", "城管局", NULL, T0), 0);
	assert_int_equal(store_unit_add(f->st, "hbj", "环保局", NULL, T0), 0);
	id = add_case(f->st, "complaint", T0, "2026-12-10");
	dispatch(f->st, id, T0);
	old = closed_case(f->st);
	store_close(f->st);

	f->st = open_db(f, 0);
	assert_int_equal(store_version(f->st), STORE_SCHEMA_VERSION);
	assert_int_equal(store_case_disclose(f->st, id, &d), 1);
	assert_int_equal(d.confidential, 0);
	assert_int_equal(d.nopublish, 0);
	assert_int_equal(published(f->st), 1);
	assert_int_equal(disclose_publishable(f->st, old), 1);
	assert_int_equal(ask(f->st, id, &lead, NULL, 2, "需要时间", T0 + DAY,
	    &rid), EXT_OK);
	assert_int_equal(decide(f->st, rid, 1, &office, NULL, T0 + DAY),
	    EXT_OK);
	assert_due(f->st, id, "2026-12-14", 1);
	assert_int_equal(store_audit_verify(f->st, NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_help_cap_day0, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_help_cap_rehandled, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refuse_and_roles, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_case_moved_on, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_disclose, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_upgrade, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
