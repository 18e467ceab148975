/*
 * notice: supervision that reaches the units (Art. 10, 13, 17, 18, 23;
 * issue 16).  A unit is told, by SMS to its contacts (through the outbox)
 * and by its webhook when it has one (webhook.h), when a case is
 * dispatched to it, one working day before the due date, when it is
 * overdue, when it is supervised (督办) and when it comes back for
 * re-handling (重办).  Each notice is recorded once (store_notice_once):
 * the scan may run any number of times, the daemon may restart.
 *
 * Who hears what (hotlined.conf(5), "NOTICES TO UNITS"):
 *   dispatch    the lead unit's and each co-unit's handlers (承办人)
 *   due         the lead unit's handlers
 *   overdue     the lead unit's handlers and leaders (分管领导)
 *   supervised  the lead unit's handlers and leaders; supervised by the
 *               daemon for being overdue escalate-after working days
 *               (escalation), also the office's duty numbers (值班)
 *   rehandle    the lead unit's handlers and leaders
 *   extension   the handlers of the unit that asked for more time, when
 *               the office approves (the new due date) or refuses (its
 *               reason, cut to keep the SMS to one part) (Art. 18)
 * An efficiency complaint (效能投诉, Art. 10) goes to the unit's
 * discipline inspection contacts (纪检监察) instead of its handlers: the
 * complaint may be about them.
 *
 * What a notice carries: the case number, its category, the due date,
 * the unit's name and, for supervision, the reason -- never the
 * citizen's number or text by SMS.  The webhook, to the unit's own
 * system, carries the text to the lead unit only, and never the text of
 * a confidential case (Art. 19, 23(10)); the unit reads the rest through
 * the API, where a confidential case's citizen stays with the office.
 */
#ifndef HOTLINED_NOTICE_H
#define HOTLINED_NOTICE_H

#include <stdint.h>

struct hotlined_conf;
struct lc_event;
struct store;
struct store_case;
struct store_ext;

#define NOTICE_CONTACTS_MAX	16	/* numbers of one role told */

/* A contact's role: "handler", "leader", "discipline", "duty". */
int	 notice_role_ok(const char *role, int office);

/* Settings (service number, escalate-after); conf is borrowed. */
void	 notice_setup(const struct hotlined_conf *);
/*
 * The lifecycle's part, called by notify_case() for every transition in
 * the transition's unit: dispatch, supervise, reopen tell the units.
 * 0, or -1 (undo the transition).
 */
int	 notice_case(struct store *, const struct store_case *,
	    const struct lc_event *);
/*
 * The scan's part for one open case (the periodic scan calls it for
 * every case due on or before the next working day): the "due" notice on
 * the working day before the due date, the "overdue" notice once past it.
 * today is YYYYMMDD.  1 when something was queued, 0, -1.
 */
int	 notice_due(struct store *, const struct store_case *, int today,
	    int64_t now);
/*
 * extension.h's hook, which notice_setup() installs: the office decided
 * e, and the unit that asked is told (kind "extension", to its handlers,
 * or discipline contacts for an efficiency complaint, and its webhook),
 * once per request: the request's id is the notice's reference.  c is
 * the case as it now is (approved: c->due is the new date).  0 or -1.
 */
int	 notice_extension(void *arg, struct store *,
	    const struct store_ext *e, const struct store_case *c);
/*
 * The scan in slices (issue 17), like the overdue scan: notice_scan_begin()
 * fixes its day; each notice_scan_slice() runs notice_due() over up to
 * max of the open cases due by the next working day after the cursor
 * (the last (due, id) seen, in that order: the index cases_open_due), in
 * the caller's unit, and sets done after the last.  The cursor is in
 * memory: a notice sent is a row of "notices", so a scan begun again
 * sends only what is left.
 */
struct notice_scan {
	int64_t		 now;
	int		 today;			/* YYYYMMDD */
	char		 until[16];		/* due before this date */
	char		 due[16];		/* cursor: the last (due, id) */
	int64_t		 id;
	int		 done;
	int		 count;			/* notices queued so far */
	int64_t		 budget_us;	/* SLICE_BUDGET_US; 0: a case a slice */
};
#define NOTICE_SLICE	32		/* cases per slice */
/* 0, or -1 (no calendar day for now). */
int	 notice_scan_begin(struct notice_scan *, int64_t now);
/* Cases looked at, or -1 (the caller undoes its unit). */
int	 notice_scan_slice(struct store *, struct notice_scan *, size_t max);
/* The whole scan in the caller's unit: notices queued, or -1. */
int	 notice_scan(struct store *, int64_t now);

#endif /* HOTLINED_NOTICE_H */
