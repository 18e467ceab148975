/*
 * The case lifecycle: the transition table of lifecycle.h and
 * lifecycle_apply(), which checks a request against it, writes the change,
 * the assignments and the audit event in one transaction and calls the
 * notify hook.  Then the overdue scan, and the text matching used at
 * intake: knowledge base, same matter (Art. 14), repeats (Art. 23(8)).
 */
#include "compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "category.h"
#include "errfmt.h"
#include "lifecycle.h"
#include "log.h"
#include "store.h"
#include "util.h"

#define R_OFFICE	0x01
#define R_LEAD		0x02
#define R_CO		0x04
#define R_SYSTEM	0x08
#define S(x)		(1u << (x))
#define S_OPEN		(S(LC_S_REGISTERED) | S(LC_S_PENDING_APPROVAL) | \
			S(LC_S_DISPATCHED) | S(LC_S_RETURNED) | S(LC_S_REPLIED) | \
			S(LC_S_REHANDLING))
#define TO_SAME		(-1)
#define TO_CLOSED	(-2)		/* closed, or final after re-handling */

struct lc_transition {
	enum lc_op	 op;
	unsigned	 from;		/* S() set */
	int		 to;		/* enum lc_state, TO_SAME, TO_CLOSED */
	int		 roles;		/* R_* */
};

static const struct lc_transition lc_table[] = {
	{ LC_OP_ANSWER, S(LC_S_REGISTERED) | S(LC_S_RETURNED) |
	    S(LC_S_REHANDLING), TO_CLOSED, R_OFFICE | R_SYSTEM },
	{ LC_OP_APPROVAL, S(LC_S_REGISTERED) | S(LC_S_RETURNED),
	    LC_S_PENDING_APPROVAL, R_OFFICE },
	{ LC_OP_DISPATCH, S(LC_S_REGISTERED) | S(LC_S_RETURNED) |
	    S(LC_S_PENDING_APPROVAL) | S(LC_S_REPLIED), LC_S_DISPATCHED,
	    R_OFFICE },
	{ LC_OP_DISPATCH, S(LC_S_REHANDLING), TO_SAME, R_OFFICE },
	{ LC_OP_RETURN, S(LC_S_DISPATCHED) | S(LC_S_REHANDLING),
	    LC_S_RETURNED, R_LEAD | R_OFFICE },
	/* Art. 18: a unit asks (extension.c), the office grants */
	{ LC_OP_EXTEND, S(LC_S_DISPATCHED) | S(LC_S_REHANDLING), TO_SAME,
	    R_OFFICE },
	{ LC_OP_REPLY, S(LC_S_DISPATCHED) | S(LC_S_REHANDLING), LC_S_REPLIED,
	    R_LEAD },
	{ LC_OP_NOTE, S_OPEN, TO_SAME, R_OFFICE | R_LEAD | R_CO },
	{ LC_OP_SUPERVISE, S_OPEN | S(LC_S_ANSWERED) | S(LC_S_CLOSED),
	    TO_SAME, R_OFFICE | R_SYSTEM },
	{ LC_OP_CLOSE, S(LC_S_DISPATCHED) | S(LC_S_REPLIED) |
	    S(LC_S_REHANDLING), TO_CLOSED, R_OFFICE },
	{ LC_OP_REOPEN, S(LC_S_ANSWERED) | S(LC_S_CLOSED), LC_S_REHANDLING,
	    R_OFFICE | R_SYSTEM },
	{ LC_OP_CLASSIFY, S_OPEN, TO_SAME, R_OFFICE },
};

static const char *const lc_states[LC_S_MAX] = {
	"registered", "pending_approval", "dispatched", "returned", "replied",
	"answered", "closed", "rehandling", "final"
};
static const char *const lc_ops[LC_OP_MAX] = {
	"answer", "approval", "dispatch", "return", "extend", "reply", "note",
	"supervise", "close", "reopen", "classify"
};
static const char *const lc_sups[] = {
	"none", "disputed-result", "leader-instruction", "overdue", "other"
};
static const char *const lc_results[] = {
	"ok", "bad-state", "forbidden", "invalid", "not-found", "error"
};

static lc_notify_fn	 lc_notify;
static void		*lc_notify_arg;
static lc_workdays_fn	 lc_workdays = lifecycle_weekdays;
static void		*lc_workdays_arg;
static lc_due_fn	 lc_due;
static void		*lc_due_arg;
static lc_due_days_fn	 lc_due_days;
static void		*lc_due_days_arg;
static char		 lc_help_category[64] = LC_HELP_CATEGORY;
static int		 lc_help_days = LC_HELP_MAX_DAYS;
static int		 lc_escalate;	/* working days overdue first */

static const char *lc_name(const char *const *, size_t, int);
static int	 lc_lookup(const char *const *, size_t, size_t, const char *);
static int	 lc_role_bits(enum lc_role, int);
static int	 lc_date(int64_t, char *, size_t);
static int	 lc_date_ok(const char *);
static enum lc_result lc_fail(char *, size_t, enum lc_result, const char *,
		    ...) __attribute__((format(printf, 4, 5)));
static enum lc_result lc_forbidden(char *, size_t, enum lc_role, int,
		    enum lc_op, const char *);
static enum lc_result lc_check(struct store *, const struct store_case *,
		    enum lc_op, const struct lc_args *, const struct lc_actor *,
		    int64_t, struct store_case_change *, int *, char *,
		    size_t);
static int	 lc_start(struct store *, const struct store_case *,
		    int64_t *);
static enum lc_result lc_classify(const struct store_case *,
		    const struct lc_args *, const char *,
		    struct store_case_change *, char *, size_t);
static int	 lc_text_ok(const char *);
static int	 lc_repeat_flag(struct store *, const struct store_case *,
		    const char *, int64_t);
static void	 lc_json_str(char **, size_t *, size_t *, const char *,
		    const char *);
static void	 lc_cat(char **, size_t *, size_t *, const char *);
static void	 lc_who(const struct lc_actor *, char *, size_t);
static int	 lc_utf8_next(const unsigned char **, const unsigned char *,
		    uint32_t *);
static int	 lc_is_punct(uint32_t);
static size_t	 lc_digit(const unsigned char *);
static int	 lc_cmp64(const void *, const void *);
static size_t	 lc_bigrams(const char *, uint64_t **);

/* --- names --------------------------------------------------------------- */

/* Name i of a table of n, "unknown" out of range. */
static const char *
lc_name(const char *const *tab, size_t n, int i)
{
	return i >= 0 && (size_t)i < n ? tab[i] : "unknown";
}

/* Index of name in a table of n from first, -1 if none. */
static int
lc_lookup(const char *const *tab, size_t n, size_t first, const char *name)
{
	size_t	i;

	for (i = first; name != NULL && i < n; i++)
		if (strcmp(name, tab[i]) == 0)
			return (int)i;
	return -1;
}

const char *
lifecycle_strstate(int s)
{
	return lc_name(lc_states, nitems(lc_states), s);
}

int
lifecycle_state_parse(const char *name)
{
	return lc_lookup(lc_states, nitems(lc_states), 0, name);
}

const char *
lifecycle_strop(int op)
{
	return lc_name(lc_ops, nitems(lc_ops), op);
}

int
lifecycle_op_parse(const char *name)
{
	return lc_lookup(lc_ops, nitems(lc_ops), 0, name);
}

const char *
lifecycle_strsup(int r)
{
	return lc_name(lc_sups, nitems(lc_sups), r);
}

int
lifecycle_sup_parse(const char *name)
{
	return lc_lookup(lc_sups, nitems(lc_sups), 1, name);
}

const char *
lifecycle_strresult(int r)
{
	return lc_name(lc_results, nitems(lc_results), r);
}

int
lifecycle_is_closed(enum lc_state s)
{
	return s == LC_S_ANSWERED || s == LC_S_CLOSED || s == LC_S_FINAL;
}

/* --- configuration ----------------------------------------------------- */

void
lifecycle_set_notify(lc_notify_fn fn, void *arg)
{
	lc_notify = fn;
	lc_notify_arg = arg;
}

void
lifecycle_set_workdays(lc_workdays_fn fn, void *arg)
{
	lc_workdays = fn != NULL ? fn : lifecycle_weekdays;
	lc_workdays_arg = fn != NULL ? arg : NULL;
}

void
lifecycle_set_due(lc_due_fn fn, void *arg)
{
	lc_due = fn;
	lc_due_arg = arg;
}

void
lifecycle_set_due_days(lc_due_days_fn fn, void *arg)
{
	lc_due_days = fn;
	lc_due_days_arg = arg;
}

void
lifecycle_set_help_limit(const char *category, int days)
{
	strlcpy(lc_help_category, category != NULL ? category : "",
	    sizeof(lc_help_category));
	lc_help_days = days < 0 ? 0 : days;
}

/* YYYY-MM-DD of a real date into *tm (noon, local); 0 or -1. */
static int
lc_parse_date(const char *s, struct tm *tm)
{
	int	y, m, d;
	char	tail;

	if (s == NULL || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m,
	    &d, &tail) != 3 || s[4] != '-' || s[7] != '-')
		return -1;
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = y - 1900;
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	tm->tm_hour = 12;
	tm->tm_isdst = -1;
	if (mktime(tm) == (time_t)-1 || tm->tm_year != y - 1900 ||
	    tm->tm_mon != m - 1 || tm->tm_mday != d)
		return -1;
	return 0;
}

static int
lc_date_ok(const char *s)
{
	struct tm	tm;

	return lc_parse_date(s, &tm) == 0;
}

int
lifecycle_weekdays(void *arg, const char *from, const char *to)
{
	struct tm	a, b;
	int		n = 0, guard = 0;

	if (lc_parse_date(from, &a) == -1 || lc_parse_date(to, &b) == -1)
		return -1;
	while (strcmp(from, to) < 0 && guard++ < 3660) {
		a.tm_mday++;
		a.tm_isdst = -1;
		if (mktime(&a) == (time_t)-1)
			return -1;
		if (a.tm_wday != 0 && a.tm_wday != 6)
			n++;
		if (a.tm_year == b.tm_year && a.tm_yday == b.tm_yday)
			break;
	}
	return n;
}

/* The local date of ms as YYYY-MM-DD; 0 or -1. */
static int
lc_date(int64_t ms, char *buf, size_t len)
{
	struct tm	tm;
	time_t		t = (time_t)(ms / 1000);

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d", &tm) == 0)
		return -1;
	return 0;
}

/* --- the table ----------------------------------------------------------- */

static int
lc_role_bits(enum lc_role role, int unit_role)
{
	switch (role) {
	case LC_ROLE_OFFICE:
		return R_OFFICE;
	case LC_ROLE_SYSTEM:
		return R_SYSTEM;
	case LC_ROLE_UNIT:
		return unit_role == STORE_UNIT_LEAD ? R_LEAD :
		    unit_role == STORE_UNIT_CO ? R_CO : 0;
	default:
		return 0;
	}
}

int
lifecycle_next(enum lc_state from, enum lc_op op, enum lc_role role,
    int unit_role, int *forbidden)
{
	size_t	i;
	int	bits;

	if (forbidden != NULL)
		*forbidden = 0;
	if ((int)from < 0 || from >= LC_S_MAX)
		return -1;
	bits = lc_role_bits(role, unit_role);
	for (i = 0; i < nitems(lc_table); i++) {
		if (lc_table[i].op != op || !(lc_table[i].from & S(from)))
			continue;
		if (!(lc_table[i].roles & bits)) {
			if (forbidden != NULL)
				*forbidden = 1;
			return -1;
		}
		if (lc_table[i].to == TO_SAME)
			return from;
		if (lc_table[i].to == TO_CLOSED)
			return LC_S_CLOSED;
		return lc_table[i].to;
	}
	return -1;
}

static enum lc_result
lc_fail(char *err, size_t errlen, enum lc_result r, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	errfmt_note(err, errlen, fmt, ap);	/* the API sends fmt, args */
	va_end(ap);
	return r;
}

/*
 * Who may not do op on case number; one literal format for each who, so
 * that the API's error is translated whole (errfmt.h, po/).
 */
static enum lc_result
lc_forbidden(char *err, size_t errlen, enum lc_role role, int urole,
    enum lc_op op, const char *number)
{
	const char	*o = lc_ops[op];

	if (role == LC_ROLE_UNIT && urole == STORE_UNIT_LEAD &&
	    op == LC_OP_EXTEND)
		return lc_fail(err, errlen, LC_FORBIDDEN, "the lead unit may "
		    "not %s case %s: ask the office (extension request, Art. "
		    "18)", o, number);
	if (role == LC_ROLE_UNIT && urole == STORE_UNIT_LEAD)
		return lc_fail(err, errlen, LC_FORBIDDEN, "the lead unit may "
		    "not %s case %s", o, number);
	if (role == LC_ROLE_UNIT)
		return lc_fail(err, errlen, LC_FORBIDDEN, "a co-unit may not "
		    "%s case %s", o, number);
	if (role == LC_ROLE_OFFICE)
		return lc_fail(err, errlen, LC_FORBIDDEN, "the office may not "
		    "%s case %s", o, number);
	if (role == LC_ROLE_SYSTEM)
		return lc_fail(err, errlen, LC_FORBIDDEN, "the system may not "
		    "%s case %s", o, number);
	return lc_fail(err, errlen, LC_FORBIDDEN, "an auditor may not %s "
	    "case %s", o, number);
}

/* 1 when text is present, within LC_TEXT_MAX and not blank. */
static int
lc_text_ok(const char *t)
{
	size_t	n;

	if (t == NULL || (n = strlen(t)) == 0 || n > LC_TEXT_MAX)
		return 0;
	return strspn(t, " \t\r\n") < n;
}

/*
 * The arguments and the effect of op on c, as a store change; *latep for a
 * late return.  LC_OK, or LC_INVALID with err.
 */
static enum lc_result
lc_check(struct store *st, const struct store_case *c, enum lc_op op,
    const struct lc_args *a, const struct lc_actor *actor, int64_t now,
    struct store_case_change *ch, int *latep, char *err, size_t errlen)
{
	static char		 reopen_due[16];	/* ch->due until written */
	struct store_unit	 u;
	char			 today[16], day[16];
	size_t			 i, j;
	int			 r;

	if (lc_date(now, today, sizeof(today)) == -1)
		return lc_fail(err, errlen, LC_INVALID, "bad time");
	/* the category decides the deadline a unit is given: a person first */
	if ((op == LC_OP_ANSWER || op == LC_OP_APPROVAL ||
	    op == LC_OP_DISPATCH) && c->category != NULL &&
	    category_from_name(c->category) == CAT_UNCLASSIFIED)
		return lc_fail(err, errlen, LC_BAD_STATE, "case %s is "
		    "unclassified: classify it first (hotlinectl case "
		    "classify)", c->number);
	switch (op) {
	case LC_OP_ANSWER:
	case LC_OP_CLOSE:
		if (a->text == NULL && op == LC_OP_CLOSE && c->result != NULL)
			break;		/* the unit's reply is the result */
		if (!lc_text_ok(a->text))
			return lc_fail(err, errlen, LC_INVALID, "%s needs a "
			    "result text (at most %d bytes)", lc_ops[op],
			    LC_TEXT_MAX);
		ch->result = a->text;
		break;
	case LC_OP_APPROVAL:
	case LC_OP_RETURN:
	case LC_OP_REPLY:
	case LC_OP_NOTE:
	case LC_OP_REOPEN:
		/* one format each: translated whole (errfmt.h) */
		if (!lc_text_ok(a->text) && op == LC_OP_REPLY)
			return lc_fail(err, errlen, LC_INVALID, "%s needs a "
			    "text: the result (at most %d bytes)", lc_ops[op],
			    LC_TEXT_MAX);
		if (!lc_text_ok(a->text) && op == LC_OP_APPROVAL)
			return lc_fail(err, errlen, LC_INVALID, "%s needs a "
			    "text: the proposal (at most %d bytes)",
			    lc_ops[op], LC_TEXT_MAX);
		if (!lc_text_ok(a->text))
			return lc_fail(err, errlen, LC_INVALID, "%s needs a "
			    "text: a reason (at most %d bytes)", lc_ops[op],
			    LC_TEXT_MAX);
		if (op == LC_OP_REPLY)
			ch->result = a->text;
		break;
	case LC_OP_DISPATCH:
		if (a->unit == NULL || (r = store_unit_get(st, a->unit, &u)) ==
		    0)
			return lc_fail(err, errlen, LC_INVALID, "dispatch "
			    "needs a known lead unit");
		if (r == -1)
			return LC_ERROR;
		store_unit_clear(&u);
		if (a->nco > LC_CO_MAX || (a->nco > 0 && a->co == NULL))
			return lc_fail(err, errlen, LC_INVALID, "at most %d "
			    "co-units", LC_CO_MAX);
		for (i = 0; i < a->nco; i++) {
			if (a->co[i] == NULL || strcmp(a->co[i], a->unit) == 0)
				return lc_fail(err, errlen, LC_INVALID,
				    "co-unit %zu is the lead unit", i + 1);
			for (j = 0; j < i; j++)
				if (strcmp(a->co[i], a->co[j]) == 0)
					return lc_fail(err, errlen, LC_INVALID,
					    "co-unit %s twice", a->co[i]);
			if ((r = store_unit_get(st, a->co[i], &u)) == -1)
				return LC_ERROR;
			store_unit_clear(&u);
			if (r == 0)
				return lc_fail(err, errlen, LC_INVALID,
				    "unknown co-unit %zu", i + 1);
		}
		if (strcmp(c->state, lc_states[LC_S_PENDING_APPROVAL]) == 0 &&
		    !lc_text_ok(a->approval))
			return lc_fail(err, errlen, LC_INVALID, "a case "
			    "pending approval needs the leader's approval to "
			    "be dispatched (Art. 12)");
		if (a->due != NULL) {
			if (!lc_date_ok(a->due) || strcmp(a->due, today) < 0)
				return lc_fail(err, errlen, LC_INVALID,
				    "due must be a date, today or later");
			ch->due = a->due;
		}
		ch->unit = a->unit;
		ch->dispatched_at = now;
		break;
	case LC_OP_EXTEND:
		if (!lc_text_ok(a->text))
			return lc_fail(err, errlen, LC_INVALID, "extend needs "
			    "a new due date (YYYY-MM-DD) and a reason");
		if ((r = lifecycle_extend_check(st, c, a->due, a->asked_at > 0 ?
		    a->asked_at : now, err, errlen)) != LC_OK)
			return r;
		/*
		 * Granted after the due date on a request made in time: the
		 * overdue supervision the scan set meanwhile was the wait
		 * for the office, not the unit's delay (as classify does).
		 */
		if (c->supervised && c->supervision != NULL &&
		    strcmp(c->supervision, lc_sups[LC_SUP_OVERDUE]) == 0 &&
		    strcmp(a->due, today) >= 0)
			ch->supervised = 0;
		ch->due = a->due;
		ch->add_extension = 1;
		break;
	case LC_OP_SUPERVISE:
		if (a->supervision <= LC_SUP_NONE ||
		    a->supervision > LC_SUP_OTHER)
			return lc_fail(err, errlen, LC_INVALID, "supervise "
			    "needs a reason: disputed-result, "
			    "leader-instruction, overdue or other");
		if (a->text != NULL && strlen(a->text) > LC_TEXT_MAX)
			return lc_fail(err, errlen, LC_INVALID, "note too "
			    "long");
		ch->supervised = 1;
		ch->supervision = lc_sups[a->supervision];
		break;
	case LC_OP_CLASSIFY:
		return lc_classify(c, a, today, ch, err, errlen);
	default:
		return lc_fail(err, errlen, LC_INVALID, "unknown operation");
	}

	switch (op) {
	case LC_OP_ANSWER:
	case LC_OP_CLOSE:
		ch->closed_at = now;
		ch->supervised = 0;
		break;
	case LC_OP_RETURN:
		/* Art. 17: within 1 working day of the dispatch */
		if (c->dispatched_at > 0 && lc_date(c->dispatched_at, day,
		    sizeof(day)) == 0 && lc_workdays(lc_workdays_arg,
		    day, today) > 1) {
			*latep = 1;
			ch->add_late_return = 1;
		}
		ch->unit = "";
		break;
	case LC_OP_REOPEN:
		ch->closed_at = 0;
		ch->rehandled = 1;
		/*
		 * Re-handling (重办, Art. 13) is handled anew: the category's
		 * full time counted from the reopening, not the first round's
		 * date, long past.  Without a deadline rule the date stays.
		 */
		if (lc_due != NULL && c->category != NULL && lc_due(lc_due_arg,
		    c->category, now, reopen_due, sizeof(reopen_due)) == 0 &&
		    lc_date_ok(reopen_due) && (c->due == NULL ||
		    strcmp(reopen_due, c->due) > 0))
			ch->due = reopen_due;
		break;
	default:
		break;
	}
	(void)actor;
	return LC_OK;
}

/*
 * When the deadline of c started counting: its receipt, or for a case
 * re-handled its latest reopening (the audit trail's case.reopen).
 * 0 or -1.
 */
static int
lc_start(struct store *st, const struct store_case *c, int64_t *start)
{
	struct store_history	h;
	size_t			i;

	*start = c->received_at;
	if (!c->rehandled)
		return 0;
	if (store_case_history(st, c->id, &h) == -1)
		return -1;
	for (i = 0; i < h.naudit; i++)
		if (strcmp(h.audit[i].kind, "case.reopen") == 0)
			*start = h.audit[i].at;
	store_history_clear(&h);
	return 0;
}

enum lc_result
lifecycle_extend_check(struct store *st, const struct store_case *c,
    const char *due, int64_t asked_at, char *err, size_t errlen)
{
	char	asked[16], day[16], cap[16];
	int64_t	start;
	int	n;

	if (due == NULL || !lc_date_ok(due))
		return lc_fail(err, errlen, LC_INVALID, "extend needs a new "
		    "due date (YYYY-MM-DD) and a reason");
	if (lc_date(asked_at, asked, sizeof(asked)) == -1)
		return lc_fail(err, errlen, LC_INVALID, "bad time");
	if (c->due == NULL || strcmp(asked, c->due) > 0)
		return lc_fail(err, errlen, LC_INVALID, "extension "
		    "requested after the deadline %s (Art. 18)",
		    c->due ? c->due : "(none)");
	if (strcmp(due, c->due) <= 0)
		return lc_fail(err, errlen, LC_INVALID, "the new due "
		    "date must be after %s", c->due);
	if (lc_help_days <= 0 || c->category == NULL ||
	    strcmp(c->category, lc_help_category) != 0)
		return LC_OK;
	/*
	 * Art. 18: help cases in at most 5 working days, counted as the
	 * deadline counts them (from day 0: the next working day for a text
	 * received after hours or on a holiday), not from the day of receipt.
	 */
	if (lc_start(st, c, &start) == -1)
		return LC_ERROR;
	if (lc_due_days != NULL) {
		if (lc_due_days(lc_due_days_arg, lc_help_days, start,
		    cap, sizeof(cap)) == -1 || !lc_date_ok(cap))
			return lc_fail(err, errlen, LC_INVALID,
			    "due date outside the calendar");
		if (strcmp(due, cap) > 0)
			return lc_fail(err, errlen, LC_INVALID,
			    "%s cases take at most %d working days "
			    "(Art. 18): at the latest %s", lc_help_category,
			    lc_help_days, cap);
		return LC_OK;
	}
	if (lc_date(start, day, sizeof(day)) == -1 ||
	    (n = lc_workdays(lc_workdays_arg, day, due)) == -1)
		return lc_fail(err, errlen, LC_INVALID,
		    "due date outside the calendar");
	if (n > lc_help_days)
		return lc_fail(err, errlen, LC_INVALID,
		    "%s cases take at most %d working days "
		    "(Art. 18): %s is %d", lc_help_category,
		    lc_help_days, due, n);
	return LC_OK;
}

/*
 * classify: the category an operator chose, and its due date counted from
 * the time of receipt, not of classification (Art. 18); the category the
 * case has already is a confirmation (ch->due stays NULL).  An extension
 * granted stays granted: an extended case keeps the later of its due date
 * and the new category's.  An "overdue" supervision that only the
 * classification deadline caused ends when the new due date is not past.
 */
static enum lc_result
lc_classify(const struct store_case *c, const struct lc_args *a,
    const char *today, struct store_case_change *ch, char *err, size_t errlen)
{
	static char	due[16];	/* ch->due until it is written */
	int		cat;

	if (a->category == NULL || (cat = category_from_name(a->category)) ==
	    -1)
		return lc_fail(err, errlen, LC_INVALID, "unknown category "
		    "'%.40s' (consultation, help, complaint, suggestion, "
		    "efficiency or other)", a->category ? a->category : "");
	if (cat == CAT_UNCLASSIFIED)
		return lc_fail(err, errlen, LC_INVALID, "classify names the "
		    "category a person chose, not unclassified (consultation, "
		    "help, complaint, suggestion, efficiency or other)");
	if (a->text != NULL && (strlen(a->text) > LC_TEXT_MAX ||
	    !lc_text_ok(a->text)))
		return lc_fail(err, errlen, LC_INVALID, "the reason must be a "
		    "text of at most %d bytes", LC_TEXT_MAX);
	ch->category = a->category;
	/* the same category: an operator confirms it (a label), no change */
	if (c->category != NULL && strcmp(c->category, a->category) == 0)
		return LC_OK;
	if (lc_due == NULL || lc_due(lc_due_arg, a->category, c->received_at,
	    due, sizeof(due)) == -1 || !lc_date_ok(due))
		return lc_fail(err, errlen, LC_INVALID, "no due date for %s "
		    "from the time of receipt (outside the calendar?)",
		    a->category);
	if (c->extensions > 0) {
		ch->due_original = due;
		ch->due = c->due != NULL && strcmp(c->due, due) > 0 ? c->due :
		    due;
	} else {
		ch->due_original = "";
		ch->due = due;
	}
	if (c->supervised && c->supervision != NULL &&
	    strcmp(c->supervision, lc_sups[LC_SUP_OVERDUE]) == 0 &&
	    strcmp(ch->due, today) >= 0)
		ch->supervised = 0;
	return LC_OK;
}

/*
 * Art. 23(8) for a case whose category a person has just set: intake
 * could only compare an unclassified text with the citizen's other
 * unclassified ones, so the count of unresolved cases on the same matter
 * is made again in the new category (the case itself is one of them).
 */
static int
lc_repeat_flag(struct store *st, const struct store_case *c,
    const char *category, int64_t now)
{
	char	msisdn[STORE_ADDR_MAX];
	int	n;

	if ((n = store_case_msisdn(st, c->id, msisdn, sizeof(msisdn))) != 1)
		return n == 0 ? 0 : -1;
	n = lifecycle_repeat_count(st, msisdn, category, c->text, now);
	explicit_bzero(msisdn, sizeof(msisdn));
	if (n == -1)
		return -1;
	if (n - 1 < LC_REPEAT_FLAG - 1)
		return 0;
	log_info("lifecycle case=%s repeated: %d unresolved on the same matter "
	    "(Art. 23(8))", c->number, n - 1);
	return store_case_add_flags(st, c->id, STORE_CF_REPEATED);
}

/* --- audit detail (JSON) ----------------------------------------------- */

static void
lc_cat(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t	n = strlen(s);

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*buf = xreallocarray(*buf, *cap, 1);
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

/* Append ,"key":"value" with JSON escapes (value as UTF-8). */
static void
lc_json_str(char **buf, size_t *len, size_t *cap, const char *key,
    const char *v)
{
	char		 esc[8];
	const char	*p;
	char		 one[2] = { 0, 0 };

	lc_cat(buf, len, cap, *len > 1 ? ",\"" : "\"");
	lc_cat(buf, len, cap, key);
	lc_cat(buf, len, cap, "\":\"");
	for (p = v; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = *p;
			esc[2] = '\0';
			lc_cat(buf, len, cap, esc);
		} else if ((unsigned char)*p < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x",
			    (unsigned char)*p);
			lc_cat(buf, len, cap, esc);
		} else {
			one[0] = *p;
			lc_cat(buf, len, cap, one);
		}
	}
	lc_cat(buf, len, cap, "\"");
}

/* --- apply ------------------------------------------------------------- */

/* Who acts, as the audit trail names them: "office:ops", "unit:X/name". */
static void
lc_who(const struct lc_actor *actor, char *who, size_t len)
{
	snprintf(who, len, "%s:%s", actor->role == LC_ROLE_OFFICE ?
	    "office" : actor->role == LC_ROLE_UNIT ? "unit" :
	    actor->role == LC_ROLE_SYSTEM ? "system" : "auditor",
	    actor->role == LC_ROLE_UNIT ? actor->unit :
	    actor->name != NULL ? actor->name : "-");
	if (actor->role == LC_ROLE_UNIT && actor->name != NULL) {
		strlcat(who, "/", len);
		strlcat(who, actor->name, len);
	}
}

int
lifecycle_audit(struct store *st, int64_t case_id, const char *who,
    const char *action, json_t *detail, int64_t now)
{
	char	*s;
	int	 rc;

	if (detail == NULL || (s = json_dumps(detail, JSON_COMPACT |
	    JSON_ENSURE_ASCII)) == NULL) {
		json_decref(detail);
		return -1;
	}
	json_decref(detail);
	rc = store_audit(st, case_id, who, action, s, now);
	free(s);
	return rc;
}

void
lifecycle_actor_name(const struct lc_actor *actor, char *buf, size_t len)
{
	lc_who(actor, buf, len);
}

/*
 * A unit's pending extension request (Art. 18) lapses when the case leaves
 * its hands: returned, replied, answered or closed, or dispatched anew.
 * Nobody is left to decide it for, and the office's list of pending
 * requests stays the list of what waits for the office.  The request is
 * kept, "lapsed", decided by "system:lapse" with the operation as its
 * decision, and audited like a decision.  An extension the office grants
 * on its own leaves the request pending: the office decides it.
 */
static int
lc_lapse_request(struct store *st, int64_t case_id, enum lc_op op,
    int64_t now)
{
	struct store_ext	 e;
	char			 detail[96];
	int			 rc;

	if (op != LC_OP_RETURN && op != LC_OP_REPLY && op != LC_OP_ANSWER &&
	    op != LC_OP_CLOSE && op != LC_OP_DISPATCH)
		return 0;
	memset(&e, 0, sizeof(e));
	if ((rc = store_ext_pending(st, case_id, &e)) != 1)
		return rc;
	if ((rc = store_ext_decide(st, e.id, "lapsed", "system:lapse",
	    lc_ops[op], now)) == 1) {
		snprintf(detail, sizeof(detail), "{\"request\":%lld,"
		    "\"decision\":\"lapsed\",\"why\":\"%s\"}",
		    (long long)e.id, lc_ops[op]);
		rc = store_audit(st, case_id, "system:lapse",
		    "case.extension-decide", detail, now);
	}
	store_ext_clear(&e);
	return rc == -1 ? -1 : 0;
}

enum lc_result
lifecycle_apply(struct store *st, int64_t case_id, enum lc_op op,
    const struct lc_args *args, const struct lc_actor *actor, int64_t now,
    char *err, size_t errlen)
{
	static const struct lc_args	 none;
	struct store_case		 c;
	struct store_case_change	 ch;
	struct lc_event			 ev;
	enum lc_result			 r = LC_ERROR;
	char				 who[96], action[32], num[24];
	char				*detail = NULL;
	size_t				 dlen = 0, dcap = 0, i;
	int				 from, to, urole = 0, forbidden, late = 0;
	int				 rc;

	memset(&c, 0, sizeof(c));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (args == NULL)
		args = &none;
	if (actor == NULL || (int)op < 0 || op >= LC_OP_MAX)
		return lc_fail(err, errlen, LC_INVALID, "no actor or operation");
	if (actor->role == LC_ROLE_UNIT && actor->unit == NULL)
		return lc_fail(err, errlen, LC_INVALID, "unit actor without a "
		    "unit");
	if ((rc = store_case_get(st, case_id, &c)) != 1) {
		r = rc == 0 ? lc_fail(err, errlen, LC_NOT_FOUND, "no case %lld",
		    (long long)case_id) : LC_ERROR;
		goto out;
	}
	if (actor->role == LC_ROLE_UNIT) {
		if ((urole = store_case_unit_role(st, case_id, actor->unit)) ==
		    -1)
			goto out;
		if (urole == STORE_UNIT_NONE) {
			r = lc_fail(err, errlen, LC_NOT_FOUND, "no case %lld",
			    (long long)case_id);
			goto out;
		}
	}
	if ((from = lifecycle_state_parse(c.state)) == -1) {
		r = lc_fail(err, errlen, LC_BAD_STATE, "case %s is in an "
		    "unknown state", c.number);
		goto out;
	}
	if ((to = lifecycle_next(from, op, actor->role, urole, &forbidden)) ==
	    -1) {
		r = forbidden ? lc_forbidden(err, errlen, actor->role, urole,
		    op, c.number) :
		    lc_fail(err, errlen, LC_BAD_STATE, "cannot %s case %s: "
		    "it is %s", lc_ops[op], c.number, c.state);
		goto out;
	}
	if (to == LC_S_CLOSED && (op == LC_OP_ANSWER || op == LC_OP_CLOSE))
		to = c.rehandled ? LC_S_FINAL : op == LC_OP_ANSWER ?
		    LC_S_ANSWERED : LC_S_CLOSED;

	memset(&ch, 0, sizeof(ch));
	ch.from = c.state;
	ch.to = lc_states[to];
	ch.supervised = -1;
	ch.closed_at = -1;
	ch.rehandled = -1;
	ch.at = now;
	if ((r = lc_check(st, &c, op, args, actor, now, &ch, &late, err,
	    errlen)) != LC_OK)
		goto out;

	/* from here on every failure is the store's: undo the unit */
	if ((rc = store_case_change(st, case_id, &ch)) == 0) {
		r = lc_fail(err, errlen, LC_BAD_STATE, "case %s changed "
		    "meanwhile", c.number);
		goto out;
	} else if (rc == -1)
		goto undo;
	if (op == LC_OP_DISPATCH && store_case_assign(st, case_id, args->unit,
	    args->co, args->nco, now) == -1)
		goto undo;
	if (op == LC_OP_RETURN && store_case_unassign(st, case_id) == -1)
		goto undo;
	lc_who(actor, who, sizeof(who));
	/* every category an operator sets is a labelled example */
	if (op == LC_OP_CLASSIFY && store_label_add(st, case_id, ch.category,
	    c.category != NULL ? c.category : "", who, args->text, now) == -1)
		goto undo;
	if (op == LC_OP_CLASSIFY && ch.due != NULL &&
	    !(c.flags & STORE_CF_REPEATED) &&
	    lc_repeat_flag(st, &c, ch.category, now) == -1)
		goto undo;

	lc_cat(&detail, &dlen, &dcap, "{");
	lc_json_str(&detail, &dlen, &dcap, "from", c.state);
	lc_json_str(&detail, &dlen, &dcap, "to", lc_states[to]);
	if (op == LC_OP_DISPATCH) {
		lc_json_str(&detail, &dlen, &dcap, "unit", args->unit);
		for (i = 0; i < args->nco; i++)
			lc_json_str(&detail, &dlen, &dcap, "co", args->co[i]);
		if (args->approval != NULL)
			lc_json_str(&detail, &dlen, &dcap, "approval",
			    args->approval);
	}
	if (op == LC_OP_RETURN && c.unit != NULL)
		lc_json_str(&detail, &dlen, &dcap, "unit", c.unit);
	if (ch.due != NULL)
		lc_json_str(&detail, &dlen, &dcap, "due", ch.due);
	if (op == LC_OP_SUPERVISE)
		lc_json_str(&detail, &dlen, &dcap, "reason", ch.supervision);
	if (op == LC_OP_CLASSIFY) {
		lc_json_str(&detail, &dlen, &dcap, "category", ch.category);
		lc_json_str(&detail, &dlen, &dcap, "previous", c.category ?
		    c.category : "");
		if (ch.due == NULL)
			lc_cat(&detail, &dlen, &dcap, ",\"confirmed\":true");
	}
	if (args->text != NULL)
		lc_json_str(&detail, &dlen, &dcap, "text", args->text);
	if (late)
		lc_cat(&detail, &dlen, &dcap, ",\"late\":true");
	snprintf(num, sizeof(num), "%d", c.extensions + 1);
	if (op == LC_OP_EXTEND)
		lc_cat(&detail, &dlen, &dcap, ",\"extension\":"),
		lc_cat(&detail, &dlen, &dcap, num);
	if (op == LC_OP_EXTEND && args->request > 0) {
		snprintf(num, sizeof(num), "%lld", (long long)args->request);
		lc_cat(&detail, &dlen, &dcap, ",\"request\":");
		lc_cat(&detail, &dlen, &dcap, num);
	}
	lc_cat(&detail, &dlen, &dcap, "}");

	snprintf(action, sizeof(action), "case.%s", lc_ops[op]);
	if (store_audit(st, case_id, who, action, detail, now) == -1 ||
	    lc_lapse_request(st, case_id, op, now) == -1)
		goto undo;

	if (lc_notify != NULL) {
		store_case_clear(&c);
		if (store_case_get(st, case_id, &c) != 1)
			goto undo;
		memset(&ev, 0, sizeof(ev));
		ev.op = op;
		ev.from = from;
		ev.to = to;
		ev.actor = actor;
		ev.args = args;
		ev.at = now;
		ev.late = late;
		ev.confirmed = op == LC_OP_CLASSIFY && ch.due == NULL;
		if (lc_notify(lc_notify_arg, st, &c, &ev) != 0) {
			lc_fail(err, errlen, LC_ERROR, "notification of case "
			    "%s failed", c.number);
			goto undo;
		}
	}
	r = LC_OK;
	goto out;
undo:
	r = LC_ERROR;
out:
	if (r == LC_ERROR && err != NULL && errlen > 0 && err[0] == '\0')
		(void)lc_fail(err, errlen, r, "store error");
	free(detail);
	store_case_clear(&c);
	return r;
}

int
lifecycle_can_see(struct store *st, int64_t case_id, const char *unit)
{
	int	role;

	if ((role = store_case_unit_role(st, case_id, unit)) == -1)
		return -1;
	return role != STORE_UNIT_NONE;
}

void
lifecycle_set_escalate(int days)
{
	lc_escalate = days < 0 ? 0 : days;
}

/* Is c overdue long enough to be supervised (escalate-after)? */
static int
lc_escalate_due(const struct store_case *c, const char *today)
{
	return lc_escalate == 0 || c->due == NULL ||
	    lc_workdays(lc_workdays_arg, c->due, today) >= lc_escalate;
}

int
lifecycle_overdue_scan(struct store *st, int64_t now,
    void (*each)(void *, const struct store_case *), void *arg)
{
	struct lc_overdue	o;

	if (lifecycle_overdue_begin(&o, now) == -1)
		return -1;
	while (!o.done)
		if (lifecycle_overdue_slice(st, &o, LC_OVERDUE_SLICE, each,
		    arg) == -1)
			return -1;
	return o.count;
}

int
lifecycle_overdue_begin(struct lc_overdue *o, int64_t now)
{
	memset(o, 0, sizeof(*o));
	o->now = now;
	o->budget_us = SLICE_BUDGET_US;
	return lc_date(now, o->today, sizeof(o->today));
}

/*
 * One slice of the overdue scan; the cases supervised in it, or -1.  It
 * stops after the case that took it past o->budget_us: the cursor is on
 * that case, and the next slice reads on from it.
 */
int
lifecycle_overdue_slice(struct store *st, struct lc_overdue *o, size_t max,
    void (*each)(void *, const struct store_case *), void *arg)
{
	static const struct lc_actor	 sys = { LC_ROLE_SYSTEM, "overdue",
					    NULL };
	struct store_case		 c[LC_OVERDUE_SLICE], after;
	struct lc_args			 a;
	char				 err[160];
	uint64_t			 t0 = clock_mono_us();
	int				 n, i, count = 0, cut = 0;
	enum lc_result			 r;

	if (max == 0 || max > nitems(c))
		max = nitems(c);
	if (o->done)
		return 0;
	memset(&a, 0, sizeof(a));
	a.supervision = LC_SUP_OVERDUE;
	if ((n = store_case_overdue_page(st, o->today, o->due[0] != '\0' ?
	    o->due : NULL, o->id, c, max)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (i > 0 && clock_mono_us() - t0 >= (uint64_t)o->budget_us) {
			cut = 1;	/* the cursor is on c[i - 1] */
			break;
		}
		/* due is set: the page reads due < today only */
		strlcpy(o->due, c[i].due != NULL ? c[i].due : "",
		    sizeof(o->due));
		o->id = c[i].id;
		/*
		 * Every open state counts (issue 16): a case left
		 * "replied" past its due date has not reached the
		 * citizen, which is overdue too (Art. 16, 23(4)).
		 */
		if ((c[i].supervised && c[i].supervision != NULL &&
		    strcmp(c[i].supervision, "overdue") == 0) ||
		    !lc_escalate_due(&c[i], o->today))
			continue;
		r = lifecycle_apply(st, c[i].id, LC_OP_SUPERVISE, &a, &sys,
		    o->now, err, sizeof(err));
		if (r == LC_ERROR) {
			while (i < n)
				store_case_clear(&c[i++]);
			return -1;
		}
		if (r != LC_OK)
			continue;
		count++;
		if (each != NULL && store_case_get(st, c[i].id, &after) == 1) {
			each(arg, &after);
			store_case_clear(&after);
		}
	}
	for (i = 0; i < n; i++)
		store_case_clear(&c[i]);
	if ((size_t)n < max && !cut)
		o->done = 1;
	o->count += count;
	return count;
}

/* --- text matching ----------------------------------------------------- */

/* Bytes of the digit at p (1 ASCII, 3 full-width), 0 when none. */
static size_t
lc_digit(const unsigned char *p)
{
	if (*p >= '0' && *p <= '9')
		return 1;
	if (p[0] == 0xef && p[1] == 0xbc && p[2] >= 0x90 && p[2] <= 0x99)
		return 3;
	return 0;
}

char *
lc_mask_digits(const char *text)
{
	const unsigned char	*p = (const unsigned char *)text, *run;
	char			*out, *o;
	size_t			 n, k, len;

	out = o = xmalloc(strlen(text) + 1);
	while (*p != '\0') {
		for (run = p, n = 0; (len = lc_digit(run)) > 0; n++)
			run += len;
		if (n >= LC_MASK_RUN) {
			for (k = 0; k < n; k++)
				*o++ = '*';
		} else if (n > 0) {
			memcpy(o, p, (size_t)(run - p));
			o += run - p;
		} else
			*o++ = (char)*run++;
		p = run;
	}
	*o = '\0';
	return out;
}

/* Decode one UTF-8 character (shortest form, no surrogates); 0 or -1. */
static int
lc_utf8_next(const unsigned char **pp, const unsigned char *end,
    uint32_t *cp)
{
	const unsigned char	*p = *pp;
	uint32_t		 c, min;
	int			 n, i;

	c = *p;
	if (c < 0x80) {
		*cp = c;
		*pp = p + 1;
		return 0;
	} else if ((c & 0xe0) == 0xc0) {
		n = 1;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 2;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 3;
		c &= 0x07;
		min = 0x10000;
	} else
		return -1;
	if (end - p <= n)
		return -1;
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*cp = c;
	*pp = p + n + 1;
	return 0;
}

/* White space, ASCII and CJK punctuation, symbols; not letters/digits. */
static int
lc_is_punct(uint32_t c)
{
	if (c < 0x80)
		return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z'));
	return (c >= 0x2000 && c <= 0x206f) ||	/* general punctuation */
	    (c >= 0x3000 && c <= 0x303f) ||	/* CJK punctuation */
	    (c >= 0xff00 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff20) ||
	    (c >= 0xff3b && c <= 0xff40) || (c >= 0xff5b && c <= 0xff65) ||
	    c == 0x00a0 || (c >= 0xfe30 && c <= 0xfe4f) ||
	    (c >= 0x1f300 && c <= 0x1faff);	/* emoji */
}

int
lc_fold(const char *text, char *out, size_t outlen, int strip)
{
	const unsigned char	*p, *end, *prev;
	uint32_t		 c;
	size_t			 len = 0, n;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	p = (const unsigned char *)text;
	end = p + strlen(text);
	while (p < end) {
		prev = p;
		if (lc_utf8_next(&p, end, &c) == -1)
			return -1;
		if (c >= 0xff01 && c <= 0xff5e)
			c -= 0xfee0;		/* full-width ASCII */
		else if (c == 0x3000)
			c = ' ';
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (strip && lc_is_punct(c))
			continue;
		if (c < 0x80) {
			if (len + 2 > outlen)
				return -1;
			out[len++] = (char)c;
		} else {
			n = (size_t)(p - prev);
			if (len + n + 1 > outlen)
				return -1;
			memcpy(out + len, prev, n);
			len += n;
		}
		out[len] = '\0';
	}
	return (int)len;
}

static int
lc_cmp64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

#define LC_SIM_MAX	1024		/* characters compared */

/* Sorted bigrams of folded text (one "unigram" for 1 character). */
static size_t
lc_bigrams(const char *text, uint64_t **out)
{
	const unsigned char	*p, *end;
	uint32_t		 cp[LC_SIM_MAX];
	char			*buf;
	size_t			 n = 0, i, blen;

	*out = NULL;
	blen = strlen(text) + 1;
	buf = xmalloc(blen);
	if (lc_fold(text, buf, blen, 1) == -1) {
		free(buf);
		return 0;
	}
	p = (const unsigned char *)buf;
	end = p + strlen(buf);
	while (p < end && n < LC_SIM_MAX && lc_utf8_next(&p, end, &cp[n]) == 0)
		n++;
	free(buf);
	if (n == 0)
		return 0;
	if (n == 1) {
		*out = xcalloc(1, sizeof(**out));
		(*out)[0] = cp[0];
		return 1;
	}
	*out = xcalloc(n - 1, sizeof(**out));
	for (i = 0; i + 1 < n; i++)
		(*out)[i] = (uint64_t)cp[i] << 32 | cp[i + 1];
	qsort(*out, n - 1, sizeof(**out), lc_cmp64);
	return n - 1;
}

double
lc_similarity(const char *a, const char *b)
{
	uint64_t	*x, *y;
	size_t		 nx, ny, i = 0, j = 0, common = 0;

	if (a == NULL || b == NULL)
		return 0.0;
	nx = lc_bigrams(a, &x);
	ny = lc_bigrams(b, &y);
	while (i < nx && j < ny) {
		if (x[i] == y[j]) {
			common++;
			i++;
			j++;
		} else if (x[i] < y[j])
			i++;
		else
			j++;
	}
	free(x);
	free(y);
	if (nx + ny == 0)
		return 0.0;
	return 2.0 * (double)common / (double)(nx + ny);
}

/* Characters (code points) of UTF-8 text. */
static size_t
lc_chars(const char *s, size_t n)
{
	size_t	i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

#define LC_KB_MAX	256		/* entries read per page */

int
lifecycle_kb_match(struct store *st, const char *text, int64_t stale_before,
    struct store_kb *out, double *scorep)
{
	struct store_kb	*kb;
	static const char *const seps[] = { "，", "、", "；", "｜" };
	char		*t, *kw, *tok, *save, *p;
	size_t		 tlen, offset = 0, total, got, i;
	double		 best = 0.0, score;
	int		 n, k, nmatch, found = 0;

	memset(out, 0, sizeof(*out));
	*scorep = 0.0;
	tlen = strlen(text) * 2 + 1;
	t = xmalloc(tlen);
	if (lc_fold(text, t, tlen, 0) == -1) {
		free(t);
		return 0;
	}
	kb = xcalloc(LC_KB_MAX, sizeof(*kb));
	for (;;) {
		if ((n = store_kb_list(st, 0, kb, LC_KB_MAX, offset)) == -1) {
			found = -1;
			break;
		}
		for (k = 0; k < n; k++) {
			if (stale_before > 0 && kb[k].updated_at < stale_before)
				continue;
			kw = xmalloc(strlen(kb[k].keywords) * 2 + 1);
			if (lc_fold(kb[k].keywords, kw,
			    strlen(kb[k].keywords) * 2 + 1, 0) == -1) {
				free(kw);
				continue;
			}
			/* the CJK separators become spaces */
			for (i = 0; i < nitems(seps); i++)
				while ((p = strstr(kw, seps[i])) != NULL)
					memset(p, ' ', strlen(seps[i]));
			total = got = 0;
			nmatch = 0;
			for (tok = strtok_r(kw, " ,;|\t", &save); tok != NULL;
			    tok = strtok_r(NULL, " ,;|\t", &save)) {
				total += lc_chars(tok, strlen(tok));
				if (strstr(t, tok) != NULL) {
					got += lc_chars(tok, strlen(tok));
					nmatch++;
				}
			}
			free(kw);
			if (total == 0 || nmatch == 0)
				continue;
			score = (double)got / (double)total;
			if (nmatch < 2 && got < 4)
				score *= 0.7;
			if (score > best) {
				best = score;
				store_kb_clear(out, 1);
				*out = kb[k];
				memset(&kb[k], 0, sizeof(kb[k]));
				found = 1;
			}
		}
		store_kb_clear(kb, (size_t)n);
		if (n < LC_KB_MAX)
			break;
		offset += (size_t)n;
	}
	free(kb);
	free(t);
	if (found == 1)
		*scorep = best;
	else
		store_kb_clear(out, 1);
	return found;
}

#define DAY_MS	(INT64_C(86400) * 1000)
#define LC_LIST_FIRST	4	/* most citizens have few cases: try small */

/*
 * Cases of msisdn (NULL: anyone) in category since a time, up to max, into
 * a new array *out (caller clears each and frees it).  A first small read
 * serves the common case without zeroing room for max cases on every text;
 * only a full first read is repeated with room for max.  Count or -1.
 */
static int
lc_list(struct store *st, const char *msisdn, const char *category,
    const char *state, int64_t since, size_t max, struct store_case **out)
{
	struct store_case	*c;
	size_t			 cap = max < LC_LIST_FIRST ? max : LC_LIST_FIRST;
	int			 n, i;

	for (;;) {
		c = xcalloc(cap, sizeof(*c));
		if (msisdn != NULL)
			n = store_case_list_msisdn(st, msisdn, category, state,
			    since, c, cap);
		else
			n = store_case_list_category(st, category, since, c,
			    cap);
		if (n != (int)cap || cap == max)
			break;
		for (i = 0; i < n; i++)
			store_case_clear(&c[i]);
		free(c);
		cap = max;
	}
	*out = c;
	return n;
}

int
lifecycle_matter_history(struct store *st, const char *msisdn,
    const char *category, const char *text, int64_t now, int64_t *same_idp,
    int *repeatsp, int64_t *resent_idp)
{
	struct store_case	*c;
	double			 sim;
	int			 n, i, same, repeat, resent;

	*same_idp = 0;
	*repeatsp = 0;
	if (resent_idp != NULL)
		*resent_idp = 0;
	if (msisdn == NULL || category == NULL || text == NULL)
		return -1;
	/* one read serves both: the longer window, newest first */
	n = lc_list(st, msisdn, category, NULL, now - LC_SAME_DAYS * DAY_MS,
	    LC_REPEAT_SCAN, &c);
	for (i = 0; i < n; i++) {
		same = *same_idp == 0 && c[i].state != NULL &&
		    strcmp(c[i].state, lc_states[LC_S_FINAL]) == 0;
		repeat = c[i].received_at >= now - LC_REPEAT_DAYS * DAY_MS &&
		    (c[i].closed_at == 0 || c[i].survey_score == 3);
		resent = resent_idp != NULL && *resent_idp == 0 &&
		    c[i].received_at >= now - LC_RESENT_MS;
		sim = same || repeat || resent ?
		    lc_similarity(text, c[i].text) : 0;
		if (resent && sim >= 1.0)
			*resent_idp = c[i].id;
		if ((same || repeat) && sim >= LC_SAME_THRESHOLD) {
			if (same)
				*same_idp = c[i].id;
			if (repeat)
				(*repeatsp)++;
		}
		store_case_clear(&c[i]);
	}
	free(c);
	return n == -1 ? -1 : 0;
}

int
lifecycle_same_matter(struct store *st, const char *msisdn,
    const char *category, const char *text, int64_t now, int64_t *case_idp)
{
	int64_t	id;
	int	repeats;

	if (lifecycle_matter_history(st, msisdn, category, text, now, &id,
	    &repeats, NULL) == -1)
		return -1;
	if (id != 0)
		*case_idp = id;
	return id != 0;
}

int
lifecycle_repeat_count(struct store *st, const char *msisdn,
    const char *category, const char *text, int64_t now)
{
	struct store_case	*c;
	int64_t			 id;
	int			 n, i, count = 0;

	if (category == NULL || text == NULL)
		return -1;
	if (msisdn != NULL)
		return lifecycle_matter_history(st, msisdn, category, text,
		    now, &id, &count, NULL) == -1 ? -1 : count;
	n = lc_list(st, NULL, category, NULL, now - LC_REPEAT_DAYS * DAY_MS,
	    LC_REPEAT_SCAN, &c);
	for (i = 0; i < n; i++) {
		if ((c[i].closed_at == 0 || c[i].survey_score == 3) &&
		    lc_similarity(text, c[i].text) >= LC_SAME_THRESHOLD)
			count++;
		store_case_clear(&c[i]);
	}
	free(c);
	return n == -1 ? -1 : count;
}
