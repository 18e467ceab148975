/*
 * What operators look at and steer: the outbox's gauges for /metrics and
 * the status page, and the rows of "hotlinectl queue" (hold, release,
 * retry, cancel).  Counts walk partial indexes only (store_sql.c).
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

static void	 store_obs_row(struct store *, sqlite3_stmt *,
		    struct store_obs_row *, int);
static int	 store_obs_update(struct store *, enum store_stmt, int64_t,
		    int64_t, const char *, const char *);

int
store_obs_outbox(struct store *st, struct store_obs_outbox *o)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(o, 0, sizeof(*o));
	if ((s = store_stmt(st, STMT_OBS_OUTBOX)) == NULL)
		return -1;
	if ((rc = store_step(st, s, "observe outbox")) == SQLITE_ROW) {
		o->queued = sqlite3_column_int64(s, 0);
		o->inflight = sqlite3_column_int64(s, 1);
		o->held = sqlite3_column_int64(s, 2);
		o->oldest = sqlite3_column_int64(s, 3);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

const char *
store_obs_path(struct store *st)
{
	return sqlite3_db_filename(st->db, "main");
}

int
store_obs_counts(struct store *st, int64_t today0, const char *today,
    struct store_obs_counts *c)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(c, 0, sizeof(*c));
	if ((s = store_stmt(st, STMT_OBS_COUNTS)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, today, -1, SQLITE_STATIC);
	if ((rc = store_step(st, s, "observe counts")) == SQLITE_ROW) {
		c->surveys_open = sqlite3_column_int64(s, 0);
		c->overdue = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return -1;
	if (today0 == 0)
		return 0;
	if ((s = store_stmt(st, STMT_OBS_TODAY)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, today0);
	if ((rc = store_step(st, s, "observe today")) == SQLITE_ROW) {
		c->cases_today = sqlite3_column_int64(s, 0);
		c->refusals_today = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Fill r from the OBS_COLS row s is on; the text only when asked. */
static void
store_obs_row(struct store *st, sqlite3_stmt *s, struct store_obs_row *r,
    int text)
{
	const unsigned char	*t;

	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, 0);
	strlcpy(r->case_number, (const char *)sqlite3_column_text(s, 1),
	    sizeof(r->case_number));
	strlcpy(r->kind, (const char *)sqlite3_column_text(s, 2),
	    sizeof(r->kind));
	r->state = sqlite3_column_int(s, 3);
	r->attempts = sqlite3_column_int(s, 4);
	r->priority = sqlite3_column_int(s, 5);
	r->created_at = sqlite3_column_int64(s, 6);
	r->next_attempt_at = sqlite3_column_int64(s, 7);
	r->submitted_at = sqlite3_column_int64(s, 8);
	if (store_decrypt(st, s, 9, r->msisdn, sizeof(r->msisdn)) == -1)
		r->msisdn[0] = '\0';	/* shown as unreadable */
	if ((t = sqlite3_column_text(s, 10)) != NULL)
		strlcpy(r->source, (const char *)t, sizeof(r->source));
	strlcpy(r->smsc, (const char *)sqlite3_column_text(s, 11),
	    sizeof(r->smsc));
	strlcpy(r->last_error, (const char *)sqlite3_column_text(s, 12),
	    sizeof(r->last_error));
	if (text)
		r->text = store_colstr(s, 13);
}

int
store_obs_list(struct store *st, int state, int64_t after,
    struct store_obs_row *out, size_t max)
{
	sqlite3_stmt	*s;
	int		 rc = SQLITE_DONE, n = 0;

	if ((s = store_stmt(st, state == -2 ? STMT_OBS_LIST_WAITING :
	    STMT_OBS_LIST)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	if (state != -2)
		sqlite3_bind_int(s, 3, state);
	while ((size_t)n < max &&
	    (rc = store_step(st, s, "observe list")) == SQLITE_ROW)
		store_obs_row(st, s, &out[n++], 0);
	sqlite3_reset(s);
	return rc == -1 ? -1 : n;
}

int
store_obs_get(struct store *st, int64_t id, struct store_obs_row *r)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_OBS_GET)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s, "observe get")) == SQLITE_ROW)
		store_obs_row(st, s, r, 1);
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

/* Run one of the control updates: ?1 id, ?2 a or b; 1, 0 or -1. */
static int
store_obs_update(struct store *st, enum store_stmt i, int64_t id, int64_t a,
    const char *b, const char *what)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, i)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (b != NULL)
		sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC);
	else if (sqlite3_bind_parameter_count(s) >= 2)
		sqlite3_bind_int64(s, 2, a);
	rc = store_step(st, s, what);
	sqlite3_reset(s);
	return rc == -1 ? -1 : sqlite3_changes(st->db) > 0;
}

int
store_obs_hold(struct store *st, int64_t id)
{
	return store_obs_update(st, STMT_OBS_HOLD, id, 0, NULL,
	    "observe hold");
}

int
store_obs_release(struct store *st, int64_t id)
{
	return store_obs_update(st, STMT_OBS_RELEASE, id, 0, NULL,
	    "observe release");
}

int
store_obs_retry(struct store *st, int64_t id, int64_t now)
{
	return store_obs_update(st, STMT_OBS_RETRY, id, now, NULL,
	    "observe retry");
}

int
store_obs_cancel(struct store *st, int64_t id, const char *why)
{
	int	r;

	/* an outcome: the batch's "messages" event names the row final */
	if ((r = store_obs_update(st, STMT_OBS_CANCEL, id, 0, why,
	    "observe cancel")) == 1 && store_msgs_track(st, 'f', id) == -1)
		return -1;
	return r;
}
