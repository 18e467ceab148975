/*
 * Case rows on the audit chain (v8): one digest event per batch.
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

static int	 store_case_digest(struct store *, int64_t,
		    uint8_t[CRYPTO_HASH_LEN]);

/* --- case rows on the audit chain (v8) ---------------------------------- */

/*
 * A case changes many times (state, unit, due date, result, survey), so a
 * "cases" event holds a MAC per row, not one over the batch: verification
 * compares each row with the last event that named it, and an earlier
 * event's rows need not stay as they were.  The rows come from SQLite's
 * update hook, so no write to cases or case_units is missed, whichever
 * statement made it; the digest reads them back just before COMMIT.
 */

static void
store_cases_push(int64_t **v, size_t *n, size_t *sz, int64_t id)
{
	if (*n == *sz) {
		*sz = *sz ? *sz * 2 : 64;
		*v = xreallocarray(*v, *sz, sizeof(**v));
	}
	(*v)[(*n)++] = id;
}

/* sqlite3_update_hook(): note the rows of cases and case_units written. */
void
store_update_hook(void *arg, int op, const char *db, const char *table,
    sqlite3_int64 rowid)
{
	struct store		*st = arg;
	struct store_cases	*c = &st->cases;

	(void)op;
	(void)db;
	if (table[0] != 'c')
		return;
	if (strcmp(table, "cases") == 0)
		store_cases_push(&c->ids, &c->n, &c->sz, rowid);
	else if (strcmp(table, "case_units") == 0)
		store_cases_push(&c->units, &c->nunits, &c->unitssz, rowid);
}

/* Forget the rows noted since n ids and nunits assignments. */
void
store_cases_undo(struct store *st, size_t n, size_t nunits)
{
	if (st->cases.n > n)
		st->cases.n = n;
	if (st->cases.nunits > nunits)
		st->cases.nunits = nunits;
}

/*
 * The MAC of case id as it is now: HMAC("case-row", its covered columns,
 * then its assignment rows).  1, 0 when there is no such row, -1.
 */
static int
store_case_digest(struct store *st, int64_t id, uint8_t mac[CRYPTO_HASH_LEN])
{
	struct store_buf	 b;
	sqlite3_stmt		*s;
	int			 rc, found = 0, ret = -1;

	memset(&b, 0, sizeof(b));
	store_buf_add(&b, "", 0);
	if ((s = store_stmt(st, STMT_CASE_DIGEST)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s, "audit cases")) == SQLITE_ROW) {
		store_buf_row(&b, s);
		found = 1;
	}
	sqlite3_reset(s);
	if (rc == -1)
		goto done;
	if (!found) {
		ret = 0;
		goto done;
	}
	if ((s = store_stmt(st, STMT_CASE_DIGEST_UNITS)) == NULL)
		goto done;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = store_step(st, s, "audit cases")) == SQLITE_ROW)
		store_buf_row(&b, s);
	sqlite3_reset(s);
	if (rc != -1 && crypto_hmac(st->crypto, "case-row", b.p, b.len, NULL,
	    0, mac) == 0)
		ret = 1;
done:
	free(b.p);
	return ret;
}

/*
 * Digest the case rows the batch wrote into one "cases" event, detail
 * "ID:MAC ID:MAC ..." (MAC: the first STORE_CASE_MAC_LEN bytes of the
 * row's digest, in hex).  Just before COMMIT; the list is emptied by
 * store_txn_commit() once the COMMIT holds.  0 or -1.
 */
int
store_cases_seal(struct store *st)
{
	struct store_cases	*c = &st->cases;
	struct store_buf	 b;
	sqlite3_stmt		*s;
	uint8_t			 mac[CRYPTO_HASH_LEN];
	int64_t			*ids = NULL;
	size_t			 i, j, n = 0, sz = 0;
	char			 tok[40];
	int			 rc = 0, r, rv = -1;

	if (st->version < 8 || (c->n == 0 && c->nunits == 0) || c->sealing)
		return 0;
	c->sealing = 1;
	memset(&b, 0, sizeof(b));
	store_buf_add(&b, "", 0);
	for (i = 0; i < c->n; i++)
		store_cases_push(&ids, &n, &sz, c->ids[i]);
	/* an assignment row names its case */
	for (i = 0; i < c->nunits; i++) {
		if ((s = store_stmt(st, STMT_CASE_OF_UNIT)) == NULL)
			goto done;
		sqlite3_bind_int64(s, 1, c->units[i]);
		if ((rc = store_step(st, s, "audit cases")) == SQLITE_ROW)
			store_cases_push(&ids, &n, &sz,
			    sqlite3_column_int64(s, 0));
		sqlite3_reset(s);
		if (rc == -1)
			goto done;
	}
	if (n > 1)
		qsort(ids, n, sizeof(*ids), store_cmp64);
	for (i = 0; i < n; i++) {
		if (i > 0 && ids[i] == ids[i - 1])
			continue;
		/* 0: an insert its statement undid (a failed constraint) */
		if ((r = store_case_digest(st, ids[i], mac)) == -1)
			goto done;
		if (r == 0)
			continue;
		rc = snprintf(tok, sizeof(tok), "%s%lld:", b.len ? " " : "",
		    (long long)ids[i]);
		store_buf_add(&b, tok, (size_t)rc);
		for (j = 0; j < STORE_CASE_MAC_LEN; j++) {
			snprintf(tok, sizeof(tok), "%02x", mac[j]);
			store_buf_add(&b, tok, 2);
		}
	}
	rv = b.len == 0 ? 0 : store_audit(st, 0, "store", "cases",
	    (const char *)b.p, (int64_t)clock_now_ms());
done:
	c->sealing = 0;
	free(ids);
	free(b.p);
	return rv;
}

/*
 * Case rows written outside a batch (tools, tests) get their event at
 * once, in a transaction of their own.  0 or -1.
 */
int
store_cases_done(struct store *st)
{
	if (st->version < 8 || st->txn || st->cases.sealing ||
	    (st->cases.n == 0 && st->cases.nunits == 0))
		return 0;
	if (store_txn_begin(st) == -1)
		return -1;
	return store_txn_commit(st);	/* which seals them */
}

/* Case coverage (v8): "cases>=N"; the second id read is always 0. */
int
store_cases_cover(struct store *st)
{
	return store_cover(st, STMT_CASES_COVER_GET, STMT_CASES_COVER_SET,
	    "cases.covered", "cases>=%lld");
}

static int
store_hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Take in one "cases" or "cases.covered" event: 0, or 1 malformed. */
int
store_cases_check_event(struct store_cases_check *k, int64_t ev,
    const char *actor, const char *action, const char *detail)
{
	struct store_case_mac	*r;
	const char		*p;
	char			*ep;
	long long		 id;
	size_t			 i, want;
	int			 hi, lo;

	if (actor == NULL || action == NULL || strcmp(actor, "store") != 0)
		return 0;
	if (strcmp(action, "cases.covered") == 0) {
		if (k->covered || detail == NULL || sscanf(detail,
		    "cases>=%lld", &id) != 1 || id < 1)
			return 1;
		k->covered = 1;
		k->first = id;
		return 0;
	}
	if (strcmp(action, "cases") != 0)
		return 0;
	if (!k->covered || detail == NULL || *detail == '\0')
		return 1;
	for (p = detail; *p != '\0'; ) {
		id = strtoll(p, &ep, 10);
		if (ep == p || *ep != ':' || id < 1 || id >= STORE_CASE_ID_MAX)
			return 1;
		p = ep + 1;
		if ((size_t)id >= k->nrows) {
			for (want = k->nrows ? k->nrows : 1024;
			    want <= (size_t)id; want *= 2)
				;
			k->rows = xreallocarray(k->rows, want,
			    sizeof(*k->rows));
			memset(k->rows + k->nrows, 0,
			    (want - k->nrows) * sizeof(*k->rows));
			k->nrows = want;
		}
		r = &k->rows[id];
		r->ev = ev;
		for (i = 0; i < STORE_CASE_MAC_LEN; i++, p += 2) {
			if ((hi = store_hexval(p[0])) == -1 ||
			    (lo = store_hexval(p[1])) == -1)
				return 1;
			r->mac[i] = (uint8_t)(hi << 4 | lo);
		}
		if (*p == ' ')
			p++;
		else if (*p != '\0')
			return 1;
	}
	return 0;
}

/*
 * After the chain: every case row named by an event must still be as the
 * last such event says, and every row from the first covered id on must
 * be named.  0, or 1 with *badp (the earliest event whose row was edited,
 * swapped or deleted; else one past the last event), -1 on error.
 */
int
store_cases_check_end(struct store *st, struct store_cases_check *k,
    int64_t last, int64_t *badp)
{
	sqlite3_stmt	*s;
	uint8_t		 mac[CRYPTO_HASH_LEN];
	int64_t		 bad = 0, badrow = 0, id;
	size_t		 i;
	int		 r, rc;

	if (!k->covered) {
		log_warnx("store audit broken: case coverage not chained");
		*badp = last + 1;
		return 1;
	}
	for (i = 1; i < k->nrows; i++) {
		if (k->rows[i].ev == 0 || (bad != 0 && k->rows[i].ev >= bad))
			continue;
		if ((r = store_case_digest(st, (int64_t)i, mac)) == -1)
			return -1;
		if (r == 0 || memcmp(mac, k->rows[i].mac,
		    STORE_CASE_MAC_LEN) != 0) {
			bad = k->rows[i].ev;
			badrow = (int64_t)i;
		}
	}
	if (bad != 0) {
		log_warnx("store audit broken event=%lld table=cases row=%lld "
		    "reason=case-row-changed-or-deleted", (long long)bad,
		    (long long)badrow);
		*badp = bad;
		return 1;
	}
	if ((s = store_stmt(st, STMT_CASE_IDS)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, k->first);
	while ((rc = store_step(st, s, "audit cases")) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		if (id >= 0 && (size_t)id < k->nrows && k->rows[id].ev != 0)
			continue;
		log_warnx("store audit broken event=%lld table=cases row=%lld "
		    "reason=not-chained", (long long)last + 1, (long long)id);
		*badp = last + 1;
		sqlite3_reset(s);
		return 1;
	}
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}
