/*
 * The office approves extensions (Art. 18) and decides what is published
 * (Art. 19), v21: a unit's extension requests, and a case's disclosure
 * flags (confidential and by whom, not for publication).
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

static void	 store_ext_row(sqlite3_stmt *, struct store_ext *);

/* One row of EXT_COLS into e. */
static void
store_ext_row(sqlite3_stmt *s, struct store_ext *e)
{
	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(s, 0);
	e->case_id = sqlite3_column_int64(s, 1);
	strlcpy(e->number, (const char *)sqlite3_column_text(s, 2),
	    sizeof(e->number));
	e->unit = store_colstr(s, 3);
	e->actor = store_colstr(s, 4);
	e->reason = store_colstr(s, 5);
	e->due_before = store_colstr(s, 6);
	e->due = store_colstr(s, 7);
	e->days = sqlite3_column_int(s, 8);
	e->state = store_colstr(s, 9);
	e->requested_at = sqlite3_column_int64(s, 10);
	e->decided_at = sqlite3_column_int64(s, 11);
	e->decided_by = store_colstr(s, 12);
	e->decision = store_colstr(s, 13);
	e->case_state = store_colstr(s, 14);
}

void
store_ext_clear(struct store_ext *e)
{
	if (e == NULL)
		return;
	free(e->unit);
	free(e->actor);
	free(e->reason);
	free(e->due_before);
	free(e->due);
	free(e->state);
	free(e->decided_by);
	free(e->decision);
	free(e->case_state);
	memset(e, 0, sizeof(*e));
}

int
store_ext_add(struct store *st, const struct store_ext_new *n, int64_t *idp)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (n->unit == NULL || n->actor == NULL || n->reason == NULL ||
	    n->due_before == NULL || n->due == NULL) {
		log_warnx("store extension: missing field (caller's bug)");
		return -1;
	}
	if ((s = store_stmt(st, STMT_EXT_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, n->case_id);
	sqlite3_bind_text(s, 2, n->unit, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, n->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, n->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, n->due_before, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, n->due, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 7, n->days);
	sqlite3_bind_int64(s, 8, n->at);
	rc = store_step(st, s, "extension insert");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	/* OR IGNORE: the partial unique index holds one pending a case */
	if (sqlite3_changes(st->db) == 0)
		return 0;
	*idp = sqlite3_last_insert_rowid(st->db);
	return 1;
}

/* Run a statement that reads at most one EXT_COLS row; 1, 0, -1. */
static int
store_ext_one(struct store *st, enum store_stmt i, int64_t id,
    struct store_ext *e)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, i)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s, "extension get")) == SQLITE_ROW)
		store_ext_row(s, e);
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

int
store_ext_get(struct store *st, int64_t id, struct store_ext *e)
{
	return store_ext_one(st, STMT_EXT_GET, id, e);
}

int
store_ext_pending(struct store *st, int64_t case_id, struct store_ext *e)
{
	/* a database opened below v21 (tests) has no requests to lapse */
	if (st->version < 21)
		return 0;
	return store_ext_one(st, STMT_EXT_PENDING, case_id, e);
}

int
store_ext_list(struct store *st, const char *state, const char *unit,
    int64_t before, struct store_ext *out, size_t max)
{
	sqlite3_stmt	*s;
	size_t		 n = 0;
	int		 rc = SQLITE_DONE;

	if ((s = store_stmt(st, STMT_EXT_LIST)) == NULL)
		return -1;
	if (state != NULL)
		sqlite3_bind_text(s, 1, state, -1, SQLITE_STATIC);
	if (unit != NULL)
		sqlite3_bind_text(s, 2, unit, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)max);
	sqlite3_bind_int64(s, 4, before);
	while (n < max && (rc = store_step(st, s, "extension list")) ==
	    SQLITE_ROW)
		store_ext_row(s, &out[n++]);
	sqlite3_reset(s);
	if (rc == -1) {
		while (n > 0)
			store_ext_clear(&out[--n]);
		return -1;
	}
	return (int)n;
}

int
store_ext_decide(struct store *st, int64_t id, const char *state,
    const char *by, const char *decision, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_EXT_DECIDE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, at);
	sqlite3_bind_text(s, 4, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, decision, -1, SQLITE_STATIC);
	rc = store_step(st, s, "extension decide");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	return sqlite3_changes(st->db) > 0;
}

int
store_ext_granted(struct store *st, int64_t case_id, int64_t since)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_stmt(st, STMT_EXT_GRANTED)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, since);
	if ((rc = store_step(st, s, "extension granted")) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return rc == -1 ? -1 : n;
}

int
store_case_disclose(struct store *st, int64_t case_id,
    struct store_disclose *d)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(d, 0, sizeof(*d));
	if ((s = store_stmt(st, STMT_DISCLOSE_GET)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	if ((rc = store_step(st, s, "case disclose")) == SQLITE_ROW) {
		d->confidential = sqlite3_column_int(s, 0) != 0;
		d->office = d->confidential && strcmp((const char *)
		    sqlite3_column_text(s, 1), "office") == 0;
		d->nopublish = sqlite3_column_int(s, 2) != 0;
	}
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

int
store_case_set_disclose(struct store *st, int64_t case_id,
    const struct store_disclose *d)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_DISCLOSE_SET)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int(s, 2, d->confidential != 0);
	if (d->confidential)
		sqlite3_bind_text(s, 3, d->office ? "office" : "citizen", -1,
		    SQLITE_STATIC);
	sqlite3_bind_int(s, 4, d->nopublish != 0);
	rc = store_step(st, s, "case disclose set");
	sqlite3_reset(s);
	return rc == -1 ? -1 : store_cases_done(st);
}
