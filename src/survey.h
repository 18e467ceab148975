/*
 * The satisfaction survey (Art. 15): after closure a survey SMS on the
 * official scale 满意 / 基本满意 / 不满意 (1 / 2 / 3), sent from the service
 * number plus an extension code (扩展码) so that a reply can be matched to
 * its case when a citizen has several surveys open; never inside quiet
 * hours; one reminder; expiry recorded as no response.  A reply not
 * understood is kept raw and never counted as satisfied.  不满意 in the
 * first round puts the case under supervision (disputed result) and
 * reopens it for re-handling; the second round is final.
 *
 * Pure decisions and store calls only: the integrator renders templates,
 * queues outbox rows (source = service number + ext, not_before =
 * sent_at) and runs survey_tick() on a timer.
 */
#ifndef HOTLINED_SURVEY_H
#define HOTLINED_SURVEY_H

#include <stddef.h>
#include <stdint.h>

struct hotlined_conf;
struct store;
struct store_survey;

#define SURVEY_SATISFIED	1	/* 满意 */
#define SURVEY_BASIC		2	/* 基本满意 */
#define SURVEY_DISSATISFIED	3	/* 不满意 */
#define SURVEY_COMMENT_MAX	256

struct survey_conf {
	int		 enabled;
	const char	*service;	/* "12345", borrowed */
	int		 ext_digits;	/* 0: no extension codes */
	int64_t		 delay;		/* ms after closing (or delivery) */
	int64_t		 remind_after;	/* ms after sending; 0: no reminder */
	int64_t		 expire_after;	/* ms after sending */
	int		 quiet_start;	/* minutes after local midnight */
	int		 quiet_end;	/* == quiet_start: no quiet hours */
};

/* Fill a survey_conf from the daemon's configuration (borrows strings). */
void	 survey_conf_init(struct survey_conf *, const struct hotlined_conf *);

/*
 * Parse a reply.  Understood: a digit 1-3 (half- or full-width, ①②③)
 * alone or followed by a separator and a comment ("3 办事太慢", "３ 太慢了",
 * "3,太慢"); the scale's words and variants (非常满意 很满意 满意 / 基本满意
 * 一般 还行 还可以 / 不满意 不太满意 很不满意 差 ...), optionally after "我
 * 觉得" and the like, followed by a separator, a particle (的 了 吧 ...) or
 * the end; the dissatisfied words may run straight into a comment.
 * Anything else is unclear: "满意度很低" (满意 runs into other text), "1 不
 * 满意" (digit and word disagree), "12", "4", "好的", invalid UTF-8.
 * Returns 1 with *score (1..3) and the comment (the rest of the original
 * text, trimmed, may be empty) or 0 for unclear.  comment may be NULL.
 */
int	 survey_parse(const char *text, int *score, char *comment,
	    size_t commentlen);

/*
 * No response by expire_at: the survey expires (the case says so, the
 * audit trail records it).  survey_tick() calls it, and so does a reply
 * that arrives past expire_at before the tick did.  0 or -1.
 */
int	 survey_expire(struct store *, const struct store_survey *,
	    int64_t now);

/*
 * When a survey SMS wanted at now may go out: now itself outside quiet
 * hours, else the end of the quiet period (local time).  Quiet hours are
 * [quiet_start, quiet_end) in minutes after midnight and may span midnight
 * (21:00-08:30): 20:59 goes, 21:00 waits until 08:30, 08:29 waits, 08:30
 * goes.  Equal start and end: never quiet.
 */
int64_t	 survey_next_allowed(int64_t now, int quiet_start, int quiet_end);

enum survey_sched {
	SURVEY_S_ERROR = -1,
	SURVEY_S_SCHEDULED = 0,		/* *out is the new survey */
	SURVEY_S_DISABLED,
	SURVEY_S_OPTED_OUT,		/* recorded in the audit trail */
	SURVEY_S_NOT_CLOSED,
	SURVEY_S_EXISTS,		/* this round was scheduled already */
	SURVEY_S_FINAL_DONE		/* round 2 answered: nothing more */
};
/*
 * Schedule the survey of a closed case: round 1 after answered/closed,
 * round 2 (final) after re-handling (state final).  The SMS may go at
 * survey_next_allowed(at + delay); the reminder and expiry follow from
 * there.  Audited as survey.scheduled (or survey.skipped).  Writes in the
 * caller's unit of work (the lifecycle notify hook's); on SURVEY_S_ERROR
 * the caller undoes it.
 */
enum survey_sched survey_schedule(struct store *, int64_t case_id,
	    const struct survey_conf *, int64_t at, struct store_survey *out);

enum survey_match {
	SURVEY_M_ERROR = -1,
	SURVEY_M_FOUND = 0,		/* *out is the survey replied to */
	SURVEY_M_NONE,			/* not a survey reply */
	SURVEY_M_WHICH			/* several open, no code: ask */
};
/*
 * Match a reply from msisdn sent to dest: dest = service + ext picks that
 * open survey of msisdn (an unknown or someone else's code: none); the
 * bare service number picks msisdn's single open survey, and with several
 * open the citizen must be asked which case, never guessed.
 */
enum survey_match survey_match(struct store *, const struct survey_conf *,
	    const char *msisdn, const char *dest, struct store_survey *out);

/* What a reply did. */
struct survey_outcome {
	int		 score;		/* 1..3, 0: not understood */
	int		 send_options;	/* 1: answer with the options (once) */
	int		 reopened;	/* 1: supervision + re-handling */
	int		 final;		/* 1: round 2, the evaluation stands */
	char		 comment[SURVEY_COMMENT_MAX];
};
/*
 * Record a reply to an open survey in the caller's unit: score, raw text,
 * comment and time into the survey and its case, an audit event, and for
 * 不满意 in round 1 supervision (disputed result) and re-handling.  0 with
 * *out, 1 when the survey is not open any more, -1 on error (the caller
 * undoes its unit: the other messages of the batch stay).
 */
int	 survey_reply(struct store *, int64_t survey_id, const char *text,
	    int64_t now, struct survey_outcome *out);

/*
 * Queue the reminder of survey sv (outbox row not before send_at); called
 * inside the caller's unit, non-zero makes survey_tick() fail.
 */
typedef int	(*survey_remind_fn)(void *arg, struct store *,
		    const struct store_survey *sv, int64_t send_at);
/*
 * Expire the open surveys past expire_at (no response) and remind, once,
 * the pending ones past remind_at, each with an audit event, all in the
 * caller's unit of work (a scheduled scan).  The number of surveys
 * handled, or -1 (the caller undoes the unit).
 */
int	 survey_tick(struct store *, const struct survey_conf *, int64_t now,
	    survey_remind_fn, void *arg);

/*
 * The tick in slices (issue 17): survey_scan_begin() fixes its time; each
 * survey_tick_slice() handles up to max due surveys after the cursor, in
 * the order of their due moment then id, in the caller's unit, and moves
 * the cursor past them (done set after the last).  A survey handled
 * leaves the due set (reminded or expired), so a scan begun again after a
 * restart finds only what is left: the cursor need not be durable.  Like
 * the overdue scan, a slice stops after the survey that took it past
 * budget_us (SLICE_BUDGET_US from survey_scan_begin()), its cursor on it.
 */
struct survey_scan {
	int64_t		now;
	int64_t		key;		/* cursor: the last (due, id) seen */
	int64_t		id;
	int64_t		budget_us;	/* SLICE_BUDGET_US; 0: one a slice */
	int		done;
	int		count;		/* handled so far */
};
#define SURVEY_SLICE	64		/* surveys per slice */
void	 survey_scan_begin(struct survey_scan *, int64_t now);
int	 survey_tick_slice(struct store *, const struct survey_conf *,
	    struct survey_scan *, size_t max, survey_remind_fn, void *arg);

#endif /* HOTLINED_SURVEY_H */
