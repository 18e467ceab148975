/*
 * The citizens map (v24, issue 17): each number's newest case and SMS
 * since citizens' high-water mark, kept in memory, so that a citizen's
 * MO no longer writes a random leaf of citizens.
 *
 * citizens is derived data: a number's newest case is the highest case
 * id with its keyed hash, and so for SMS (chains run in id order, rowids
 * only grow, and retention erases hashes, never rows).  So citizens may
 * lag behind the rows.  citizens_mark holds the highest case and outbox
 * id it covers.  What holds: a number that is in neither map (or only
 * settled in the frozen one) has its true heads in citizens, and the
 * rows above the mark give the map the same heads again at open, one
 * sequential read of the tables' ends.  A number gets into the map with
 * its first row above the mark; retention settles it out (below).  The
 * map's lookup comes first: the SQL function citizen_head() that the
 * chain statements call.
 *
 * The map is written into citizens in passes: once it holds
 * CITMAP_FREEZE numbers (or its oldest is CITMAP_AGE_MS old), it is
 * frozen and a new one takes the changes; each commit then writes the
 * next few frozen numbers, two for each change the commit made, into
 * the same transaction, in about key order (slot order: a slot is the
 * hash's leading bits, and the hashes are uniform; only probing moves an
 * entry a little).  In key order a pass of N numbers over citizens' L
 * leaves writes L * (1 - e^(-N/L)) of them: ~0.25 of a leaf a number
 * with 5 M cases against one each before.  The pass's last commit moves
 * the mark to the highest ids of the moment it was frozen (every row up
 * to them had its number in the frozen map), and the frozen map is
 * dropped.  A pass's writes and the mark never go back: another process
 * that wrote rows (hotlined writes alone; a tool might not) has them
 * taken into the map at the next begin, and what it wrote into
 * citizens is kept where newer.
 *
 * A number's heads are read from the map first, then the frozen map,
 * then citizens; a field of 0 means "not here, look further".  The map
 * changes inside the transaction that wrote the row: each change is
 * logged and undone with the unit's savepoint or the transaction.
 * Retention rewires chains in citizens itself (store_citizen.c): it
 * settles a number first, writing its heads into citizens and taking it
 * out of both maps.
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

/*
 * A pass over 240,000 numbers writes ~0.25 of a leaf each into a 5 M
 * case database's citizens (62,000 leaves), against one each for a
 * write per MO; the map holds 48 bytes a number (13 MiB at most, and
 * the frozen one while the next fills).
 */
#define CITMAP_FREEZE	240000
#define CITMAP_AGE_MS	(INT64_C(10) * 60 * 1000)
/*
 * Numbers a commit writes while a pass runs: 16, and 2 for each change
 * the batch made (an MO makes two: its case and its acknowledgement), so
 * a pass outruns the map that fills behind it four times over, and a
 * paced MO's commit carries a few leaves more, not hundreds.
 */
#define CITMAP_SLICE	16
#define CITMAP_SLICE_PER 2
#define CITMAP_BITS0	10	/* 1,024 slots to start */

static int	 tab_home(const struct citmap_tab *, const uint8_t *,
		    size_t *);
static struct citmap_ent *tab_find(struct citmap_tab *, const uint8_t *,
		    size_t *);
static int	 tab_grow(struct citmap_tab *);
static struct citmap_ent *tab_add(struct citmap_tab *, const uint8_t *);
static void	 tab_del(struct citmap_tab *, const uint8_t *);
static void	 tab_free(struct citmap_tab *);
static void	 citmap_log(struct store *, int, const uint8_t *,
		    const struct citmap_ent *);
static int	 citmap_put(struct store *, const uint8_t *,
		    const int64_t *);
static int	 citmap_look(struct store *, const uint8_t *, int,
		    int64_t *);
static void	 citmap_undo(struct store *, size_t);
static void	 citmap_sqlfn(sqlite3_context *, int, sqlite3_value **);
static int	 citmap_rebuild(struct store *, enum store_stmt, int,
		    int64_t);
static int	 citmap_max(struct store *, int64_t *);

/* --- the table: slots in key order, entries packed -------------------- */

/* The slot a hash starts at: its leading bits, so slots run in key order. */
static int
tab_home(const struct citmap_tab *t, const uint8_t *h, size_t *ip)
{
	uint64_t	k = 0;
	int		i;

	if (t->nslot == 0)
		return -1;
	for (i = 0; i < 8; i++)
		k = k << 8 | h[i];
	*ip = (size_t)(k >> (64 - t->bits));
	return 0;
}

/* The entry of h (and its slot), or NULL (and the empty slot it would take). */
static struct citmap_ent *
tab_find(struct citmap_tab *t, const uint8_t *h, size_t *slotp)
{
	struct citmap_ent	*e;
	size_t			 i;

	if (slotp != NULL)
		*slotp = 0;
	if (tab_home(t, h, &i) == -1)
		return NULL;
	for (;; i = (i + 1) & (t->nslot - 1)) {
		if (t->slot[i] == 0)
			break;
		e = &t->e[t->slot[i] - 1];
		if (memcmp(e->h, h, CRYPTO_HASH_LEN) == 0) {
			if (slotp != NULL)
				*slotp = i;
			return e;
		}
	}
	if (slotp != NULL)
		*slotp = i;
	return NULL;
}

/* Twice the slots (at most half full), the entries where they were. */
static int
tab_grow(struct citmap_tab *t)
{
	size_t		 i, j = 0;

	free(t->slot);
	t->bits = t->bits ? t->bits + 1 : CITMAP_BITS0;
	t->nslot = (size_t)1 << t->bits;
	t->slot = xcalloc(t->nslot, sizeof(*t->slot));
	for (i = 0; i < t->n; i++) {
		tab_home(t, t->e[i].h, &j);
		while (t->slot[j] != 0)
			j = (j + 1) & (t->nslot - 1);
		t->slot[j] = (uint32_t)(i + 1);
	}
	return 0;
}

static struct citmap_ent *
tab_add(struct citmap_tab *t, const uint8_t *h)
{
	struct citmap_ent	*e;
	size_t			 i = 0;

	if ((e = tab_find(t, h, NULL)) != NULL)
		return e;
	if ((t->n + 1) * 2 > t->nslot)
		tab_grow(t);
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : (size_t)1 << CITMAP_BITS0;
		t->e = xreallocarray(t->e, t->cap, sizeof(*t->e));
	}
	tab_find(t, h, &i);
	e = &t->e[t->n++];
	memcpy(e->h, h, CRYPTO_HASH_LEN);
	e->v[0] = e->v[1] = 0;
	t->slot[i] = (uint32_t)t->n;
	return e;
}

/*
 * Take h out: its slot empties and the entries after it that may sit
 * there move back (linear probing's deletion, no tombstones); the last
 * entry moves into its place in the packed array.
 */
static void
tab_del(struct citmap_tab *t, const uint8_t *h)
{
	size_t			 i, j, k, mask = t->nslot - 1, last;
	uint32_t		 idx;

	if (tab_find(t, h, &i) == NULL)
		return;
	idx = t->slot[i];
	t->slot[i] = 0;
	for (j = (i + 1) & mask; t->slot[j] != 0; j = (j + 1) & mask) {
		tab_home(t, t->e[t->slot[j] - 1].h, &k);
		/* stays when its home is cyclically in (i, j] */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		t->slot[i] = t->slot[j];
		t->slot[j] = 0;
		i = j;
	}
	last = t->n - 1;
	if (idx - 1 != last) {
		tab_find(t, t->e[last].h, &k);
		t->e[idx - 1] = t->e[last];
		t->slot[k] = idx;
	}
	t->n--;
}

static void
tab_free(struct citmap_tab *t)
{
	free(t->e);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/* --- changes and their undo ------------------------------------------- */

/* Note h's entry in table tab (NULL: none) before a change in the txn. */
static void
citmap_log(struct store *st, int tab, const uint8_t *h,
    const struct citmap_ent *e)
{
	struct store_citmap	*m = &st->citmap;
	struct citmap_undo	*u;

	if (!st->txn)
		return;		/* outside a transaction: at once durable */
	if (m->nu == m->ucap) {
		m->ucap = m->ucap ? m->ucap * 2 : 64;
		m->u = xreallocarray(m->u, m->ucap, sizeof(*m->u));
	}
	u = &m->u[m->nu++];
	memcpy(u->h, h, CRYPTO_HASH_LEN);
	u->tab = tab;
	u->had = e != NULL;
	u->v[0] = e != NULL ? e->v[0] : 0;
	u->v[1] = e != NULL ? e->v[1] : 0;
}

/* Undo the changes logged after the to-th, newest first. */
static void
citmap_undo(struct store *st, size_t to)
{
	struct store_citmap	*m = &st->citmap;
	struct citmap_tab	*t;
	struct citmap_ent	*e;
	struct citmap_undo	*u;

	while (m->nu > to) {
		u = &m->u[--m->nu];
		t = u->tab ? &m->frz : &m->act;
		if (!u->had) {
			tab_del(t, u->h);
			continue;
		}
		if ((e = tab_add(t, u->h)) != NULL) {
			if (u->tab && e->v[0] < 0 && u->v[0] >= 0)
				m->settled--;	/* in the pass again */
			e->v[0] = u->v[0];
			e->v[1] = u->v[1];
		}
	}
}

/* Where a unit begins: its undo goes back to here (store_unit_end()). */
void
store_citmap_unit(struct store *st)
{
	struct store_citmap	*m = &st->citmap;

	m->unit_mark = m->nu;
	m->known_unit[0] = m->known[0];
	m->known_unit[1] = m->known[1];
}

/* The unit is undone: its changes, and the ids it took are free again. */
void
store_citmap_unit_undo(struct store *st)
{
	struct store_citmap	*m = &st->citmap;

	citmap_undo(st, m->unit_mark);
	m->known[0] = m->known_unit[0];
	m->known[1] = m->known_unit[1];
}

/* Row id (kind 0 a case, 1 an SMS) is number h's newest now. */
int
store_citmap_set(struct store *st, int kind, const uint8_t *h, int64_t id)
{
	struct store_citmap	*m = &st->citmap;
	struct citmap_ent	*e;

	citmap_log(st, 0, h, tab_find(&m->act, h, NULL));
	e = tab_add(&m->act, h);
	e->v[kind] = id;
	m->changed++;
	if (id > m->known[kind])
		m->known[kind] = id;
	return 0;
}

/* --- lookups ---------------------------------------------------------- */

/* citizens' own row for h: its newest case and SMS, 0 for none. */
static int
citmap_look(struct store *st, const uint8_t *h, int kind, int64_t *vp)
{
	sqlite3_stmt	*s;
	int		 rc;

	*vp = 0;
	if ((s = store_stmt(st, STMT_CITIZEN_LOOK)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, h, CRYPTO_HASH_LEN, SQLITE_STATIC);
	rc = store_step(st, s, "citizen");
	if (rc == SQLITE_ROW)
		*vp = sqlite3_column_int64(s, kind);
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

/* Number h's newest row of kind (0 a case, 1 an SMS), 0 for none. */
int
store_citmap_head(struct store *st, const uint8_t *h, int kind,
    int64_t *vp)
{
	struct store_citmap	*m = &st->citmap;
	struct citmap_ent	*e;

	if ((e = tab_find(&m->act, h, NULL)) != NULL && e->v[kind] > 0) {
		*vp = e->v[kind];
		return 0;
	}
	if (m->frozen && (e = tab_find(&m->frz, h, NULL)) != NULL &&
	    e->v[kind] > 0) {
		*vp = e->v[kind];
		return 0;
	}
	return citmap_look(st, h, kind, vp);
}

/* SQL citizen_head(hash, kind): the chain statements' first row. */
static void
citmap_sqlfn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct store	*st = sqlite3_user_data(ctx);
	int64_t		 v;
	int		 kind;

	(void)argc;
	kind = sqlite3_value_int(argv[1]);
	if (sqlite3_value_type(argv[0]) != SQLITE_BLOB ||
	    sqlite3_value_bytes(argv[0]) != CRYPTO_HASH_LEN ||
	    (kind != 0 && kind != 1)) {
		sqlite3_result_null(ctx);
		return;
	}
	if (store_citmap_head(st, sqlite3_value_blob(argv[0]), kind,
	    &v) == -1) {
		sqlite3_result_error(ctx, "citizens lookup failed", -1);
		return;
	}
	if (v > 0)
		sqlite3_result_int64(ctx, v);
	else
		sqlite3_result_null(ctx);
}

/* --- citizens written in passes -------------------------------------- */

/* Write h's heads into citizens; a 0 keeps what citizens holds. */
static int
citmap_put(struct store *st, const uint8_t *h, const int64_t *v)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_CITIZEN_PUT)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, h, CRYPTO_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, v[0]);
	sqlite3_bind_int64(s, 3, v[1]);
	rc = store_step(st, s, "citizen");
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

/*
 * Retention is about to rewire h's chains in citizens: its heads go
 * there now and it leaves both maps (citizens is then its truth, and the
 * rows above the mark rebuild the same heads at the next open).
 */
int
store_citmap_settle(struct store *st, const uint8_t *h)
{
	struct store_citmap	*m = &st->citmap;
	struct citmap_ent	*a, *f = NULL;
	int64_t			 v[2];

	if (!m->on)
		return 0;
	a = tab_find(&m->act, h, NULL);
	if (m->frozen && (f = tab_find(&m->frz, h, NULL)) != NULL &&
	    f->v[0] < 0)
		f = NULL;	/* settled already */
	if (a == NULL && f == NULL)
		return 0;
	if (store_citmap_head(st, h, 0, &v[0]) == -1 ||
	    store_citmap_head(st, h, 1, &v[1]) == -1 ||
	    citmap_put(st, h, v) == -1)
		return -1;
	if (a != NULL) {
		citmap_log(st, 0, h, a);
		tab_del(&m->act, h);
	}
	if (f != NULL) {
		citmap_log(st, 1, h, f);
		f->v[0] = f->v[1] = -1;
		m->settled++;
	}
	return 0;
}

/* The highest case and outbox ids there are. */
static int
citmap_max(struct store *st, int64_t *mx)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_CITIZEN_MAX)) == NULL)
		return -1;
	rc = store_step(st, s, "citizens");
	if (rc == SQLITE_ROW) {
		mx[0] = sqlite3_column_int64(s, 0);
		mx[1] = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * At a transaction's start, under the write lock: rows another process
 * added since (hotlined writes alone, but a tool may not) join the map,
 * or their numbers' next rows would chain past them; then the map is
 * frozen for a pass once it is full or old, with the highest ids of the
 * moment as the mark to be.
 */
int
store_citmap_begin(struct store *st)
{
	struct store_citmap	*m = &st->citmap;
	int64_t			 now = (int64_t)clock_now_ms(), mx[2];
	int			 k;

	m->nu = 0;
	m->changed = 0;
	m->done = 0;
	if (!m->on)
		return 0;
	m->known_txn[0] = m->known[0];
	m->known_txn[1] = m->known[1];
	if (citmap_max(st, mx) == -1)
		return -1;
	for (k = 0; k < 2; k++) {
		if (mx[k] <= m->known[k])
			continue;
		if (!m->warned) {
			log_warnx("store citizens: rows another process "
			    "wrote (%s above %lld): taken into the map",
			    k ? "sms" : "cases", (long long)m->known[k]);
			m->warned = 1;
		}
		if (citmap_rebuild(st, k ? STMT_CITIZEN_OUT_ABOVE :
		    STMT_CITIZEN_CASES_ABOVE, k, m->known[k]) == -1)
			return -1;
		m->known[k] = m->known_txn[k] = mx[k];
	}
	if (now < m->since)
		m->since = now;		/* the clock stepped back */
	if (m->frozen || m->act.n == 0 ||
	    (m->act.n < m->freeze_at && now - m->since < CITMAP_AGE_MS))
		return 0;
	m->x[0] = mx[0];
	m->x[1] = mx[1];
	m->frz = m->act;
	memset(&m->act, 0, sizeof(m->act));
	m->frozen = 1;
	m->cursor = m->cursor_saved = 0;
	return 0;
}

/*
 * Before the commit: the next frozen numbers into citizens, and at the
 * pass's end the mark.  In the transaction: undone with it.
 */
int
store_citmap_slice(struct store *st)
{
	struct store_citmap	*m = &st->citmap;
	struct citmap_ent	*e;
	sqlite3_stmt		*s;
	size_t			 want, n = 0;
	int			 rc;

	if (!m->frozen)
		return 0;
	want = CITMAP_SLICE + CITMAP_SLICE_PER * m->changed;
	for (; m->cursor < m->frz.nslot && n < want; m->cursor++) {
		if (m->frz.slot[m->cursor] == 0)
			continue;
		e = &m->frz.e[m->frz.slot[m->cursor] - 1];
		if (e->v[0] < 0)
			continue;	/* settled */
		if (citmap_put(st, e->h, e->v) == -1)
			return -1;
		n++;
	}
	if (m->cursor < m->frz.nslot)
		return 0;
	if ((s = store_stmt(st, STMT_CITIZEN_MARK_SET)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, m->x[0]);
	sqlite3_bind_int64(s, 2, m->x[1]);
	rc = store_step(st, s, "citizens mark");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	m->done = 1;
	return 0;
}

/* The transaction ended: committed (its changes stay) or undone. */
void
store_citmap_end(struct store *st, int committed)
{
	struct store_citmap	*m = &st->citmap;

	if (!committed) {
		citmap_undo(st, 0);
		m->known[0] = m->known_txn[0];	/* its ids are free again */
		m->known[1] = m->known_txn[1];
		m->cursor = m->cursor_saved;
		m->done = 0;
		return;
	}
	m->nu = 0;
	m->cursor_saved = m->cursor;
	if (m->done) {
		m->mark[0] = MAXIMUM(m->mark[0], m->x[0]);
		m->mark[1] = MAXIMUM(m->mark[1], m->x[1]);
		tab_free(&m->frz);
		m->frozen = 0;
		m->settled = 0;
		m->done = 0;
		m->since = (int64_t)clock_now_ms();
		m->passes++;
	}
}

/* --- open and close --------------------------------------------------- */

/* The rows of a kind above id from, oldest first: the map's heads. */
static int
citmap_rebuild(struct store *st, enum store_stmt i, int kind, int64_t from)
{
	struct store_citmap	*m = &st->citmap;
	struct citmap_ent	*e;
	sqlite3_stmt		*s;
	int			 rc;

	if ((s = store_stmt(st, i)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, from);
	while ((rc = store_step(st, s, "citizens")) == SQLITE_ROW)
		if (sqlite3_column_bytes(s, 1) == CRYPTO_HASH_LEN) {
			e = tab_add(&m->act, sqlite3_column_blob(s, 1));
			e->v[kind] = sqlite3_column_int64(s, 0);
		}
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

/*
 * At open: citizen_head() for the statements (before they are prepared),
 * then from v24 the map of the rows above the mark (freeze_at 0:
 * CITMAP_FREEZE).
 */
int
store_citmap_fn(struct store *st)
{
	return sqlite3_create_function(st->db, "citizen_head", 2,
	    SQLITE_UTF8 | SQLITE_DIRECTONLY, st, citmap_sqlfn, NULL,
	    NULL) == SQLITE_OK ? 0 : -1;
}

int
store_citmap_open(struct store *st, size_t freeze_at)
{
	struct store_citmap	*m = &st->citmap;
	sqlite3_stmt		*s;
	const char		*env, *errstr;
	int64_t			 t0;
	int			 rc;

	/*
	 * Tests only: HOTLINED_TEST_CITIZENS_FREEZE=N freezes the map at N
	 * numbers, so that a daemon under test runs passes all the time
	 * (run-citizens-crash.sh kills hotlined in the middle of them).
	 */
	if (freeze_at == 0 && (env = getenv("HOTLINED_TEST_CITIZENS_FREEZE"))
	    != NULL && (freeze_at = (size_t)strtonum(env, 1, CITMAP_FREEZE,
	    &errstr)) == 0)
		log_warnx("store HOTLINED_TEST_CITIZENS_FREEZE is %s, "
		    "ignored", errstr);
	m->freeze_at = freeze_at ? freeze_at : CITMAP_FREEZE;
	m->since = t0 = (int64_t)clock_now_ms();
	if (st->version < 24)
		return 0;
	if ((s = store_stmt(st, STMT_CITIZEN_MARK_GET)) == NULL)
		return -1;
	rc = store_step(st, s, "citizens mark");
	if (rc == SQLITE_ROW) {
		m->mark[0] = sqlite3_column_int64(s, 0);
		m->mark[1] = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return -1;
	if (citmap_rebuild(st, STMT_CITIZEN_CASES_ABOVE, 0, m->mark[0]) ==
	    -1 || citmap_rebuild(st, STMT_CITIZEN_OUT_ABOVE, 1,
	    m->mark[1]) == -1 || citmap_max(st, m->known) == -1)
		return -1;
	m->on = 1;
	if (m->act.n > 0)
		log_info("store citizens: %zu numbers above the mark "
		    "(case %lld, sms %lld) in %lld ms", m->act.n,
		    (long long)m->mark[0], (long long)m->mark[1],
		    (long long)((int64_t)clock_now_ms() - t0));
	return 0;
}

void
store_citmap_free(struct store *st)
{
	struct store_citmap	*m = &st->citmap;

	tab_free(&m->act);
	tab_free(&m->frz);
	free(m->u);
	memset(m, 0, sizeof(*m));
}

/* What the map holds, for status and tests. */
void
store_citmap_stats(struct store *st, struct store_citmap_stats *cs)
{
	struct store_citmap	*m = &st->citmap;

	memset(cs, 0, sizeof(*cs));
	cs->frozen = m->frozen ? m->frz.n - m->settled : 0;
	cs->lagging = m->act.n + cs->frozen;
	cs->passes = m->passes;
	cs->mark_case = m->mark[0];
	cs->mark_out = m->mark[1];
}
