/*
 * What Art. 19 lets out of a case: "except what is unfit to publish and
 * what the citizen asked to keep confidential", handled matters are
 * published.  Two flags: confidential (the citizen asked: in the text,
 * with "保密 HY…" later, or on the phone; or the office set it) and not
 * for publication (the office's judgement).  Either keeps the case out of
 * hotlinectl publish; confidential also keeps its text and the citizen
 * from everything that leaves the office (training exports, notices to
 * units that may not see it).  The office may lift what it set, never
 * what the citizen asked for.  Each change is an audit event.
 */
#ifndef HOTLINED_DISCLOSE_H
#define HOTLINED_DISCLOSE_H

#include <stddef.h>
#include <stdint.h>

struct lc_actor;
struct store;

enum disclose_flag {
	DISCLOSE_CONFIDENTIAL = 0,
	DISCLOSE_NOPUBLISH
};

enum disclose_result {
	DISCLOSE_OK = 0,	/* changed, or already so (*changed says) */
	DISCLOSE_INVALID,	/* no reason, or not the office */
	DISCLOSE_NOT_FOUND,
	DISCLOSE_REFUSED,	/* lifting the citizen's confidentiality */
	DISCLOSE_ERROR		/* store failure: undo the caller's unit */
};

/*
 * The case's own citizen asked for confidentiality (the caller matched
 * the number): set it, theirs from now on, with an audit event by
 * "citizen".  1 when it was not theirs yet, 0 when it was, -1.
 */
int	 disclose_citizen(struct store *, int64_t case_id, int64_t now);
/*
 * The office sets (on 1) or lifts (on 0) flag on case_id for reason, in
 * the caller's unit.  *changed (may be NULL) says whether it changed.
 */
enum disclose_result disclose_set(struct store *, int64_t case_id,
	    enum disclose_flag, int on, const struct lc_actor *,
	    const char *reason, int64_t now, int *changed, char *err,
	    size_t errlen);
/*
 * 1 when the case is confidential (its text and citizen stay in the
 * office: ask before a text leaves, e.g. in a notice to a unit), 0 when
 * not, -1 on error (treat as confidential).
 */
int	 disclose_confidential(struct store *, int64_t case_id);
/* 1 when the case may be published (neither flag), 0, -1. */
int	 disclose_publishable(struct store *, int64_t case_id);
/* "ok", "invalid", "not-found", "refused", "error". */
const char *disclose_strresult(enum disclose_result);

#endif /* HOTLINED_DISCLOSE_H */
