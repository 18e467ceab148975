/*
 * Unit tests for calendar.c and deadline.c: the calendar file's parser on
 * good, malformed and hostile input; working-day arithmetic on the shipped
 * 2026 calendar (Spring Festival, National Day, the year boundary); the
 * 17:30 counting rule; both deadline profiles; reload keeping the old
 * calendar on errors.
 */
#include "compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/config.h"
#include "calendar.h"
#include "category.h"
#include "deadline.h"
#include "log.h"
#include "util.h"

static struct calendar	*cal26;		/* etc/hotlined.calendar */

/* A path under the source tree. */
static const char *
srcpath(const char *rel, char *buf, size_t len)
{
	const char	*top = getenv("top_srcdir");

	snprintf(buf, len, "%s/%s", top ? top : "..", rel);
	return buf;
}

/* Parse text; return the calendar (or NULL) and the errors in errs. */
static struct calendar *
parse(const char *text, struct conf_errors *errs)
{
	memset(errs, 0, sizeof(*errs));
	return cal_load_buf("t.cal", text, strlen(text), errs);
}

/* text must fail with exactly one error containing want. */
static void
bad(const char *text, const char *want)
{
	struct conf_errors	 errs;
	struct calendar		*cal;

	cal = parse(text, &errs);
	if (cal != NULL || errs.n != 1 || strstr(errs.buf, want) == NULL)
		fail_msg("input \"%s\": want one error \"%s\", got %d: %s",
		    text, want, errs.n, errs.buf ? errs.buf : "(none)");
	conf_errors_free(&errs);
}

/* Local time_t of 2026-mm-dd hh:mi in Asia/Shanghai. */
static time_t
at(int y, int m, int d, int hh, int mi)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = hh;
	tm.tm_min = mi;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static void
test_dates(void **state)
{
	char	buf[CAL_DATE_LEN];
	int	d;

	(void)state;
	assert_int_equal(cal_date_parse("2026-02-28", &d), 0);
	assert_int_equal(d, 20260228);
	assert_int_equal(cal_date_parse("2026-02-29", &d), -1);
	assert_int_equal(cal_date_parse("2026-02-30", &d), -1);
	assert_int_equal(cal_date_parse("2024-02-29", &d), 0);
	assert_int_equal(cal_date_parse("2100-02-29", &d), -1);
	assert_int_equal(cal_date_parse("2000-02-29", &d), 0);
	assert_int_equal(cal_date_parse("2026-13-01", &d), -1);
	assert_int_equal(cal_date_parse("2026-00-10", &d), -1);
	assert_int_equal(cal_date_parse("2026-1-01", &d), -1);
	assert_int_equal(cal_date_parse("2026-01-01x", &d), -1);
	assert_int_equal(cal_date_parse("２０２６-01-01", &d), -1);
	assert_int_equal(cal_date_parse("", &d), -1);
	assert_int_equal(cal_date_parse(NULL, &d), -1);
	assert_string_equal(cal_date_format(20260105, buf, sizeof(buf)),
	    "2026-01-05");
	assert_string_equal(cal_date_format(20260230, buf, sizeof(buf)), "?");
	assert_int_equal(cal_weekday(20260101), 4);	/* Thursday */
	assert_int_equal(cal_weekday(19700101), 4);
	assert_int_equal(cal_weekday(20260104), 0);	/* Sunday */
	assert_int_equal(cal_date_add(20261231, 1), 20270101);
	assert_int_equal(cal_date_add(20240228, 1), 20240229);
	assert_int_equal(cal_date_add(20260301, -1), 20260228);
	assert_int_equal(cal_date_add(20260230, 1), -1);
}

static void
test_shipped_2026(void **state)
{
	(void)state;
	assert_non_null(cal26);
	assert_true(cal_has_year(cal26, 2026));
	assert_false(cal_has_year(cal26, 2027));	/* not invented */
	assert_false(cal_has_year(cal26, 2025));
	/* every day the State Council notice names */
	assert_int_equal(cal_kind(cal26, 20260101), CAL_HOLIDAY);
	assert_int_equal(cal_kind(cal26, 20260103), CAL_HOLIDAY);
	assert_int_equal(cal_kind(cal26, 20260104), CAL_MAKEUP);
	assert_int_equal(cal_kind(cal26, 20260214), CAL_MAKEUP);
	assert_int_equal(cal_kind(cal26, 20260215), CAL_HOLIDAY);
	assert_int_equal(cal_kind(cal26, 20260223), CAL_HOLIDAY);
	assert_int_equal(cal_kind(cal26, 20260224), CAL_WEEKDAY);
	assert_int_equal(cal_kind(cal26, 20260228), CAL_MAKEUP);
	assert_int_equal(cal_kind(cal26, 20260404), CAL_HOLIDAY);
	assert_int_equal(cal_kind(cal26, 20260406), CAL_HOLIDAY);
	assert_int_equal(cal_kind(cal26, 20260501), CAL_HOLIDAY);
	assert_int_equal(cal_kind(cal26, 20260505), CAL_HOLIDAY);
	assert_int_equal(cal_kind(cal26, 20260509), CAL_MAKEUP);
	assert_int_equal(cal_kind(cal26, 20260619), CAL_HOLIDAY);
	assert_int_equal(cal_kind(cal26, 20260621), CAL_HOLIDAY);
	assert_int_equal(cal_kind(cal26, 20260920), CAL_MAKEUP);
	assert_int_equal(cal_kind(cal26, 20260925), CAL_HOLIDAY);
	assert_int_equal(cal_kind(cal26, 20260927), CAL_HOLIDAY);
	assert_int_equal(cal_kind(cal26, 20261001), CAL_HOLIDAY);
	assert_int_equal(cal_kind(cal26, 20261007), CAL_HOLIDAY);
	assert_int_equal(cal_kind(cal26, 20261008), CAL_WEEKDAY);
	assert_int_equal(cal_kind(cal26, 20261010), CAL_MAKEUP);
	assert_int_equal(cal_kind(cal26, 20261011), CAL_WEEKEND);
	assert_string_equal(cal_day_name(cal26, 20261003), "国庆节");
	assert_string_equal(cal_day_name(cal26, 20260214), "春节调休");
	assert_null(cal_day_name(cal26, 20260309));
	assert_int_equal(cal_kind(cal26, 20260230), -1);
	assert_int_equal(cal_is_workday(cal26, 20260230), -1);
}

static void
test_weekends(void **state)
{
	(void)state;
	/* 2026-03-06 Fri, 07 Sat, 08 Sun, 09 Mon: no holiday near */
	assert_int_equal(cal_is_workday(cal26, 20260306), 1);
	assert_int_equal(cal_is_workday(cal26, 20260307), 0);
	assert_int_equal(cal_is_workday(cal26, 20260308), 0);
	assert_int_equal(cal_is_workday(cal26, 20260309), 1);
	assert_int_equal(cal_add_workdays(cal26, 20260306, 1), 20260309);
	assert_int_equal(cal_add_workdays(cal26, 20260307, 1), 20260309);
	assert_int_equal(cal_add_workdays(cal26, 20260309, 0), 20260309);
	assert_int_equal(cal_add_workdays(cal26, 20260309, -1), 20260306);
	assert_int_equal(cal_add_workdays(cal26, 20260306, 10), 20260320);
	assert_int_equal(cal_workdays_between(cal26, 20260306, 20260306), 0);
	assert_int_equal(cal_workdays_between(cal26, 20260306, 20260309), 1);
	assert_int_equal(cal_workdays_between(cal26, 20260309, 20260306), -1);
	assert_int_equal(cal_workdays_between(cal26, 20260306, 20260320), 10);
	assert_int_equal(cal_next_workday(cal26, 20260307), 20260309);
	assert_int_equal(cal_next_workday(cal26, 20260309), 20260309);
	/* NULL: weekends only, everywhere */
	assert_int_equal(cal_is_workday(NULL, 20261001), 1);
	assert_int_equal(cal_add_workdays(NULL, 20260306, 1), 20260309);
	/* bad input */
	assert_int_equal(cal_add_workdays(cal26, 20260230, 1), -1);
	assert_int_equal(cal_add_workdays(cal26, 20260306, INT_MAX), -1);
	assert_int_equal(cal_workdays_between(cal26, 20260230, 20260306),
	    INT_MIN);
	assert_int_equal(cal_workdays_between(cal26, 19700101, 99991231),
	    INT_MIN);
}

static void
test_spring_festival(void **state)
{
	(void)state;
	/* Fri 13 Feb works, Sat 14 works, 15-23 off, Tue 24 works */
	assert_int_equal(cal_is_workday(cal26, 20260213), 1);
	assert_int_equal(cal_is_workday(cal26, 20260214), 1);
	assert_int_equal(cal_is_workday(cal26, 20260216), 0);	/* Monday */
	assert_int_equal(cal_is_workday(cal26, 20260223), 0);	/* Monday */
	assert_int_equal(cal_is_workday(cal26, 20260228), 1);	/* Saturday */
	assert_int_equal(cal_is_workday(cal26, 20260301), 0);
	assert_int_equal(cal_add_workdays(cal26, 20260212, 2), 20260214);
	assert_int_equal(cal_add_workdays(cal26, 20260213, 2), 20260224);
	assert_int_equal(cal_add_workdays(cal26, 20260214, 1), 20260224);
	/* 24, 25, 26, 27 and the make-up Saturday 28 */
	assert_int_equal(cal_add_workdays(cal26, 20260223, 5), 20260228);
	assert_int_equal(cal_add_workdays(cal26, 20260223, 6), 20260302);
	assert_int_equal(cal_workdays_between(cal26, 20260213, 20260224), 2);
	assert_int_equal(cal_workdays_between(cal26, 20260213, 20260302), 7);
	assert_int_equal(cal_add_workdays(cal26, 20260224, -1), 20260214);
	assert_int_equal(cal_next_workday(cal26, 20260215), 20260224);
}

static void
test_national_day(void **state)
{
	(void)state;
	/* Sun 20 Sep works; 25-27 Sep and 1-7 Oct off; Sat 10 Oct works */
	assert_int_equal(cal_workdays_between(cal26, 20260918, 20260921), 2);
	assert_int_equal(cal_add_workdays(cal26, 20260918, 1), 20260920);
	assert_int_equal(cal_add_workdays(cal26, 20260924, 1), 20260928);
	assert_int_equal(cal_add_workdays(cal26, 20260930, 1), 20261008);
	assert_int_equal(cal_add_workdays(cal26, 20260930, 3), 20261010);
	assert_int_equal(cal_add_workdays(cal26, 20260930, 4), 20261012);
	/* Mon 28 Sep to Mon 12 Oct: 28, 29, 30, 8, 9, 10, 12 */
	assert_int_equal(cal_workdays_between(cal26, 20260925, 20261012), 7);
	assert_int_equal(cal_workdays_between(cal26, 20261012, 20260925), -7);
}

static void
test_year_boundary(void **state)
{
	int	years[4];

	(void)state;
	/* 2027 is not declared: weekends only, no New Year's Day */
	assert_int_equal(cal_is_workday(cal26, 20270101), 1);
	assert_int_equal(cal_add_workdays(cal26, 20261231, 1), 20270101);
	assert_int_equal(cal_add_workdays(cal26, 20261231, 2), 20270104);
	assert_int_equal(cal_workdays_between(cal26, 20261230, 20270104), 3);
	assert_int_equal(cal_missing_years(cal26, 20261201, 20270110, years,
	    4), 1);
	assert_int_equal(years[0], 2027);
	assert_int_equal(cal_missing_years(cal26, 20260101, 20261231, years,
	    4), 0);
	assert_int_equal(cal_missing_years(cal26, 20251201, 20290101, years,
	    2), 4);
	assert_int_equal(years[0], 2025);
	assert_int_equal(years[1], 2027);
	assert_int_equal(cal_missing_years(NULL, 20260101, 20260101, NULL, 0),
	    1);
	/* into 2026 from undeclared 2025: 1-3 Jan off, Sun 4 Jan worked */
	assert_int_equal(cal_add_workdays(cal26, 20251231, 1), 20260104);
	assert_int_equal(cal_add_workdays(cal26, 20251231, 2), 20260105);
}

static void
test_counting_rule(void **state)
{
	char	due[CAL_DATE_LEN];

	(void)state;
	/* Monday 10:00: day 0 is Monday, due Wednesday */
	assert_int_equal(deadline_day0(cal26, at(2026, 3, 9, 10, 0)),
	    20260309);
	assert_int_equal(deadline_due(cal26, CONF_PROFILE_HEYUAN,
	    CAT_CONSULTATION, 10, at(2026, 3, 9, 10, 0), due), 0);
	assert_string_equal(due, "2026-03-11");
	/* 17:29 is before the cutoff, 17:30 is not */
	deadline_due(cal26, CONF_PROFILE_HEYUAN, CAT_CONSULTATION, 10,
	    at(2026, 3, 9, 17, 29), due);
	assert_string_equal(due, "2026-03-11");
	assert_int_equal(deadline_day0(cal26, at(2026, 3, 9, 17, 30)),
	    20260310);
	deadline_due(cal26, CONF_PROFILE_HEYUAN, CAT_CONSULTATION, 10,
	    at(2026, 3, 9, 17, 30), due);
	assert_string_equal(due, "2026-03-12");
	/* Friday 18:00: day 0 is Monday, due Wednesday */
	assert_int_equal(deadline_day0(cal26, at(2026, 3, 13, 18, 0)),
	    20260316);
	deadline_due(cal26, CONF_PROFILE_HEYUAN, CAT_CONSULTATION, 10,
	    at(2026, 3, 13, 18, 0), due);
	assert_string_equal(due, "2026-03-18");
	/* Saturday morning, or midnight: the next working day is day 0 */
	deadline_due(cal26, CONF_PROFILE_HEYUAN, CAT_CONSULTATION, 10,
	    at(2026, 3, 14, 9, 0), due);
	assert_string_equal(due, "2026-03-18");
	assert_int_equal(deadline_day0(cal26, at(2026, 3, 10, 0, 0)),
	    20260310);
	/* a make-up Saturday is a working day like any */
	assert_int_equal(deadline_day0(cal26, at(2026, 2, 14, 10, 0)),
	    20260214);
	deadline_due(cal26, CONF_PROFILE_HEYUAN, CAT_CONSULTATION, 10,
	    at(2026, 2, 14, 10, 0), due);
	assert_string_equal(due, "2026-02-25");
	/* after hours on the last day before the Spring Festival */
	assert_int_equal(deadline_day0(cal26, at(2026, 2, 14, 18, 0)),
	    20260224);
	deadline_due(cal26, CONF_PROFILE_HEYUAN, CAT_CONSULTATION, 10,
	    at(2026, 2, 14, 18, 0), due);
	assert_string_equal(due, "2026-02-26");
	/* help, 3 days, the day before National Day */
	deadline_due(cal26, CONF_PROFILE_HEYUAN, CAT_HELP, 10,
	    at(2026, 9, 30, 9, 0), due);
	assert_string_equal(due, "2026-10-10");
	/* in a holiday: day 0 is the first day back */
	assert_int_equal(deadline_day0(cal26, at(2026, 10, 3, 11, 0)),
	    20261008);
	/* across into 2027 (weekends only) */
	deadline_due(cal26, CONF_PROFILE_HEYUAN, CAT_CONSULTATION, 10,
	    at(2026, 12, 31, 9, 0), due);
	assert_string_equal(due, "2027-01-04");
}

static void
test_profiles(void **state)
{
	char	due[CAL_DATE_LEN];

	(void)state;
	assert_string_equal(deadline_profile_name(CONF_PROFILE_HEYUAN),
	    "heyuan");
	assert_string_equal(deadline_profile_name(CONF_PROFILE_GUANGDONG_2022),
	    "guangdong-2022");
	/* heyuan: Art. 18 */
	assert_int_equal(deadline_limit(CONF_PROFILE_HEYUAN, CAT_CONSULTATION,
	    10), 2);
	assert_int_equal(deadline_limit(CONF_PROFILE_HEYUAN, CAT_HELP, 10), 3);
	assert_int_equal(deadline_limit(CONF_PROFILE_HEYUAN, CAT_SUGGESTION,
	    10), 10);
	assert_int_equal(deadline_limit(CONF_PROFILE_HEYUAN, CAT_COMPLAINT,
	    10), 10);
	assert_int_equal(deadline_limit(CONF_PROFILE_HEYUAN, CAT_EFFICIENCY,
	    10), 10);
	assert_int_equal(deadline_limit(CONF_PROFILE_HEYUAN, CAT_EFFICIENCY,
	    15), 15);
	assert_int_equal(deadline_limit(CONF_PROFILE_HEYUAN, CAT_OTHER, 10),
	    10);
	assert_int_equal(deadline_max_total(CONF_PROFILE_HEYUAN, CAT_HELP), 5);
	assert_int_equal(deadline_max_total(CONF_PROFILE_HEYUAN,
	    CAT_CONSULTATION), 0);
	/* guangdong-2022: 2 / 10 / 10 / 15 / 15 */
	assert_int_equal(deadline_limit(CONF_PROFILE_GUANGDONG_2022,
	    CAT_CONSULTATION, 10), 2);
	assert_int_equal(deadline_limit(CONF_PROFILE_GUANGDONG_2022, CAT_HELP,
	    10), 10);
	assert_int_equal(deadline_limit(CONF_PROFILE_GUANGDONG_2022,
	    CAT_SUGGESTION, 10), 10);
	assert_int_equal(deadline_limit(CONF_PROFILE_GUANGDONG_2022,
	    CAT_COMPLAINT, 10), 15);
	assert_int_equal(deadline_limit(CONF_PROFILE_GUANGDONG_2022,
	    CAT_EFFICIENCY, 3), 15);
	assert_int_equal(deadline_limit(CONF_PROFILE_GUANGDONG_2022, CAT_OTHER,
	    10), 10);
	assert_int_equal(deadline_max_total(CONF_PROFILE_GUANGDONG_2022,
	    CAT_HELP), 0);
	/* out of range */
	assert_int_equal(deadline_limit((enum conf_profile)7, CAT_HELP, 10),
	    -1);
	assert_int_equal(deadline_limit(CONF_PROFILE_HEYUAN, CAT_MAX, 10), -1);
	assert_int_equal(deadline_limit(CONF_PROFILE_HEYUAN,
	    (enum category)-1, 10), -1);
	assert_int_equal(deadline_due(cal26, CONF_PROFILE_HEYUAN, CAT_MAX, 10,
	    at(2026, 3, 9, 10, 0), due), -1);
	/* complaint Mon 9 Mar: 10 days is Mon 23 Mar, 15 is Mon 30 Mar */
	deadline_due(cal26, CONF_PROFILE_HEYUAN, CAT_COMPLAINT, 10,
	    at(2026, 3, 9, 10, 0), due);
	assert_string_equal(due, "2026-03-23");
	deadline_due(cal26, CONF_PROFILE_GUANGDONG_2022, CAT_COMPLAINT, 10,
	    at(2026, 3, 9, 10, 0), due);
	assert_string_equal(due, "2026-03-30");
	/* help in guangdong-2022 across May Day: 10 days from Thu 30 Apr */
	deadline_due(cal26, CONF_PROFILE_GUANGDONG_2022, CAT_HELP, 10,
	    at(2026, 4, 30, 9, 0), due);
	/* 6, 7, 8, 9 (Sat, worked), 11, 12, 13, 14, 15, 18 May */
	assert_string_equal(due, "2026-05-18");
}

static void
test_categories(void **state)
{
	int	i;

	(void)state;
	for (i = 0; i < CAT_MAX; i++)
		assert_int_equal(category_from_name(category_name(i)), i);
	assert_string_equal(category_label_zh(CAT_COMPLAINT), "投诉举报");
	assert_string_equal(category_label_zh(CAT_EFFICIENCY), "效能投诉");
	assert_int_equal(category_from_name("Complaint"), -1);
	assert_int_equal(category_from_name(NULL), -1);
	assert_string_equal(category_name(CAT_MAX), "?");
}

static void
test_parse_good(void **state)
{
	struct conf_errors	 errs;
	struct calendar		*cal;
	char			 path[4096];

	(void)state;
	memset(&errs, 0, sizeof(errs));
	cal = cal_load(srcpath("tests/data/calendar/good.calendar", path,
	    sizeof(path)), &errs);
	assert_non_null(cal);
	assert_int_equal(errs.n, 0);
	assert_int_equal(cal_kind(cal, 20300101), CAL_HOLIDAY);
	assert_string_equal(cal_day_name(cal, 20300101), "元旦");
	assert_int_equal(cal_kind(cal, 20300208), CAL_HOLIDAY);
	assert_int_equal(cal_kind(cal, 20300126), CAL_MAKEUP);
	assert_int_equal(cal_kind(cal, 20300209), CAL_MAKEUP);
	assert_string_equal(cal_day_name(cal, 20300209), "");
	cal_free(cal);
	cal_free(NULL);

	/* CRLF, a range of exactly 31 days, no trailing newline */
	cal = parse("year 2026\r\nholiday 2026-01-01 2026-01-31 长假\r\n"
	    "workday 2026-02-01", &errs);
	assert_non_null(cal);
	assert_int_equal(cal_kind(cal, 20260131), CAL_HOLIDAY);
	cal_free(cal);
	conf_errors_free(&errs);
	/* empty file: no years, weekends only */
	cal = parse("", &errs);
	assert_non_null(cal);
	assert_false(cal_has_year(cal, 2026));
	cal_free(cal);
}

static void
test_parse_errors(void **state)
{
	(void)state;
	bad("year 2026\nholiday 2026-02-30 x\n", "t.cal:2: bad date");
	bad("year 2026\nholiday 2026-01-01 2026-02-30 x\n", "t.cal:2: bad "
	    "date");
	bad("year 2026\nholiday 2027-01-01 元旦\n", "t.cal:2: 2027-01-01: "
	    "year 2027 is not declared");
	bad("holiday 2026-01-01 元旦\n", "t.cal:1: 2026-01-01: year 2026");
	bad("year 2026\nholiday 2026-01-03 2026-01-04 元旦\n"
	    "workday 2026-01-04 调休\n", "t.cal:3: 2026-01-04 is both a "
	    "holiday and a workday (line 2)");
	bad("year 2026\nworkday 2026-01-04 调休\nholiday 2026-01-04 元旦\n",
	    "t.cal:3: 2026-01-04 is both");
	bad("year 2026\nholiday 2026-10-01 2026-10-07 国庆节\n"
	    "holiday 2026-10-07 中秋\n", "t.cal:3: 2026-10-07 already listed "
	    "at line 2");
	bad("year 2026\nholiday 2026-01-05 2026-01-01 x\n", "t.cal:2: range "
	    "ends before it starts");
	bad("year 2026\nholiday 2026-01-01 2026-02-01 x\n", "t.cal:2: range "
	    "of 32 days (max 31)");
	bad("year 2026\nholiday 2026-01-01\n", "t.cal:2: holiday: missing "
	    "the name");
	bad("year 2026\nworkday 2026-01-07 周三\n", "t.cal:2: workday "
	    "2026-01-07 is not a Saturday or Sunday");
	bad("year 2026\nworkday 2026-01-03 2026-01-04 x\n", "workday: one "
	    "date a line");
	bad("year 2026\nworkday\n", "t.cal:2: workday: missing the date");
	bad("year 2026\nyear 2026\n", "t.cal:2: year 2026 already declared "
	    "at line 1");
	bad("year 26\n", "t.cal:1: year: bad year");
	bad("year 1969\n", "t.cal:1: year: bad year");
	bad("year\n", "t.cal:1: year: missing the year");
	bad("year 2026 2027\n", "t.cal:1: year: one year a line");
	bad("Year 2026\n", "t.cal:1: unknown keyword \"Year\"");
	bad("year 2026\nholiday 2026/01/01 x\n", "t.cal:2: bad date");
	bad("year 2026\nholiday 2026-01-01 "
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
	    "name longer than 64 bytes");
}

static void
test_parse_hostile(void **state)
{
	struct conf_errors	 errs;
	struct calendar		*cal;
	char			*big, path[4096];
	size_t			 i, n;
	unsigned int		 seed = 12345;
	static const char	 alphabet[] = "year holiday workday 2026-01-0"
				    "123456789#\t\n \r\xe5\x85\x83\xff\0";

	(void)state;
	/* NUL, broken UTF-8, control characters */
	memset(&errs, 0, sizeof(errs));
	cal = cal_load_buf("t.cal", "year 2026\n\0x\n", 13, &errs);
	assert_null(cal);
	assert_non_null(strstr(errs.buf, "t.cal:2: NUL byte"));
	conf_errors_free(&errs);
	bad("year 2026\nholiday 2026-01-01 \xff\xfe\n", "t.cal:2: invalid "
	    "UTF-8");
	bad("year 2026\nholiday 2026-01-01 \xc0\xaf\n", "invalid UTF-8");
	bad("year 2026\nholiday 2026-01-01 \xed\xa0\x80\n", "invalid UTF-8");
	bad("year 2026\nholiday 2026-01-01 a\x1b[2Jb\n", "t.cal:2: control "
	    "character 0x1b");

	/* a line too long, then a good line: one error, parsing goes on */
	big = xmalloc(2 * 1024 * 1024);
	memset(big, 'a', 5000);
	memcpy(big + 5000, "\nyear 2026\nyear 2026\n", 22);
	cal = parse(big, &errs);
	assert_null(cal);
	assert_int_equal(errs.n, 2);
	assert_non_null(strstr(errs.buf, "t.cal:1: line longer than 4096"));
	assert_non_null(strstr(errs.buf, "t.cal:3: year 2026 already"));
	conf_errors_free(&errs);
	/* exactly 4096 bytes is allowed (a comment) */
	big[0] = '#';
	memset(big + 1, 'a', 4095);
	big[4096] = '\0';
	cal = parse(big, &errs);
	assert_non_null(cal);
	cal_free(cal);
	conf_errors_free(&errs);

	/* more than 1 MiB */
	memset(big, '\n', CAL_FILE_MAX + 1);
	cal = cal_load_buf("t.cal", big, CAL_FILE_MAX + 1, &errs);
	assert_null(cal);
	assert_non_null(strstr(errs.buf, "t.cal: file larger than"));
	conf_errors_free(&errs);
	snprintf(path, sizeof(path), "/tmp/test_calendar.%ld.big",
	    (long)getpid());
	{
		FILE	*f = fopen(path, "w");

		assert_non_null(f);
		assert_int_equal(fwrite(big, 1, CAL_FILE_MAX + 1, f),
		    CAL_FILE_MAX + 1);
		fclose(f);
	}
	cal = cal_load(path, &errs);
	assert_null(cal);
	assert_non_null(strstr(errs.buf, "file larger than"));
	conf_errors_free(&errs);
	unlink(path);
	/* not a file, no file */
	assert_null(cal_load("/", &errs));
	assert_non_null(strstr(errs.buf, "/: not a regular file"));
	conf_errors_free(&errs);
	assert_null(cal_load("/nonexistent/hotlined.calendar", &errs));
	assert_int_equal(errs.n, 1);
	conf_errors_free(&errs);

	/* random soup from the file's own alphabet: no crash, no leak */
	for (i = 0; i < 2000; i++) {
		n = (size_t)(rand_r(&seed) % 400);
		for (size_t k = 0; k < n; k++)
			big[k] = alphabet[rand_r(&seed) %
			    (sizeof(alphabet) - 1)];
		cal = cal_load_buf("t.cal", big, n, &errs);
		cal_free(cal);
		conf_errors_free(&errs);
	}
	free(big);
}

static void
test_bad_file_collects_all(void **state)
{
	struct conf_errors	 errs;
	char			 path[4096];

	(void)state;
	memset(&errs, 0, sizeof(errs));
	assert_null(cal_load(srcpath("tests/data/calendar/bad.calendar", path,
	    sizeof(path)), &errs));
	assert_int_equal(errs.n, 8);
	assert_non_null(strstr(errs.buf, "bad.calendar:2: bad date"));
	assert_non_null(strstr(errs.buf, "bad.calendar:3: 2031-01-01: year "
	    "2031 is not declared"));
	assert_non_null(strstr(errs.buf, "bad.calendar:4: workday 2030-01-01 "
	    "is not a Saturday"));
	assert_non_null(strstr(errs.buf, "bad.calendar:6: range ends"));
	assert_non_null(strstr(errs.buf, "bad.calendar:7: unknown keyword"));
	assert_non_null(strstr(errs.buf, "bad.calendar:8: workday"));
	assert_non_null(strstr(errs.buf, "bad.calendar:9: invalid UTF-8"));
	assert_non_null(strstr(errs.buf, "bad.calendar:10: range of 46 days"));
	conf_errors_free(&errs);
}

static void
test_reload(void **state)
{
	struct hotlined_conf	 conf;
	struct conf_errors	 errs;
	const struct calendar	*before;
	char			 path[128];
	FILE			*f;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/test_calendar.%ld.cal",
	    (long)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("year 2026\nholiday 2026-03-09 测试\n", f);
	fclose(f);
	memset(&conf, 0, sizeof(conf));
	conf_defaults(&conf);
	free(conf.calendar);
	conf.calendar = xstrdup(path);
	memset(&errs, 0, sizeof(errs));
	assert_int_equal(calendar_conf_check(&conf, &errs, NULL), 0);
	assert_int_equal(calendar_start(&conf, &errs), 0);
	before = calendar_current();
	assert_non_null(before);
	assert_int_equal(cal_is_workday(before, 20260309), 0);
	/* lifecycle's adaptor reads the current calendar */
	assert_int_equal(calendar_lc_workdays(NULL, "2026-03-06",
	    "2026-03-10"), 1);
	assert_int_equal(calendar_lc_workdays(NULL, "2026-03-10",
	    "2026-03-06"), 0);
	assert_int_equal(calendar_lc_workdays(NULL, "2026-02-30",
	    "2026-03-06"), -1);

	/* a broken file: reload fails, the old calendar stays */
	f = fopen(path, "w");
	fputs("year 2026\nholiday 2026-03-32 坏\n", f);
	fclose(f);
	assert_int_equal(calendar_reload(NULL), -1);
	assert_ptr_equal(calendar_current(), before);
	assert_int_equal(calendar_conf_check(&conf, &errs, NULL), -1);
	assert_non_null(strstr(errs.buf, ":2: bad date"));
	conf_errors_free(&errs);

	/* fixed: the new one replaces it */
	f = fopen(path, "w");
	fputs("year 2026\nholiday 2026-03-10 测试\n", f);
	fclose(f);
	assert_int_equal(calendar_reload(NULL), 0);
	assert_int_equal(cal_is_workday(calendar_current(), 20260309), 1);
	assert_int_equal(cal_is_workday(calendar_current(), 20260310), 0);

	/* a missing file at start means weekends only */
	unlink(path);
	assert_int_equal(calendar_start(&conf, &errs), 0);
	assert_null(calendar_current());
	assert_int_equal(calendar_conf_check(&conf, &errs, NULL), 0);
	calendar_stop(NULL);
	conf_free(&conf);
	conf_errors_free(&errs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_shipped_2026),
		cmocka_unit_test(test_weekends),
		cmocka_unit_test(test_spring_festival),
		cmocka_unit_test(test_national_day),
		cmocka_unit_test(test_year_boundary),
		cmocka_unit_test(test_counting_rule),
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_categories),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_hostile),
		cmocka_unit_test(test_bad_file_collects_all),
		cmocka_unit_test(test_reload),
	};
	struct conf_errors	errs;
	char			path[4096];
	int			rv;

	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	log_init(LOG_TO_STDERR, LOG_L_WARN, "test_calendar");
	memset(&errs, 0, sizeof(errs));
	cal26 = cal_load(srcpath("etc/hotlined.calendar", path, sizeof(path)),
	    &errs);
	if (cal26 == NULL)
		fprintf(stderr, "%s", errs.buf ? errs.buf : "no calendar\n");
	conf_errors_free(&errs);
	rv = cmocka_run_group_tests(tests, NULL, NULL);
	cal_free(cal26);
	return rv;
}
