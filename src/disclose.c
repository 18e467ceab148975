/*
 * Art. 19's two flags on a case (disclose.h): the citizen's request for
 * confidentiality, the office's confidentiality and not-for-publication,
 * each change audited; and the questions other rooms ask before a text
 * leaves the office.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "disclose.h"
#include "errfmt.h"
#include "lifecycle.h"
#include "store.h"
#include "util.h"

static enum disclose_result disclose_fail(char *, size_t,
		    enum disclose_result, const char *);

_Static_assert(LC_TEXT_MAX == 4000, "disclose_set()'s message says 4000");

static const char *const disclose_results[] = {
	"ok", "invalid", "not-found", "refused", "error"
};

const char *
disclose_strresult(enum disclose_result r)
{
	return (int)r >= 0 && (size_t)r < nitems(disclose_results) ?
	    disclose_results[r] : "unknown";
}

/* Say why in err; r. */
static enum disclose_result
disclose_fail(char *err, size_t errlen, enum disclose_result r,
    const char *why)
{
	if (err != NULL && errlen > 0)
		errfmt_note_text(err, errlen, why);	/* sent as format */
	return r;
}

int
disclose_citizen(struct store *st, int64_t case_id, int64_t now)
{
	struct store_disclose	d;

	if (store_case_disclose(st, case_id, &d) != 1)
		return -1;	/* the caller found the case: 0 is an error */
	if (d.confidential && !d.office)
		return 0;
	d.confidential = 1;
	d.office = 0;	/* the citizen's now: the office cannot lift it */
	if (store_case_set_disclose(st, case_id, &d) == -1 ||
	    lifecycle_audit(st, case_id, "citizen", "case.confidential",
	    json_pack("{sbss}", "set", 1, "by", "citizen"), now) == -1)
		return -1;
	return 1;
}

enum disclose_result
disclose_set(struct store *st, int64_t case_id, enum disclose_flag flag,
    int on, const struct lc_actor *actor, const char *reason, int64_t now,
    int *changed, char *err, size_t errlen)
{
	struct store_disclose	d;
	char			who[96];
	int			rc, was;

	if (changed != NULL)
		*changed = 0;
	if (actor == NULL || actor->role != LC_ROLE_OFFICE)
		return disclose_fail(err, errlen, DISCLOSE_INVALID, "only the "
		    "office decides what is published (Art. 19)");
	if (reason == NULL || reason[0] == '\0' || strlen(reason) >
	    LC_TEXT_MAX)
		return disclose_fail(err, errlen, DISCLOSE_INVALID, "a reason "
		    "is needed (at most 4000 bytes)");
	if ((rc = store_case_disclose(st, case_id, &d)) != 1)
		return rc == 0 ? disclose_fail(err, errlen,
		    DISCLOSE_NOT_FOUND, "no such case") : DISCLOSE_ERROR;
	on = on != 0;
	if (flag == DISCLOSE_CONFIDENTIAL) {
		was = d.confidential;
		if (was && !on && !d.office)
			return disclose_fail(err, errlen, DISCLOSE_REFUSED,
			    "the citizen asked for confidentiality (Art. 19): "
			    "the office cannot lift it");
		if (was == on)
			return DISCLOSE_OK;
		d.confidential = on;
		d.office = on;
	} else {
		if (d.nopublish == on)
			return DISCLOSE_OK;
		d.nopublish = on;
	}
	lifecycle_actor_name(actor, who, sizeof(who));
	if (store_case_set_disclose(st, case_id, &d) == -1 ||
	    lifecycle_audit(st, case_id, who, flag == DISCLOSE_CONFIDENTIAL ?
	    "case.confidential" : "case.nopublish", json_pack("{sbssss}",
	    "set", on, "by", "office", "reason", reason), now) == -1)
		return DISCLOSE_ERROR;
	if (changed != NULL)
		*changed = 1;
	return DISCLOSE_OK;
}

int
disclose_confidential(struct store *st, int64_t case_id)
{
	struct store_disclose	d;
	int			rc;

	if ((rc = store_case_disclose(st, case_id, &d)) != 1)
		return rc == 0 ? 0 : -1;
	return d.confidential;
}

int
disclose_publishable(struct store *st, int64_t case_id)
{
	struct store_disclose	d;
	int			rc;

	if ((rc = store_case_disclose(st, case_id, &d)) != 1)
		return rc == 0 ? 0 : -1;
	return !d.confidential && !d.nopublish;
}
