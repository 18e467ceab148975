/*
 * Extensions need the office's approval (Art. 18): the lead unit asks
 * before the due date, with the date it needs (or a number of working
 * days) and its reason; the office approves, and the due date moves and
 * the citizen is told (lifecycle extend, notify.c), or refuses with a
 * reason, which the unit reads from the request.  Either way the unit is
 * told (notice_extension(), installed by notice_setup()).  Each step is
 * an audit event on the case.  No sockets, no SQL: the caller's unit of work.
 *
 * Limits (the Measures fix only the help cap; the rest is our choice,
 * hotlinectl(8)):
 *   - asked on or before the due date (Art. 18), and granted even when
 *     the office decides after it: the unit asked in time;
 *   - one request pending per case; one granted per dispatch (a handling
 *     round: re-handling dispatches again); a refused one may be asked
 *     again, with a better reason;
 *   - at most EXTENSION_DAYS_MAX working days past the current due date;
 *   - help cases at most 5 working days in all, counted from the day the
 *     deadline counts from: day 0 of the receipt, or of the reopening of
 *     a re-handled case (lifecycle_extend_check()).
 * The office's own "case extend" stays: the office's act, with no request.
 */
#ifndef HOTLINED_EXTENSION_H
#define HOTLINED_EXTENSION_H

#include <stddef.h>
#include <stdint.h>

#include "lifecycle.h"

struct store;
struct store_case;
struct store_ext;

#define EXTENSION_DAYS_MAX	60	/* working days past the due date */
#define EXTENSION_PER_ROUND	1	/* granted per dispatch */

/* What asking or deciding did (the lifecycle's codes, plus conflict). */
enum ext_result {
	EXT_OK = 0,
	EXT_INVALID,		/* bad date, reason, or a limit */
	EXT_NOT_FOUND,		/* no such case or request (for this token) */
	EXT_FORBIDDEN,		/* not the lead unit / not the office */
	EXT_CONFLICT,		/* one pending already; decided already; the
				   case moved on */
	EXT_ERROR		/* store failure: undo the caller's unit */
};

/*
 * Called inside the caller's unit when the office has decided a request
 * (e->state "approved" or "refused"; c is the case as it now is): the
 * place a notice to the unit goes (SMS, webhook).  Non-zero undoes the
 * decision (EXT_ERROR).  notice_setup() installs notice_extension().
 */
typedef int	(*extension_notify_fn)(void *arg, struct store *,
		    const struct store_ext *e, const struct store_case *c);
/* Install it (NULL: none). */
void	 extension_set_notify(extension_notify_fn, void *arg);

/*
 * The lead unit actor->unit asks for case_id to be due on due
 * (YYYY-MM-DD) or days working days after its due date (due NULL), for
 * reason, at now.  EXT_OK with *idp; otherwise err says why.
 */
enum ext_result extension_request(struct store *, int64_t case_id,
	    const struct lc_actor *actor, const char *due, int days,
	    const char *reason, int64_t now, int64_t *idp, char *err,
	    size_t errlen);
/*
 * The office (actor) approves (approve 1; note optional) or refuses
 * (approve 0; note the reason, required) request id at now.
 */
enum ext_result extension_decide(struct store *, int64_t id, int approve,
	    const struct lc_actor *actor, const char *note, int64_t now,
	    char *err, size_t errlen);
/* "ok", "invalid", ... */
const char *extension_strresult(enum ext_result);

#endif /* HOTLINED_EXTENSION_H */
