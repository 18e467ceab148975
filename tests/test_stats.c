/*
 * Unit tests for stats.c: periods (named, ranges, hostile dates), the
 * assessment weights file (good, malformed, truncated, oversized,
 * hostile), the score and ranking of units, and the v16 upgrade of a
 * database in place (old rows get the channel, the indexes exist).
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

#include <jansson.h>

#include "calendar.h"
#include "crypto.h"
#include "stats.h"
#include "store.h"
#include "testdb.h"
#include "util.h"

static void
test_period(void **state)
{
	struct stats_period	p;
	char			err[128];

	(void)state;
	assert_int_equal(stats_period_parse(&p, "2026-11-01", "2026-11-30",
	    err, sizeof(err)), 0);
	assert_string_equal(p.from_s, "2026-11-01");
	assert_string_equal(p.to_s, "2026-11-30");
	assert_int_equal(p.to_ms - p.from_ms, 30LL * 86400 * 1000);
	/* one day */
	assert_int_equal(stats_period_parse(&p, "2026-12-01", "2026-12-01",
	    err, sizeof(err)), 0);
	assert_int_equal(p.to_ms - p.from_ms, 86400LL * 1000);
	/* hostile */
	assert_int_equal(stats_period_parse(&p, "2026-12-05", "2026-12-01",
	    err, sizeof(err)), -1);
	assert_string_equal(err, "the period ends before it begins");
	assert_int_equal(stats_period_parse(&p, "2026-02-30", "2026-03-01",
	    err, sizeof(err)), -1);
	assert_string_equal(err, "from: not a date (YYYY-MM-DD)");
	assert_int_equal(stats_period_parse(&p, "2026-12-01", "2026-12-1",
	    err, sizeof(err)), -1);
	assert_string_equal(err, "to: not a date (YYYY-MM-DD)");
	assert_int_equal(stats_period_parse(&p, "1970-01-01", "9999-12-31",
	    err, sizeof(err)), -1);
	assert_string_equal(err, "the period is longer than 3700 days");
	assert_int_equal(stats_period_parse(&p, "2016-01-01", "2026-02-15",
	    err, sizeof(err)), 0);		/* ten years fit */
	assert_int_equal(stats_period_parse(&p, "", "", err, sizeof(err)),
	    -1);
	assert_int_equal(stats_period_parse(&p, NULL, "2026-12-01", err,
	    sizeof(err)), -1);
	assert_int_equal(stats_period_parse(&p, "2026-12-01\n", "2026-12-01",
	    err, sizeof(err)), -1);
	assert_int_equal(stats_period_set(&p, 20261301, 20261302, err,
	    sizeof(err)), -1);
}

static void
test_period_named(void **state)
{
	char	err[128];
	int	f, t;

	(void)state;
	assert_int_equal(stats_period_named("day", "2026-12-01", 20261206, &f,
	    &t, err, sizeof(err)), 0);
	assert_true(f == 20261201 && t == 20261201);
	/* the week of Sunday 2026-12-06 is Monday 11-30 to Sunday 12-06 */
	assert_int_equal(stats_period_named("week", NULL, 20261206, &f, &t,
	    err, sizeof(err)), 0);
	assert_true(f == 20261130 && t == 20261206);
	assert_int_equal(stats_period_named("week", "2026-12-07", 20261206,
	    &f, &t, err, sizeof(err)), 0);
	assert_true(f == 20261207 && t == 20261213);
	assert_int_equal(stats_period_named("month", "2026-11", 20261206, &f,
	    &t, err, sizeof(err)), 0);
	assert_true(f == 20261101 && t == 20261130);
	assert_int_equal(stats_period_named("month", "2028-02", 20261206, &f,
	    &t, err, sizeof(err)), 0);
	assert_true(f == 20280201 && t == 20280229);
	assert_int_equal(stats_period_named("month", "2026-12", 20261206, &f,
	    &t, err, sizeof(err)), 0);
	assert_true(f == 20261201 && t == 20261231);
	/* the default month: the last whole one; in January, December */
	assert_int_equal(stats_period_named("month", NULL, 20270115, &f, &t,
	    err, sizeof(err)), 0);
	assert_true(f == 20261201 && t == 20261231);
	assert_int_equal(stats_period_named("month", "2026-13", 20261206, &f,
	    &t, err, sizeof(err)), -1);
	assert_int_equal(stats_period_named("month", "2026-1", 20261206, &f,
	    &t, err, sizeof(err)), -1);
	assert_int_equal(stats_period_named("month", "2026-001", 20261206, &f,
	    &t, err, sizeof(err)), -1);
	assert_int_equal(stats_period_named("month", "-026-01", 20261206, &f,
	    &t, err, sizeof(err)), -1);
	assert_int_equal(stats_period_named("month", "2026-1x", 20261206, &f,
	    &t, err, sizeof(err)), -1);
	assert_int_equal(stats_period_named("day", "yesterday", 20261206, &f,
	    &t, err, sizeof(err)), -1);
	assert_string_equal(err, "--day: not a date (YYYY-MM-DD)");
	assert_int_equal(stats_period_named("year", NULL, 20261206, &f, &t,
	    err, sizeof(err)), -1);
	assert_int_equal(stats_by_parse("category"), STATS_BY_CATEGORY);
	assert_int_equal(stats_by_parse("day"), STATS_BY_DAY);
	assert_int_equal(stats_by_parse("Day"), -1);
	assert_int_equal(stats_by_parse(""), -1);
}

static void
same(const struct stats_weights *a, const struct stats_weights *b)
{
	assert_memory_equal(a->w, b->w, sizeof(a->w));
	assert_true(a->speed_days == b->speed_days);
	assert_int_equal(a->min_cases, b->min_cases);
}

static int
parse(const char *text, struct stats_weights *w, char *err, size_t len)
{
	return stats_weights_parse("t", text, strlen(text), w, err, len);
}

static void
test_weights(void **state)
{
	struct stats_weights	w, d;
	char			err[160];

	(void)state;
	stats_weights_default(&d);
	assert_int_equal(parse("", &w, err, sizeof(err)), 0);
	same(&w, &d);
	assert_int_equal(parse("# comments only\n\n   \n", &w, err,
	    sizeof(err)), 0);
	same(&w, &d);
	/* the first weight replaces them all */
	assert_int_equal(parse("on-time 60   # the main thing\n"
	    "satisfaction\t40\r\nspeed-days 5\nmin-cases 0\n", &w, err,
	    sizeof(err)), 0);
	assert_true(w.w[STATS_M_ON_TIME] == 60 &&
	    w.w[STATS_M_SATISFACTION] == 40 && w.w[STATS_M_RETURNS] == 0 &&
	    w.w[STATS_M_SPEED] == 0);
	assert_true(w.speed_days == 5 && w.min_cases == 0);
	assert_int_equal(parse("returns 2.5\n", &w, err, sizeof(err)), 0);
	assert_true(w.w[STATS_M_RETURNS] == 2.5);
	/* no final newline */
	assert_int_equal(parse("speed 1", &w, err, sizeof(err)), 0);
}

static void
test_weights_bad(void **state)
{
	static const struct {
		const char	*text;
		const char	*err;
	} bad[] = {
		{ "on-time\n", "t:1: on-time needs a value" },
		{ "on-time 30 40\n", "t:1: on-time takes one value" },
		{ "\n\nontime 30\n", "t:3: unknown key ontime" },
		{ "on-time -1\n", "t:1: on-time: bad value -1" },
		{ "on-time 1001\n", "t:1: on-time: bad value 1001" },
		{ "on-time 1e3\n", "t:1: on-time: bad value 1e3" },
		{ "on-time nan\n", "t:1: on-time: bad value nan" },
		{ "on-time inf\n", "t:1: on-time: bad value inf" },
		{ "on-time 0x10\n", "t:1: on-time: bad value 0x10" },
		{ "on-time 30\non-time 40\n", "t:2: on-time given twice" },
		{ "on-time 0\nspeed 0\n", "t: every weight is 0" },
		{ "min-cases 2.5\n", "t:1: min-cases: bad value 2.5" },
		{ "min-cases 100001\n", "t:1: min-cases: bad value 100001" },
		{ "speed-days 0\n", "t:1: speed-days: bad value 0" },
		{ "on-time 12345678901234567\n",
		    "t:1: on-time: bad value 12345678901234567" },
		{ "on-time 30x\n", "t:1: on-time: bad value 30x" },
		{ "评分 30\n", "t:1: unknown key 评分" },
	};
	struct stats_weights	w;
	char			err[160], *big;
	size_t			i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		memset(err, 0, sizeof(err));
		if (parse(bad[i].text, &w, err, sizeof(err)) != -1 ||
		    strcmp(err, bad[i].err) != 0)
			print_message("# %zu: got \"%s\"\n", i, err);
		assert_int_equal(parse(bad[i].text, &w, err, sizeof(err)), -1);
		assert_string_equal(err, bad[i].err);
	}
	/* a NUL inside, a line too long */
	assert_int_equal(stats_weights_parse("t", "on-time 3\0", 10, &w, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "t: a NUL byte in the file");
	big = xmalloc(1000);
	memset(big, 'x', 999);
	big[999] = '\0';
	assert_int_equal(parse(big, &w, err, sizeof(err)), -1);
	assert_string_equal(err, "t:1: line too long");
	free(big);
}

/* The shipped etc/hotlined.assessment writes the built-in method. */
static void
test_weights_shipped(void **state)
{
	struct stats_weights	w, d;
	char			path[512], err[256];
	const char		*top = getenv("top_srcdir");
	int			found;

	(void)state;
	snprintf(path, sizeof(path), "%s/etc/hotlined.assessment",
	    top != NULL ? top : "..");
	assert_int_equal(stats_weights_load(path, &w, &found, err,
	    sizeof(err)), 0);
	assert_int_equal(found, 1);
	stats_weights_default(&d);
	same(&w, &d);
}

static void
test_weights_load(void **state)
{
	struct stats_weights	w;
	char			err[256], path[64];
	int			found, fd;
	FILE			*f;

	(void)state;
	assert_int_equal(stats_weights_load("/nonexistent/x", &w, &found,
	    err, sizeof(err)), 0);
	assert_int_equal(found, 0);
	strlcpy(path, "/tmp/assess.XXXXXX", sizeof(path));
	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(f = fdopen(fd, "w"));
	fputs("speed 2\n", f);
	fclose(f);
	assert_int_equal(stats_weights_load(path, &w, &found, err,
	    sizeof(err)), 0);
	assert_true(found == 1 && w.w[STATS_M_SPEED] == 2);
	/* oversized */
	assert_non_null(f = fopen(path, "w"));
	for (fd = 0; fd < STATS_ASSESS_MAX / 8 + 1; fd++)
		fputs("# .....\n", f);
	fclose(f);
	assert_int_equal(stats_weights_load(path, &w, &found, err,
	    sizeof(err)), -1);
	unlink(path);
	/* a directory */
	assert_int_equal(stats_weights_load("/tmp", &w, &found, err,
	    sizeof(err)), -1);
}

static json_t *
unit(const char *code, int cases, double ontime, double satis)
{
	return json_pack("{ss sI so so so so si si so}", "code", code,
	    "cases", (json_int_t)cases, "on_time_rate", ontime < 0 ?
	    json_null() : json_real(ontime), "satisfaction_rate", satis < 0 ?
	    json_null() : json_real(satis), "return_rate", json_real(0),
	    "extension_rate", json_real(0), "supervised", 0, "rehandled", 0,
	    "avg_workdays", json_null());
}

static void
test_score(void **state)
{
	struct stats_weights	 w;
	json_t			*a, *u;
	char			 err[64];

	(void)state;
	assert_int_equal(parse("on-time 1\nsatisfaction 1\nmin-cases 2\n", &w,
	    err, sizeof(err)), 0);
	a = json_array();
	json_array_append_new(a, unit("A", 10, 90, 80));	/* 85 */
	json_array_append_new(a, unit("B", 10, 100, 100));	/* 100 */
	json_array_append_new(a, unit("C", 1, 100, 100));	/* too few */
	json_array_append_new(a, unit("D", 10, 80, 90));	/* 85 */
	json_array_append_new(a, unit("E", 10, 70, -1));	/* 70 */
	stats_score(a, &w);
	u = json_array_get(a, 0);
	assert_string_equal(json_string_value(json_object_get(u, "code")),
	    "B");
	assert_true(json_real_value(json_object_get(u, "score")) == 100.0);
	assert_int_equal(json_integer_value(json_object_get(u, "rank")), 1);
	/* equal scores share a rank, by code */
	u = json_array_get(a, 1);
	assert_string_equal(json_string_value(json_object_get(u, "code")),
	    "A");
	assert_int_equal(json_integer_value(json_object_get(u, "rank")), 2);
	u = json_array_get(a, 2);
	assert_string_equal(json_string_value(json_object_get(u, "code")),
	    "D");
	assert_int_equal(json_integer_value(json_object_get(u, "rank")), 2);
	/* a measure a unit has nothing for counts neither way */
	u = json_array_get(a, 3);
	assert_string_equal(json_string_value(json_object_get(u, "code")),
	    "E");
	assert_true(json_real_value(json_object_get(u, "score")) == 70.0);
	assert_int_equal(json_integer_value(json_object_get(u, "rank")), 4);
	u = json_array_get(a, 4);
	assert_string_equal(json_string_value(json_object_get(u, "code")),
	    "C");
	assert_true(json_is_null(json_object_get(u, "score")));
	assert_true(json_is_null(json_object_get(u, "rank")));
	json_decref(a);
	a = json_array();
	stats_score(a, &w);			/* nothing to rank */
	assert_int_equal(json_array_size(a), 0);
	json_decref(a);
}

static void
test_upgrade_v16(void **state)
{
	struct store_opts	 o = { .max_version = 10 };
	struct store_case_new	 cn;
	struct store		*st;
	struct stats_period	 p;
	char			 dir[64], path[128], err[160];
	char			 number[STORE_CASE_NUMBER_MAX];
	int64_t			 id;
	json_t			*j;
	struct crypto		*cr;
	uint8_t			 key[CRYPTO_KEYFILE_LEN];

	(void)state;
	memset(key, 7, sizeof(key));
	assert_non_null(cr = crypto_new(key));
	assert_int_equal(testdb_make("stats", dir, sizeof(dir), path,
	    sizeof(path)), 0);
	assert_non_null(st = store_open(path, cr, &o, err, sizeof(err)));
	assert_int_equal(store_version(st), 10);
	memset(&cn, 0, sizeof(cn));
	cn.msisdn = "13800138030";
	cn.category = "complaint";
	cn.text = "噪音";
	cn.received_at = 1764900000000LL;	/* 2025-12-05 */
	cn.due = "2025-12-19";
	assert_int_equal(store_txn_begin(st), 0);
	assert_int_equal(store_case_add(st, &cn, &id, number), 0);
	assert_int_equal(store_txn_commit(st), 0);
	store_close(st);
	/* the upgrade in place: the old case is an SMS case */
	o.max_version = 0;
	assert_non_null(st = store_open(path, cr, &o, err, sizeof(err)));
	assert_int_equal(store_version(st), STORE_SCHEMA_VERSION);
	assert_int_equal(testdb_peek(path, "SELECT COUNT(*) FROM cases "
	    "WHERE channel = 'sms'"), 1);
	assert_int_equal(testdb_peek(path, "SELECT COUNT(*) FROM "
	    "sqlite_master WHERE name IN ('cases_received', 'cases_closed', "
	    "'refusals_at', 'alerts_at')"), 4);
	assert_int_equal(stats_period_parse(&p, "2025-12-01", "2025-12-31",
	    err, sizeof(err)), 0);
	assert_non_null(j = stats_figures(st, &p, STATS_BY_CHANNEL,
	    "2026-01-05", err, sizeof(err)));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j,
	    "total"), "registered")), 1);
	/* open past its due date: overdue now */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j,
	    "total"), "overdue")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(j, "groups"), 0), "key")), "sms");
	json_decref(j);
	store_close(st);
	crypto_free(cr);
	testdb_remove(dir, path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_period_named),
		cmocka_unit_test(test_weights),
		cmocka_unit_test(test_weights_bad),
		cmocka_unit_test(test_weights_shipped),
		cmocka_unit_test(test_weights_load),
		cmocka_unit_test(test_score),
		cmocka_unit_test(test_upgrade_v16),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
