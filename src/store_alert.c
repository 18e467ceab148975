/*
 * Alerts of the safety screen (v9).
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

/* --- alerts of the safety screen (v9) ----------------------------------- */

int
store_alert_add(struct store *st, const struct store_alert_new *a,
    int64_t *idp)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN], blob[CRYPTO_BLOB_MAX];
	size_t		 bloblen;
	int		 rc;

	if (a->verdict == NULL || a->channel == NULL || a->mask == NULL) {
		log_warnx("store alert: no verdict, channel or mask (caller's "
		    "bug)");
		return -1;
	}
	if (store_encrypt(st, a->msisdn, blob, &bloblen, hash) == -1)
		return -1;
	if ((s = store_stmt(st, STMT_ALERT_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, a->at);
	sqlite3_bind_text(s, 2, a->verdict, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, a->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, a->word, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, blob, (int)bloblen, SQLITE_STATIC);
	sqlite3_bind_blob(s, 6, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_text(s, 7, a->mask, -1, SQLITE_STATIC);
	if (a->inbound > 0)
		sqlite3_bind_int64(s, 8, a->inbound);
	if (a->case_id > 0)
		sqlite3_bind_int64(s, 9, a->case_id);
	if (a->refusal_id > 0)
		sqlite3_bind_int64(s, 10, a->refusal_id);
	rc = store_step(st, s, "alert insert");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (idp != NULL)
		*idp = sqlite3_last_insert_rowid(st->db);
	return 0;
}

static void
store_alert_str(sqlite3_stmt *s, int col, char *buf, size_t len)
{
	const unsigned char	*t = sqlite3_column_text(s, col);

	strlcpy(buf, t != NULL ? (const char *)t : "", len);
}

static void
store_alert_row(sqlite3_stmt *s, struct store_alert *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(s, 0);
	a->at = sqlite3_column_int64(s, 1);
	store_alert_str(s, 2, a->verdict, sizeof(a->verdict));
	store_alert_str(s, 3, a->channel, sizeof(a->channel));
	store_alert_str(s, 4, a->word, sizeof(a->word));
	store_alert_str(s, 5, a->mask, sizeof(a->mask));
	a->inbound = sqlite3_column_int64(s, 6);
	store_alert_str(s, 7, a->case_number, sizeof(a->case_number));
	a->refusal_id = sqlite3_column_int64(s, 8);
	a->logged_at = sqlite3_column_int64(s, 9);
	a->logs = sqlite3_column_int(s, 10);
	a->acked_at = sqlite3_column_int64(s, 11);
	store_alert_str(s, 12, a->acked_by, sizeof(a->acked_by));
	a->note = store_colstr(s, 13);
	a->text = store_colstr(s, 14);
}

int
store_alert_get(struct store *st, int64_t id, struct store_alert *a)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(a, 0, sizeof(*a));
	if ((s = store_stmt(st, STMT_ALERT_GET)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s, "alert get")) == SQLITE_ROW)
		store_alert_row(s, a);
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

int
store_alert_list(struct store *st, int open_only, struct store_alert *out,
    size_t max, size_t offset)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_stmt(st, STMT_ALERT_LIST)) == NULL)
		return -1;
	sqlite3_bind_int(s, 1, open_only != 0);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)offset);
	while ((rc = store_step(st, s, "alert list")) == SQLITE_ROW)
		store_alert_row(s, &out[n++]);
	sqlite3_reset(s);
	if (rc == -1) {
		while (n > 0)
			store_alert_clear(&out[--n]);
		return -1;
	}
	return n;
}

int
store_alert_ack(struct store *st, int64_t id, const char *by,
    const char *note, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (by == NULL || note == NULL ||
	    (s = store_stmt(st, STMT_ALERT_ACK)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, at);
	sqlite3_bind_text(s, 3, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, note, -1, SQLITE_STATIC);
	rc = store_step(st, s, "alert ack");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	return sqlite3_changes(st->db) > 0;
}

int
store_alert_due(struct store *st, int64_t before, int64_t *ids, size_t max)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_stmt(st, STMT_ALERT_DUE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, before);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while ((rc = store_step(st, s, "alert due")) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == -1 ? -1 : n;
}

int
store_alert_relogged(struct store *st, int64_t id, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_ALERT_RELOGGED)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, at);
	rc = store_step(st, s, "alert relogged");
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

int
store_alert_open(struct store *st)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_stmt(st, STMT_ALERT_OPEN)) == NULL)
		return -1;
	if ((rc = store_step(st, s, "alert open")) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return rc == -1 ? -1 : n;
}

int
store_alert_msisdn(struct store *st, int64_t id, char *out, size_t len)
{
	sqlite3_stmt	*s;
	int		 rc, v = 0;

	strlcpy(out, "", len);
	if ((s = store_stmt(st, STMT_ALERT_MSISDN)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s, "alert msisdn")) == SQLITE_ROW)
		v = store_decrypt(st, s, 0, out, len) == 0 ? 1 : -1;
	sqlite3_reset(s);
	return rc == -1 ? -1 : v;
}

void
store_alert_clear(struct store_alert *a)
{
	if (a == NULL)
		return;
	free(a->note);
	free(a->text);
	a->note = a->text = NULL;
}
