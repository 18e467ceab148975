/*
 * Working days: the calendar file's parser (every error collected, as
 * "file:line: message"), date arithmetic on YYYYMMDD ints through day
 * numbers, and the daemon's current calendar, swapped whole on reload.
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "calendar.h"
#include "config.h"
#include "log.h"
#include "util.h"

#define CAL_WARN_DAYS	90	/* start-up looks this far ahead for years */
#define CAL_DAYS_MAX	100000	/* declared days in one file */
#define CAL_YEARS_MAX	200	/* declared years in one file */

struct cal_day {
	int		 date;		/* YYYYMMDD */
	int		 kind;		/* CAL_HOLIDAY or CAL_MAKEUP */
	int		 line;
	size_t		 name;		/* index into names */
};

struct calendar {
	int		*years;		/* sorted */
	size_t		 nyears;
	struct cal_day	*days;		/* sorted by date, unique */
	size_t		 ndays;
	char		**names;
	size_t		 nnames;
};

/* Parser state: the calendar being built and where errors go. */
struct cal_parse {
	struct calendar		*cal;
	const char		*file;
	struct conf_errors	*errs;
	int			 nerr;
	/*
	 * The line of cal->years[i]: bounded, so an array (a second
	 * allocation grown with years lost scan-build the invariant)
	 */
	int			 year_line[CAL_YEARS_MAX];
	size_t			 days_cap;
	size_t			 years_cap;
	size_t			 names_cap;
};

static int	 cal_civil_days(int y, int m, int d);
static int	 cal_days_civil(int days);
static int	 cal_day_cmp(const void *, const void *);
static int	 cal_int_cmp(const void *, const void *);
static const struct cal_day *cal_find(const struct calendar *, int date);
static void	 cal_err(struct cal_parse *, int line, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	 cal_utf8_ok(const unsigned char *, size_t);
static int	 cal_token(const char **, const char *, const char **,
		    size_t *);
static int	 cal_parse_year(const char *, size_t, int *);
static int	 cal_parse_dtok(const char *, size_t, int *);
static void	 cal_line(struct cal_parse *, const char *, size_t, int);
static void	 cal_add_days(struct cal_parse *, int, int, int, const char *,
		    size_t, int);
static int	 cal_finish(struct cal_parse *);
static void	 cal_warn_missing(const struct calendar *, const char *);

static struct calendar	*cal_cur;	/* the daemon's; NULL: weekends */
static unsigned		 cal_gen;	/* bumped by calendar_set_current() */
static char		*cal_path;	/* what calendar_reload() reads */

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static int
cal_civil_days(int y, int m, int d)
{
	int	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The YYYYMMDD of a day number. */
static int
cal_days_civil(int z)
{
	int	era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	return y * 10000 + m * 100 + d;
}

int
cal_date_valid(int date)
{
	static const int	 mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
				    31, 30, 31 };
	int			 y = date / 10000, m = date / 100 % 100;
	int			 d = date % 100, leap;

	if (date < 0 || y < CAL_YEAR_MIN || y > CAL_YEAR_MAX || m < 1 ||
	    m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/* Day number of a valid date. */
static int
cal_daynum(int date)
{
	return cal_civil_days(date / 10000, date / 100 % 100, date % 100);
}

int
cal_date_parse(const char *s, int *date)
{
	size_t	len;

	if (s == NULL)
		return -1;
	len = strlen(s);
	return cal_parse_dtok(s, len, date);
}

/* Parse a token of exactly "YYYY-MM-DD"; 0 or -1. */
static int
cal_parse_dtok(const char *s, size_t len, int *date)
{
	static const int	 digit[] = { 0, 1, 2, 3, 5, 6, 8, 9 };
	size_t			 i;
	int			 y, m, d, v;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < sizeof(digit) / sizeof(digit[0]); i++)
		if (s[digit[i]] < '0' || s[digit[i]] > '9')
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	v = y * 10000 + m * 100 + d;
	if (!cal_date_valid(v))
		return -1;
	*date = v;
	return 0;
}

const char *
cal_date_format(int date, char *buf, size_t len)
{
	if (!cal_date_valid(date)) {
		strlcpy(buf, "?", len);
		return buf;
	}
	snprintf(buf, len, "%04d-%02d-%02d", date / 10000, date / 100 % 100,
	    date % 100);
	return buf;
}

int
cal_date_local(time_t t, int *date, int *minutes)
{
	struct tm	tm;
	int		v;

	if (localtime_r(&t, &tm) == NULL)
		return -1;
	v = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
	if (!cal_date_valid(v))
		return -1;
	*date = v;
	if (minutes != NULL)
		*minutes = tm.tm_hour * 60 + tm.tm_min;
	return 0;
}

int
cal_weekday(int date)
{
	int	n = cal_daynum(date);

	/* 1970-01-01 was a Thursday */
	return ((n % 7) + 7 + 4) % 7;
}

int
cal_date_add(int date, int n)
{
	int	v;

	if (!cal_date_valid(date) || n > CAL_SPAN_MAX || n < -CAL_SPAN_MAX)
		return -1;
	v = cal_days_civil(cal_daynum(date) + n);
	return cal_date_valid(v) ? v : -1;
}

int
cal_has_year(const struct calendar *cal, int year)
{
	if (cal == NULL || cal->nyears == 0)
		return 0;
	return bsearch(&year, cal->years, cal->nyears, sizeof(int),
	    cal_int_cmp) != NULL;
}

int
cal_missing_years(const struct calendar *cal, int from, int to, int *years,
    size_t max)
{
	int	y, n = 0;

	if (!cal_date_valid(from) || !cal_date_valid(to))
		return 0;
	for (y = from / 10000; y <= to / 10000; y++) {
		if (cal_has_year(cal, y))
			continue;
		if (years != NULL && (size_t)n < max)
			years[n] = y;
		n++;
	}
	return n;
}

static int
cal_int_cmp(const void *a, const void *b)
{
	int	x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/* By date, then by line, so duplicates are found in file order. */
static int
cal_day_cmp(const void *a, const void *b)
{
	const struct cal_day	*x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static const struct cal_day *
cal_find(const struct calendar *cal, int date)
{
	size_t	lo = 0, hi, mid;

	if (cal == NULL)
		return NULL;
	hi = cal->ndays;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cal->days[mid].date == date)
			return &cal->days[mid];
		if (cal->days[mid].date < date)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int
cal_kind(const struct calendar *cal, int date)
{
	const struct cal_day	*d;
	int			 wd;

	if (!cal_date_valid(date))
		return -1;
	if ((d = cal_find(cal, date)) != NULL)
		return d->kind;
	wd = cal_weekday(date);
	return wd == 0 || wd == 6 ? CAL_WEEKEND : CAL_WEEKDAY;
}

const char *
cal_day_name(const struct calendar *cal, int date)
{
	const struct cal_day	*d;

	if ((d = cal_find(cal, date)) == NULL)
		return NULL;
	return cal->names[d->name];
}

int
cal_is_workday(const struct calendar *cal, int date)
{
	switch (cal_kind(cal, date)) {
	case CAL_WEEKDAY:
	case CAL_MAKEUP:
		return 1;
	case -1:
		return -1;
	default:
		return 0;
	}
}

int
cal_next_workday(const struct calendar *cal, int date)
{
	int	i;

	for (i = 0; i < CAL_SPAN_MAX; i++) {
		switch (cal_is_workday(cal, date)) {
		case 1:
			return date;
		case -1:
			return -1;
		}
		if ((date = cal_date_add(date, 1)) == -1)
			return -1;
	}
	return -1;
}

int
cal_add_workdays(const struct calendar *cal, int date, int n)
{
	int	step = n < 0 ? -1 : 1, guard = 0;

	if (!cal_date_valid(date) || n > CAL_SPAN_MAX || n < -CAL_SPAN_MAX)
		return -1;
	while (n != 0) {
		if (++guard > CAL_SPAN_MAX ||
		    (date = cal_date_add(date, step)) == -1)
			return -1;
		if (cal_is_workday(cal, date) == 1)
			n -= step;
	}
	return date;
}

int
cal_workdays_between(const struct calendar *cal, int a, int b)
{
	int	lo, hi, da, db, d, n = 0;

	if (!cal_date_valid(a) || !cal_date_valid(b))
		return INT_MIN;
	da = cal_daynum(a);
	db = cal_daynum(b);
	if (db - da > CAL_SPAN_MAX || da - db > CAL_SPAN_MAX)
		return INT_MIN;
	lo = da < db ? da : db;
	hi = da < db ? db : da;
	for (d = lo + 1; d <= hi; d++)
		if (cal_is_workday(cal, cal_days_civil(d)) == 1)
			n++;
	return da <= db ? n : -n;
}

/*
 * Working time between two instants: the seconds of [from, to) that fall
 * on working days (whole local days, as deadlines count them), in
 * minutes.  How long a case has waited for the office, weekends and
 * holidays not counted.  -1 for bad times or a span over CAL_SPAN_MAX.
 */
long long
cal_work_minutes(const struct calendar *cal, time_t from, time_t to)
{
	long long	 secs = 0;
	time_t		 t = from, next, end;
	int		 date, min, guard = 0;

	while (t < to) {
		if (guard++ > CAL_SPAN_MAX || cal_date_local(t, &date, &min) ==
		    -1)
			return -1;
		/* local midnight after t (zone offsets are whole minutes) */
		next = t + (time_t)(1440 - min) * 60 - (t % 60);
		if (next <= t)
			next = t + 60;
		end = next < to ? next : to;
		if (cal_is_workday(cal, date) == 1)
			secs += (long long)(end - t);
		t = next;
	}
	return secs / 60;
}

/* The parser. */

static void
cal_err(struct cal_parse *p, int line, const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	conf_error(p->errs, p->file, line, "%s", msg);
	p->nerr++;
}

/* 1 when buf is well-formed UTF-8 (no overlongs, surrogates, > U+10FFFF). */
static int
cal_utf8_ok(const unsigned char *s, size_t len)
{
	size_t		i = 0, n, k;
	uint32_t	c;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			n = 1;
			c = s[i] & 0x1f;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			n = 2;
			c = s[i] & 0x0f;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			n = 3;
			c = s[i] & 0x07;
		} else
			return 0;
		if (len - i <= n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && c < 0x800) || (n == 3 && c < 0x10000) ||
		    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
			return 0;
		i += n + 1;
	}
	return 1;
}

/* Next blank-separated token of [*pp, end): 1 (in *tok, *len) or 0. */
static int
cal_token(const char **pp, const char *end, const char **tok, size_t *len)
{
	const char	*p = *pp;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end) {
		*pp = p;
		return 0;
	}
	*tok = p;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	*len = (size_t)(p - *tok);
	*pp = p;
	return 1;
}

static int
cal_parse_year(const char *s, size_t len, int *year)
{
	size_t	i;
	int	y = 0;

	if (len != 4)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		y = y * 10 + (s[i] - '0');
	}
	if (y < CAL_YEAR_MIN || y > CAL_YEAR_MAX)
		return -1;
	*year = y;
	return 0;
}

/* Record the days from..to (inclusive) as kind, named. */
static void
cal_add_days(struct cal_parse *p, int from, int to, int kind,
    const char *name, size_t namelen, int line)
{
	struct calendar	*cal = p->cal;
	size_t		 idx;
	int		 d;

	if (cal->ndays + (size_t)(cal_daynum(to) - cal_daynum(from) + 1) >
	    CAL_DAYS_MAX) {
		cal_err(p, line, "too many days (max %d)", CAL_DAYS_MAX);
		return;
	}
	if (cal->nnames == p->names_cap) {
		p->names_cap = p->names_cap ? p->names_cap * 2 : 16;
		cal->names = xreallocarray(cal->names, p->names_cap,
		    sizeof(*cal->names));
	}
	idx = cal->nnames++;
	cal->names[idx] = xstrndup(name, namelen);
	for (d = from; d != -1 && d <= to; d = cal_date_add(d, 1)) {
		if (cal->ndays == p->days_cap) {
			p->days_cap = p->days_cap ? p->days_cap * 2 : 64;
			cal->days = xreallocarray(cal->days, p->days_cap,
			    sizeof(*cal->days));
		}
		cal->days[cal->ndays].date = d;
		cal->days[cal->ndays].kind = kind;
		cal->days[cal->ndays].line = line;
		cal->days[cal->ndays].name = idx;
		cal->ndays++;
	}
}

/* One line, without its newline; len <= CAL_LINE_MAX. */
static void
cal_line(struct cal_parse *p, const char *s, size_t len, int line)
{
	const char	*end, *q, *tok, *name;
	size_t		 tlen, i, nlen;
	int		 from, to, year, kind, span;
	char		 buf[32];

	if (memchr(s, '\0', len) != NULL) {
		cal_err(p, line, "NUL byte");
		return;
	}
	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (!cal_utf8_ok((const unsigned char *)s, len)) {
		cal_err(p, line, "invalid UTF-8");
		return;
	}
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') ||
		    s[i] == 0x7f) {
			cal_err(p, line, "control character 0x%02x",
			    (unsigned char)s[i]);
			return;
		}
	if ((q = memchr(s, '#', len)) != NULL)
		len = (size_t)(q - s);
	end = s + len;
	q = s;
	if (!cal_token(&q, end, &tok, &tlen))
		return;				/* blank or comment */

	if (tlen == 4 && memcmp(tok, "year", 4) == 0) {
		if (!cal_token(&q, end, &tok, &tlen)) {
			cal_err(p, line, "year: missing the year");
			return;
		}
		if (cal_parse_year(tok, tlen, &year) == -1) {
			cal_err(p, line, "year: bad year \"%.*s\" (%d-%d)",
			    (int)(tlen > 16 ? 16 : tlen), tok, CAL_YEAR_MIN,
			    CAL_YEAR_MAX);
			return;
		}
		if (cal_token(&q, end, &tok, &tlen)) {
			cal_err(p, line, "year: one year a line");
			return;
		}
		for (i = 0; i < p->cal->nyears; i++)
			if (p->cal->years[i] == year) {
				cal_err(p, line, "year %d already declared "
				    "at line %d", year, p->year_line[i]);
				return;
			}
		if (p->cal->nyears >= CAL_YEARS_MAX) {
			cal_err(p, line, "too many years (max %d)",
			    CAL_YEARS_MAX);
			return;
		}
		if (p->cal->nyears == p->years_cap) {
			p->years_cap = p->years_cap ? p->years_cap * 2 : 4;
			p->cal->years = xreallocarray(p->cal->years,
			    p->years_cap, sizeof(int));
		}
		p->year_line[p->cal->nyears] = line;
		p->cal->years[p->cal->nyears++] = year;
		return;
	}

	if (tlen == 7 && memcmp(tok, "holiday", 7) == 0)
		kind = CAL_HOLIDAY;
	else if (tlen == 7 && memcmp(tok, "workday", 7) == 0)
		kind = CAL_MAKEUP;
	else {
		cal_err(p, line, "unknown keyword \"%.*s\" (year, holiday, "
		    "workday)", (int)(tlen > 32 ? 32 : tlen), tok);
		return;
	}
	if (!cal_token(&q, end, &tok, &tlen)) {
		cal_err(p, line, "%s: missing the date", kind == CAL_HOLIDAY ?
		    "holiday" : "workday");
		return;
	}
	if (cal_parse_dtok(tok, tlen, &from) == -1) {
		cal_err(p, line, "bad date \"%.*s\" (YYYY-MM-DD, a real date)",
		    (int)(tlen > 16 ? 16 : tlen), tok);
		return;
	}
	to = from;
	/* A second token that starts with a digit is the end of a range. */
	name = q;
	if (cal_token(&name, end, &tok, &tlen) && tok[0] >= '0' &&
	    tok[0] <= '9') {
		if (kind == CAL_MAKEUP) {
			cal_err(p, line, "workday: one date a line");
			return;
		}
		if (cal_parse_dtok(tok, tlen, &to) == -1) {
			cal_err(p, line, "bad date \"%.*s\" (YYYY-MM-DD, a "
			    "real date)", (int)(tlen > 16 ? 16 : tlen), tok);
			return;
		}
		q = name;
	}
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	name = q;
	nlen = (size_t)(end - q);
	while (nlen > 0 && (name[nlen - 1] == ' ' || name[nlen - 1] == '\t'))
		nlen--;
	if (to < from) {
		cal_err(p, line, "range ends before it starts (%s)",
		    cal_date_format(to, buf, sizeof(buf)));
		return;
	}
	span = cal_daynum(to) - cal_daynum(from) + 1;
	if (span > CAL_RANGE_MAX) {
		cal_err(p, line, "range of %d days (max %d)", span,
		    CAL_RANGE_MAX);
		return;
	}
	if (kind == CAL_HOLIDAY && nlen == 0) {
		cal_err(p, line, "holiday: missing the name");
		return;
	}
	if (nlen > CAL_NAME_MAX) {
		cal_err(p, line, "name longer than %d bytes", CAL_NAME_MAX);
		return;
	}
	if (kind == CAL_MAKEUP && cal_weekday(from) != 0 &&
	    cal_weekday(from) != 6) {
		cal_err(p, line, "workday %s is not a Saturday or Sunday",
		    cal_date_format(from, buf, sizeof(buf)));
		return;
	}
	cal_add_days(p, from, to, kind, name, nlen, line);
}

/* Checks across lines: years declared, no day listed twice. */
static int
cal_finish(struct cal_parse *p)
{
	struct calendar	*cal = p->cal;
	struct cal_day	*d, *prev;
	size_t		 i, j;
	char		 buf[CAL_DATE_LEN];

	/* qsort() and bsearch() take no NULL array, even of 0 elements */
	if (cal->nyears > 0)
		qsort(cal->years, cal->nyears, sizeof(int), cal_int_cmp);
	if (cal->ndays > 0)
		qsort(cal->days, cal->ndays, sizeof(*cal->days),
		    cal_day_cmp);
	for (i = 0, j = 0; i < cal->ndays; i++) {
		d = &cal->days[i];
		if (!cal_has_year(cal, d->date / 10000)) {
			cal_err(p, d->line, "%s: year %d is not declared "
			    "(add \"year %d\")", cal_date_format(d->date, buf,
			    sizeof(buf)), d->date / 10000, d->date / 10000);
			continue;
		}
		if (j > 0 && cal->days[j - 1].date == d->date) {
			prev = &cal->days[j - 1];
			if (prev->kind != d->kind)
				cal_err(p, d->line, "%s is both a holiday and "
				    "a workday (line %d)", cal_date_format(
				    d->date, buf, sizeof(buf)), prev->line);
			else
				cal_err(p, d->line, "%s already listed at "
				    "line %d", cal_date_format(d->date, buf,
				    sizeof(buf)), prev->line);
			continue;
		}
		cal->days[j++] = *d;
	}
	cal->ndays = j;
	return p->nerr == 0 ? 0 : -1;
}

struct calendar *
cal_load_buf(const char *name, const char *data, size_t len,
    struct conf_errors *errs)
{
	struct cal_parse	 p;
	const char		*s = data, *end = data + len, *nl;
	size_t			 llen;
	int			 line = 0;

	memset(&p, 0, sizeof(p));
	p.file = name;
	p.errs = errs;
	if (len > CAL_FILE_MAX) {
		cal_err(&p, 0, "file larger than %d bytes", CAL_FILE_MAX);
		return NULL;
	}
	p.cal = xcalloc(1, sizeof(*p.cal));
	while (s < end) {
		line++;
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		llen = (size_t)(nl - s);
		if (llen > CAL_LINE_MAX)
			cal_err(&p, line, "line longer than %d bytes",
			    CAL_LINE_MAX);
		else
			cal_line(&p, s, llen, line);
		s = nl < end ? nl + 1 : end;
	}
	cal_finish(&p);
	if (p.nerr > 0) {
		cal_free(p.cal);
		return NULL;
	}
	return p.cal;
}

struct calendar *
cal_load(const char *path, struct conf_errors *errs)
{
	struct calendar	*cal;
	char		*buf;
	size_t		 len = 0;

	if ((buf = conf_read_file(path, CAL_FILE_MAX, &len, errs)) == NULL)
		return NULL;
	if (len > CAL_FILE_MAX) {
		conf_error(errs, path, 0, "file larger than %d bytes",
		    CAL_FILE_MAX);
		free(buf);
		return NULL;
	}
	cal = cal_load_buf(path, buf, len, errs);
	free(buf);
	return cal;
}

void
cal_free(struct calendar *cal)
{
	size_t	i;

	if (cal == NULL)
		return;
	for (i = 0; i < cal->nnames; i++)
		free(cal->names[i]);
	free(cal->names);
	free(cal->days);
	free(cal->years);
	free(cal);
}

/* The daemon's calendar. */

/* Warn of the years from today to CAL_WARN_DAYS ahead cal lacks. */
static void
cal_warn_missing(const struct calendar *cal, const char *path)
{
	int	today, years[8], n, i;

	if (cal_date_local(clock_now(), &today, NULL) == -1)
		return;
	n = cal_missing_years(cal, today, cal_date_add(today, CAL_WARN_DAYS),
	    years, sizeof(years) / sizeof(years[0]));
	for (i = 0; i < n && i < (int)(sizeof(years) / sizeof(years[0])); i++)
		log_warnx("calendar year %d not declared in %s: weekends "
		    "only, no holidays or make-up days", years[i], path);
}

int
calendar_start(const struct hotlined_conf *conf, struct conf_errors *errs)
{
	struct calendar	*cal;

	free(cal_path);
	cal_path = xstrdup(conf->calendar);
	if (access(cal_path, F_OK) == -1 && errno == ENOENT) {
		log_warnx("calendar %s missing: weekends only, no holidays",
		    cal_path);
		calendar_set_current(NULL);
		return 0;
	}
	if ((cal = cal_load(cal_path, errs)) == NULL)
		return -1;
	calendar_set_current(cal);
	log_info("calendar loaded path=%s years=%zu days=%zu", cal_path,
	    cal->nyears, cal->ndays);
	cal_warn_missing(cal, cal_path);
	return 0;
}

/* cal_load() for conf_reload(). */
static void *
cal_load_any(const char *path, struct conf_errors *errs)
{
	return cal_load(path, errs);
}

int
calendar_reload(void *arg)
{
	struct calendar		*cal;

	(void)arg;
	if (cal_path == NULL)
		return 0;
	if (access(cal_path, F_OK) == -1 && errno == ENOENT) {
		log_warnx("calendar %s missing: keeping the old calendar",
		    cal_path);
		return -1;
	}
	if ((cal = conf_reload("calendar", "calendar", cal_path,
	    cal_load_any)) == NULL)
		return -1;
	calendar_set_current(cal);
	log_info("calendar reloaded path=%s years=%zu days=%zu", cal_path,
	    cal->nyears, cal->ndays);
	cal_warn_missing(cal, cal_path);
	return 0;
}

const struct calendar *
calendar_current(void)
{
	return cal_cur;
}

unsigned
calendar_generation(void)
{
	return cal_gen;
}

void
calendar_set_current(struct calendar *cal)
{
	cal_free(cal_cur);
	cal_cur = cal;
	cal_gen++;
}

void
calendar_stop(void *arg)
{
	(void)arg;
	calendar_set_current(NULL);
	free(cal_path);
	cal_path = NULL;
}

int
calendar_conf_check(const struct hotlined_conf *conf,
    struct conf_errors *errs, void *arg)
{
	struct calendar	*cal;

	(void)arg;
	if (access(conf->calendar, F_OK) == -1 && errno == ENOENT) {
		log_warnx("calendar %s missing: weekends only, no holidays",
		    conf->calendar);
		return 0;
	}
	if ((cal = cal_load(conf->calendar, errs)) == NULL)
		return -1;
	cal_warn_missing(cal, conf->calendar);
	cal_free(cal);
	return 0;
}

int
calendar_lc_workdays(void *arg, const char *from, const char *to)
{
	int	a, b, n;

	(void)arg;
	if (cal_date_parse(from, &a) == -1 || cal_date_parse(to, &b) == -1)
		return -1;
	if ((n = cal_workdays_between(cal_cur, a, b)) == INT_MIN)
		return -1;
	return n < 0 ? 0 : n;
}
