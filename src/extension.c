/*
 * Extension requests (Art. 18): a lead unit asks, the office approves
 * (lifecycle extend: the due date moves, the citizen is told) or refuses.
 * The rules are extension.h's; every step is an audit event on the case.
 */
#include "compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "calendar.h"
#include "commit.h"
#include "errfmt.h"
#include "extension.h"
#include "lifecycle.h"
#include "log.h"
#include "store.h"
#include "util.h"

static enum ext_result ext_fail(char *, size_t, enum ext_result,
		    const char *, ...) __attribute__((format(printf, 4, 5)));
static enum ext_result ext_due(const struct store_case *, const char *, int,
		    char *, size_t, char *, size_t);
static enum ext_result ext_from_lc(enum lc_result);

static const char *const ext_results[] = {
	"ok", "invalid", "not-found", "forbidden", "conflict", "error"
};

static extension_notify_fn	 ext_notify;
static void			*ext_notify_arg;

void
extension_set_notify(extension_notify_fn fn, void *arg)
{
	ext_notify = fn;
	ext_notify_arg = arg;
}

const char *
extension_strresult(enum ext_result r)
{
	return (int)r >= 0 && (size_t)r < nitems(ext_results) ?
	    ext_results[r] : "unknown";
}

static enum ext_result
ext_fail(char *err, size_t errlen, enum ext_result r, const char *fmt, ...)
{
	va_list	ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		errfmt_note(err, errlen, fmt, ap);	/* sent as fmt, args */
		va_end(ap);
	}
	return r;
}

static enum ext_result
ext_from_lc(enum lc_result r)
{
	switch (r) {
	case LC_OK:
		return EXT_OK;
	case LC_INVALID:
		return EXT_INVALID;
	case LC_NOT_FOUND:
		return EXT_NOT_FOUND;
	case LC_FORBIDDEN:
		return EXT_FORBIDDEN;
	case LC_BAD_STATE:
		return EXT_CONFLICT;
	default:
		return EXT_ERROR;
	}
}

/*
 * The date asked for into due: the date given, or days working days after
 * the case's due date; at most EXTENSION_DAYS_MAX working days after it.
 */
static enum ext_result
ext_due(const struct store_case *c, const char *want, int days, char *due,
    size_t len, char *err, size_t errlen)
{
	int	from, to, n;

	if (c->due == NULL || cal_date_parse(c->due, &from) == -1)
		return ext_fail(err, errlen, EXT_CONFLICT, "case %s has no "
		    "due date to extend", c->number);
	if (want == NULL) {
		if (days < 1 || days > EXTENSION_DAYS_MAX ||
		    (to = cal_add_workdays(calendar_current(), from, days)) ==
		    -1)
			return ext_fail(err, errlen, EXT_INVALID, "days must "
			    "be 1 to %d working days", EXTENSION_DAYS_MAX);
	} else {
		if (cal_date_parse(want, &to) == -1)
			return ext_fail(err, errlen, EXT_INVALID, "due must be "
			    "a date, YYYY-MM-DD");
		n = cal_workdays_between(calendar_current(), from, to);
		if (to > from && (n < 0 || n > EXTENSION_DAYS_MAX))
			return ext_fail(err, errlen, EXT_INVALID, "an "
			    "extension is at most %d working days after %s",
			    EXTENSION_DAYS_MAX, c->due);
	}
	cal_date_format(to, due, len);
	return EXT_OK;
}

enum ext_result
extension_request(struct store *st, int64_t case_id,
    const struct lc_actor *actor, const char *want, int days,
    const char *reason, int64_t now, int64_t *idp, char *err, size_t errlen)
{
	struct store_case	 c;
	struct store_ext_new	 n;
	char			 due[CAL_DATE_LEN], who[96];
	int			 role, from, forbidden, rc;
	enum ext_result		 r;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (actor == NULL || actor->role != LC_ROLE_UNIT || actor->unit ==
	    NULL)
		return ext_fail(err, errlen, EXT_FORBIDDEN, "a lead unit asks "
		    "for an extension; the office extends directly (case "
		    "extend)");
	if (reason == NULL || reason[0] == '\0' || strlen(reason) >
	    LC_TEXT_MAX)
		return ext_fail(err, errlen, EXT_INVALID, "an extension needs "
		    "a reason (at most %d bytes)", LC_TEXT_MAX);
	memset(&c, 0, sizeof(c));
	if ((rc = store_case_get(st, case_id, &c)) != 1)
		return rc == 0 ? ext_fail(err, errlen, EXT_NOT_FOUND, "no such "
		    "case") : EXT_ERROR;
	if ((role = store_case_unit_role(st, case_id, actor->unit)) == -1) {
		r = EXT_ERROR;
		goto out;
	}
	if (role == STORE_UNIT_NONE) {
		r = ext_fail(err, errlen, EXT_NOT_FOUND, "no such case");
		goto out;
	}
	if (role != STORE_UNIT_LEAD) {
		r = ext_fail(err, errlen, EXT_FORBIDDEN, "only the lead unit "
		    "asks for an extension of case %s", c.number);
		goto out;
	}
	if ((from = lifecycle_state_parse(c.state)) == -1 ||
	    lifecycle_next(from, LC_OP_EXTEND, LC_ROLE_OFFICE, 0,
	    &forbidden) == -1) {
		r = ext_fail(err, errlen, EXT_CONFLICT, "case %s is %s: "
		    "nothing to extend", c.number, c.state);
		goto out;
	}
	if ((rc = store_ext_granted(st, case_id, c.dispatched_at)) == -1) {
		r = EXT_ERROR;
		goto out;
	}
	if (rc >= EXTENSION_PER_ROUND) {
		r = ext_fail(err, errlen, EXT_CONFLICT, "case %s was extended "
		    "on request once since its dispatch: ask the office",
		    c.number);
		goto out;
	}
	if ((r = ext_due(&c, want, days, due, sizeof(due), err, errlen)) !=
	    EXT_OK)
		goto out;
	if ((r = ext_from_lc(lifecycle_extend_check(st, &c, due, now, err,
	    errlen))) != EXT_OK)
		goto out;
	lifecycle_actor_name(actor, who, sizeof(who));
	memset(&n, 0, sizeof(n));
	n.case_id = case_id;
	n.unit = actor->unit;
	n.actor = who;
	n.reason = reason;
	n.due_before = c.due;
	n.due = due;
	n.days = want == NULL ? days : 0;
	n.at = now;
	if ((rc = store_ext_add(st, &n, idp)) == -1) {
		r = EXT_ERROR;
		goto out;
	}
	if (rc == 0) {
		r = ext_fail(err, errlen, EXT_CONFLICT, "case %s has a request "
		    "pending already", c.number);
		goto out;
	}
	if (lifecycle_audit(st, case_id, who, "case.extension-request",
	    json_pack("{sIssssssss}", "request", (json_int_t)*idp, "unit",
	    actor->unit, "due_before", c.due, "due", due, "reason", reason),
	    now) == -1) {
		r = EXT_ERROR;
		goto out;
	}
	commit_log(commit_default(), "extension request=%lld case=%s "
	    "unit=%s due=%s asked", (long long)*idp, c.number, actor->unit,
	    due);
	r = EXT_OK;
out:
	store_case_clear(&c);
	return r;
}

enum ext_result
extension_decide(struct store *st, int64_t id, int approve,
    const struct lc_actor *actor, const char *note, int64_t now, char *err,
    size_t errlen)
{
	struct store_ext	 e;
	struct store_case	 c;
	struct lc_args		 a;
	char			 who[96];
	const char		*state = approve ? "approved" : "refused";
	enum ext_result		 r;
	int			 rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (actor == NULL || actor->role != LC_ROLE_OFFICE)
		return ext_fail(err, errlen, EXT_FORBIDDEN, "only the office "
		    "decides an extension (Art. 18)");
	if ((!approve && (note == NULL || note[0] == '\0')) ||
	    (note != NULL && strlen(note) > LC_TEXT_MAX))
		return ext_fail(err, errlen, EXT_INVALID, "a refusal needs a "
		    "reason (at most %d bytes)", LC_TEXT_MAX);
	memset(&e, 0, sizeof(e));
	memset(&c, 0, sizeof(c));
	if ((rc = store_ext_get(st, id, &e)) != 1)
		return rc == 0 ? ext_fail(err, errlen, EXT_NOT_FOUND, "no "
		    "extension request %lld", (long long)id) : EXT_ERROR;
	if (strcmp(e.state, "pending") != 0) {
		r = ext_fail(err, errlen, EXT_CONFLICT, "request %lld was %s "
		    "already", (long long)id, e.state);
		goto out;
	}
	if (approve) {
		/* the unit that asked must still hold the case */
		if ((rc = store_case_unit_role(st, e.case_id, e.unit)) == -1) {
			r = EXT_ERROR;
			goto out;
		}
		if (rc != STORE_UNIT_LEAD) {
			r = ext_fail(err, errlen, EXT_CONFLICT, "unit %s no "
			    "longer leads case %s: refuse the request",
			    e.unit, e.number);
			goto out;
		}
		memset(&a, 0, sizeof(a));
		a.due = e.due;
		a.text = e.reason;
		a.asked_at = e.requested_at;
		a.request = e.id;
		if ((r = ext_from_lc(lifecycle_apply(st, e.case_id,
		    LC_OP_EXTEND, &a, actor, now, err, errlen))) != EXT_OK)
			goto out;
	}
	lifecycle_actor_name(actor, who, sizeof(who));
	if (store_ext_decide(st, id, state, who, note, now) != 1 ||
	    lifecycle_audit(st, e.case_id, who, "case.extension-decide",
	    json_pack("{sIssss?}", "request", (json_int_t)id, "decision",
	    state, "note", note), now) == -1) {
		r = EXT_ERROR;
		goto out;
	}
	if (ext_notify != NULL) {
		store_ext_clear(&e);
		if (store_ext_get(st, id, &e) != 1 ||
		    store_case_get(st, e.case_id, &c) != 1 ||
		    ext_notify(ext_notify_arg, st, &e, &c) != 0) {
			r = EXT_ERROR;
			goto out;
		}
	}
	commit_log(commit_default(), "extension request=%lld case=%s "
	    "unit=%s %s", (long long)id, e.number, e.unit, state);
	r = EXT_OK;
out:
	if (r == EXT_ERROR && err != NULL && errlen > 0 && err[0] == '\0')
		(void)ext_fail(err, errlen, r, "store error");
	store_ext_clear(&e);
	store_case_clear(&c);
	return r;
}
