/*
 * Working days (工作日, Art. 17, 18): weekends, public holidays and the
 * official make-up working days (调休) from the calendar file
 * (hotlined.calendar(5)).  Dates are ints YYYYMMDD; every query is a pure
 * function of (calendar, date).  A NULL calendar, or a year the file does
 * not declare, means Monday to Friday with no holidays.
 */
#ifndef HOTLINED_CALENDAR_H
#define HOTLINED_CALENDAR_H

#include <stddef.h>
#include <time.h>

struct conf_errors;
struct hotlined_conf;

#define CAL_LINE_MAX	4096		/* longest line accepted */
#define CAL_FILE_MAX	(1024 * 1024)	/* largest file accepted */
#define CAL_RANGE_MAX	31		/* days in one holiday line */
#define CAL_NAME_MAX	64		/* bytes of a holiday's name */
#define CAL_YEAR_MIN	1970
#define CAL_YEAR_MAX	9999
#define CAL_SPAN_MAX	36600		/* days a query may walk */
#define CAL_DATE_LEN	11		/* "YYYY-MM-DD" + NUL */

enum cal_kind {
	CAL_WEEKDAY = 0,		/* Monday to Friday, nothing declared */
	CAL_WEEKEND,			/* Saturday or Sunday, nothing declared */
	CAL_HOLIDAY,			/* a declared holiday */
	CAL_MAKEUP			/* a declared make-up working day */
};

struct calendar;

/* Load a calendar file into a new object; NULL with every error in errs. */
struct calendar	*cal_load(const char *path, struct conf_errors *errs);
/* Load from memory; name is used in messages. */
struct calendar	*cal_load_buf(const char *name, const char *data, size_t len,
		    struct conf_errors *errs);
/* Free a calendar; cal_free(NULL) does nothing. */
void		 cal_free(struct calendar *);

/* 1 when YYYYMMDD is a real date in CAL_YEAR_MIN..CAL_YEAR_MAX, else 0. */
int		 cal_date_valid(int date);
/* Parse exactly "YYYY-MM-DD" into *date; 0 or -1 (also for 2026-02-30). */
int		 cal_date_parse(const char *, int *date);
/* Format date as "YYYY-MM-DD" into buf (CAL_DATE_LEN); buf, "?" if bad. */
const char	*cal_date_format(int date, char *buf, size_t len);
/* The local date of t and its minutes after midnight; 0 or -1. */
int		 cal_date_local(time_t t, int *date, int *minutes);
/* Day of the week of a valid date, 0 = Sunday. */
int		 cal_weekday(int date);
/* The date n calendar days after date (n may be negative); -1 if bad. */
int		 cal_date_add(int date, int n);

/* 1 when the calendar declares year, else 0. */
int		 cal_has_year(const struct calendar *, int year);
/*
 * The years the dates from..to touch that the calendar does not declare:
 * fills up to max of them into years and returns how many there are.
 */
int		 cal_missing_years(const struct calendar *, int from, int to,
		    int *years, size_t max);
/* What kind of day date is (enum cal_kind); -1 for an invalid date. */
int		 cal_kind(const struct calendar *, int date);
/* The name of the holiday or make-up day on date ("国庆节"), or NULL. */
const char	*cal_day_name(const struct calendar *, int date);
/* 1 when date is a working day, 0 when not, -1 for an invalid date. */
int		 cal_is_workday(const struct calendar *, int date);
/* The first working day on or after date; -1 if bad. */
int		 cal_next_workday(const struct calendar *, int date);
/*
 * The nth working day after date (n > 0), before it (n < 0), or date
 * itself (n == 0), whatever kind of day date is; -1 if bad.
 */
int		 cal_add_workdays(const struct calendar *, int date, int n);
/*
 * Working days in (a, b]: 0 on the same day, 1 from a Friday to the
 * next Monday; negative when b is before a; INT_MIN for bad dates.
 */
int		 cal_workdays_between(const struct calendar *, int a, int b);
/*
 * Minutes of [from, to) that fall on working days (whole local days): how
 * long something waited in working time; -1 for bad times.
 */
long long	 cal_work_minutes(const struct calendar *, time_t from,
		    time_t to);

/*
 * The daemon's calendar: loaded at start from conf->calendar, replaced on
 * SIGHUP only when the new file loads (the old stays in force otherwise).
 */
/* Load conf's calendar as the current one, warning of missing years. */
int		 calendar_start(const struct hotlined_conf *,
		    struct conf_errors *);
/* Reload hook (hook_on_reload): 0, or -1 keeping the old calendar. */
int		 calendar_reload(void *arg);
/* The current calendar (NULL: weekends only). */
const struct calendar *calendar_current(void);
/* Replace the current calendar (taking ownership), freeing the old one. */
void		 calendar_set_current(struct calendar *);
/* Changes whenever the current calendar is replaced (memo keys). */
unsigned	 calendar_generation(void);
/* Free the current calendar (an exit hook). */
void		 calendar_stop(void *arg);
/* "hotlined -t" check (conf_add_check): parses; warns of missing years. */
int		 calendar_conf_check(const struct hotlined_conf *,
		    struct conf_errors *, void *arg);
/* lifecycle_set_workdays() adaptor over the current calendar. */
int		 calendar_lc_workdays(void *arg, const char *from,
		    const char *to);

#endif /* HOTLINED_CALENDAR_H */
