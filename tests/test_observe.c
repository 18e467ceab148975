/*
 * Unit tests for metrics.c and the pure parts of issue 15's rooms: counts
 * join a batch and are applied only when it commits, cut back with a
 * message's savepoint; label values beyond the table go to "other"; the
 * text format escapes label values; the histograms are cumulative; the
 * throughput ring; the status page's token in a query or a cookie, with
 * hostile inputs; the calendar's November rule.
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

#include <event2/buffer.h>

#include "admin.h"
#include "calendar.h"
#include "../src/config.h"
#include "health.h"
#include "metrics.h"
#include "tokens.h"

static char *
render(void)
{
	struct evbuffer	*b = evbuffer_new();
	size_t		 n;
	char		*s;

	assert_non_null(b);
	metrics_render(b);
	n = evbuffer_get_length(b);
	s = malloc(n + 1);
	assert_non_null(s);
	evbuffer_remove(b, s, n);
	s[n] = '\0';
	evbuffer_free(b);
	return s;
}

static int
setup(void **state)
{
	metrics_reset();
	return 0;
}

/* Nothing counts before its batch commits; a failed batch counts nothing. */
static void
test_batch(void **state)
{
	metrics_add(MF_MO_RECEIVED, NULL, 1);
	metrics_add(MF_CASES, "complaint", 1);
	assert_int_equal(metrics_total(MF_MO_RECEIVED), 0);
	metrics_batch_end(1);
	assert_int_equal(metrics_total(MF_MO_RECEIVED), 1);
	assert_int_equal(metrics_get(MF_CASES, "complaint"), 1);
	metrics_add(MF_MO_RECEIVED, NULL, 1);
	metrics_batch_end(0);
	assert_int_equal(metrics_total(MF_MO_RECEIVED), 1);
	/* work committed in a transaction of its own counts at once */
	metrics_now(MF_SURVEYS, "expired", 2);
	assert_int_equal(metrics_get(MF_SURVEYS, "expired"), 2);
	metrics_batch_end(0);
	assert_int_equal(metrics_get(MF_SURVEYS, "expired"), 2);
}

/* A message undone alone takes its counts with it, not its neighbours'. */
static void
test_savepoint(void **state)
{
	metrics_mark();
	metrics_add(MF_MO_RECEIVED, NULL, 1);
	metrics_add(MF_CASES, "help", 1);
	metrics_mark();
	metrics_add(MF_MO_RECEIVED, NULL, 1);
	metrics_add(MF_MO_REFUSED, "military", 1);
	metrics_undo();
	metrics_mark();
	metrics_add(MF_MO_RECEIVED, NULL, 1);
	metrics_batch_end(1);
	assert_int_equal(metrics_total(MF_MO_RECEIVED), 2);
	assert_int_equal(metrics_get(MF_CASES, "help"), 1);
	assert_int_equal(metrics_total(MF_MO_REFUSED), 0);
	/* an undo after the batch ended cuts nothing */
	metrics_undo();
	assert_int_equal(metrics_total(MF_MO_RECEIVED), 2);
}

/* More label values than the table holds: the rest count as "other". */
static void
test_labels_overflow(void **state)
{
	char	label[16];
	int	i;

	for (i = 0; i < METRICS_LABELS_MAX + 10; i++) {
		snprintf(label, sizeof(label), "r%d", i);
		metrics_add(MF_MO_REFUSED, label, 1);
	}
	metrics_batch_end(1);
	assert_int_equal(metrics_total(MF_MO_REFUSED), METRICS_LABELS_MAX + 10);
	assert_int_equal(metrics_get(MF_MO_REFUSED, "other"), 11);
	assert_int_equal(metrics_get(MF_MO_REFUSED, "r0"), 1);
	/* a label seen before still has its own slot */
	metrics_add(MF_MO_REFUSED, "r3", 1);
	metrics_batch_end(1);
	assert_int_equal(metrics_get(MF_MO_REFUSED, "r3"), 2);
}

/* Label values are escaped; a long one is cut, never overflows. */
static void
test_escape(void **state)
{
	char	buf[16], big[300], *s;

	assert_string_equal(metrics_escape("a\"b\\c\nd", buf, sizeof(buf)),
	    "a\\\"b\\\\c\\nd");
	memset(big, '"', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	metrics_escape(big, buf, sizeof(buf));
	assert_true(strlen(buf) < sizeof(buf));
	assert_int_equal(strlen(buf) % 2, 0);	/* never half an escape */
	metrics_add(MF_CASES, "x\"y", 1);
	metrics_batch_end(1);
	s = render();
	assert_non_null(strstr(s,
	    "hotlined_cases_registered_total{category=\"x\\\"y\"} 1\n"));
	free(s);
}

/* Histograms: cumulative buckets, +Inf = count; failures counted apart. */
static void
test_histograms(void **state)
{
	char	*s;

	metrics_commit(1, 300, 1);		/* 0.3 ms */
	metrics_commit(40, 3000, 1);		/* 3 ms */
	metrics_commit(700, 3000000, 1);	/* 3 s, beyond the buckets */
	metrics_commit(5, 100, 0);
	s = render();
	assert_non_null(strstr(s, "hotlined_commits_total 3\n"));
	assert_non_null(strstr(s, "hotlined_commit_failures_total 1\n"));
	assert_non_null(strstr(s, "hotlined_commit_duration_seconds_bucket"
	    "{le=\"0.0005\"} 1\n"));
	assert_non_null(strstr(s, "hotlined_commit_duration_seconds_bucket"
	    "{le=\"0.005\"} 2\n"));
	assert_non_null(strstr(s, "hotlined_commit_duration_seconds_bucket"
	    "{le=\"+Inf\"} 3\n"));
	assert_non_null(strstr(s, "hotlined_commit_batch_size_bucket"
	    "{le=\"1\"} 1\n"));
	assert_non_null(strstr(s, "hotlined_commit_batch_size_bucket"
	    "{le=\"64\"} 2\n"));
	assert_non_null(strstr(s, "hotlined_commit_batch_size_sum 741\n"));
	assert_non_null(strstr(s, "hotlined_commit_batch_size_count 3\n"));
	assert_non_null(strstr(s, "# TYPE hotlined_mo_accepted_total "
	    "counter\n"));
	free(s);
}

/* The ring: what committed now is in the last slot; a short read. */
static void
test_ring(void **state)
{
	uint64_t	mo[METRICS_RING + 5], mt[METRICS_RING + 5];

	metrics_add(MF_MO_RECEIVED, NULL, 3);
	metrics_add(MF_MT, "sent", 2);
	metrics_add(MF_MT, "failed", 7);
	metrics_batch_end(1);
	metrics_ring(mo, mt, 4);
	assert_int_equal(mo[3], 3);
	assert_int_equal(mt[3], 2);
	assert_int_equal(mo[0] + mo[1] + mo[2], 0);
	/* asking for more than is kept gives what is kept */
	metrics_ring(mo, mt, METRICS_RING + 5);
	assert_int_equal(mo[METRICS_RING - 1], 3);
}

/* The status page's token: ?token= first, then the cookie; hostile ones. */
static void
test_token_in(void **state)
{
	const char	*t;
	char		 big[TOKEN_SECRET_MAX + 20];
	size_t		 len = 0;

	t = admin_obs_token_in("lang=en&token=abc123&x=1", NULL, &len);
	assert_non_null(t);
	assert_int_equal(len, 6);
	assert_memory_equal(t, "abc123", 6);
	t = admin_obs_token_in(NULL, "theme=dark; hotlined_token=s3cr3t; a=b",
	    &len);
	assert_non_null(t);
	assert_int_equal(len, 6);
	assert_memory_equal(t, "s3cr3t", 6);
	/* the query wins over the cookie */
	t = admin_obs_token_in("token=q", "hotlined_token=c", &len);
	assert_memory_equal(t, "q", 1);
	assert_null(admin_obs_token_in(NULL, NULL, &len));
	assert_null(admin_obs_token_in("", "", &len));
	assert_null(admin_obs_token_in("token=", NULL, &len));
	assert_null(admin_obs_token_in("token=&token=x", NULL, &len));
	assert_null(admin_obs_token_in("xtoken=abc&&&", NULL, &len));
	assert_null(admin_obs_token_in(NULL, "hotlined_token=", &len));
	assert_null(admin_obs_token_in(NULL, "my_hotlined_token=x", &len));
	assert_null(admin_obs_token_in("&&&&", ";;;; ;", &len));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "token=", 6);
	assert_null(admin_obs_token_in(big, NULL, &len));
}

/* From November on, next year must be in the calendar. */
static void
test_calendar_late(void **state)
{
	struct conf_errors	 errs;
	struct calendar		*cal;
	int			 year;
	static const char	 one[] = "year 2026\n";

	memset(&errs, 0, sizeof(errs));
	cal = cal_load_buf("one", one, sizeof(one) - 1, &errs);
	assert_non_null(cal);
	calendar_set_current(cal);
	assert_int_equal(health_calendar_late(20261031, &year), 0);
	assert_int_equal(health_calendar_late(20261101, &year), 1);
	assert_int_equal(year, 2027);
	assert_int_equal(health_calendar_late(20261231, &year), 1);
	/* a new year: the one after must wait for its November */
	assert_int_equal(health_calendar_late(20270115, &year), 0);
	calendar_set_current(NULL);
	assert_int_equal(health_calendar_late(20261201, &year), 1);
	assert_string_equal(health_strstatus(HEALTH_OK), "ok");
	assert_string_equal(health_strstatus(HEALTH_DEGRADED), "degraded");
	assert_string_equal(health_strstatus(HEALTH_FAILING), "failing");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_batch, setup),
		cmocka_unit_test_setup(test_savepoint, setup),
		cmocka_unit_test_setup(test_labels_overflow, setup),
		cmocka_unit_test_setup(test_escape, setup),
		cmocka_unit_test_setup(test_histograms, setup),
		cmocka_unit_test_setup(test_ring, setup),
		cmocka_unit_test_setup(test_token_in, setup),
		cmocka_unit_test_setup(test_calendar_late, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
