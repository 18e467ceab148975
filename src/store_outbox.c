/*
 * Messages out: the outbox, its parts and receipts, and opt-outs.
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

static int	 store_outbox_update(struct store *, enum store_stmt, int64_t,
		    int64_t, const char *, const char *);

static const char *const store_outbox_states[] = {
	"queued", "inflight", "sent", "delivered", "failed", "expired",
	"cancelled"
};
/* --- outbox ------------------------------------------------------------- */

const char *
store_outbox_strstate(int state)
{
	if (state == STORE_OUT_HELD)
		return "held";
	if (state < 0 || (size_t)state >= nitems(store_outbox_states))
		return "unknown";
	return store_outbox_states[state];
}

int
store_outbox_parsestate(const char *s)
{
	size_t	i;

	if (strcmp(s, "held") == 0)
		return STORE_OUT_HELD;
	for (i = 0; i < nitems(store_outbox_states); i++)
		if (strcmp(s, store_outbox_states[i]) == 0)
			return (int)i;
	return -2;
}

int
store_outbox_add(struct store *st, const struct store_outbox_new *o,
    int64_t *idp)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN], blob[CRYPTO_BLOB_MAX];
	size_t		 bloblen;
	int64_t		 now, id;
	int		 rc;

	if (o->source == NULL || o->text == NULL || o->kind == NULL ||
	    strlen(o->source) >= STORE_ADDR_MAX) {
		log_warnx("store outbox: no source, kind or text (caller's "
		    "bug)");
		return -1;
	}
	if (store_encrypt(st, o->msisdn, blob, &bloblen, hash) == -1)
		return -1;
	now = (int64_t)clock_now_ms();
	if ((s = store_stmt(st, st->version >= 23 ? STMT_CITIZEN_OUT_INSERT :
	    STMT_OUT_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, o->case_id);
	sqlite3_bind_int64(s, 2, o->inbound);
	sqlite3_bind_text(s, 3, o->kind, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, blob, (int)bloblen, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_text(s, 6, o->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, o->text, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 8, o->priority);
	sqlite3_bind_int64(s, 9, now);
	sqlite3_bind_int64(s, 10, o->not_before > 0 ? o->not_before : now);
	sqlite3_bind_int64(s, 11, o->expire_at);
	rc = store_step(st, s, "outbox insert");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	id = sqlite3_last_insert_rowid(st->db);
	/* ids a rollback freed are used again: the lowest, not the first */
	if (st->outbox_first == 0 || id < st->outbox_first)
		st->outbox_first = id;
	if (store_citizen_out(st, hash, id) == -1 ||
	    store_msgs_track(st, 'o', id) == -1)
		return -1;
	if (idp != NULL)
		*idp = id;
	return 0;
}

int64_t
store_outbox_first(struct store *st)
{
	return st->outbox_first;
}

void
store_outbox_limit(struct store *st, int64_t max)
{
	st->outbox_limit = max;
}

int
store_outbox_next(struct store *st, int64_t now, struct store_outmsg *out,
    size_t max)
{
	sqlite3_stmt		*s;
	struct store_outmsg	*m;
	int			 rc, n = 0;

	if ((s = store_stmt(st, STMT_OUT_NEXT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while ((rc = store_step(st, s, "outbox next")) == SQLITE_ROW) {
		m = &out[n];
		memset(m, 0, sizeof(*m));
		m->id = sqlite3_column_int64(s, 0);
		if (m->id > st->outbox_limit)
			continue;	/* not durable yet: a later fetch */
		m->case_id = sqlite3_column_int64(s, 1);
		if (store_decrypt(st, s, 2, m->to, sizeof(m->to)) == -1) {
			/* never send to garbage: leave it for an operator */
			log_warnx("store outbox id=%lld skipped",
			    (long long)m->id);
			continue;
		}
		strlcpy(m->from, (const char *)sqlite3_column_text(s, 3),
		    sizeof(m->from));
		m->text = store_colstr(s, 4);
		m->attempts = sqlite3_column_int(s, 5);
		m->priority = sqlite3_column_int(s, 6);
		m->due_at = sqlite3_column_int64(s, 7);
		strlcpy(m->via, (const char *)sqlite3_column_text(s, 8),
		    sizeof(m->via));
		n++;
	}
	sqlite3_reset(s);
	if (rc == -1) {
		store_outmsg_clear(out, (size_t)n);
		return -1;
	}
	return n;
}

void
store_outmsg_clear(struct store_outmsg *m, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(m[i].text);
		memset(&m[i], 0, sizeof(m[i]));
	}
}

int
store_outbox_next_time(struct store *st, int64_t *when)
{
	sqlite3_stmt	*s;
	int		 rc, found = 0;

	if ((s = store_stmt(st, STMT_OUT_NEXT_TIME)) == NULL)
		return -1;
	if ((rc = store_step(st, s, "outbox next time")) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL) {
		*when = sqlite3_column_int64(s, 0);
		found = 1;
	}
	sqlite3_reset(s);
	return rc == -1 ? -1 : found;
}

/*
 * Run an outbox update with ?1 id (0: NULL), ?2 a (0: NULL), ?3 text (if
 * the statement has it);
 * the rows changed, or -1.
 */
static int
store_outbox_update(struct store *st, enum store_stmt i, int64_t id,
    int64_t a, const char *b, const char *what)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, i)) == NULL)
		return -1;
	if (id != 0)
		sqlite3_bind_int64(s, 1, id);
	else
		sqlite3_bind_null(s, 1);
	if (a != 0)
		sqlite3_bind_int64(s, 2, a);
	else
		sqlite3_bind_null(s, 2);
	if (sqlite3_bind_parameter_count(s) >= 3)
		sqlite3_bind_text(s, 3, b, -1, SQLITE_STATIC);
	rc = store_step(st, s, what);
	sqlite3_reset(s);
	return rc == -1 ? -1 : sqlite3_changes(st->db);
}

int
store_outbox_inflight(struct store *st, int64_t id, int64_t now)
{
	int	n;

	if ((n = store_outbox_update(st, STMT_OUT_INFLIGHT, id, now, NULL,
	    "outbox inflight")) == 0)
		log_warnx("store outbox id=%lld not queued", (long long)id);
	return n == 1 ? 0 : -1;
}

int
store_outbox_accepted(struct store *st, int64_t id, int part, int nparts,
    const char *smsc, const char *msgid, int64_t now)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (smsc == NULL || msgid == NULL || part < 1 || part > nparts) {
		log_warnx("store outbox submitted: bad part (caller's bug)");
		return -1;
	}
	if ((s = store_stmt(st, STMT_OUT_PART)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, part);
	sqlite3_bind_int(s, 3, nparts);
	sqlite3_bind_text(s, 4, smsc, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, msgid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, now);
	rc = store_step(st, s, "outbox part");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (sqlite3_changes(st->db) == 0) {
		log_warnx("store outbox id=%lld not in flight", (long long)id);
		return -1;
	}
	return 0;
}

int
store_outbox_submitted(struct store *st, int64_t id, int part, int nparts,
    const char *smsc, const char *msgid, int64_t now)
{
	sqlite3_stmt	*s;
	int		 rc;

	/* no id: a part an earlier try delivered, carried into this one */
	if (msgid == NULL && smsc != NULL && part >= 1 && part <= nparts) {
		if (store_outbox_part_carry(st, id, part, nparts) == -1)
			return -1;
	} else if (store_outbox_accepted(st, id, part, nparts, smsc, msgid,
	    now) == -1)
		return -1;
	if (part < nparts)
		return 0;	/* parts come in order: the last one decides */
	if ((s = store_stmt(st, nparts == 1 ? STMT_OUT_SENT1 :
	    STMT_OUT_SENT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, smsc, -1, SQLITE_STATIC);
	if (nparts == 1)
		sqlite3_bind_text(s, 4, msgid, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int(s, 3, nparts);
	rc = store_step(st, s, "outbox sent");
	sqlite3_reset(s);
	if (rc == -1 || (sqlite3_changes(st->db) == 1 &&
	    store_msgs_track(st, 's', id) == -1))
		return -1;
	return 0;
}

int
store_outbox_retry(struct store *st, int64_t id, int64_t next_at,
    const char *error)
{
	return store_outbox_update(st, STMT_OUT_RETRY, id, next_at, error,
	    "outbox retry") == -1 ? -1 : 0;
}

int
store_outbox_fail(struct store *st, int64_t id, const char *error)
{
	int	n;

	if ((n = store_outbox_update(st, STMT_OUT_FAIL, id, 0, error,
	    "outbox fail")) == -1)
		return -1;
	return n == 1 ? store_msgs_track(st, 'f', id) : 0;
}

int
store_outbox_receipt(struct store *st, const char *smsc, const char *msgid,
    enum store_receipt rcpt, const char *stat, const char *err, int64_t at,
    int64_t *idp, int64_t *casep)
{
	sqlite3_stmt	*s;
	int64_t		 part, id, case_id;
	int		 rc, attempt;

	if ((s = store_stmt(st, STMT_OUT_PART_FIND)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, msgid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, smsc, -1, SQLITE_STATIC);
	if ((rc = store_step(st, s, "outbox receipt find")) != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == -1 ? -1 : 0;
	}
	part = sqlite3_column_int64(s, 0);
	id = sqlite3_column_int64(s, 1);
	case_id = sqlite3_column_int64(s, 2);
	attempt = sqlite3_column_int(s, 3);
	sqlite3_reset(s);

	if ((s = store_stmt(st, STMT_OUT_PART_RECEIPT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, part);
	sqlite3_bind_int(s, 2, rcpt);
	sqlite3_bind_text(s, 3, stat, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, err, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, at);
	rc = store_step(st, s, "outbox receipt part");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;

	switch (rcpt) {
	case STORE_RCPT_INTERIM:
		s = store_stmt(st, STMT_OUT_RCPT_NOTE);
		break;
	case STORE_RCPT_DELIVERED:
		s = store_stmt(st, STMT_OUT_RCPT_DELIVERED);
		break;
	case STORE_RCPT_FAILED:
	case STORE_RCPT_EXPIRED:
		if ((s = store_stmt(st, STMT_OUT_RCPT_FINAL)) != NULL)
			sqlite3_bind_int(s, 6, rcpt == STORE_RCPT_FAILED ?
			    STORE_OUT_FAILED : STORE_OUT_EXPIRED);
		break;
	default:
		fatalx("store_outbox_receipt: receipt %d", (int)rcpt);
	}
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, stat, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, err, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, at);
	sqlite3_bind_int(s, 5, attempt);
	rc = store_step(st, s, "outbox receipt");
	sqlite3_reset(s);
	if (rc == -1 || (rcpt != STORE_RCPT_INTERIM &&
	    sqlite3_changes(st->db) == 1 && store_msgs_track(st, 'f', id) ==
	    -1))
		return -1;
	if (idp != NULL)
		*idp = id;
	if (casep != NULL)
		*casep = case_id;
	return 1;
}

int
store_outbox_reset_inflight(struct store *st)
{
	if (store_exec(st, STMT_OUT_RESET, "outbox reset") == -1)
		return -1;
	return sqlite3_changes(st->db);
}

int
store_outbox_expiring(struct store *st, int64_t now)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_OUT_EXPIRING)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	rc = store_step(st, s, "outbox expiring");
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

int
store_outbox_expire(struct store *st, int64_t now)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	/* the caller's unit: the rows and their event commit as one */
	if ((s = store_stmt(st, STMT_OUT_EXPIRE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_text(s, 2, "expired", -1, SQLITE_STATIC);
	while ((rc = store_step(st, s, "outbox expire")) == SQLITE_ROW &&
	    store_msgs_track(st, 'f', sqlite3_column_int64(s, 0)) == 0)
		n++;
	sqlite3_reset(s);
	return rc != SQLITE_DONE ? -1 : n;
}

int
store_outbox_state(struct store *st, int64_t id, int *statep,
    int *attemptsp)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_OUT_STATE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s, "outbox state")) == SQLITE_ROW) {
		*statep = sqlite3_column_int(s, 0);
		if (attemptsp != NULL)
			*attemptsp = sqlite3_column_int(s, 1);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_outbox_row(struct store *st, int64_t id, int64_t *casep, char *kind,
    size_t kindlen)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_OUT_ROW)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s, "outbox row")) == SQLITE_ROW) {
		*casep = sqlite3_column_int64(s, 0);
		strlcpy(kind, (const char *)sqlite3_column_text(s, 1), kindlen);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* --- opt-out ------------------------------------------------------------ */

int
store_optout_set(struct store *st, const char *msisdn, int on, int64_t at)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN];
	int		 rc;

	if (store_hash(st, msisdn, hash) == -1)
		return -1;
	if ((s = store_stmt(st, on ? STMT_OPTOUT_SET : STMT_OPTOUT_CLEAR)) ==
	    NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, sizeof(hash), SQLITE_STATIC);
	if (on)
		sqlite3_bind_int64(s, 2, at);
	rc = store_step(st, s, "optout");
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

int
store_optout_has(struct store *st, const char *msisdn)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN];
	int		 rc;

	if (store_hash(st, msisdn, hash) == -1)
		return -1;
	if ((s = store_stmt(st, STMT_OPTOUT_HAS)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, sizeof(hash), SQLITE_STATIC);
	rc = store_step(st, s, "optout check");
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}
