/*
 * Cases, their supplements and case numbers, and refusals.
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

static int	 store_seq_next(struct store *, int, int64_t *);
static int	 store_count(struct store *, enum store_stmt, const char *,
		    int64_t, const char *);

/* --- cases -------------------------------------------------------------- */

int
store_case_add(struct store *st, const struct store_case_new *c,
    int64_t *idp, char number[STORE_CASE_NUMBER_MAX])
{
	sqlite3_stmt	*s;
	struct tm	 tm;
	time_t		 t;
	uint8_t		 hash[CRYPTO_HASH_LEN], blob[CRYPTO_BLOB_MAX];
	size_t		 bloblen;
	int64_t		 seq;
	int		 day, rc;

	if (c->category == NULL || c->text == NULL) {
		log_warnx("store case: no category or text (caller's bug)");
		return -1;
	}
	if (store_encrypt(st, c->msisdn, blob, &bloblen, hash) == -1)
		return -1;
	t = (time_t)(c->received_at / 1000);
	if (localtime_r(&t, &tm) == NULL) {
		log_warnx("store case: bad received_at %lld",
		    (long long)c->received_at);
		return -1;
	}
	day = (tm.tm_year % 100) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;

	if (store_seq_next(st, day, &seq) == -1)
		return -1;
	/* %04lld: 0001..9999, then 10000.. (see store.h) */
	if (snprintf(number, STORE_CASE_NUMBER_MAX, "%s%06d%04lld",
	    st->prefix, day, (long long)seq) >= STORE_CASE_NUMBER_MAX) {
		log_warnx("store case number of %06d too long", day);
		return -1;
	}
	if (seq > 9999 && seq % 1000 == 0)
		log_warnx("store case numbers of %06d beyond 9999: %lld",
		    day, (long long)seq);

	/* v23: chained to the number's case before it (store_citizen.c) */
	if ((s = store_stmt(st, st->version >= 23 ? STMT_CITIZEN_CASE_INSERT :
	    STMT_CASE_INSERT)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, c->category, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, c->confidential ? 1 : 0);
	sqlite3_bind_blob(s, 4, blob, (int)bloblen, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_text(s, 6, c->text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, c->received_at);
	sqlite3_bind_text(s, 8, c->due, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, c->rule, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 10, c->flags);
	sqlite3_bind_int64(s, 11, c->inbound);
	rc = store_step(st, s, "case insert");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	*idp = sqlite3_last_insert_rowid(st->db);
	if (store_citizen_case(st, hash, *idp) == -1)
		return -1;
	return store_cases_done(st);
}

/* The next case number of day (YYMMDD) in the open batch; 0 or -1. */
static int
store_seq_next(struct store *st, int day, int64_t *seqp)
{
	sqlite3_stmt	*s;
	int64_t		 last;
	int		 rc;

	if (!st->seq.known || st->seq.day != day || !st->txn) {
		if (store_seq_flush(st) == -1 ||
		    (s = store_stmt(st, STMT_SEQ_GET)) == NULL)
			return -1;
		sqlite3_bind_int(s, 1, day);
		rc = store_step(st, s, "case sequence");
		last = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
		sqlite3_reset(s);
		if (rc == -1) {
			st->seq.known = 0;
			return -1;
		}
		st->seq.last = last;
		st->seq.day = day;
		st->seq.known = 1;
	}
	*seqp = ++st->seq.last;
	st->seq.dirty = 1;
	if (st->txn)
		return 0;
	/* outside a transaction (tools, tests): written at once */
	rc = store_seq_flush(st);
	st->seq.known = 0;
	return rc;
}

/* Write the open batch's last case number, if it took one. */
int
store_seq_flush(struct store *st)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (!st->seq.dirty)
		return 0;
	if ((s = store_stmt(st, STMT_SEQ_SET)) == NULL)
		return -1;
	sqlite3_bind_int(s, 1, st->seq.day);
	sqlite3_bind_int64(s, 2, st->seq.last);
	rc = store_step(st, s, "case sequence");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	st->seq.dirty = 0;
	return 0;
}

void
store_case_row(sqlite3_stmt *s, struct store_case *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(s, 0);
	strlcpy(c->number, (const char *)sqlite3_column_text(s, 1),
	    sizeof(c->number));
	c->category = store_colstr(s, 2);
	c->state = store_colstr(s, 3);
	c->confidential = sqlite3_column_int(s, 4);
	c->text = store_colstr(s, 5);
	c->received_at = sqlite3_column_int64(s, 6);
	c->due = store_colstr(s, 7);
	c->rule = store_colstr(s, 8);
	c->flags = sqlite3_column_int(s, 9);
	c->result = store_colstr(s, 10);
	c->closed_at = sqlite3_column_int64(s, 11);
	c->nsupplements = sqlite3_column_int(s, 12);
	c->unit = store_colstr(s, 13);
	c->dispatched_at = sqlite3_column_int64(s, 14);
	c->due_original = store_colstr(s, 15);
	c->extensions = sqlite3_column_int(s, 16);
	c->late_returns = sqlite3_column_int(s, 17);
	c->supervised = sqlite3_column_int(s, 18);
	c->supervision = store_colstr(s, 19);
	c->rehandled = sqlite3_column_int(s, 20);
	c->result_cut = sqlite3_column_int(s, 21);
	c->updated_at = sqlite3_column_int64(s, 22);
	c->survey_score = sqlite3_column_int(s, 23);
	c->survey_state = store_colstr(s, 24);
}

int
store_case_find(struct store *st, const char *number, const char *msisdn,
    struct store_case *c)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN];
	int		 rc;

	memset(c, 0, sizeof(*c));
	if (msisdn != NULL && store_hash(st, msisdn, hash) == -1)
		return -1;
	if ((s = store_stmt(st, STMT_CASE_BY_NUMBER)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
	if (msisdn != NULL)
		sqlite3_bind_blob(s, 2, hash, sizeof(hash), SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 2);
	if ((rc = store_step(st, s, "case find")) == SQLITE_ROW)
		store_case_row(s, c);
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

int
store_case_get(struct store *st, int64_t id, struct store_case *c)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(c, 0, sizeof(*c));
	if ((s = store_stmt(st, STMT_CASE_BY_ID)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s, "case get")) == SQLITE_ROW)
		store_case_row(s, c);
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

int
store_case_list_open(struct store *st, const char *msisdn,
    struct store_case *out, size_t max)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN];

	if (store_hash(st, msisdn, hash) == -1)
		return -1;
	if ((s = store_stmt(st, STMT_CASE_OPEN)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	return store_case_rows(st, s, "case list", out, max);
}

void
store_case_clear(struct store_case *c)
{
	free(c->category);
	free(c->state);
	free(c->text);
	free(c->due);
	free(c->rule);
	free(c->result);
	free(c->unit);
	free(c->due_original);
	free(c->supervision);
	free(c->survey_state);
	memset(c, 0, sizeof(*c));
}

int
store_case_supplement(struct store *st, int64_t case_id, int64_t inbound,
    const char *text, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_SUPPLEMENT_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, inbound);
	sqlite3_bind_text(s, 3, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, at);
	rc = store_step(st, s, "case supplement");
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

/* COUNT(*) of a (hash, since) statement. */
static int
store_count(struct store *st, enum store_stmt i, const char *msisdn,
    int64_t since, const char *what)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN];
	int		 rc, n;

	if (store_hash(st, msisdn, hash) == -1)
		return -1;
	if ((s = store_stmt(st, i)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, since);
	rc = store_step(st, s, what);
	n = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
	sqlite3_reset(s);
	return n;
}

int
store_count_cases(struct store *st, const char *msisdn, int64_t since)
{
	return store_count(st, STMT_CASE_COUNT, msisdn, since, "case count");
}

int
store_count_replies(struct store *st, const char *msisdn, int64_t since)
{
	return store_count(st, STMT_OUT_COUNT, msisdn, since, "reply count");
}

int
store_count_limited(struct store *st, const char *msisdn, int64_t since)
{
	return store_count(st, STMT_OUT_COUNT_LIMIT, msisdn, since,
	    "limit notice count");
}

/* --- refusals ----------------------------------------------------------- */

int
store_refusal_add(struct store *st, const struct store_refusal *r,
    int64_t *idp)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN], blob[CRYPTO_BLOB_MAX];
	size_t		 bloblen;
	int		 rc;

	if (r->reason == NULL || r->text == NULL) {
		log_warnx("store refusal: no reason or text (caller's bug)");
		return -1;
	}
	if (store_encrypt(st, r->msisdn, blob, &bloblen, hash) == -1)
		return -1;
	if ((s = store_stmt(st, STMT_REFUSAL_INSERT)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, blob, (int)bloblen, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, r->inbound);
	sqlite3_bind_text(s, 4, r->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, r->rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, r->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, r->text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, r->at);
	rc = store_step(st, s, "refusal insert");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (idp != NULL)
		*idp = sqlite3_last_insert_rowid(st->db);
	return 0;
}
