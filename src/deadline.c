/*
 * Deadline profiles and the due-date count.  "heyuan" is the Measures'
 * own Art. 18; "guangdong-2022" the provincial rule later local documents
 * follow.  Efficiency complaints defer to the provincial efficiency rule,
 * hence the efficiency-days setting.
 */
#include "compat.h"

#include <string.h>

#include "calendar.h"
#include "deadline.h"

#define DL_EFFICIENCY	(-1)		/* the efficiency-days setting */

static const struct {
	const char	*name;
	int		 limit[CAT_MAX];	/* working days */
	int		 max_total[CAT_MAX];	/* 0: no cap */
} deadline_profiles[] = {
	[CONF_PROFILE_HEYUAN] = { "heyuan",
	    /* Art. 18: consultation 2; help 3, at most 5; the rest 10 */
	    { [CAT_CONSULTATION] = 2, [CAT_HELP] = 3, [CAT_COMPLAINT] = 10,
	      [CAT_SUGGESTION] = 10, [CAT_EFFICIENCY] = DL_EFFICIENCY,
	      [CAT_OTHER] = 10 },
	    { [CAT_HELP] = 5 } },
	[CONF_PROFILE_GUANGDONG_2022] = { "guangdong-2022",
	    { [CAT_CONSULTATION] = 2, [CAT_HELP] = 10, [CAT_COMPLAINT] = 15,
	      [CAT_SUGGESTION] = 10, [CAT_EFFICIENCY] = 15,
	      [CAT_OTHER] = 10 },
	    { 0 } },
};

#define DL_NPROFILES	(sizeof(deadline_profiles) / \
			    sizeof(deadline_profiles[0]))

/*
 * 1 when profile and category index the table.  An unclassified case has
 * no category limit: it carries the classify-days deadline until the
 * office classifies it (mo.c, hotlined.conf(5)).
 */
static int
deadline_ok(enum conf_profile p, enum category c)
{
	return (int)p >= 0 && (size_t)p < DL_NPROFILES && (int)c >= 0 &&
	    c < CAT_MAX && c != CAT_UNCLASSIFIED;
}

const char *
deadline_profile_name(enum conf_profile p)
{
	if ((int)p < 0 || (size_t)p >= DL_NPROFILES)
		return "?";
	return deadline_profiles[p].name;
}

int
deadline_limit(enum conf_profile p, enum category c, int efficiency_days)
{
	int	n;

	if (!deadline_ok(p, c))
		return -1;
	n = deadline_profiles[p].limit[c];
	if (n == DL_EFFICIENCY)
		n = efficiency_days > 0 ? efficiency_days : 10;
	return n;
}

int
deadline_max_total(enum conf_profile p, enum category c)
{
	if (!deadline_ok(p, c))
		return -1;
	return deadline_profiles[p].max_total[c];
}

/*
 * The counting rule (documented in hotlined.calendar(5)): the day of
 * receipt is day 0 when it is a working day and the text arrived before
 * 17:30 local time; otherwise day 0 is the next working day.  The
 * deadline is the end of the Nth working day after day 0: consultation
 * (2) received Monday 10:00 is due Wednesday; received Friday 18:00, day 0
 * is Monday and it is due Wednesday too.
 */
int
deadline_day0(const struct calendar *cal, time_t received)
{
	int	date, min;

	if (cal_date_local(received, &date, &min) == -1)
		return -1;
	if (cal_is_workday(cal, date) == 1 && min < DEADLINE_CUTOFF_MIN)
		return date;
	if ((date = cal_date_add(date, 1)) == -1)
		return -1;
	return cal_next_workday(cal, date);
}

int
deadline_due_days(const struct calendar *cal, int days, time_t received,
    char due[11])
{
	int	day0, date;

	if (days < 0 || (day0 = deadline_day0(cal, received)) == -1 ||
	    (date = cal_add_workdays(cal, day0, days)) == -1)
		return -1;
	cal_date_format(date, due, CAL_DATE_LEN);
	return 0;
}

int
deadline_due(const struct calendar *cal, enum conf_profile p,
    enum category c, int efficiency_days, time_t received, char due[11])
{
	int	n;

	if ((n = deadline_limit(p, c, efficiency_days)) == -1)
		return -1;
	return deadline_due_days(cal, n, received, due);
}

int
deadline_lc_due_days(void *arg, int days, int64_t received_at, char *due,
    size_t len)
{
	char	d[CAL_DATE_LEN];

	(void)arg;
	if (len < sizeof(d) || deadline_due_days(calendar_current(), days,
	    (time_t)(received_at / 1000), d) == -1)
		return -1;
	strlcpy(due, d, len);
	return 0;
}
