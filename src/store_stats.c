/*
 * The office's statistics and publication (v16): one reader for every
 * aggregate and list query of stats.c; the SQL is in store_sql.c.
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"

int
store_stats(struct store *st, enum store_stats_query q, int64_t from,
    int64_t to, const char *today, int64_t limit,
    int (*fn)(void *, int, const char *const *), void *arg)
{
	sqlite3_stmt	*s;
	const char	*col[STORE_STATS_COLS];
	int		 rc, i, n;

	if ((int)q < 0 || q > STORE_STATS_FLAGGED || today == NULL)
		return -1;
	if ((s = store_stmt(st, STMT_STATS_TOTAL + (int)q)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	sqlite3_bind_text(s, 3, today, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, limit);
	while ((rc = store_step(st, s, "stats")) == SQLITE_ROW) {
		n = sqlite3_column_count(s);
		if (n > STORE_STATS_COLS)
			n = STORE_STATS_COLS;
		for (i = 0; i < n; i++) {
			col[i] = (const char *)sqlite3_column_text(s, i);
			if (col[i] == NULL)
				col[i] = "";
		}
		if (fn(arg, n, col) == -1) {
			rc = -1;
			break;
		}
	}
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}
