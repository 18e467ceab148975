/*
 * A number's rows without an index of its own (v23, issue 17).  citizens
 * holds each number's keyed hash once, with its newest case and outbox
 * row; each case and outbox row holds the number's row before it
 * (prev_case, prev_out).  A new row is inserted with its prev and made
 * its number's newest here, in the transaction that wrote it; the
 * statements of store_sql.c (CHAIN_CASES, CHAIN_OUT) walk the chains
 * newest first.  Retention erases rows: they leave their
 * chain here, and a number left with no row leaves citizens, so nothing
 * erased stays tied to the number (store_retention.c).  "Citizens" are
 * every number the store holds cases or SMS of, a unit contact's too.
 */
#include "compat.h"

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crypto.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

/* One row of a chain as retention reads it. */
struct chain_row {
	int64_t		 id, prev;
	int		 kept;		/* its number is still there */
};

static int	 citizen_link(struct store *, enum store_stmt,
		    const uint8_t *, int64_t);
static int	 citizen_relink(struct store *, enum store_stmt,
		    enum store_stmt, const uint8_t *, int64_t *);

/*
 * Row id, just inserted with the number's newest row as its prev
 * (STMT_CITIZEN_CASE_INSERT, _OUT_INSERT), is the number's newest now.
 */
static int
citizen_link(struct store *st, enum store_stmt set, const uint8_t *hash,
    int64_t id)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (st->version < 23)
		return 0;	/* an older schema (bench/fill FILL_VERSION) */
	if ((s = store_stmt(st, set)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, CRYPTO_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, id);
	rc = store_step(st, s, "citizen");
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

int
store_citizen_case(struct store *st, const uint8_t *hash, int64_t id)
{
	return citizen_link(st, STMT_CITIZEN_CASE_SET, hash, id);
}

int
store_citizen_out(struct store *st, const uint8_t *hash, int64_t id)
{
	return citizen_link(st, STMT_CITIZEN_OUT_SET, hash, id);
}

/* Note the number of row id (get: its hash) before it is erased. */
int
store_citizens_note(struct store *st, enum store_stmt get, int64_t id,
    struct store_citizens *c)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (st->version < 23)
		return 0;
	if ((s = store_stmt(st, get)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = store_step(st, s, "citizen");
	if (rc == SQLITE_ROW && sqlite3_column_bytes(s, 0) ==
	    CRYPTO_HASH_LEN) {
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 16;
			c->h = xreallocarray(c->h, c->cap, sizeof(*c->h));
		}
		memcpy(c->h[c->n++], sqlite3_column_blob(s, 0),
		    CRYPTO_HASH_LEN);
	}
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

static int
citizen_cmp(const void *a, const void *b)
{
	return memcmp(a, b, CRYPTO_HASH_LEN);
}

/*
 * Take the erased rows out of the number's chain (walk: its statement):
 * each row left points at the next row left, an erased one at nothing.
 * *headp: the newest row left, 0 if none.
 */
static int
citizen_relink(struct store *st, enum store_stmt walk, enum store_stmt prev,
    const uint8_t *hash, int64_t *headp)
{
	sqlite3_stmt		*s;
	struct chain_row	*r = NULL;
	size_t			 n = 0, cap = 0, i;
	int64_t			 next = 0;
	int			 rc, ret = -1;

	*headp = 0;
	if ((s = store_stmt(st, walk)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, CRYPTO_HASH_LEN, SQLITE_STATIC);
	while ((rc = store_step(st, s, "citizen chain")) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			r = xreallocarray(r, cap, sizeof(*r));
		}
		r[n].id = sqlite3_column_int64(s, 0);
		r[n].prev = sqlite3_column_int64(s, 1);
		r[n++].kept = sqlite3_column_int(s, 2);
	}
	sqlite3_reset(s);
	if (rc == -1)
		goto done;
	/* from the oldest: each row's prev is the next older row kept */
	for (i = n; i-- > 0; ) {
		int64_t	want = r[i].kept ? next : 0;

		if (r[i].prev != want) {
			if ((s = store_stmt(st, prev)) == NULL)
				goto done;
			sqlite3_bind_int64(s, 1, r[i].id);
			sqlite3_bind_int64(s, 2, want);
			rc = store_step(st, s, "citizen chain");
			sqlite3_reset(s);
			if (rc == -1)
				goto done;
		}
		if (r[i].kept)
			next = r[i].id;
	}
	*headp = next;
	ret = 0;
done:
	free(r);
	return ret;
}

/* After an erase: relink the chains of the numbers noted; 0 or -1. */
int
store_citizens_relink(struct store *st, struct store_citizens *c)
{
	sqlite3_stmt	*s;
	int64_t		 last_case, last_out;
	size_t		 i;
	int		 j, rc;

	if (c->n > 1)
		qsort(c->h, c->n, sizeof(*c->h), citizen_cmp);
	for (i = 0; i < c->n; i++) {
		if (i > 0 && memcmp(c->h[i], c->h[i - 1], CRYPTO_HASH_LEN) ==
		    0)
			continue;
		if (citizen_relink(st, STMT_CITIZEN_CASE_CHAIN,
		    STMT_CITIZEN_CASE_PREV, c->h[i], &last_case) == -1 ||
		    citizen_relink(st, STMT_CITIZEN_OUT_CHAIN,
		    STMT_CITIZEN_OUT_PREV, c->h[i], &last_out) == -1)
			return -1;
		for (j = 0; j < 2; j++) {
			if ((s = store_stmt(st, j == 0 ? STMT_CITIZEN_HEADS :
			    STMT_CITIZEN_DROP)) == NULL)
				return -1;
			sqlite3_bind_blob(s, 1, c->h[i], CRYPTO_HASH_LEN,
			    SQLITE_STATIC);
			if (j == 0) {
				sqlite3_bind_int64(s, 2, last_case);
				sqlite3_bind_int64(s, 3, last_out);
			}
			rc = store_step(st, s, "citizen");
			sqlite3_reset(s);
			if (rc == -1)
				return -1;
		}
	}
	return 0;
}

void
store_citizens_free(struct store_citizens *c)
{
	free(c->h);
	memset(c, 0, sizeof(*c));
}
