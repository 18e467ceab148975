/*
 * Retention: erase the texts and numbers of cases closed long ago, and
 * keep the audit chain verifiable afterwards (store.h, "Retention").
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crypto.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

struct ret_ids {
	int64_t		*v;
	size_t		 n, sz;
};

static void	 ret_push(struct ret_ids *, int64_t);
static int	 ret_range(const char *, int, int64_t *, int64_t *);
static int	 ret_probe(struct store *, int, int64_t, int64_t *, int64_t *,
		    int64_t *);
static int64_t	 ret_find_event(struct store *, int, int64_t, int64_t);
static int	 ret_ids_of(struct store *, enum store_stmt, int64_t,
		    struct ret_ids *);
static int	 ret_detail(struct store *, int64_t, char **);
static int	 ret_event_ok(struct store *, int64_t);
static int	 ret_erase(struct store *, enum store_stmt, int64_t);
static void	 ret_hex(struct store_buf *, const uint8_t *, size_t);
static int	 ret_unhex(const char *, uint8_t *, size_t);

static void
ret_push(struct ret_ids *a, int64_t id)
{
	if (a->n == a->sz) {
		a->sz = a->sz ? a->sz * 2 : 64;
		a->v = xreallocarray(a->v, a->sz, sizeof(*a->v));
	}
	a->v[a->n++] = id;
}

int64_t
store_retention_count(struct store *st, int64_t cutoff)
{
	sqlite3_stmt	*s;
	int64_t		 n = -1;

	if (st->version < 14 || (s = store_stmt(st, STMT_RET_COUNT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, cutoff);
	if (store_step(st, s, "retention") == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return n;
}

/* The "in=a-b" (kind 'i') or "out=a-b" ('o') range of a detail; 1 or 0. */
static int
ret_range(const char *detail, int kind, int64_t *a, int64_t *b)
{
	const char	*key = kind == 'i' ? "in=" : "out=", *p;
	char		*ep;
	long long	 x, y;

	for (p = detail; p != NULL && *p != '\0'; p = strchr(p, ' ')) {
		if (*p == ' ')
			p++;
		if (strncmp(p, key, strlen(key)) != 0)
			continue;
		p += strlen(key);
		x = strtoll(p, &ep, 10);
		y = *ep == '-' ? strtoll(ep + 1, &ep, 10) : x;
		if (ep == p || x < 1 || y < x)
			return 0;
		*a = x;
		*b = y;
		return 1;
	}
	return 0;
}

/* The first "messages" event from id from on with a kind range; 1, 0, -1. */
static int
ret_probe(struct store *st, int kind, int64_t from, int64_t *ev, int64_t *a,
    int64_t *b)
{
	sqlite3_stmt	*s;
	int		 rc, found = 0;

	if ((s = store_stmt(st, STMT_RET_MSG_EVENTS)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, from);
	while ((rc = store_step(st, s, "retention")) == SQLITE_ROW)
		if (ret_range((const char *)sqlite3_column_text(s, 1), kind,
		    a, b)) {
			*ev = sqlite3_column_int64(s, 0);
			found = 1;
			break;
		}
	sqlite3_reset(s);
	return rc == -1 ? -1 : found;
}

/*
 * The event whose range holds row id.  Inserts are chained in order, one
 * contiguous range an event (store_msgs_check_event()), so the ranges
 * grow with the event ids: a binary search over the chain, no index.
 * The event id, 0 when no event holds it (before coverage), -1.
 */
static int64_t
ret_find_event(struct store *st, int kind, int64_t id, int64_t last)
{
	int64_t	lo = 1, hi = last, mid, ev, a, b;
	int	r;

	while (lo <= hi) {
		mid = lo + (hi - lo) / 2;
		if ((r = ret_probe(st, kind, mid, &ev, &a, &b)) == -1)
			return -1;
		if (r == 0 || id < a)
			hi = mid - 1;
		else if (id > b)
			lo = ev + 1;
		else
			return ev;
	}
	return 0;
}

static int
ret_ids_of(struct store *st, enum store_stmt stmt, int64_t case_id,
    struct ret_ids *out)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, stmt)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	while ((rc = store_step(st, s, "retention")) == SQLITE_ROW)
		ret_push(out, sqlite3_column_int64(s, 0));
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

static void
ret_hex(struct store_buf *b, const uint8_t *p, size_t n)
{
	char	hex[3];
	size_t	i;

	for (i = 0; i < n; i++) {
		snprintf(hex, sizeof(hex), "%02x", p[i]);
		store_buf_add(b, hex, 2);
	}
}

static int
ret_unhex(const char *s, uint8_t *p, size_t n)
{
	unsigned int	v;
	size_t		i;

	for (i = 0; i < n; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		p[i] = (uint8_t)v;
	}
	return 0;
}

/* Event ev's detail into *dp (NULL: none); 0 or -1.  Free *dp. */
static int
ret_detail(struct store *st, int64_t ev, char **dp)
{
	sqlite3_stmt	*s;
	int		 rc;

	*dp = NULL;
	if ((s = store_stmt(st, STMT_RET_EVENT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, ev);
	if ((rc = store_step(st, s, "retention")) == SQLITE_ROW &&
	    sqlite3_column_text(s, 0) != NULL)
		*dp = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

/*
 * Before erasing, event ev's rows must still be what the chain says (its
 * own MAC, or the one a retention run gave it): a retention run must not
 * launder a row changed behind the daemon's back.  1 ok, 0 not, -1.
 */
static int
ret_event_ok(struct store *st, int64_t ev)
{
	sqlite3_stmt	*s;
	uint8_t		 mac[CRYPTO_HASH_LEN], want[CRYPTO_HASH_LEN];
	const char	*m;
	char		*detail;
	int		 rc, ok = 0;

	if (ret_detail(st, ev, &detail) == -1)
		return -1;
	if (detail == NULL)
		return 0;
	if ((m = strstr(detail, " mac=")) == NULL ||
	    store_msgs_digest(st, detail, mac) == -1 ||
	    ret_unhex(m + 5, want, sizeof(want)) == -1) {
		free(detail);
		return 0;
	}
	ok = memcmp(mac, want, sizeof(mac)) == 0;
	free(detail);
	if (ok)
		return 1;
	if ((s = store_stmt(st, STMT_REATTEST_GET)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, ev);
	if ((rc = store_step(st, s, "retention")) == SQLITE_ROW)
		ok = sqlite3_column_bytes(s, 1) == CRYPTO_HASH_LEN &&
		    memcmp(sqlite3_column_blob(s, 1), mac, sizeof(mac)) == 0;
	sqlite3_reset(s);
	return rc == -1 ? -1 : ok;
}

static int
ret_erase(struct store *st, enum store_stmt stmt, int64_t id)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, stmt)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = store_step(st, s, "retention");
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

int
store_retention_chunk(struct store *st, int64_t cutoff, int max,
    const char *actor, struct store_retention *r)
{
	struct ret_ids		 cases = { 0 }, in = { 0 }, out = { 0 };
	struct ret_ids		 evs = { 0 };
	struct store_citizens	 cit = { 0 };
	struct store_buf	 b = { 0 };
	sqlite3_stmt		*s;
	uint8_t			 mac[CRYPTO_HASH_LEN];
	char			 tok[64];
	int64_t			 last, ev, lo = 0, hi = -1;
	size_t			 i, j;
	int			 rc, n, ret = -1, ok;

	if (st->version < 14 || !st->txn)
		return -1;
	store_buf_add(&b, "", 0);
	n = snprintf(tok, sizeof(tok), "cutoff=%lld cases=", (long long)cutoff);
	store_buf_add(&b, tok, (size_t)n);
	if ((s = store_stmt(st, STMT_RET_CASES)) == NULL)
		goto done;
	sqlite3_bind_int64(s, 1, cutoff);
	sqlite3_bind_int(s, 2, max);
	while ((rc = store_step(st, s, "retention")) == SQLITE_ROW) {
		if (cases.n > 0)
			store_buf_add(&b, ",", 1);
		store_buf_add(&b, sqlite3_column_text(s, 1),
		    (size_t)sqlite3_column_bytes(s, 1));
		ret_push(&cases, sqlite3_column_int64(s, 0));
	}
	sqlite3_reset(s);
	if (rc == -1)
		goto done;
	if (cases.n == 0) {
		ret = 0;
		goto done;
	}
	for (i = 0; i < cases.n; i++)
		if (ret_ids_of(st, STMT_RET_IN_OF_CASE, cases.v[i], &in) ==
		    -1 || ret_ids_of(st, STMT_RET_OUT_OF_CASE, cases.v[i],
		    &out) == -1)
			goto done;
	/* the "messages" events that chained these rows */
	if ((s = store_stmt(st, STMT_RET_AUDIT_MAX)) == NULL)
		goto done;
	rc = store_step(st, s, "retention");
	last = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc == -1)
		goto done;
	for (j = 0; j < 2; j++) {
		struct ret_ids *a = j == 0 ? &in : &out;

		lo = 0;
		hi = -1;
		for (i = 0; i < a->n; i++) {
			if (a->v[i] >= lo && a->v[i] <= hi)
				continue;	/* the event found last */
			if ((ev = ret_find_event(st, j == 0 ? 'i' : 'o',
			    a->v[i], last)) == -1)
				goto done;
			if (ev == 0)
				continue;
			ret_push(&evs, ev);
			if (ret_probe(st, j == 0 ? 'i' : 'o', ev, &ev, &lo,
			    &hi) != 1)
				goto done;
		}
	}
	if (evs.n > 1)
		qsort(evs.v, evs.n, sizeof(*evs.v), store_cmp64);
	for (i = 0, j = 0; i < evs.n; i++)
		if (i == 0 || evs.v[i] != evs.v[j - 1])
			evs.v[j++] = evs.v[i];
	evs.n = evs.n ? j : 0;
	for (i = 0; i < evs.n; i++) {
		if ((ok = ret_event_ok(st, evs.v[i])) == -1)
			goto done;
		if (!ok) {
			log_warnx("store retention refused: event=%lld no "
			    "longer matches its rows (hotlinectl audit verify)",
			    (long long)evs.v[i]);
			ret = -2;
			goto done;
		}
	}
	/* erase; then the rows leave their numbers' chains (v23) */
	for (i = 0; i < cases.n; i++)
		if (store_citizens_note(st, STMT_CITIZEN_CASE_HASH, cases.v[i],
		    &cit) == -1)
			goto done;
	for (i = 0; i < out.n; i++)
		if (store_citizens_note(st, STMT_CITIZEN_OUT_HASH, out.v[i],
		    &cit) == -1)
			goto done;
	for (i = 0; i < cases.n; i++)
		if (ret_erase(st, STMT_RET_ERASE_CASE, cases.v[i]) == -1 ||
		    ret_erase(st, STMT_RET_ERASE_SUPP, cases.v[i]) == -1 ||
		    ret_erase(st, STMT_RET_ERASE_SURVEYS, cases.v[i]) == -1)
			goto done;
	for (i = 0; i < in.n; i++)
		if (ret_erase(st, STMT_RET_ERASE_IN, in.v[i]) == -1)
			goto done;
	for (i = 0; i < out.n; i++)
		if (ret_erase(st, STMT_RET_ERASE_OUT, out.v[i]) == -1)
			goto done;
	if (store_citizens_relink(st, &cit) == -1)
		goto done;
	/* attest the events again, over the rows as they are now */
	n = snprintf(tok, sizeof(tok), " inbound=%zu outbox=%zu reattest=",
	    in.n, out.n);
	store_buf_add(&b, tok, (size_t)n);
	for (i = 0; i < evs.n; i++) {
		char	*detail;

		if (ret_detail(st, evs.v[i], &detail) == -1 ||
		    detail == NULL || store_msgs_digest(st, detail, mac) ==
		    -1) {
			free(detail);
			goto done;
		}
		free(detail);
		n = snprintf(tok, sizeof(tok), "%s%lld:", i ? "," : "",
		    (long long)evs.v[i]);
		store_buf_add(&b, tok, (size_t)n);
		ret_hex(&b, mac, sizeof(mac));
	}
	if (store_audit(st, 0, actor, "retention", (const char *)b.p,
	    (int64_t)clock_now_ms()) == -1)
		goto done;
	/* each event's new MAC is in the detail just chained; index it */
	for (i = 0; i < evs.n; i++) {
		const char *p = strstr((const char *)b.p, " reattest=");

		snprintf(tok, sizeof(tok), "%s%lld:", i ? "," : "=",
		    (long long)evs.v[i]);
		if (p == NULL || (p = strstr(p, tok)) == NULL ||
		    ret_unhex(p + strlen(tok), mac, sizeof(mac)) == -1 ||
		    (s = store_stmt(st, STMT_REATTEST_SET)) == NULL)
			goto done;
		sqlite3_bind_int64(s, 1, evs.v[i]);
		sqlite3_bind_int64(s, 2, st->audit.last);
		sqlite3_bind_blob(s, 3, mac, sizeof(mac), SQLITE_STATIC);
		rc = store_step(st, s, "retention");
		sqlite3_reset(s);
		if (rc == -1)
			goto done;
	}
	r->last_id = cases.v[cases.n - 1];
	r->cases += (int64_t)cases.n;
	r->inbound += (int64_t)in.n;
	r->outbox += (int64_t)out.n;
	r->events += (int64_t)evs.n;
	ret = cases.n == (size_t)max ? 1 : 0;
done:
	store_citizens_free(&cit);
	free(cases.v);
	free(in.v);
	free(out.v);
	free(evs.v);
	free(b.p);
	return ret;
}

/* --- verification --------------------------------------------------------- */

/*
 * Event ev's rows differ from its MAC: accept them if audit_reattest
 * names a later retention event and the rows give its MAC; that event
 * must then say so when the chain reaches it (store_retention_check_end).
 * 0 accepted for now, 1 broken, -1.
 */
int
store_retention_accept(struct store *st, struct store_msgs_check *k,
    int64_t ev, const uint8_t mac[CRYPTO_HASH_LEN])
{
	sqlite3_stmt		*s;
	struct store_reattest	*p;
	int			 rc, ok = 0;
	int64_t			 by = 0;

	if ((s = store_stmt(st, STMT_REATTEST_GET)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, ev);
	if ((rc = store_step(st, s, "audit retention")) == SQLITE_ROW) {
		by = sqlite3_column_int64(s, 0);
		ok = by > ev && sqlite3_column_bytes(s, 1) == CRYPTO_HASH_LEN &&
		    memcmp(sqlite3_column_blob(s, 1), mac, CRYPTO_HASH_LEN) ==
		    0;
	}
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (!ok)
		return 1;
	if (k->npend == k->pendsz) {
		k->pendsz = k->pendsz ? k->pendsz * 2 : 64;
		k->pend = xreallocarray(k->pend, k->pendsz, sizeof(*k->pend));
	}
	p = &k->pend[k->npend++];
	p->event = ev;
	p->retention = by;
	memcpy(p->mac, mac, CRYPTO_HASH_LEN);
	p->confirmed = 0;
	return 0;
}

/* A "retention" event: confirm the events it attests.  0, or 1 malformed. */
int
store_retention_check_event(struct store_msgs_check *k, int64_t ev,
    const char *actor, const char *action, const char *detail)
{
	uint8_t		 mac[CRYPTO_HASH_LEN];
	const char	*p;
	char		*ep;
	long long	 e;
	size_t		 lo, hi, mid;

	(void)actor;
	if (action == NULL || strcmp(action, "retention") != 0)
		return 0;
	if (detail == NULL || (p = strstr(detail, " reattest=")) == NULL)
		return 1;
	for (p += 10; *p != '\0'; p += 2 * CRYPTO_HASH_LEN + (p[2 *
	    CRYPTO_HASH_LEN] == ',')) {
		e = strtoll(p, &ep, 10);
		if (ep == p || *ep != ':' || e < 1 || e >= ev ||
		    strlen(ep + 1) < 2 * CRYPTO_HASH_LEN ||
		    ret_unhex(ep + 1, mac, sizeof(mac)) == -1)
			return 1;
		p = ep + 1;
		if (p[2 * CRYPTO_HASH_LEN] != '\0' &&
		    p[2 * CRYPTO_HASH_LEN] != ',')
			return 1;
		/* the pending list is in event order: verification is */
		for (lo = 0, hi = k->npend; lo < hi; ) {
			mid = (lo + hi) / 2;
			if (k->pend[mid].event < e)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < k->npend && k->pend[lo].event == e &&
		    k->pend[lo].retention == ev &&
		    memcmp(k->pend[lo].mac, mac, sizeof(mac)) == 0)
			k->pend[lo].confirmed = 1;
	}
	return 0;
}

/* Every event accepted on a retention event's word had it; 0, or 1. */
int
store_retention_check_end(struct store_msgs_check *k, int64_t *badp)
{
	size_t	i;

	for (i = 0; i < k->npend; i++) {
		if (k->pend[i].confirmed)
			continue;
		log_warnx("store audit broken event=%lld reason=reattest-"
		    "not-chained retention=%lld", (long long)k->pend[i].event,
		    (long long)k->pend[i].retention);
		*badp = k->pend[i].event;
		return 1;
	}
	return 0;
}
