/*
 * Cases from the other channels (v20): the import rows that make an
 * import idempotent on the business system's id, and a case's channel.
 * What is valid to import is import.c's; admin_import.c decides.
 */
#include "compat.h"

#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

int
store_import_find(struct store *st, const char *channel,
    const char *external_id, int64_t *case_id)
{
	sqlite3_stmt	*s;
	int		 rc;

	*case_id = 0;
	if ((s = store_stmt(st, STMT_IMPORT_FIND)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, external_id, -1, SQLITE_STATIC);
	if ((rc = store_step(st, s, "import find")) == SQLITE_ROW)
		*case_id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

int
store_import_add(struct store *st, const struct store_case_new *c,
    const char *channel, const char *external_id, int64_t at, int64_t *idp,
    char number[STORE_CASE_NUMBER_MAX])
{
	sqlite3_stmt	*s;
	int		 rc;

	if (channel == NULL || external_id == NULL) {
		log_warnx("store import: no channel or id (caller's bug)");
		return -1;
	}
	if (store_case_add(st, c, idp, number) == -1)
		return -1;
	if ((s = store_stmt(st, STMT_CASE_SET_CHANNEL)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, *idp);
	sqlite3_bind_text(s, 2, channel, -1, SQLITE_STATIC);
	rc = store_step(st, s, "case channel");
	sqlite3_reset(s);
	if (rc == -1 || (s = store_stmt(st, STMT_IMPORT_INSERT)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, external_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, *idp);
	sqlite3_bind_int64(s, 4, at);
	rc = store_step(st, s, "import insert");
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

int
store_case_origin(struct store *st, int64_t case_id, char *channel,
    size_t channellen, char *ext, size_t extlen)
{
	sqlite3_stmt	*s;
	const char	*e;
	int		 rc;

	if ((s = store_stmt(st, STMT_CASE_ORIGIN)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	if ((rc = store_step(st, s, "case origin")) == SQLITE_ROW) {
		strlcpy(channel, (const char *)sqlite3_column_text(s, 0),
		    channellen);
		e = (const char *)sqlite3_column_text(s, 1);
		strlcpy(ext, e != NULL ? e : "", extlen);
	}
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}
