/*
 * Deadlines (Art. 17, 18): a profile maps each category of Art. 7 to its
 * limit in working days, and the due date of a case is counted on the
 * calendar from the moment the text was received.  See deadline_due() for
 * the counting rule, also in hotlined.calendar(5).
 */
#ifndef HOTLINED_DEADLINE_H
#define HOTLINED_DEADLINE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "category.h"
#include "config.h"

struct calendar;

/* Office hours end: a text received at or after 17:30 counts next day. */
#define DEADLINE_CUTOFF_MIN	(17 * 60 + 30)
/* Art. 17: a unit returns a case outside its remit within 1 working day. */
#define DEADLINE_RETURN_DAYS	1

/* The profile's configuration name ("heyuan"...), "?" when unknown. */
const char	*deadline_profile_name(enum conf_profile);
/*
 * Working days a category's cases take; -1 for a bad profile or category
 * and for CAT_UNCLASSIFIED, which has no category limit.
 */
int		 deadline_limit(enum conf_profile, enum category,
		    int efficiency_days);
/* Most working days in total, extensions included (0: no cap). */
int		 deadline_max_total(enum conf_profile, enum category);
/* Day 0 of a text received at t (see deadline_due()); -1 if bad. */
int		 deadline_day0(const struct calendar *, time_t received);
/*
 * The due date, "YYYY-MM-DD", of a case of cat received at received: the
 * limit's working day after day 0.  0, or -1 (bad profile or category, or
 * a date the calendar cannot count).
 */
int		 deadline_due(const struct calendar *, enum conf_profile,
		    enum category, int efficiency_days, time_t received,
		    char due[11]);
/* The same count for days working days (a limit not from a profile). */
int		 deadline_due_days(const struct calendar *, int days,
		    time_t received, char due[11]);

/*
 * lifecycle_set_due_days() adaptor: deadline_due_days() on the calendar
 * in force for a case received at received_at (ms).  0, or -1.
 */
int		 deadline_lc_due_days(void *arg, int days,
		    int64_t received_at, char *due, size_t len);

#endif /* HOTLINED_DEADLINE_H */
