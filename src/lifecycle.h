/*
 * The case lifecycle (Art. 9-18): one transition table {operation, from
 * states, to state, roles}, checked against the case's state and the
 * actor, applied with its audit event (Art. 22) in the caller's unit of
 * work (commit.h).  Also
 * the overdue scan (Art. 13(3)), the knowledge-base matcher (Art. 9) and
 * the same-matter checks of Art. 14 and 23(8).  No sockets, no SQL.
 *
 * States (the case's "state" column):
 *   registered        intake made it; at the hotline office
 *   pending_approval  handling proposal sent to a leader (Art. 12)
 *   dispatched        with a lead unit and co-units (Art. 10, 11)
 *   returned          a unit sent it back: outside its remit (Art. 17)
 *   replied           the lead unit reported its result (Art. 16)
 *   answered          answered directly by the office and closed (Art. 9)
 *   closed            closed by the office with a result
 *   rehandling        reopened for re-handling (重办, Art. 13(1))
 *   final             closed after re-handling: confirmed (Art. 14)
 * Extension and supervision are not states: an extended case stays with
 * its unit (due, due_original, extensions); supervision (督办) is a flag
 * with a reason on a case that keeps moving, cleared at closing.
 *
 *   operation   from                                  to          roles
 *   answer      registered returned rehandling        answered*   office system
 *   approval    registered returned                   pending_approval office
 *   dispatch    registered returned pending_approval  dispatched  office
 *               replied
 *   dispatch    rehandling                            (same)      office
 *   return      dispatched rehandling                 returned    lead office
 *   extend      dispatched rehandling                 (same)      office
 *   reply       dispatched rehandling                 replied     lead
 *   note        every open state                      (same)      office lead co
 *   supervise   every state but final                 (same)      office system
 *   close       dispatched replied rehandling         closed*     office
 *   reopen      answered closed                       rehandling  office system
 *   classify    every open state                      (same)      office
 * (*) final instead when the case was re-handled.
 *
 * An unclassified case (category "unclassified": the classifier was
 * unsure) waits at the office for a person: it can be classified, noted,
 * supervised, but not answered, sent for approval or dispatched until it
 * has a category.  Classifying sets the category and the due date of that
 * category counted from the time of receipt (the due hook), records the
 * operator's label (store_label_add()) and tells the citizen (notify).
 * Reclassifying a classified open case is the same operation; naming the
 * category it has confirms it: a label and an audit event, nothing else.
 *
 * A unit acts only on cases currently dispatched to it; to any other unit
 * a case does not exist (LC_NOT_FOUND, never "not yours").
 *
 * Extensions need the office (Art. 18): a lead unit asks (extension.c
 * records the request), the office grants it by applying extend with
 * the request's date, reason, time of asking and id; the office's own
 * extend, asked by nobody, is the office's act and needs no request.
 */
#ifndef HOTLINED_LIFECYCLE_H
#define HOTLINED_LIFECYCLE_H

#include <stddef.h>
#include <stdint.h>

struct json_t;
struct store;
struct store_case;
struct store_kb;

enum lc_state {
	LC_S_REGISTERED = 0,
	LC_S_PENDING_APPROVAL,
	LC_S_DISPATCHED,
	LC_S_RETURNED,
	LC_S_REPLIED,
	LC_S_ANSWERED,
	LC_S_CLOSED,
	LC_S_REHANDLING,
	LC_S_FINAL,
	LC_S_MAX
};

enum lc_op {
	LC_OP_ANSWER = 0,	/* args: text (the answer) */
	LC_OP_APPROVAL,		/* text (the proposal) */
	LC_OP_DISPATCH,		/* unit, co/nco, due?, approval (from pending) */
	LC_OP_RETURN,		/* text (why outside the remit) */
	LC_OP_EXTEND,		/* due (new deadline), text (reason) */
	LC_OP_REPLY,		/* text (the unit's result) */
	LC_OP_NOTE,		/* text */
	LC_OP_SUPERVISE,	/* supervision, text? */
	LC_OP_CLOSE,		/* text (result; NULL: the unit's reply) */
	LC_OP_REOPEN,		/* text (reason) */
	LC_OP_CLASSIFY,		/* category, text? (reason) */
	LC_OP_MAX
};

enum lc_role {
	LC_ROLE_OFFICE = 0,	/* 市热线办 operator */
	LC_ROLE_UNIT,		/* 承办单位: actor.unit says which */
	LC_ROLE_SYSTEM,		/* the daemon: survey, overdue scan, kb */
	LC_ROLE_AUDITOR		/* read only */
};

enum lc_result {
	LC_OK = 0,
	LC_BAD_STATE,		/* not allowed from the case's state */
	LC_FORBIDDEN,		/* not allowed to this role */
	LC_INVALID,		/* bad or missing arguments */
	LC_NOT_FOUND,		/* no such case (or not visible to the unit) */
	LC_ERROR		/* store failure: undo the caller's unit */
};

/* Art. 13: why a case is supervised. */
enum lc_supervision {
	LC_SUP_NONE = 0,
	LC_SUP_DISPUTED,	/* (1) the citizen disputes the result */
	LC_SUP_LEADER,		/* (2) a leader's instruction */
	LC_SUP_OVERDUE,		/* (3) past its deadline */
	LC_SUP_OTHER		/* (4) */
};

struct lc_actor {
	enum lc_role	 role;
	const char	*name;		/* token or operator name, for audit */
	const char	*unit;		/* LC_ROLE_UNIT: the unit's code */
};

/* Arguments of an operation; unused fields stay zero/NULL. */
struct lc_args {
	const char		*text;
	const char		*unit;		/* dispatch: lead unit */
	const char *const	*co;		/* dispatch: co-units */
	size_t			 nco;
	const char		*approval;	/* dispatch after approval */
	const char		*due;		/* YYYY-MM-DD */
	enum lc_supervision	 supervision;
	const char		*category;	/* classify: a name */
	int64_t			 asked_at;	/* extend: when the unit asked
						   (Art. 18: before the due
						   date); 0: now */
	int64_t			 request;	/* extend: the request's id */
};

/* What happened, for the notify hook. */
struct lc_event {
	enum lc_op		 op;
	enum lc_state		 from;
	enum lc_state		 to;
	const struct lc_actor	*actor;
	const struct lc_args	*args;
	int64_t			 at;
	int			 late;		/* return: after 1 working day */
	int			 confirmed;	/* classify: same category */
};

#define LC_CO_MAX		16	/* co-units of one dispatch */
#define LC_TEXT_MAX		4000	/* bytes of a result, reason, note */
#define LC_HELP_CATEGORY	"help"	/* Art. 18: at most 5 working days */
#define LC_HELP_MAX_DAYS	5

/*
 * Called inside the caller's unit after every applied transition with the
 * case as it now is: on answer and close the integrator renders the
 * result template and queues the SMS (and records a cut with
 * store_case_set_result_cut()), and may schedule the survey.  Non-zero
 * undoes the whole transition (LC_ERROR).
 */
typedef int	(*lc_notify_fn)(void *arg, struct store *,
		    const struct store_case *, const struct lc_event *);
/*
 * Working days in (from, to], both YYYY-MM-DD: 0 on the same day, 1 from
 * Friday to Monday; -1 when a date is outside the calendar.
 */
typedef int	(*lc_workdays_fn)(void *arg, const char *from, const char *to);
/*
 * The due date (YYYY-MM-DD into due) of a case of category received at
 * received_at (ms): the deadline rule of Art. 18 on the calendar; 0, -1.
 */
typedef int	(*lc_due_fn)(void *arg, const char *category,
		    int64_t received_at, char *due, size_t len);

/* Install the notify hook (NULL: none). */
void	 lifecycle_set_notify(lc_notify_fn, void *arg);
/* Install the working-day count (NULL: Monday to Friday, no holidays). */
void	 lifecycle_set_workdays(lc_workdays_fn, void *arg);
/* Install the deadline rule classify uses (NULL: classify is refused). */
void	 lifecycle_set_due(lc_due_fn, void *arg);
/*
 * The date (YYYY-MM-DD into due) days working days after day 0 of a case
 * received at received_at (ms): the deadline's own count (deadline.h), so
 * that the Art. 18 cap on help cases counts from the day the deadline
 * does.  0, -1.
 */
typedef int	(*lc_due_days_fn)(void *arg, int days, int64_t received_at,
		    char *due, size_t len);
/* Install it (NULL: the cap counts Monday-Friday days after receipt). */
void	 lifecycle_set_due_days(lc_due_days_fn, void *arg);
/* Art. 18 cap: category's cases at most days working days (0: none). */
void	 lifecycle_set_help_limit(const char *category, int days);
/*
 * Escalation (notice.h): the overdue scan supervises a case only once it
 * is days working days past its due date (0: the first day after it).
 */
void	 lifecycle_set_escalate(int days);
/* The built-in count: Monday to Friday in (from, to]; -1 on bad dates. */
int	 lifecycle_weekdays(void *arg, const char *from, const char *to);

/*
 * Apply op to a case at now, as actor, inside the caller's unit of work
 * (commit_unit_begin(), or commit_txn_begin() outside the event loop).
 * On LC_OK the case row, its assignments and one audit event "case.<op>"
 * have changed and the notify hook has run; otherwise nothing was written
 * and err says why in one line (no phone number), except LC_ERROR, after
 * which the caller must undo its unit (it may hold half a transition).
 */
enum lc_result lifecycle_apply(struct store *, int64_t case_id, enum lc_op,
	    const struct lc_args *, const struct lc_actor *, int64_t now,
	    char *err, size_t errlen);
/*
 * Whether case c may be extended to due when asked at asked_at (ms):
 * asked on or before its due date, due later than it, and within the
 * Art. 18 cap of help cases, counted from day 0 of the receipt, or of
 * the latest reopening for a re-handled case (handled anew, with the
 * category's full time from then).  LC_OK, LC_INVALID with err, or
 * LC_ERROR (the store).
 */
enum lc_result lifecycle_extend_check(struct store *,
	    const struct store_case *c, const char *due, int64_t asked_at,
	    char *err, size_t errlen);
/*
 * One audit event on case_id by who (lifecycle_actor_name()), its detail
 * the JSON object given (stolen; NULL fails): for the office's acts that
 * are not transitions (extension.c, disclose.c).  0 or -1.
 */
int	 lifecycle_audit(struct store *, int64_t case_id, const char *who,
	    const char *action, struct json_t *detail, int64_t now);
/* How the audit trail names actor: "office:NAME", "unit:CODE/NAME"... */
void	 lifecycle_actor_name(const struct lc_actor *, char *buf, size_t len);
/* May unit see (and act on) the case: 1, 0, -1 on error. */
int	 lifecycle_can_see(struct store *, int64_t case_id, const char *unit);
/*
 * The table alone: the state op leads to from state from for role (unit:
 * lead 1, co 2, else 0); -1 when op is not allowed from there (*forbidden
 * set when only the role is wrong).  "Same" and "closed or final" come back
 * as from and LC_S_CLOSED.
 */
int	 lifecycle_next(enum lc_state from, enum lc_op, enum lc_role,
	    int unit_role, int *forbidden);
/*
 * Put every open case past its due date (before today's local date) under
 * supervision with reason overdue, one audit event each, all in the
 * caller's unit (-1: undo it); every open state counts, a result left
 * "replied" by the office too (issue 16); cases already supervised as
 * overdue are left alone.  each (may be NULL) is called after each.  The
 * count, or -1.
 */
int	 lifecycle_overdue_scan(struct store *, int64_t now,
	    void (*each)(void *, const struct store_case *), void *arg);

/*
 * The same scan in slices (issue 17): lifecycle_overdue_begin() fixes its
 * day; each lifecycle_overdue_slice() looks at up to max open cases due
 * before that day, in (due, id) order after the cursor, in the caller's
 * unit, and moves the cursor past them (done set after the last).  Every
 * case due when the scan began is looked at exactly once; the cursor
 * lives in memory only: a scan begun again (after a restart) finds the
 * cases a previous one already supervised and leaves them alone.
 */
struct lc_overdue {
	int64_t		 now;
	char		 today[16];	/* due before this date: overdue */
	char		 due[16];	/* cursor: the last (due, id) seen */
	int64_t		 id;
	int		 done;
	int		 count;		/* supervised so far */
	int64_t		 budget_us;	/* SLICE_BUDGET_US; 0: a case a slice */
};
#define LC_OVERDUE_SLICE	64	/* cases looked at per slice */
int	 lifecycle_overdue_begin(struct lc_overdue *, int64_t now);
int	 lifecycle_overdue_slice(struct store *, struct lc_overdue *,
	    size_t max, void (*each)(void *, const struct store_case *),
	    void *arg);

/* "registered", ...; "unknown" out of range. */
const char *lifecycle_strstate(int);
/* enum lc_state of a name, -1 if none. */
int	 lifecycle_state_parse(const char *);
/* "answer", "dispatch", ... */
const char *lifecycle_strop(int);
/* enum lc_op of a name, -1 if none. */
int	 lifecycle_op_parse(const char *);
/* "disputed-result", "leader-instruction", "overdue", "other". */
const char *lifecycle_strsup(int);
/* enum lc_supervision of a name, -1 if none. */
int	 lifecycle_sup_parse(const char *);
/* "ok", "bad-state", ... (stable codes for the API). */
const char *lifecycle_strresult(int);
/* 1 for a state where the case is closed (answered, closed, final). */
int	 lifecycle_is_closed(enum lc_state);

/* --- matching text ---------------------------------------------------- */

/*
 * Fold text for matching into out: full-width ASCII to ASCII, ideographic
 * space to space, ASCII letters to lower case; with strip, also drop
 * white space and punctuation.  The length, or -1 (invalid UTF-8, or out
 * too small: cut at a character).
 */
int	 lc_fold(const char *text, char *out, size_t outlen, int strip);
/* Dice coefficient of two texts' character bigrams, after lc_fold(strip). */
double	 lc_similarity(const char *a, const char *b);
/*
 * A new copy of text with every run of LC_MASK_RUN or more digits (ASCII
 * or full-width, U+FF10..FF19) replaced by as many '*': a phone or ID
 * number a citizen wrote, masked before a text leaves as a training
 * example.  Any bytes in; never longer than text.
 */
#define LC_MASK_RUN		7
char	*lc_mask_digits(const char *text);

#define LC_KB_CONFIDENT		0.75	/* answer directly at or above */
/*
 * The knowledge-base entry that best matches text (entries not updated
 * since stale_before excluded; 0: none excluded).  An entry's keywords
 * are separated by space , ， 、 ; ； |; its score is the share of its
 * keyword characters found in the text, times 0.7 unless two keywords or
 * four characters matched (one short keyword is weak evidence).  1 with
 * *out (caller clears) and *score, 0 when nothing matched, -1.
 */
int	 lifecycle_kb_match(struct store *, const char *text,
	    int64_t stale_before, struct store_kb *out, double *score);

/*
 * Art. 14 "the same facts and reasons": a new text from msisdn is the same
 * matter as a case that was re-handled and confirmed closed (state final)
 * when that case is the same number's, of the same category, received
 * within LC_SAME_DAYS before now, and its text's bigram similarity is at
 * least LC_SAME_THRESHOLD.  Numbers compare by their keyed hash, so +86
 * and national forms are one person.  1 with *case_idp, 0, -1.
 */
#define LC_SAME_DAYS		365
#define LC_SAME_THRESHOLD	0.5
int	 lifecycle_same_matter(struct store *, const char *msisdn,
	    const char *category, const char *text, int64_t now,
	    int64_t *case_idp);
/*
 * Art. 23(8): earlier unresolved cases on the same matter (same category,
 * similarity >= LC_SAME_THRESHOLD, received within LC_REPEAT_DAYS) from
 * msisdn, or from anyone when msisdn is NULL.  Unresolved: still open, or
 * closed with a dissatisfied evaluation.  At most LC_REPEAT_SCAN cases
 * are compared.  The new complaint is the third or later when the count
 * is LC_REPEAT_FLAG - 1 or more: flag it (STORE_CF_REPEATED).  Count, -1.
 */
#define LC_REPEAT_DAYS		180
#define LC_REPEAT_SCAN		2000
#define LC_REPEAT_FLAG		3
int	 lifecycle_repeat_count(struct store *, const char *msisdn,
	    const char *category, const char *text, int64_t now);
/*
 * Both checks above for one new text of msisdn from a single read of its
 * cases (up to LC_REPEAT_SCAN, newest first, within LC_SAME_DAYS): the
 * Art. 14 case in *same_idp (0: none) and the Art. 23(8) count in
 * *repeatsp; and, when resent_idp is not NULL, the newest case with the
 * same text (folded: punctuation, spaces and width aside) received within
 * LC_RESENT_MS, open or not, in *resent_idp (0: none): the citizen sent the
 * matter again.  0 or -1.
 */
int	 lifecycle_matter_history(struct store *, const char *msisdn,
	    const char *category, const char *text, int64_t now,
	    int64_t *same_idp, int *repeatsp, int64_t *resent_idp);
#define LC_RESENT_MS		(3600 * 1000)

#endif /* HOTLINED_LIFECYCLE_H */
