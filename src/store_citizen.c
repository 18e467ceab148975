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

static int	 citizen_link(struct store *, enum store_stmt,
		    const uint8_t *, int64_t);
static int	 citizen_do(struct store *, enum store_stmt, int64_t,
		    int64_t, int64_t *);
static int	 citizen_heads(struct store *, const uint8_t *, int64_t *,
		    int);
static int	 citizen_after(struct store *,
		    const struct store_citizen_row *, int64_t *);
static int	 citizen_splice(struct store *,
		    const struct store_citizen_row *);

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
	if (st->citmap.on)	/* v24: citizens lags (store_citmap.c) */
		return store_citmap_set(st, set == STMT_CITIZEN_OUT_SET, hash,
		    id);
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

/* Note row id and its number (get: its hash) before it is erased. */
int
store_citizens_note(struct store *st, enum store_stmt get, int64_t id,
    struct store_citizens *c)
{
	struct store_citizen_row	*r;
	sqlite3_stmt			*s;
	int				 rc;

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
			c->v = xreallocarray(c->v, c->cap, sizeof(*c->v));
		}
		r = &c->v[c->n++];
		memcpy(r->h, sqlite3_column_blob(s, 0), CRYPTO_HASH_LEN);
		r->id = id;
		r->out = get == STMT_CITIZEN_OUT_HASH;
	}
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

/* Run statement i on (a, b) (b < 0: a alone); the first column or 0. */
static int
citizen_do(struct store *st, enum store_stmt i, int64_t a, int64_t b,
    int64_t *vp)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (vp != NULL)
		*vp = 0;
	if ((s = store_stmt(st, i)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, a);
	if (b >= 0)
		sqlite3_bind_int64(s, 2, b);
	rc = store_step(st, s, "citizen chain");
	if (rc == SQLITE_ROW && vp != NULL)
		*vp = sqlite3_column_int64(s, i == STMT_CITIZEN_CASE_HASH ||
		    i == STMT_CITIZEN_OUT_HASH ? 1 : 0);
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

/* Read (set 0) or write (set 1) the number's newest case and SMS. */
static int
citizen_heads(struct store *st, const uint8_t *hash, int64_t *v, int set)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, set ? STMT_CITIZEN_HEADS :
	    STMT_CITIZEN_GET)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, CRYPTO_HASH_LEN, SQLITE_STATIC);
	if (set) {
		sqlite3_bind_int64(s, 2, v[0]);
		sqlite3_bind_int64(s, 3, v[1]);
	} else
		v[0] = v[1] = 0;
	rc = store_step(st, s, "citizen");
	if (!set && rc == SQLITE_ROW) {
		v[0] = sqlite3_column_int64(s, 0);
		v[1] = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

/* The row of the number's chain whose prev is id, walked from its head. */
static int
citizen_after(struct store *st, const struct store_citizen_row *r,
    int64_t *nextp)
{
	sqlite3_stmt	*s;
	int		 rc;

	*nextp = 0;
	if ((s = store_stmt(st, r->out ? STMT_CITIZEN_OUT_CHAIN :
	    STMT_CITIZEN_CASE_CHAIN)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, r->h, CRYPTO_HASH_LEN, SQLITE_STATIC);
	while ((rc = store_step(st, s, "citizen chain")) == SQLITE_ROW)
		if (sqlite3_column_int64(s, 1) == r->id) {
			*nextp = sqlite3_column_int64(s, 0);
			break;
		}
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

/*
 * Take erased row r out of its number's chain: the citizens row when it
 * was the newest (one lookup: the common citizen with one case), else the
 * row after it, found among the few rows just after it (an SMS's next is
 * often its case's next SMS) or by walking the chain, takes its prev.
 */
static int
citizen_splice(struct store *st, const struct store_citizen_row *r)
{
	enum store_stmt	 set = r->out ? STMT_CITIZEN_OUT_PREV :
			    STMT_CITIZEN_CASE_PREV;
	int64_t		 prev, next = 0, heads[2];

	if (citizen_do(st, r->out ? STMT_CITIZEN_OUT_HASH :
	    STMT_CITIZEN_CASE_HASH, r->id, -1, &prev) == -1 ||
	    citizen_heads(st, r->h, heads, 0) == -1)
		return -1;
	if (heads[r->out] == r->id) {
		heads[r->out] = prev;
		if (citizen_heads(st, r->h, heads, 1) == -1)
			return -1;
	} else if (citizen_do(st, r->out ? STMT_CITIZEN_OUT_NEXT :
	    STMT_CITIZEN_CASE_NEXT, r->id, -1, &next) == -1 ||
	    (next == 0 && citizen_after(st, r, &next) == -1))
		return -1;
	if ((next != 0 && citizen_do(st, set, next, prev, NULL) == -1) ||
	    (prev != 0 && citizen_do(st, set, r->id, 0, NULL) == -1))
		return -1;
	return 0;
}

/* After an erase: the rows noted leave their chains; 0 or -1. */
int
store_citizens_relink(struct store *st, struct store_citizens *c)
{
	sqlite3_stmt	*s;
	size_t		 i;
	int		 rc;

	/* citizens is the truth of these numbers while they are rewired */
	for (i = 0; i < c->n; i++)
		if (store_citmap_settle(st, c->v[i].h) == -1)
			return -1;
	for (i = 0; i < c->n; i++)
		if (citizen_splice(st, &c->v[i]) == -1)
			return -1;
	/* a number with no row left is forgotten */
	for (i = 0; i < c->n; i++) {
		if ((s = store_stmt(st, STMT_CITIZEN_DROP)) == NULL)
			return -1;
		sqlite3_bind_blob(s, 1, c->v[i].h, CRYPTO_HASH_LEN,
		    SQLITE_STATIC);
		rc = store_step(st, s, "citizen");
		sqlite3_reset(s);
		if (rc == -1)
			return -1;
	}
	return 0;
}

void
store_citizens_free(struct store_citizens *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}
