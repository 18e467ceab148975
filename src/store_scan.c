/*
 * store_scan: the pages of the periodic scans (issue 17).  The overdue
 * scan, the units' notice scan and the survey tick read their rows a
 * slice at a time, in an index's order from a cursor (keyset), so that
 * no turn of the event loop walks more than one slice however large the
 * database has grown.
 */
#include "compat.h"

#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"

static int
store_case_due_page(struct store *st, enum store_stmt stmt,
    const char *before, const char *after_due, int64_t after_id,
    struct store_case *out, size_t max)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, stmt)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, before, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, after_due != NULL ? after_due : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, after_id);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)max);
	return store_case_rows(st, s, "case due page", out, max);
}

int
store_case_overdue_page(struct store *st, const char *before,
    const char *after_due, int64_t after_id, struct store_case *out,
    size_t max)
{
	return store_case_due_page(st, STMT_CASE_OVERDUE_PAGE, before,
	    after_due, after_id, out, max);
}

int
store_case_notice_page(struct store *st, const char *before,
    const char *after_due, int64_t after_id, struct store_case *out,
    size_t max)
{
	return store_case_due_page(st, STMT_CASE_NOTICE_PAGE, before,
	    after_due, after_id, out, max);
}

int
store_survey_due_page(struct store *st, int64_t now, int64_t after_key,
    int64_t after_id, int64_t *ids, int64_t *keys, size_t max)
{
	sqlite3_stmt	*s;
	size_t		 n = 0;
	int		 rc = SQLITE_DONE;

	if ((s = store_stmt(st, STMT_SURVEY_DUE_PAGE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, after_key);
	sqlite3_bind_int64(s, 3, after_id);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)max);
	while (n < max && (rc = store_step(st, s, "survey due page")) ==
	    SQLITE_ROW) {
		ids[n] = sqlite3_column_int64(s, 0);
		keys[n++] = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return n < max && rc == -1 ? -1 : (int)n;
}

/*
 * The statement whose literal term an index answers best for f (v18):
 * a unit's current cases, the supervised or confidential ones, a state,
 * the overdue ones, the open ones, a period (newest first by reception,
 * see store_sql.c); else the whole
 * table newest first, which is quick when the filters are common (the
 * page fills at once) or absent.  A category is left to the latter: the
 * rarest (suggestion) is one case in eight.
 */
enum store_stmt
store_case_search_stmt(const struct store_case_filter *f)
{
	if (f->unit != NULL)
		return STMT_CASE_SEARCH_UNIT;
	if (f->supervised == 1)
		return STMT_CASE_SEARCH_SUPERVISED;
	if (f->confidential == 1)
		return STMT_CASE_SEARCH_CONFIDENTIAL;
	if (f->state != NULL)
		return STMT_CASE_SEARCH_STATE;
	if (f->overdue_on != NULL)
		return STMT_CASE_SEARCH_OVERDUE;
	if (f->open == 1)
		return STMT_CASE_SEARCH_OPEN;
	if (f->received_from > 0 || f->received_to > 0)
		return STMT_CASE_SEARCH_RECEIVED;
	return STMT_CASE_SEARCH;
}
