/*
 * The office classifies (v10): labels and the queue of unclassified cases.
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

/* --- v10: the office classifies (labels, the queue) -------------------- */

int
store_label_add(struct store *st, int64_t case_id, const char *category,
    const char *previous, const char *actor, const char *reason, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (category == NULL || previous == NULL || actor == NULL) {
		log_warnx("store label: missing field (caller's bug)");
		return -1;
	}
	if ((s = store_stmt(st, STMT_LABEL_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_text(s, 2, category, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, previous, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, at);
	rc = store_step(st, s, "label insert");
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

int
store_label_export(struct store *st, int64_t after, struct store_label *out,
    size_t max)
{
	sqlite3_stmt	*s;
	size_t		 n = 0;
	int		 rc;

	if ((s = store_stmt(st, STMT_LABEL_EXPORT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while (n < max && (rc = store_step(st, s, "label export")) ==
	    SQLITE_ROW) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].id = sqlite3_column_int64(s, 0);
		strlcpy(out[n].number, (const char *)sqlite3_column_text(s, 1),
		    sizeof(out[n].number));
		out[n].category = store_colstr(s, 2);
		out[n].previous = store_colstr(s, 3);
		out[n].actor = store_colstr(s, 4);
		out[n].at = sqlite3_column_int64(s, 5);
		out[n].text = store_colstr(s, 6);
		n++;
	}
	sqlite3_reset(s);
	if (n < max && rc == -1) {
		store_label_clear(out, n);
		return -1;
	}
	return (int)n;
}

void
store_label_clear(struct store_label *l, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(l[i].category);
		free(l[i].previous);
		free(l[i].actor);
		free(l[i].text);
		memset(&l[i], 0, sizeof(l[i]));
	}
}

int
store_queue(struct store *st, size_t offset, struct store_case *out,
    size_t max)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, STMT_QUEUE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)max);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)offset);
	return store_case_rows(st, s, "queue", out, max);
}

int
store_queue_stats(struct store *st, int *countp, int64_t *oldestp)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_QUEUE_STATS)) == NULL)
		return -1;
	if ((rc = store_step(st, s, "queue stats")) == SQLITE_ROW) {
		*countp = sqlite3_column_int(s, 0);
		*oldestp = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : -1;
}
