/*
 * Messages in and out on the audit chain (v6): one digest event per batch.
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


/* --- messages in and out on the audit chain (v6) ------------------------ */

/*
 * One event per batch, not per row: bench/ingest measured an event per
 * message row (in, out, sent, final: four per MO) at +22% CPU and +2.2
 * KiB written per MO; one digest per batch costs about +2% and +0.7 KiB.
 * The digest reads the rows back just before COMMIT through the very
 * statements verification uses, so the two cannot disagree on a column.
 */

void
store_buf_add(struct store_buf *b, const void *p, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		while (b->len + len + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 1024;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	if (len > 0)
		memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static void
store_buf_printf(struct store_buf *b, const char *fmt, long long a,
    long long c)
{
	char	tmp[64];
	int	n;

	n = snprintf(tmp, sizeof(tmp), fmt, a, c);
	store_buf_add(b, tmp, (size_t)n);
}

/*
 * Append the row s is on, every column as its type and 8 bytes (the
 * integer, or the length of the text or blob that follows): no column can
 * leak into its neighbour.
 */
void
store_buf_row(struct store_buf *b, sqlite3_stmt *s)
{
	uint8_t	hdr[9];
	int	c, k, ncol, type;
	int64_t	v;

	ncol = sqlite3_column_count(s);
	for (c = 0; c < ncol; c++) {
		type = sqlite3_column_type(s, c);
		v = type == SQLITE_INTEGER ? sqlite3_column_int64(s, c) :
		    sqlite3_column_bytes(s, c);
		hdr[0] = (uint8_t)type;
		for (k = 0; k < 8; k++)
			hdr[1 + k] = (uint8_t)((uint64_t)v >> (56 - 8 * k));
		store_buf_add(b, hdr, sizeof(hdr));
		if (type == SQLITE_TEXT)
			store_buf_add(b, sqlite3_column_text(s, c), (size_t)v);
		else if (type == SQLITE_BLOB)
			store_buf_add(b, sqlite3_column_blob(s, c), (size_t)v);
	}
}

/* Record a message row written ('i', 'o') or moved ('s', 'f'); 0 or -1. */
int
store_msgs_track(struct store *st, int kind, int64_t id)
{
	struct store_msgs	*m = &st->msgs;
	int64_t			*first, *last;

	if (st->version < 6)
		return 0;
	switch (kind) {
	case 'i':
	case 'o':
		first = kind == 'i' ? &m->in_first : &m->out_first;
		last = kind == 'i' ? &m->in_last : &m->out_last;
		if (*last != 0 && id != *last + 1) {
			log_warnx("store audit %s id=%lld after %lld: ids not "
			    "contiguous in a batch", kind == 'i' ? "inbound" :
			    "outbox", (long long)id, (long long)*last);
			return -1;
		}
		if (*first == 0)
			*first = id;
		*last = id;
		break;
	case 's':
	case 'f':
		if (m->noutcome == m->outcomesz) {
			m->outcomesz = m->outcomesz ? m->outcomesz * 2 : 64;
			m->outcome = xreallocarray(m->outcome, m->outcomesz,
			    sizeof(*m->outcome));
		}
		m->outcome[m->noutcome++] = id * 2 + (kind == 'f');
		break;
	default:
		fatalx("store_msgs_track: kind %d", kind);
	}
	/* outside a transaction the row committed alone: so does its event */
	return !st->txn ? store_msgs_seal(st) : 0;
}

void
store_msgs_mark(struct store *st, struct store_msgs_mark *k)
{
	k->in_first = st->msgs.in_first;
	k->in_last = st->msgs.in_last;
	k->out_first = st->msgs.out_first;
	k->out_last = st->msgs.out_last;
	k->noutcome = st->msgs.noutcome;
}

/* Forget what was tracked since k (NULL: everything). */
void
store_msgs_undo(struct store *st, const struct store_msgs_mark *k)
{
	struct store_msgs_mark	zero;

	if (k == NULL) {
		memset(&zero, 0, sizeof(zero));
		k = &zero;
	}
	st->msgs.in_first = k->in_first;
	st->msgs.in_last = k->in_last;
	st->msgs.out_first = k->out_first;
	st->msgs.out_last = k->out_last;
	st->msgs.noutcome = k->noutcome;
}

int
store_cmp64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Append " key=a-b,c" for the ids of outcome kind (sorted). */
static void
store_msgs_list(struct store_buf *b, const char *key, const int64_t *v,
    size_t n, int kind)
{
	size_t	i;
	int64_t	a = 0, z = 0, id;
	int	first = 1;

	for (i = 0; i <= n; i++) {
		if (i < n && (v[i] & 1) != kind)
			continue;
		id = i < n ? v[i] / 2 : 0;
		if (i < n && a != 0 && (id == z || id == z + 1)) {
			z = id;
			continue;
		}
		if (a != 0) {
			store_buf_add(b, first ? key : ",", first ?
			    strlen(key) : 1);
			first = 0;
			store_buf_printf(b, a == z ? "%lld" : "%lld-%lld",
			    (long long)a, (long long)z);
		}
		a = z = id;
	}
}

/*
 * Append the digest of one event's message rows: the ids it names and
 * their covered columns, as it sees them now.  Before COMMIT that is what
 * the batch wrote; at verification, what the rows still hold.
 */
int
store_msgs_digest(struct store *st, const char *detail,
    uint8_t mac[CRYPTO_HASH_LEN])
{
	static const struct {
		const char	*key;
		enum store_stmt	 stmt;
	} sect[] = {
		{ "in=", STMT_MSG_IN }, { "out=", STMT_MSG_OUT },
		{ "sent=", STMT_MSG_SENT }, { "final=", STMT_MSG_FINAL },
	};
	struct store_buf	 b;
	sqlite3_stmt		*s;
	const char		*p, *end;
	char			*ep;
	long long		 lo, hi;
	size_t			 i, len;
	int			 rc = 0, ret = -1;

	memset(&b, 0, sizeof(b));
	store_buf_add(&b, "", 0);
	end = strstr(detail, " mac=");
	len = end != NULL ? (size_t)(end - detail) : strlen(detail);
	for (p = detail; p < detail + len; ) {
		for (i = 0; i < nitems(sect); i++)
			if (strncmp(p, sect[i].key, strlen(sect[i].key)) == 0)
				break;
		if (i == nitems(sect))
			goto done;
		p += strlen(sect[i].key);
		store_buf_add(&b, sect[i].key, 1);
		for (;;) {
			lo = strtoll(p, &ep, 10);
			hi = *ep == '-' ? strtoll(ep + 1, &ep, 10) : lo;
			if (ep == p || lo < 1 || hi < lo)
				goto done;
			p = ep;
			if ((s = store_stmt(st, sect[i].stmt)) == NULL)
				goto done;
			sqlite3_bind_int64(s, 1, lo);
			sqlite3_bind_int64(s, 2, hi);
			while ((rc = store_step(st, s, "audit messages")) ==
			    SQLITE_ROW)
				store_buf_row(&b, s);
			sqlite3_reset(s);
			if (rc == -1)
				goto done;
			if (*p != ',')
				break;
			p++;
		}
		if (*p == ' ')
			p++;
	}
	if (crypto_hmac(st->crypto, "messages", detail, len, b.p, b.len,
	    mac) == 0)
		ret = 0;
done:
	if (ret == -1 && rc != -1)
		log_warnx("store audit messages: bad detail");
	free(b.p);
	return ret;
}

/*
 * Digest the batch's message rows into one "messages" event (store.h):
 * called just before COMMIT, or at once outside a batch.  0 or -1.
 */
int
store_msgs_seal(struct store *st)
{
	struct store_msgs	*m = &st->msgs;
	struct store_buf	 b;
	uint8_t			 mac[CRYPTO_HASH_LEN];
	char			 hex[3];
	size_t			 i;
	int			 rv = -1;

	if (st->version < 6 || (m->in_first == 0 && m->out_first == 0 &&
	    m->noutcome == 0))
		return 0;
	memset(&b, 0, sizeof(b));
	store_buf_add(&b, "", 0);
	if (m->in_first != 0)
		store_buf_printf(&b, "in=%lld-%lld", m->in_first, m->in_last);
	if (m->out_first != 0)
		store_buf_printf(&b, b.len ? " out=%lld-%lld" :
		    "out=%lld-%lld", m->out_first, m->out_last);
	if (m->noutcome > 0)
		qsort(m->outcome, m->noutcome, sizeof(*m->outcome),
		    store_cmp64);
	store_msgs_list(&b, b.len ? " sent=" : "sent=", m->outcome,
	    m->noutcome, 0);
	store_msgs_list(&b, b.len ? " final=" : "final=", m->outcome,
	    m->noutcome, 1);
	if (store_msgs_digest(st, (const char *)b.p, mac) == -1)
		goto done;
	store_buf_add(&b, " mac=", 5);
	for (i = 0; i < sizeof(mac); i++) {
		snprintf(hex, sizeof(hex), "%02x", mac[i]);
		store_buf_add(&b, hex, 2);
	}
	store_msgs_undo(st, NULL);
	rv = store_audit(st, 0, "store", "messages", (const char *)b.p,
	    (int64_t)clock_now_ms());
done:
	free(b.p);
	return rv;
}

/*
 * Chain where coverage starts, once, after the upgrade that made the
 * table or column of get (or after a crash right after it): get reads two
 * first ids and the event (NULL: not chained yet); the event's detail is
 * fmt with those ids; set records the event.  Rows before those ids are
 * not covered.  0 or -1.
 */
int
store_cover(struct store *st, enum store_stmt get, enum store_stmt set,
    const char *action, const char *fmt)
{
	sqlite3_stmt	*s;
	char		 d[64];
	long long	 a = 0, b = 0;
	int		 rc, need = 0;

	if ((s = store_stmt(st, get)) == NULL)
		return -1;
	if ((rc = store_step(st, s, "audit cover")) == SQLITE_ROW &&
	    sqlite3_column_type(s, 2) == SQLITE_NULL) {
		a = sqlite3_column_int64(s, 0);
		b = sqlite3_column_int64(s, 1);
		need = 1;
	}
	sqlite3_reset(s);
	if (rc == -1 || !need)
		return rc == -1 ? -1 : 0;
	snprintf(d, sizeof(d), fmt, a, b);
	if (store_txn_begin(st) == -1)
		return -1;
	if (store_audit(st, 0, "store", action, d,
	    (int64_t)clock_now_ms()) == -1 ||
	    (s = store_stmt(st, set)) == NULL) {
		store_txn_rollback(st);
		store_txn_commit(st);
		return -1;
	}
	sqlite3_bind_int64(s, 1, st->audit.last);
	rc = store_step(st, s, "audit cover");
	sqlite3_reset(s);
	if (rc == -1)
		store_txn_rollback(st);
	if (store_txn_commit(st) == -1)
		return -1;
	log_info("store audit %s %s", action, d);
	return 0;
}

/* Message coverage (v6): "in>=N out>=M". */
int
store_msgs_cover(struct store *st)
{
	return store_cover(st, STMT_COVER_GET, STMT_COVER_SET,
	    "messages.covered", "in>=%lld out>=%lld");
}

/* Check one "messages" event's ranges and digest: 0, 1 broken, -1. */
int
store_msgs_check_event(struct store *st, struct store_msgs_check *k,
    int64_t ev, const char *actor, const char *action, const char *detail)
{
	uint8_t		 mac[CRYPTO_HASH_LEN];
	char		 hex[2 * CRYPTO_HASH_LEN + 1], *ep;
	const char	*p, *m;
	long long	 a, b;
	int64_t		 id;
	size_t		 i;
	int		 key;

	if (actor == NULL || action == NULL || strcmp(actor, "store") != 0)
		return 0;
	if (strcmp(action, "messages.covered") == 0) {
		if (k->covered || detail == NULL || sscanf(detail,
		    "in>=%lld out>=%lld", &a, &b) != 2 || a < 1 || b < 1)
			return 1;
		k->covered = 1;
		k->in_next = a;
		k->out_next = k->out_first = b;
		return 0;
	}
	if (strcmp(action, "messages") != 0)
		return 0;
	if (!k->covered || detail == NULL ||
	    (m = strstr(detail, " mac=")) == NULL)
		return 1;
	for (p = detail; p < m; ) {
		key = *p;
		if ((p = strchr(p, '=')) == NULL || p > m)
			return 1;
		p++;
		do {
			a = strtoll(p, &ep, 10);
			b = *ep == '-' ? strtoll(ep + 1, &ep, 10) : a;
			if (ep == p || a < 1 || b < a)
				return 1;
			p = ep;
			switch (key) {
			case 'i':	/* inserts follow on: none left out */
				if (a != k->in_next)
					return 1;
				k->in_next = b + 1;
				break;
			case 'o':
				if (a != k->out_next)
					return 1;
				k->out_next = b + 1;
				k->flags = xreallocarray(k->flags,
				    (size_t)(b + 1 - k->out_first), 1);
				memset(k->flags + (a - k->out_first), 0,
				    (size_t)(b + 1 - a));
				if (k->nins == k->insz) {
					k->insz = k->insz ? k->insz * 2 : 64;
					k->ins = xreallocarray(k->ins,
					    k->insz, 2 * sizeof(*k->ins));
				}
				k->ins[2 * k->nins] = b;
				k->ins[2 * k->nins++ + 1] = ev;
				break;
			case 's':
			case 'f':
				/* an outcome of a row no event inserted */
				if (b >= k->out_next || k->flags == NULL)
					return 1;
				for (id = MAXIMUM(a, k->out_first); id <= b;
				    id++)
					k->flags[id - k->out_first] |=
					    key == 's' ? 1 : 2;
				break;
			default:
				return 1;
			}
		} while (*p == ',' && p++);
		if (*p == ' ')
			p++;
	}
	if (store_msgs_digest(st, detail, mac) == -1)
		return 1;
	for (i = 0; i < sizeof(mac); i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
	if (strcmp(m + 5, hex) == 0)
		return 0;
	/* rows erased by retention: a later event may vouch for them */
	return st->version >= 14 ? store_retention_accept(st, k, ev, mac) : 1;
}

/* The event that covered outbox row id's insert, else 0. */
static int64_t
store_msgs_event_of(const struct store_msgs_check *k, int64_t id)
{
	size_t	lo = 0, hi = k->nins, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (k->ins[2 * mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k->nins ? k->ins[2 * lo + 1] : 0;
}

/*
 * After the chain: no covered row may lie outside every event, and an
 * outbox row sent or at an outcome must have had it chained.  0, or 1
 * with *badp (the event that covered the row's insert, or one past the
 * last event), -1 on error.
 */
int
store_msgs_check_end(struct store *st, struct store_msgs_check *k,
    int64_t last, int64_t *badp)
{
	sqlite3_stmt	*s;
	int64_t		 id, max;
	int		 rc, state, f;

	if (!k->covered) {
		log_warnx("store audit broken: message coverage not chained");
		*badp = last + 1;
		return 1;
	}
	for (f = 0; f < 2; f++) {
		if ((s = store_stmt(st, f ? STMT_MSG_OUT_MAX :
		    STMT_MSG_IN_MAX)) == NULL)
			return -1;
		rc = store_step(st, s, "audit messages");
		max = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		if (rc == -1)
			return -1;
		if (max >= (f ? k->out_next : k->in_next)) {
			log_warnx("store audit broken event=%lld table=%s "
			    "row=%lld reason=not-chained", (long long)last + 1,
			    f ? "outbox" : "inbound", (long long)max);
			*badp = last + 1;
			return 1;
		}
	}
	if ((s = store_stmt(st, STMT_MSG_OUT_STATES)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, k->out_first);
	while ((rc = store_step(st, s, "audit messages")) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		state = sqlite3_column_int(s, 1);
		/* rows past out_next were refused above: no flags for them */
		f = k->flags != NULL && id < k->out_next ?
		    k->flags[id - k->out_first] : 0;
		if ((state == STORE_OUT_SENT && !(f & 1)) ||
		    (state > STORE_OUT_SENT && !(f & 2))) {
			*badp = store_msgs_event_of(k, id);
			log_warnx("store audit broken event=%lld table=outbox "
			    "row=%lld reason=outcome-not-chained",
			    (long long)*badp, (long long)id);
			sqlite3_reset(s);
			return 1;
		}
	}
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}
