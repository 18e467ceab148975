/*
 * The case lifecycle: dispatch, return, extension, result, close.
 */
#include "compat.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crypto.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_vfs.h"
#include "util.h"

static int	 store_case_set_int(struct store *, enum store_stmt, int64_t,
		    int, const char *);
static int	 store_events(struct store *, enum store_stmt, int64_t,
		    struct store_event **, size_t *);
static void	 store_events_free(struct store_event *, size_t);

/* --- the case lifecycle ------------------------------------------------- */

int
store_case_change(struct store *st, int64_t case_id,
    const struct store_case_change *c)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (c->from == NULL || c->to == NULL) {
		log_warnx("store case change: no state (caller's bug)");
		return -1;
	}
	if ((s = store_stmt(st, STMT_CASE_CHANGE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_text(s, 2, c->from, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, c->to, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, c->unit, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, c->dispatched_at);
	sqlite3_bind_text(s, 6, c->due, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 7, c->add_extension ? 1 : 0);
	sqlite3_bind_int(s, 8, c->add_late_return ? 1 : 0);
	sqlite3_bind_int(s, 9, c->supervised);
	sqlite3_bind_text(s, 10, c->supervision, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 11, c->result, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 12, c->closed_at);
	sqlite3_bind_int(s, 13, c->rehandled);
	sqlite3_bind_int64(s, 14, c->at);
	sqlite3_bind_text(s, 15, c->category, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 16, c->due_original, -1, SQLITE_STATIC);
	rc = store_step(st, s, "case change");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	rc = sqlite3_changes(st->db) > 0;
	return store_cases_done(st) == -1 ? -1 : rc;
}

/* Run "UPDATE cases SET x = ?2 WHERE id = ?1"; 0 or -1. */
static int
store_case_set_int(struct store *st, enum store_stmt i, int64_t case_id,
    int v, const char *what)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, i)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int(s, 2, v);
	rc = store_step(st, s, what);
	sqlite3_reset(s);
	return rc == -1 ? -1 : store_cases_done(st);
}

int
store_case_set_result_cut(struct store *st, int64_t case_id, int chars)
{
	return store_case_set_int(st, STMT_CASE_RESULT_CUT, case_id,
	    chars < 0 ? 0 : chars, "case result cut");
}

int
store_case_set_confidential(struct store *st, int64_t case_id)
{
	return store_case_set_int(st, STMT_CASE_CONFIDENTIAL, case_id, 1,
	    "case confidential");
}

int
store_case_add_flags(struct store *st, int64_t case_id, int flags)
{
	return store_case_set_int(st, STMT_CASE_FLAGS, case_id, flags,
	    "case flags");
}

int
store_case_optout(struct store *st, int64_t case_id)
{
	sqlite3_stmt	*s;
	int		 rc, v = 0;

	if ((s = store_stmt(st, STMT_CASE_OPTOUT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	if ((rc = store_step(st, s, "case optout")) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return rc == -1 ? -1 : v != 0;
}

int
store_case_msisdn(struct store *st, int64_t case_id, char *out, size_t len)
{
	sqlite3_stmt	*s;
	int		 rc, v = 0;

	strlcpy(out, "", len);
	if ((s = store_stmt(st, STMT_CASE_MSISDN)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	if ((rc = store_step(st, s, "case msisdn")) == SQLITE_ROW)
		v = store_decrypt(st, s, 0, out, len) == 0 ? 1 : -1;
	sqlite3_reset(s);
	return rc == -1 ? -1 : v;
}

int
store_case_unassign(struct store *st, int64_t case_id)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_CASE_UNASSIGN)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	rc = store_step(st, s, "case unassign");
	sqlite3_reset(s);
	return rc == -1 ? -1 : store_cases_done(st);
}

int
store_case_assign(struct store *st, int64_t case_id, const char *lead,
    const char *const *co, size_t nco, int64_t at)
{
	sqlite3_stmt	*s;
	const char	*unit;
	size_t		 i;
	int		 rc;

	if (store_case_unassign(st, case_id) == -1)
		return -1;
	for (i = 0; i <= nco; i++) {
		unit = i == 0 ? lead : co[i - 1];
		if ((s = store_stmt(st, STMT_CASE_ASSIGN)) == NULL)
			return -1;
		sqlite3_bind_int64(s, 1, case_id);
		sqlite3_bind_text(s, 2, unit, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 3, i == 0 ? STORE_UNIT_LEAD : STORE_UNIT_CO);
		sqlite3_bind_int64(s, 4, at);
		rc = store_step(st, s, "case assign");	/* FK: known unit */
		sqlite3_reset(s);
		if (rc == -1)
			return -1;
	}
	return store_cases_done(st);
}

int
store_case_unit_role(struct store *st, int64_t case_id, const char *unit)
{
	sqlite3_stmt	*s;
	int		 rc, role = STORE_UNIT_NONE;

	if (unit == NULL || (s = store_stmt(st, STMT_CASE_UNIT_ROLE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_text(s, 2, unit, -1, SQLITE_STATIC);
	if ((rc = store_step(st, s, "case unit role")) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL)
		role = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return rc == -1 ? -1 : role;
}

int
store_case_counits(struct store *st, int64_t case_id,
    char out[][STORE_UNIT_CODE_MAX], size_t max)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_stmt(st, STMT_CASE_COUNITS)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while ((rc = store_step(st, s, "case co-units")) == SQLITE_ROW)
		strlcpy(out[n++], (const char *)sqlite3_column_text(s, 0),
		    STORE_UNIT_CODE_MAX);
	sqlite3_reset(s);
	return rc == -1 ? -1 : n;
}

void
store_case_filter_init(struct store_case_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->open = f->supervised = f->confidential = -1;
}

/* Read every row of a case statement into out; the count or -1. */
int
store_case_rows(struct store *st, sqlite3_stmt *s, const char *what,
    struct store_case *out, size_t max)
{
	size_t	n = 0;
	int	rc;

	while (n < max && (rc = store_step(st, s, what)) == SQLITE_ROW)
		store_case_row(s, &out[n++]);
	sqlite3_reset(s);
	if (n < max && rc == -1) {
		while (n > 0)
			store_case_clear(&out[--n]);
		return -1;
	}
	return (int)n;
}

int
store_case_search(struct store *st, const struct store_case_filter *f,
    struct store_case *out, size_t max)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, store_case_search_stmt(f))) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, f->state, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, f->category, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, f->unit, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, f->overdue_on, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, f->open < 0 ? -1 : f->open != 0);
	sqlite3_bind_int(s, 6, f->supervised < 0 ? -1 : f->supervised != 0);
	sqlite3_bind_int(s, 7, f->confidential < 0 ? -1 :
	    f->confidential != 0);
	sqlite3_bind_int64(s, 8, f->received_from);
	sqlite3_bind_int64(s, 9, f->received_to > 0 ? f->received_to :
	    INT64_MAX);
	sqlite3_bind_int64(s, 10, f->before_id > 0 ? f->before_id :
	    INT64_MAX);
	sqlite3_bind_int64(s, 11, (sqlite3_int64)max);
	sqlite3_bind_int64(s, 12, (sqlite3_int64)f->offset);
	return store_case_rows(st, s, "case search", out, max);
}

int
store_case_list_msisdn(struct store *st, const char *msisdn,
    const char *category, const char *state, int64_t since,
    struct store_case *out, size_t max)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN];

	if (store_hash(st, msisdn, hash) == -1)
		return -1;
	if ((s = store_stmt(st, STMT_CASE_BY_MSISDN)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, since);
	sqlite3_bind_text(s, 3, category, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)max);
	return store_case_rows(st, s, "case list by number", out, max);
}

int
store_case_list_category(struct store *st, const char *category,
    int64_t since, struct store_case *out, size_t max)
{
	sqlite3_stmt	*s;

	if (category == NULL ||
	    (s = store_stmt(st, STMT_CASE_BY_CATEGORY)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, category, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, since);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)max);
	return store_case_rows(st, s, "case list by category", out, max);
}

/* Read a history statement (id, at, kind, actor, text, state, receipt,
 * receipt_at, attempts) into a growing array; 0 or -1. */
static int
store_events(struct store *st, enum store_stmt i, int64_t case_id,
    struct store_event **evp, size_t *np)
{
	sqlite3_stmt		*s;
	struct store_event	*e;
	size_t			 cap = 0;
	int			 rc;

	*evp = NULL;
	*np = 0;
	if ((s = store_stmt(st, i)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	while ((rc = store_step(st, s, "case history")) == SQLITE_ROW) {
		if (*np == cap) {
			cap = cap ? cap * 2 : 8;
			*evp = xreallocarray(*evp, cap, sizeof(**evp));
		}
		e = &(*evp)[(*np)++];
		memset(e, 0, sizeof(*e));
		e->id = sqlite3_column_int64(s, 0);
		e->at = sqlite3_column_int64(s, 1);
		e->kind = store_colstr(s, 2);
		e->actor = store_colstr(s, 3);
		e->text = store_colstr(s, 4);
		e->state = sqlite3_column_int(s, 5);
		e->receipt = store_colstr(s, 6);
		e->receipt_at = sqlite3_column_int64(s, 7);
		e->attempts = sqlite3_column_int(s, 8);
	}
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

int
store_case_history(struct store *st, int64_t case_id,
    struct store_history *h)
{
	memset(h, 0, sizeof(*h));
	if (store_events(st, STMT_HIST_AUDIT, case_id, &h->audit,
	    &h->naudit) == -1 ||
	    store_events(st, STMT_HIST_IN, case_id, &h->in, &h->nin) == -1 ||
	    store_events(st, STMT_HIST_OUT, case_id, &h->out, &h->nout) ==
	    -1) {
		store_history_clear(h);
		return -1;
	}
	return 0;
}

static void
store_events_free(struct store_event *e, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(e[i].kind);
		free(e[i].actor);
		free(e[i].text);
		free(e[i].receipt);
	}
	free(e);
}

void
store_history_clear(struct store_history *h)
{
	store_events_free(h->audit, h->naudit);
	store_events_free(h->in, h->nin);
	store_events_free(h->out, h->nout);
	memset(h, 0, sizeof(*h));
}
