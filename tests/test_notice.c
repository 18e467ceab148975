/*
 * test_notice: the notices to the units (notice.h, store_notice.h,
 * webhook.h): the v19 upgrade of an existing database in place, contacts
 * (numbers sealed, duplicates refused), the once-only record, the webhook
 * queue, the signature against a known vector, the backoff, hostile
 * webhook URLs, notice_due()'s texts, whole, queued once, and the
 * extension decisions' notices (texts whole, the refusal's reason cut to
 * one SMS, once per request, the webhook's body).
 */
#include "compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>
#include <jansson.h>

#include "calendar.h"
#include "commit.h"
#include "../src/config.h"	/* not the autoconf config.h */
#include "crypto.h"
#include "extension.h"
#include "lifecycle.h"
#include "notice.h"
#include "store.h"
#include "store_notice.h"
#include "template.h"
#include "testdb.h"
#include "util.h"
#include "webhook.h"

#define T0	1764900000000LL		/* 2025-12-05 10:00 +08:00 */

struct fixture {
	char			 dir[64], path[128];
	struct crypto		*crypto;
	struct store		*st;
	struct event_base	*base;
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
	if (f == NULL || testdb_make("test_notice", f->dir, sizeof(f->dir),
	    f->path, sizeof(f->path)) == -1)
		return -1;
	memset(key, 0x5a, sizeof(key));
	f->crypto = crypto_new(key);
	if ((f->st = store_open(f->path, f->crypto, NULL, err,
	    sizeof(err))) == NULL)
		return -1;
	if ((f->base = event_base_new()) == NULL)
		return -1;
	commit_set_default(commit_new(f->base, f->st, 0, 64));
	if (store_unit_add(f->st, "HB-WATER", "水务局", NULL, T0) != 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	commit_free(commit_default());
	store_close(f->st);
	event_base_free(f->base);
	crypto_free(f->crypto);
	testdb_remove(f->dir, f->path);
	free(f);
	return 0;
}

/* A v16 database with a unit, upgraded in place: the v19 tables work. */
static void
test_upgrade_v19(void **state)
{
	struct store_opts	 o = { .max_version = 16 };
	struct store		*st;
	struct crypto		*cr;
	char			 dir[64], path[128], err[160];
	uint8_t			 key[CRYPTO_KEYFILE_LEN];
	int64_t			 id = 0;

	(void)state;
	memset(key, 7, sizeof(key));
	assert_non_null(cr = crypto_new(key));
	assert_int_equal(testdb_make("notice19", dir, sizeof(dir), path,
	    sizeof(path)), 0);
	assert_non_null(st = store_open(path, cr, &o, err, sizeof(err)));
	assert_int_equal(store_version(st), 16);
	assert_int_equal(store_unit_add(st, "HB-ROAD", "公路局", NULL, T0), 0);
	store_close(st);
	o.max_version = 0;
	assert_non_null(st = store_open(path, cr, &o, err, sizeof(err)));
	assert_int_equal(store_version(st), STORE_SCHEMA_VERSION);
	assert_int_equal(store_contact_add(st, "HB-ROAD", "handler", NULL,
	    "13800138201", T0, &id), 0);
	assert_true(id > 0);
	assert_int_equal(store_hook_set(st, "HB-ROAD", "http://127.0.0.1/h",
	    "secret", T0), 0);
	store_close(st);
	assert_int_equal(testdb_peek(path, "SELECT COUNT(*) FROM "
	    "unit_contacts WHERE unit = 'HB-ROAD'"), 1);
	assert_int_equal(testdb_peek(path, "SELECT COUNT(*) FROM unit_hooks "
	    "WHERE CAST(secret_enc AS TEXT) LIKE '%secret%'"), 0);
	testdb_remove(dir, path);
	crypto_free(cr);
}

static void
test_contacts(void **state)
{
	struct fixture		*f = *state;
	struct store_contact	 c[8];
	char			 nums[4][STORE_ADDR_MAX];
	int64_t			 id1 = 0, id2 = 0;
	int			 n;

	assert_int_equal(store_contact_add(f->st, "HB-WATER", "handler",
	    "张三", "13800138101", T0, &id1), 0);
	assert_int_equal(store_contact_add(f->st, "HB-WATER", "leader", NULL,
	    "13800138102", T0, &id2), 0);
	assert_int_equal(store_contact_add(f->st, "", "duty", NULL,
	    "13800138109", T0, NULL), 0);
	/* the same number in the same role again: refused */
	assert_int_equal(store_contact_add(f->st, "HB-WATER", "handler",
	    NULL, "+8613800138101", T0, NULL), 1);
	/* not a number at all */
	assert_int_equal(store_contact_add(f->st, "HB-WATER", "handler",
	    NULL, "", T0, NULL), -1);
	n = store_contact_numbers(f->st, "HB-WATER", "handler", nums,
	    nitems(nums));
	assert_int_equal(n, 1);
	assert_string_equal(nums[0], "13800138101");
	assert_int_equal(store_contact_numbers(f->st, "HB-WATER",
	    "discipline", nums, nitems(nums)), 0);
	n = store_contact_list(f->st, NULL, c, nitems(c), 0);
	assert_int_equal(n, 3);
	assert_string_equal(c[0].unit, "");	/* the office first */
	assert_string_equal(c[0].role, "duty");
	assert_string_equal(c[1].role, "handler");
	assert_string_equal(c[1].name, "张三");
	assert_string_equal(c[1].msisdn, "13800138101");
	while (n > 0)
		store_contact_clear(&c[--n]);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM "
	    "unit_contacts WHERE CAST(msisdn_enc AS TEXT) LIKE '%1380013%'"),
	    0);
	assert_int_equal(store_contact_del(f->st, id2), 1);
	assert_int_equal(store_contact_del(f->st, id2), 0);
	assert_true(notice_role_ok("discipline", 0));
	assert_false(notice_role_ok("duty", 0));
	assert_true(notice_role_ok("duty", 1));
	assert_false(notice_role_ok("handler", 1));
	assert_false(notice_role_ok(NULL, 0));
	assert_false(notice_role_ok("Handler", 0));
}

static void
test_once_and_queue(void **state)
{
	struct fixture		*f = *state;
	struct store_webhook	 w;
	struct store_case_new	 cn;
	char			 number[STORE_CASE_NUMBER_MAX];
	int64_t			 c, id = 0, id2 = 0;

	memset(&cn, 0, sizeof(cn));
	cn.msisdn = "13800138030";
	cn.category = "complaint";
	cn.text = "噪音";
	cn.received_at = T0;
	cn.due = "2026-12-10";
	assert_int_equal(store_case_add(f->st, &cn, &c, number), 0);
	assert_int_equal(store_notice_once(f->st, c, "HB-WATER", "due",
	    "2026-12-10", T0, &id), 1);
	assert_int_equal(store_notice_once(f->st, c, "HB-WATER", "due",
	    "2026-12-10", T0 + 1, &id2), 0);
	/* a case that does not exist */
	assert_int_equal(store_notice_once(f->st, c + 99, "HB-WATER", "due",
	    "2026-12-10", T0, &id2), -1);
	/* extended: a new due date is a new reminder */
	assert_int_equal(store_notice_once(f->st, c, "HB-WATER", "due",
	    "2026-12-15", T0, &id2), 1);
	assert_true(id2 > id);
	assert_int_equal(store_webhook_add(f->st, id, "HB-WATER", "{}",
	    T0 + 1000), 0);
	assert_int_equal(store_webhook_next(f->st, T0, &w), 0);
	assert_int_equal(store_webhook_next(f->st, T0 + 1000, &w), 1);
	assert_int_equal(w.notice_id, id);
	assert_string_equal(w.body, "{}");
	assert_int_equal(w.attempts, 0);
	assert_int_equal(store_webhook_result(f->st, w.id, STORE_WEBHOOK_WAIT,
	    T0 + 5000, 503, T0 + 1000), 0);
	store_webhook_clear(&w);
	assert_int_equal(store_webhook_next(f->st, T0 + 4999, &w), 0);
	assert_int_equal(store_webhook_next(f->st, T0 + 5000, &w), 1);
	assert_int_equal(w.attempts, 1);
	assert_int_equal(store_webhook_result(f->st, w.id, STORE_WEBHOOK_DONE,
	    0, 200, T0 + 5000), 0);
	/* a result written twice changes nothing more */
	assert_int_equal(store_webhook_result(f->st, w.id,
	    STORE_WEBHOOK_FAILED, 0, 500, T0 + 6000), 0);
	store_webhook_clear(&w);
	assert_int_equal(store_webhook_next(f->st, T0 + 999999, &w), 0);
	assert_int_equal(testdb_peek(f->path, "SELECT state * 1000 + status "
	    "FROM webhooks"), 1200);
}

static void
test_sign_backoff(void **state)
{
	char	sig[WEBHOOK_SIG_MAX], s[WEBHOOK_SECRET_LEN + 1];
	char	s2[WEBHOOK_SECRET_LEN + 1];
	const char *fox = "The quick brown fox jumps over the lazy dog";

	(void)state;
	/* RFC 4231-style known answer (the Wikipedia HMAC example) */
	assert_int_equal(webhook_sign("key", fox, strlen(fox), sig), 0);
	assert_string_equal(sig, "sha256=f7bc83f430538424b13298e6aa6fb143"
	    "ef4d59a14946175997479dbc2d1a3cd8");
	assert_int_equal(webhook_sign("key", "", 0, sig), 0);
	assert_int_equal(strlen(sig), 7 + 64);
	assert_int_equal(webhook_secret(s), 0);
	assert_int_equal(webhook_secret(s2), 0);
	assert_int_equal(strlen(s), WEBHOOK_SECRET_LEN);
	assert_int_equal(strspn(s, "0123456789abcdef"), WEBHOOK_SECRET_LEN);
	assert_string_not_equal(s, s2);
	assert_int_equal(webhook_backoff(0), WEBHOOK_BACKOFF_MIN);
	assert_int_equal(webhook_backoff(1), WEBHOOK_BACKOFF_MIN);
	assert_int_equal(webhook_backoff(2), 2 * WEBHOOK_BACKOFF_MIN);
	assert_int_equal(webhook_backoff(3), 4 * WEBHOOK_BACKOFF_MIN);
	assert_int_equal(webhook_backoff(40), WEBHOOK_BACKOFF_MAX);
	assert_int_equal(webhook_backoff(1000000), WEBHOOK_BACKOFF_MAX);
}

static void
test_url(void **state)
{
	static const char *const good[] = {
		"http://127.0.0.1/hook", "http://127.0.0.1:8080/a/b?x=1",
		"http://oa.water.gov.cn/12345", "http://h",
	};
	static const char *const bad[] = {
		"", "http://", "https://h/", "ftp://h/", "http://u:p@h/",
		"http://h/#frag", "http://h/ a", "http://h/\x01", "h/x",
		"javascript:alert(1)", "http://h:0/", "http://h:99999/",
		"http://h/\xe4\xb8\xad", "//h/x", "http:/h", "http://[::1/",
	};
	char	long_url[STORE_URL_MAX + 16];
	size_t	i;

	(void)state;
	for (i = 0; i < nitems(good); i++)
		if (!webhook_url_ok(good[i]))
			fail_msg("refused: %s", good[i]);
	for (i = 0; i < nitems(bad); i++)
		if (webhook_url_ok(bad[i]))
			fail_msg("accepted: %s", bad[i]);
	assert_false(webhook_url_ok(NULL));
	memcpy(long_url, "http://h/", 9);
	memset(long_url + 9, 'a', sizeof(long_url) - 10);
	long_url[sizeof(long_url) - 1] = '\0';
	assert_false(webhook_url_ok(long_url));
}

/* A case dispatched to HB-WATER, due `due`. */
static int64_t
dispatched_due(struct fixture *f, const char *category, const char *due,
    char number[STORE_CASE_NUMBER_MAX])
{
	static const struct lc_actor	 office = { LC_ROLE_OFFICE, "ops",
					    NULL };
	struct store_case_new		 cn;
	struct lc_args			 a;
	char				 err[160];
	int64_t				 id;

	memset(&cn, 0, sizeof(cn));
	cn.msisdn = "13800138030";
	cn.category = category;
	cn.text = "人民路自来水管爆裂";
	cn.received_at = T0;
	cn.due = due;
	assert_int_equal(commit_unit_begin(commit_default()), 0);
	assert_int_equal(store_case_add(f->st, &cn, &id, number), 0);
	memset(&a, 0, sizeof(a));
	a.unit = "HB-WATER";
	assert_int_equal(lifecycle_apply(f->st, id, LC_OP_DISPATCH, &a,
	    &office, T0, err, sizeof(err)), LC_OK);
	assert_int_equal(commit_unit_end(commit_default(), 1), 0);
	commit_flush(commit_default());
	return id;
}

/* A case dispatched to HB-WATER, due 2026-12-10 (a Thursday). */
static int64_t
dispatched_case(struct fixture *f, const char *category,
    char number[STORE_CASE_NUMBER_MAX])
{
	return dispatched_due(f, category, "2026-12-10", number);
}

/* The text of the newest unit SMS, whole. */
static void
last_unit_sms(struct fixture *f, char *buf, size_t len)
{
	assert_int_equal(testdb_text(f->path, "SELECT text FROM outbox "
	    "WHERE kind = 'unit' ORDER BY id DESC LIMIT 1", buf, len), 0);
}

static int
due_now(struct fixture *f, int64_t id, int today)
{
	struct store_case	c;
	int			rv;

	memset(&c, 0, sizeof(c));
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_int_equal(commit_unit_begin(commit_default()), 0);
	rv = notice_due(f->st, &c, today, T0);
	assert_int_equal(commit_unit_end(commit_default(), rv != -1), 0);
	commit_flush(commit_default());
	store_case_clear(&c);
	return rv;
}

/* The templates, the default settings and HB-WATER's handler. */
static void
notice_fixture(struct fixture *f, struct hotlined_conf *conf)
{
	struct conf_errors	 errs;
	struct template_set	*ts;
	char			 dir[4200];
	const char		*top = getenv("top_srcdir");

	snprintf(dir, sizeof(dir), "%s/templates", top ? top : "..");
	memset(&errs, 0, sizeof(errs));
	assert_non_null(ts = template_load(dir, &errs));
	template_set_current(ts);
	conf_defaults(conf);
	notice_setup(conf);
	assert_int_equal(store_contact_add(f->st, "HB-WATER", "handler", NULL,
	    "13800138101", T0, NULL), 0);
}

static void
test_due(void **state)
{
	struct fixture		*f = *state;
	struct hotlined_conf	 conf;
	char			 text[512], want[512];
	char			 number[STORE_CASE_NUMBER_MAX];
	int64_t			 id;

	notice_fixture(f, &conf);
	assert_int_equal(store_contact_add(f->st, "HB-WATER", "discipline",
	    NULL, "13800138103", T0, NULL), 0);
	id = dispatched_case(f, "complaint", number);
	/* Monday: nothing yet; Wednesday, the working day before: told */
	assert_int_equal(due_now(f, id, 20261207), 0);
	assert_int_equal(due_now(f, id, 20261209), 1);
	last_unit_sms(f, text, sizeof(text));
	snprintf(want, sizeof(want), "【12345热线】水务局：%s（投诉举报）将于"
	    "2026-12-10到期，请按时办结反馈。", number);
	assert_string_equal(text, want);
	/* once */
	assert_int_equal(due_now(f, id, 20261209), 0);
	assert_int_equal(due_now(f, id, 20261210), 0);
	/* Friday: overdue, once */
	assert_int_equal(due_now(f, id, 20261211), 1);
	last_unit_sms(f, text, sizeof(text));
	snprintf(want, sizeof(want), "【12345热线】水务局：%s（投诉举报）"
	    "已超办结期限2026-12-10，请立即办理反馈。", number);
	assert_string_equal(text, want);
	assert_int_equal(due_now(f, id, 20261214), 0);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM outbox "
	    "WHERE kind = 'unit'"), 2);
	/* the efficiency complaint: the discipline contact only (Art. 10) */
	id = dispatched_case(f, "efficiency", number);
	assert_int_equal(due_now(f, id, 20261209), 1);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM outbox "
	    "WHERE kind = 'unit'"), 3);
	last_unit_sms(f, text, sizeof(text));
	snprintf(want, sizeof(want), "【12345热线】水务局：%s（效能投诉）将于"
	    "2026-12-10到期，请按时办结反馈。", number);
	assert_string_equal(text, want);
	/* in the quiet hours an SMS waits for their end; T0 is 10:00 */
	conf.survey.quiet_start = 9 * 60;
	conf.survey.quiet_end = 11 * 60;
	notice_setup(&conf);
	assert_int_equal(due_now(f, id, 20261211), 1);
	assert_int_equal(testdb_peek(f->path, "SELECT next_attempt_at FROM "
	    "outbox WHERE kind = 'unit' ORDER BY id DESC LIMIT 1"),
	    T0 + 3600 * 1000);
	template_set_current(NULL);
	conf_free(&conf);
}

/* One slice of the scan as the loop runs it: its own unit of work. */
static int
scan_slice(struct fixture *f, struct notice_scan *ns, size_t max)
{
	int	n;

	assert_int_equal(commit_unit_begin(commit_default()), 0);
	n = notice_scan_slice(f->st, ns, max);
	assert_int_equal(commit_unit_end(commit_default(), n != -1), 0);
	return n;
}

/*
 * The notice scan in slices (issue 17): five overdue cases, two a slice,
 * each slice its own unit: every case is told "overdue" exactly once, a
 * scan begun again tells nobody, and a case not yet due is not told.
 */
static void
test_scan_slices(void **state)
{
	struct fixture		*f = *state;
	struct hotlined_conf	 conf;
	struct notice_scan	 ns;
	char			 number[STORE_CASE_NUMBER_MAX];
	/* Friday 2026-12-11 10:00 +08:00: past the cases' due date */
	int64_t			 now = T0 + 371 * 86400000LL;
	int			 i, n, slices = 0;

	notice_fixture(f, &conf);
	for (i = 0; i < 5; i++)
		(void)dispatched_case(f, "complaint", number);
	assert_int_equal(notice_scan_begin(&ns, now), 0);
	ns.budget_us = -1;	/* slices by count, never cut short by time */
	do {
		n = scan_slice(f, &ns, 2);
		commit_flush(commit_default());
		assert_true(n >= 0 && n <= 2);
		slices++;
	} while (!ns.done);
	assert_int_equal(slices, 3);
	assert_int_equal(ns.count, 5);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM notices "
	    "WHERE kind = 'overdue'"), 5);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(DISTINCT case_id) "
	    "FROM notices WHERE kind = 'overdue'"), 5);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM outbox "
	    "WHERE kind = 'unit' AND text LIKE '%已超办结期限%'"), 5);
	/* again, whole: nothing more */
	assert_int_equal(commit_unit_begin(commit_default()), 0);
	assert_int_equal(notice_scan(f->st, now), 0);
	assert_int_equal(commit_unit_end(commit_default(), 1), 0);
	commit_flush(commit_default());
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM notices "
	    "WHERE kind = 'overdue'"), 5);
	/* a week before the due date nobody is told */
	assert_int_equal(notice_scan_begin(&ns, now - 7 * 86400000LL), 0);
	assert_int_equal(commit_unit_begin(commit_default()), 0);
	assert_int_equal(notice_scan_slice(f->st, &ns, 2), 0);
	assert_int_equal(commit_unit_end(commit_default(), 1), 0);
	assert_true(ns.done);
	assert_int_equal(ns.count, 0);
	template_set_current(NULL);
	conf_free(&conf);
}

/*
 * notice_scan() pages by (due, id): 70 cases due the same day cross two
 * page boundaries inside that day; each case due by the next working day
 * or overdue is told once, a later one not at all.
 */
static void
test_scan_pages(void **state)
{
	struct fixture		*f = *state;
	struct hotlined_conf	 conf;
	char			 number[STORE_CASE_NUMBER_MAX];
	/* Wednesday 2026-12-09 10:00 +08:00: due by Thursday is told */
	int64_t			 now = T0 + 369 * 86400000LL;
	int			 i, n;

	notice_fixture(f, &conf);
	for (i = 0; i < 3; i++)
		dispatched_due(f, "complaint", "2026-12-14", number);
	for (i = 0; i < 70; i++)
		dispatched_due(f, "complaint", "2026-12-10", number);
	for (i = 0; i < 3; i++)
		dispatched_due(f, "complaint", "2026-12-08", number);
	assert_int_equal(commit_unit_begin(commit_default()), 0);
	n = notice_scan(f->st, now);
	assert_int_equal(commit_unit_end(commit_default(), n != -1), 0);
	assert_int_equal(n, 73);
	assert_int_equal(commit_unit_begin(commit_default()), 0);
	n = notice_scan(f->st, now);
	assert_int_equal(commit_unit_end(commit_default(), n != -1), 0);
	assert_int_equal(n, 0);
	commit_flush(commit_default());
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(DISTINCT "
	    "case_id) FROM notices WHERE kind = 'due'"), 70);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(DISTINCT "
	    "case_id) FROM notices WHERE kind = 'overdue'"), 3);
	template_set_current(NULL);
	conf_free(&conf);
}

/*
 * A slice stops by time (SLICE_BUDGET_US), its cursor on the last case
 * it looked at: with a budget of 0 each of 10 slices looks at one case,
 * the slices after them (no budget) go on from there, 32 at a time, and
 * each case is told once.
 */
static void
test_scan_cut(void **state)
{
	struct fixture		*f = *state;
	struct hotlined_conf	 conf;
	struct notice_scan	 ns;
	char			 number[STORE_CASE_NUMBER_MAX];
	/* Wednesday 2026-12-09 10:00 +08:00: due by Thursday is told */
	int64_t			 now = T0 + 369 * 86400000LL;
	int			 i, n, slices = 0;

	notice_fixture(f, &conf);
	for (i = 0; i < 3; i++)
		dispatched_due(f, "complaint", "2026-12-14", number);
	for (i = 0; i < 70; i++)
		dispatched_due(f, "complaint", "2026-12-10", number);
	for (i = 0; i < 3; i++)
		dispatched_due(f, "complaint", "2026-12-08", number);
	assert_int_equal(notice_scan_begin(&ns, now), 0);
	assert_int_equal(ns.budget_us, SLICE_BUDGET_US);
	ns.budget_us = 0;
	for (i = 0; i < 10; i++) {
		n = scan_slice(f, &ns, NOTICE_SLICE);
		assert_int_equal(n, 1);
		assert_false(ns.done);
	}
	ns.budget_us = -1;	/* never cut: 63 left */
	while (!ns.done) {
		assert_true(++slices <= 5);
		(void)scan_slice(f, &ns, NOTICE_SLICE);
	}
	commit_flush(commit_default());
	assert_int_equal(slices, 2);
	assert_int_equal(ns.count, 73);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(DISTINCT "
	    "case_id) FROM notices WHERE kind = 'due'"), 70);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM notices "
	    "WHERE kind IN ('due', 'overdue')"), 73);
	template_set_current(NULL);
	conf_free(&conf);
}

/* The shipped templates current, conf's defaults, notice_setup(). */
static void
templates_conf(struct hotlined_conf *conf)
{
	struct conf_errors	 errs;
	struct template_set	*ts;
	const char		*top = getenv("top_srcdir");
	char			 dir[4200];

	snprintf(dir, sizeof(dir), "%s/templates", top ? top : "..");
	memset(&errs, 0, sizeof(errs));
	assert_non_null(ts = template_load(dir, &errs));
	template_set_current(ts);
	conf_defaults(conf);
	notice_setup(conf);
}

/* A unit's request for case id, decided by the office; the request id. */
static int64_t
ext_decided(struct fixture *f, int64_t id, const char *due, int approve,
    const char *note)
{
	static const struct lc_actor	 office = { LC_ROLE_OFFICE, "wang",
					    NULL };
	static const struct lc_actor	 lead = { LC_ROLE_UNIT, "li",
					    "HB-WATER" };
	char				 err[256];
	int64_t				 rid = 0;

	assert_int_equal(commit_unit_begin(commit_default()), 0);
	assert_int_equal(extension_request(f->st, id, &lead, due, 0,
	    "管网改造需协调交通管制", T0, &rid, err, sizeof(err)), EXT_OK);
	assert_int_equal(commit_unit_end(commit_default(), 1), 0);
	commit_flush(commit_default());
	assert_int_equal(commit_unit_begin(commit_default()), 0);
	assert_int_equal(extension_decide(f->st, rid, approve, &office, note,
	    T0 + 1000, err, sizeof(err)), EXT_OK);
	assert_int_equal(commit_unit_end(commit_default(), 1), 0);
	commit_flush(commit_default());
	return rid;
}

/* "第一行\n" and then "长" up to 4000 bytes in all. */
static const char *
long_note(void)
{
	static char	note[4001];
	size_t		len;

	strlcpy(note, "第一行\n", sizeof(note));
	for (len = strlen(note); len + 3 < sizeof(note); len += 3)
		memcpy(note + len, "长", 3);
	note[len] = '\0';
	return note;
}

/*
 * The hook for a made-up refusal rid of case id with note: one SMS
 * queued, of one part, that gives reason as the office's reason.
 */
static void
hostile_note(struct fixture *f, int64_t id, int64_t rid, const char *note,
    const char *reason)
{
	struct store_ext	 e;
	struct store_case	 c;
	char			 text[512], want[512];
	long long		 before;

	before = testdb_peek(f->path, "SELECT COUNT(*) FROM outbox");
	memset(&e, 0, sizeof(e));
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	e.id = rid;
	e.case_id = id;
	e.unit = "HB-WATER";
	e.state = "refused";
	e.decision = (char *)note;
	e.decided_at = T0 + 2000;
	assert_int_equal(commit_unit_begin(commit_default()), 0);
	assert_int_equal(notice_extension(NULL, f->st, &e, &c), 0);
	assert_int_equal(commit_unit_end(commit_default(), 1), 0);
	commit_flush(commit_default());
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM outbox"),
	    before + 1);
	last_unit_sms(f, text, sizeof(text));
	snprintf(want, sizeof(want), "【12345热线】水务局：%s延期未获批准，"
	    "请按原期限办结。理由：%s", c.number, reason);
	assert_string_equal(text, want);
	assert_int_equal(template_parts(text), 1);
	store_case_clear(&c);
}

static void
test_extension(void **state)
{
	struct fixture		*f = *state;
	struct hotlined_conf	 conf;
	struct store_ext	 e;
	struct store_case	 c;
	json_t			*o;
	char			 text[512], want[512], body[2048];
	char			 number[STORE_CASE_NUMBER_MAX];
	int64_t			 id, rid;

	templates_conf(&conf);		/* installs the extension hook */
	assert_int_equal(store_contact_add(f->st, "HB-WATER", "handler", NULL,
	    "13800138101", T0, NULL), 0);
	assert_int_equal(store_contact_add(f->st, "HB-WATER", "leader", NULL,
	    "13800138102", T0, NULL), 0);
	assert_int_equal(store_hook_set(f->st, "HB-WATER",
	    "http://127.0.0.1/h", "secret", T0), 0);
	id = dispatched_case(f, "complaint", number);
	/* refused with a long reason: cut with "…", the SMS one part */
	(void)ext_decided(f, id, "2026-12-17", 0, "该管网改造工程已列入今年"
	    "计划，交通管制可由区政府协调，理由不充分，请按原期限办结并在系统中"
	    "反馈办理进度，如有新的困难可重新申请。");
	last_unit_sms(f, text, sizeof(text));
	snprintf(want, sizeof(want), "【12345热线】水务局：%s延期未获批准，"
	    "请按原期限办结。理由：该管网改造工程已列入今年计划，交通管制可由区"
	    "政府协调…", number);
	assert_string_equal(text, want);
	assert_int_equal(template_parts(text), 1);
	/* the handler alone, not the leader */
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM outbox "
	    "WHERE kind = 'unit'"), 1);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM notices "
	    "WHERE kind = 'extension'"), 1);
	/* asked again and approved: the new due date */
	rid = ext_decided(f, id, "2026-12-17", 1, NULL);
	last_unit_sms(f, text, sizeof(text));
	snprintf(want, sizeof(want), "【12345热线】水务局：%s（投诉举报）延期"
	    "申请已批准，办结期限延至2026-12-17。", number);
	assert_string_equal(text, want);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM outbox "
	    "WHERE kind = 'unit'"), 2);
	/* the webhook: kind, decision, the new due date */
	assert_int_equal(testdb_text(f->path, "SELECT body FROM webhooks "
	    "ORDER BY id DESC LIMIT 1", body, sizeof(body)), 0);
	assert_non_null(o = json_loads(body, 0, NULL));
	assert_string_equal(json_string_value(json_object_get(o, "notice")),
	    "extension");
	assert_string_equal(json_string_value(json_object_get(o, "due")),
	    "2026-12-17");
	assert_string_equal(json_string_value(json_object_get(o, "case")),
	    number);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    o, "extension"), "decision")), "approved");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    o, "extension"), "due_before")), "2026-12-10");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
	    o, "extension"), "request")), rid);
	json_decref(o);
	/* once: the hook again for the same request queues nothing */
	memset(&e, 0, sizeof(e));
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_ext_get(f->st, rid, &e), 1);
	assert_int_equal(store_case_get(f->st, id, &c), 1);
	assert_int_equal(commit_unit_begin(commit_default()), 0);
	assert_int_equal(notice_extension(NULL, f->st, &e, &c), 0);
	assert_int_equal(commit_unit_end(commit_default(), 1), 0);
	commit_flush(commit_default());
	store_ext_clear(&e);
	store_case_clear(&c);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM outbox "
	    "WHERE kind = 'unit'"), 2);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM notices "
	    "WHERE kind = 'extension'"), 2);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM webhooks"),
	    2);
	/* hostile notes: a line break, 4000 bytes, bytes that are not UTF-8 */
	hostile_note(f, id, 1001, long_note(), "第一行 长长长长长长长长长长"
	    "长长长长长长长长长长长长…");
	/* each byte of a broken sequence a "?" */
	hostile_note(f, id, 1002, "\x80\x80\x80\x80\x80\xe4\xb8", "???????");
	extension_set_notify(NULL, NULL);
	template_set_current(NULL);
	conf_free(&conf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_upgrade_v19),
		cmocka_unit_test_setup_teardown(test_contacts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_once_and_queue, setup,
		    teardown),
		cmocka_unit_test(test_sign_backoff),
		cmocka_unit_test(test_url),
		cmocka_unit_test_setup_teardown(test_due, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_slices, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_scan_pages, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_scan_cut, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_extension, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
