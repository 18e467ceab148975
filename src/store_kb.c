/*
 * Units and the knowledge base.
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

static int	 store_unit_code_ok(const char *);
static void	 store_unit_row(sqlite3_stmt *, struct store_unit *);
static void	 store_kb_row(sqlite3_stmt *, struct store_kb *);

/* --- units and the knowledge base -------------------------------------- */

/* Unit codes go into URLs and log lines: [A-Za-z0-9_.-]{1,32}. */
static int
store_unit_code_ok(const char *code)
{
	size_t	i, n;

	if (code == NULL || (n = strlen(code)) == 0 ||
	    n >= STORE_UNIT_CODE_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((code[i] >= 'a' && code[i] <= 'z') ||
		    (code[i] >= 'A' && code[i] <= 'Z') ||
		    (code[i] >= '0' && code[i] <= '9') || code[i] == '_' ||
		    code[i] == '.' || code[i] == '-'))
			return 0;
	return 1;
}

int
store_unit_add(struct store *st, const char *code, const char *name,
    const char *contact, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (!store_unit_code_ok(code) || name == NULL || *name == '\0') {
		log_warnx("store unit: bad code or no name");
		return -1;
	}
	if ((s = store_stmt(st, STMT_UNIT_INSERT)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, contact, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, at);
	rc = store_step(st, s, "unit insert");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	return sqlite3_changes(st->db) == 0 ? 1 : 0;
}

static void
store_unit_row(sqlite3_stmt *s, struct store_unit *u)
{
	memset(u, 0, sizeof(*u));
	strlcpy(u->code, (const char *)sqlite3_column_text(s, 0),
	    sizeof(u->code));
	u->name = store_colstr(s, 1);
	u->contact = store_colstr(s, 2);
	u->created_at = sqlite3_column_int64(s, 3);
}

int
store_unit_get(struct store *st, const char *code, struct store_unit *u)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(u, 0, sizeof(*u));
	if (code == NULL || (s = store_stmt(st, STMT_UNIT_GET)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	if ((rc = store_step(st, s, "unit get")) == SQLITE_ROW)
		store_unit_row(s, u);
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

int
store_unit_list(struct store *st, struct store_unit *out, size_t max,
    size_t offset)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_stmt(st, STMT_UNIT_LIST)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)max);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)offset);
	while ((rc = store_step(st, s, "unit list")) == SQLITE_ROW)
		store_unit_row(s, &out[n++]);
	sqlite3_reset(s);
	if (rc == -1) {
		while (n > 0)
			store_unit_clear(&out[--n]);
		return -1;
	}
	return n;
}

void
store_unit_clear(struct store_unit *u)
{
	free(u->name);
	free(u->contact);
	memset(u, 0, sizeof(*u));
}

int
store_kb_add(struct store *st, const char *keywords, const char *answer,
    const char *unit, int64_t at, int64_t *idp)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (keywords == NULL || answer == NULL || *keywords == '\0' ||
	    *answer == '\0') {
		log_warnx("store kb: no keywords or answer");
		return -1;
	}
	if ((s = store_stmt(st, STMT_KB_INSERT)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, keywords, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, answer, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, unit != NULL && *unit != '\0' ? unit : NULL,
	    -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, at);
	rc = store_step(st, s, "kb insert");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (idp != NULL)
		*idp = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
store_kb_update(struct store *st, int64_t id, const char *keywords,
    const char *answer, const char *unit, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((keywords != NULL && *keywords == '\0') ||
	    (answer != NULL && *answer == '\0')) {
		log_warnx("store kb: empty keywords or answer");
		return -1;
	}
	if ((s = store_stmt(st, STMT_KB_UPDATE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, keywords, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, answer, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, unit, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, at);
	rc = store_step(st, s, "kb update");
	sqlite3_reset(s);
	return rc == -1 ? -1 : sqlite3_changes(st->db) > 0;
}

static void
store_kb_row(sqlite3_stmt *s, struct store_kb *k)
{
	memset(k, 0, sizeof(*k));
	k->id = sqlite3_column_int64(s, 0);
	k->keywords = store_colstr(s, 1);
	k->answer = store_colstr(s, 2);
	strlcpy(k->unit, (const char *)sqlite3_column_text(s, 3),
	    sizeof(k->unit));
	k->updated_at = sqlite3_column_int64(s, 4);
}

int
store_kb_get(struct store *st, int64_t id, struct store_kb *k)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(k, 0, sizeof(*k));
	if ((s = store_stmt(st, STMT_KB_GET)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s, "kb get")) == SQLITE_ROW)
		store_kb_row(s, k);
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

int
store_kb_list(struct store *st, int64_t updated_before, struct store_kb *out,
    size_t max, size_t offset)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_stmt(st, STMT_KB_LIST)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, updated_before > 0 ? updated_before : 0);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)offset);
	while ((rc = store_step(st, s, "kb list")) == SQLITE_ROW)
		store_kb_row(s, &out[n++]);
	sqlite3_reset(s);
	if (rc == -1) {
		store_kb_clear(out, (size_t)n);
		return -1;
	}
	return n;
}

void
store_kb_clear(struct store_kb *k, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(k[i].keywords);
		free(k[i].answer);
		memset(&k[i], 0, sizeof(k[i]));
	}
}
