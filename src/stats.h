/*
 * The office's figures (Art. 5(2), 19, 20-21, 23): periods, the statistics
 * of a period grouped by category, unit, channel or day, the units'
 * assessment (figures here, weights and score from hotlined.assessment(5)),
 * the bulletin's lists and the public list of handled matters.  The
 * daemon builds the JSON (admin_stats.c); hotlinectl parses periods and
 * weights and scores units with the same functions.  No SQL, no sockets.
 */
#ifndef HOTLINED_STATS_H
#define HOTLINED_STATS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct calendar;
struct store;

#define STATS_SPAN_MAX		3700	/* days in one period: ten years */
#define STATS_API_SPAN_MAX	92	/* days in one request: a quarter */
#define STATS_LIST_MAX		1000	/* rows in one list */
#define STATS_LIST_DEFAULT	100
#define STATS_PUBLISH_MAX	100000	/* matters in one publication */
#define STATS_SUMMARY_MAX	120	/* characters of a published text */
#define STATS_ASSESS_MAX	(64 * 1024)	/* bytes of the weights file */

/* A period of whole local days, from and to both included. */
struct stats_period {
	int		 from;		/* YYYYMMDD */
	int		 to;
	int64_t		 from_ms;	/* local midnight starting from */
	int64_t		 to_ms;		/* local midnight after to */
	char		 from_s[11];	/* YYYY-MM-DD */
	char		 to_s[11];
};

enum stats_by {
	STATS_BY_NONE,
	STATS_BY_CATEGORY,
	STATS_BY_UNIT,
	STATS_BY_CHANNEL,
	STATS_BY_DAY
};

/* Milliseconds of the local midnight starting date (YYYYMMDD); -1. */
int64_t	 stats_day_ms(int date);
/* Set p to the days from..to (YYYYMMDD); 0, or -1 with a reason in err. */
int	 stats_period_set(struct stats_period *p, int from, int to, char *err,
	    size_t errlen);
/* The same from "YYYY-MM-DD" strings; 0 or -1 with a reason. */
int	 stats_period_parse(struct stats_period *p, const char *from,
	    const char *to, char *err, size_t errlen);
/*
 * A named period: kind "day" (arg YYYY-MM-DD), "week" (the Monday-Sunday
 * week holding arg, a date; NULL: today's), "month" (YYYY-MM; NULL: the
 * last whole month before today) into *from, *to; 0 or -1 with a reason.
 */
int	 stats_period_named(const char *kind, const char *arg, int today,
	    int *from, int *to, char *err, size_t errlen);
/* enum stats_by of "category", "unit", "channel", "day", "none"; -1. */
int	 stats_by_parse(const char *);
/* The name of a figure column (enum store_stats_col), NULL past the end. */
const char *stats_col_name(int col);

/* The period's figures (and groups for by); NULL with a reason in err. */
json_t	*stats_figures(struct store *, const struct stats_period *,
	    enum stats_by, const char *today, char *err, size_t errlen);
/* The units' figures for the assessment, working days by cal. */
json_t	*stats_units(struct store *, const struct calendar *,
	    const struct stats_period *, const char *today, char *err,
	    size_t errlen);
/* Recompute a figures object's rates from its counts. */
void	 stats_rates(json_t *);
/* Recompute a unit's rates and average working days from its counts. */
void	 stats_unit_rates(json_t *);
/*
 * Add the figures of the adjacent later period b into a (replies of
 * GET /v1/stats, /v1/stats/units, /v1/stats/lists with the same by and
 * limit): counts add up, rates are recomputed, a runs to b's end.
 */
void	 stats_merge(json_t *a, json_t *b);
void	 stats_merge_units(json_t *a, json_t *b);
void	 stats_merge_lists(json_t *a, json_t *b, int limit);
/* The bulletin's lists: overdue now, supervised, top matters. */
json_t	*stats_lists(struct store *, const struct stats_period *,
	    const char *today, int limit, char *err, size_t errlen);
/*
 * The accountability flags of Art. 23 per unit (a case's lead unit; a
 * late return the returning unit's): pushback (returned after a working
 * day, 23(1)), rehandled (23(2)), overdue without an extension (23(3)),
 * undelivered result (23(4)), repeated (23(8)); kb_stale, knowledge-base
 * entries not updated since stale_before (ms, 23(9)); and the flagged
 * cases, up to limit.
 */
json_t	*stats_flags(struct store *, const struct stats_period *,
	    const char *today, int64_t stale_before, int limit, char *err,
	    size_t errlen);
void	 stats_merge_flags(json_t *a, json_t *b, int limit);
/* The public list of matters closed in p, redacted (Art. 19). */
json_t	*stats_publish(struct store *, const struct stats_period *,
	    int limit, char *err, size_t errlen);

/* The office's assessment method (hotlined.assessment(5)). */
enum stats_measure {
	STATS_M_ON_TIME,	/* on-time rate */
	STATS_M_SATISFACTION,	/* (satisfied + basically) / responses */
	STATS_M_RETURNS,	/* 1 - return rate */
	STATS_M_EXTENSIONS,	/* 1 - extension rate */
	STATS_M_SUPERVISED,	/* 1 - supervised / cases */
	STATS_M_REHANDLED,	/* 1 - re-handled / cases */
	STATS_M_SPEED,		/* 1 - average working days / speed-days */
	STATS_M_MAX
};
struct stats_weights {
	double		 w[STATS_M_MAX];
	double		 speed_days;	/* working days that score 0 */
	int		 min_cases;	/* fewer: listed, not ranked */
};
/* The default method (hotlined.assessment(5)). */
void	 stats_weights_default(struct stats_weights *);
/* Parse a weights file's text; 0, or -1 with "name:line: reason". */
int	 stats_weights_parse(const char *name, const char *buf, size_t len,
	    struct stats_weights *, char *err, size_t errlen);
/* Load path (missing: the defaults, *found 0); 0 or -1 with a reason. */
int	 stats_weights_load(const char *path, struct stats_weights *,
	    int *found, char *err, size_t errlen);
/* Add "score" and "rank" to each unit of stats_units()'s "units". */
void	 stats_score(json_t *units, const struct stats_weights *);

#endif /* HOTLINED_STATS_H */
