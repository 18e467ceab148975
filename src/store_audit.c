/*
 * The audit chain: chained MACs of events, its sealed tip, verification.
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

static int	 store_audit_tip_set(struct store *, int64_t,
		    const uint8_t[CRYPTO_HASH_LEN]);
static int	 store_audit_verify_tip(struct store *, int64_t,
		    const uint8_t *, int64_t *);

/* --- audit -------------------------------------------------------------- */

/*
 * The chained MAC of one event.  Lengths come first so that no field can
 * leak into its neighbour ("ab"+"c" differs from "a"+"bc").
 */
static int
store_audit_mac(struct store *st, const void *prev, size_t prevlen,
    int64_t id, int64_t at, int64_t case_id, const char *actor,
    const char *action, const char *detail, uint8_t out[CRYPTO_HASH_LEN])
{
	char	*buf;
	int	 len, r;

	len = xasprintf(&buf, "%lld %lld %lld %zu %zu %zu\n%s%s%s",
	    (long long)id, (long long)at, (long long)case_id, strlen(actor),
	    strlen(action), detail ? strlen(detail) : (size_t)0, actor,
	    action, detail ? detail : "");
	r = crypto_hmac(st->crypto, "audit", prev, prevlen, buf, (size_t)len,
	    out);
	free(buf);
	return r;
}

int
store_audit(struct store *st, int64_t case_id, const char *actor,
    const char *action, const char *detail, int64_t at)
{
	sqlite3_stmt	*s;
	uint8_t		 prev[CRYPTO_HASH_LEN], mac[CRYPTO_HASH_LEN];
	size_t		 prevlen = 0;
	int64_t		 id = 1;
	int		 rc;

	if (actor == NULL || action == NULL) {
		log_warnx("store audit: no actor or action (caller's bug)");
		return -1;
	}
	if (!st->txn || !st->audit.known) {
		if ((s = store_stmt(st, STMT_AUDIT_LAST)) == NULL)
			return -1;
		memset(&st->audit, 0, sizeof(st->audit));
		if ((rc = store_step(st, s, "audit last")) == SQLITE_ROW) {
			st->audit.last = sqlite3_column_int64(s, 0);
			if (sqlite3_column_bytes(s, 1) == (int)sizeof(prev)) {
				st->audit.maclen = sizeof(prev);
				memcpy(st->audit.mac, sqlite3_column_blob(s, 1),
				    sizeof(prev));
			}
		}
		sqlite3_reset(s);
		if (rc == -1)
			return -1;
		st->audit.known = st->txn;
	}
	id = st->audit.last + 1;
	prevlen = st->audit.maclen;
	memcpy(prev, st->audit.mac, sizeof(prev));
	if (store_audit_mac(st, prev, prevlen, id, at, case_id, actor, action,
	    detail, mac) == -1) {
		log_warnx("store audit: HMAC failed");
		return -1;
	}
	if ((s = store_stmt(st, STMT_AUDIT_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, at);
	sqlite3_bind_int64(s, 3, case_id);
	sqlite3_bind_text(s, 4, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, detail, -1, SQLITE_STATIC);
	if (prevlen)
		sqlite3_bind_blob(s, 7, prev, (int)prevlen, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 7);
	sqlite3_bind_blob(s, 8, mac, sizeof(mac), SQLITE_STATIC);
	rc = store_step(st, s, "audit insert");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	st->audit.last = id;
	memcpy(st->audit.mac, mac, sizeof(mac));
	st->audit.maclen = sizeof(mac);
	if (st->version < 3)
		return 0;
	if (st->txn) {
		st->audit.dirty = 1;	/* sealed by store_txn_commit() */
		return 0;
	}
	return store_audit_tip_set(st, id, mac);
}

/* Seal the batch's audit events in audit_tip now; 0 or -1. */
int
store_audit_tip_flush(struct store *st)
{
	if (!st->audit.dirty)
		return 0;
	if (store_audit_tip_set(st, st->audit.last, st->audit.mac) == -1)
		return -1;
	st->audit.dirty = 0;
	return 0;
}

/* The MAC that seals the tip: the last event's id and hmac. */
static int
store_audit_tip_mac(struct store *st, int64_t last_id, const void *hmac,
    size_t hmaclen, uint8_t out[CRYPTO_HASH_LEN])
{
	char	buf[32];
	int	len;

	len = snprintf(buf, sizeof(buf), "%lld", (long long)last_id);
	return crypto_hmac(st->crypto, "audit-tip", hmac, hmaclen, buf,
	    (size_t)len, out);
}

/* Move the sealed tip to event id with hmac; 0 or -1. */
static int
store_audit_tip_set(struct store *st, int64_t id,
    const uint8_t hmac[CRYPTO_HASH_LEN])
{
	sqlite3_stmt	*s;
	uint8_t		 tip[CRYPTO_HASH_LEN];
	int		 rc;

	if (store_audit_tip_mac(st, id, hmac, CRYPTO_HASH_LEN, tip) == -1) {
		log_warnx("store audit: tip HMAC failed");
		return -1;
	}
	if ((s = store_stmt(st, STMT_AUDIT_TIP_SET)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_blob(s, 2, hmac, CRYPTO_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, tip, sizeof(tip), SQLITE_STATIC);
	rc = store_step(st, s, "audit tip");
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

/*
 * Seal the tip left unsealed by the v3 upgrade (the chain's end as it was
 * when the upgrade ran).  Called by store_open() only in the run that
 * upgraded, so an unsealed tip found later is a broken one.
 */
int
store_audit_seal_tip(struct store *st)
{
	sqlite3_stmt	*s;
	uint8_t		 hmac[CRYPTO_HASH_LEN];
	int64_t		 id = 0;
	int		 rc, unsealed = 0;

	if ((s = store_stmt(st, STMT_AUDIT_TIP_GET)) == NULL)
		return -1;
	if ((rc = store_step(st, s, "audit tip")) == SQLITE_ROW &&
	    sqlite3_column_type(s, 2) == SQLITE_NULL &&
	    sqlite3_column_bytes(s, 1) == (int)sizeof(hmac)) {
		id = sqlite3_column_int64(s, 0);
		memcpy(hmac, sqlite3_column_blob(s, 1), sizeof(hmac));
		unsealed = 1;
	}
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (!unsealed)
		return 0;
	return store_audit_tip_set(st, id, hmac);
}

int
store_audit_verify(struct store *st, int64_t *badp)
{
	return store_audit_verify_progress(st, badp, NULL, NULL);
}

int
store_audit_verify_progress(struct store *st, int64_t *badp,
    void (*progress)(void *, int64_t, int64_t), void *arg)
{
	sqlite3_stmt	*s;
	uint8_t		 prev[CRYPTO_HASH_LEN], mac[CRYPTO_HASH_LEN];
	const void	*stored, *sprev;
	size_t		 prevlen = 0;
	int64_t		 id, expect = 1;
	int		 rc, broken = 0, msgs;
	struct store_msgs_check k;
	struct store_cases_check kc;

	/* inside a batch, its events are not sealed yet: seal them first */
	if (!st->txn && store_cases_done(st) == -1)
		return -1;
	if (st->txn && (store_cases_seal(st) == -1 ||
	    (!st->unit && store_msgs_seal(st) == -1) ||
	    store_audit_tip_flush(st) == -1))
		return -1;
	memset(&k, 0, sizeof(k));
	memset(&kc, 0, sizeof(kc));
	if ((s = store_stmt(st, STMT_AUDIT_ALL)) == NULL)
		return -1;
	while ((rc = store_step(st, s, "audit verify")) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		sprev = sqlite3_column_blob(s, 6);
		stored = sqlite3_column_blob(s, 7);
		if (id != expect || store_audit_mac(st, prev, prevlen, id,
		    sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2),
		    (const char *)sqlite3_column_text(s, 3),
		    (const char *)sqlite3_column_text(s, 4),
		    (const char *)sqlite3_column_text(s, 5), mac) == -1 ||
		    stored == NULL || sqlite3_column_bytes(s, 7) !=
		    (int)sizeof(mac) || memcmp(stored, mac, sizeof(mac)) != 0 ||
		    (size_t)sqlite3_column_bytes(s, 6) != prevlen ||
		    (prevlen && memcmp(sprev, prev, prevlen) != 0)) {
			*badp = id;
			broken = 1;
			break;
		}
		if (st->version >= 6 && (msgs = store_msgs_check_event(st, &k,
		    id, (const char *)sqlite3_column_text(s, 3),
		    (const char *)sqlite3_column_text(s, 4),
		    (const char *)sqlite3_column_text(s, 5))) != 0) {
			if (msgs == 1)
				log_warnx("store audit broken event=%lld "
				    "reason=message-rows-changed",
				    (long long)id);
			*badp = id;
			broken = msgs;
			break;
		}
		if (st->version >= 14 && store_retention_check_event(&k, id,
		    (const char *)sqlite3_column_text(s, 3),
		    (const char *)sqlite3_column_text(s, 4),
		    (const char *)sqlite3_column_text(s, 5)) != 0) {
			log_warnx("store audit broken event=%lld "
			    "reason=bad-retention-event", (long long)id);
			*badp = id;
			broken = 1;
			break;
		}
		if (st->version >= 8 && store_cases_check_event(&kc, id,
		    (const char *)sqlite3_column_text(s, 3),
		    (const char *)sqlite3_column_text(s, 4),
		    (const char *)sqlite3_column_text(s, 5)) != 0) {
			log_warnx("store audit broken event=%lld "
			    "reason=bad-cases-event", (long long)id);
			*badp = id;
			broken = 1;
			break;
		}
		memcpy(prev, mac, sizeof(mac));
		prevlen = sizeof(prev);
		expect = id + 1;
		if (progress != NULL && (id & 0xffff) == 0)
			progress(arg, id, st->audit.last);
	}
	sqlite3_reset(s);
	if (rc == -1 || broken == -1)
		broken = -1;
	else if (!broken && st->version >= 3)
		broken = store_audit_verify_tip(st, expect - 1, prevlen ?
		    prev : NULL, badp);
	if (!broken && st->version >= 14)
		broken = store_retention_check_end(&k, badp);
	if (!broken && st->version >= 6)
		broken = store_msgs_check_end(st, &k, expect - 1, badp);
	if (!broken && st->version >= 8)
		broken = store_cases_check_end(st, &kc, expect - 1, badp);
	free(k.flags);
	free(k.ins);
	free(k.pend);
	free(kc.rows);
	return broken;
}

/*
 * The chain ended at event last (0: empty) with hmac last_mac: does the
 * sealed tip agree?  0, or 1 with *badp: one past the last event present
 * (events were deleted at the end, or the tip was), -1 on error.
 */
static int
store_audit_verify_tip(struct store *st, int64_t last,
    const uint8_t *last_mac, int64_t *badp)
{
	sqlite3_stmt	*s;
	uint8_t		 tip[CRYPTO_HASH_LEN];
	int64_t		 tip_id;
	int		 rc, ok = 0;

	if ((s = store_stmt(st, STMT_AUDIT_TIP_GET)) == NULL)
		return -1;
	if ((rc = store_step(st, s, "audit tip")) == SQLITE_ROW) {
		tip_id = sqlite3_column_int64(s, 0);
		ok = last_mac != NULL && tip_id == last &&
		    sqlite3_column_bytes(s, 1) == CRYPTO_HASH_LEN &&
		    memcmp(sqlite3_column_blob(s, 1), last_mac,
		    CRYPTO_HASH_LEN) == 0 &&
		    sqlite3_column_bytes(s, 2) == CRYPTO_HASH_LEN &&
		    store_audit_tip_mac(st, tip_id, last_mac, CRYPTO_HASH_LEN,
		    tip) == 0 && memcmp(sqlite3_column_blob(s, 2), tip,
		    sizeof(tip)) == 0;
	} else if (rc == SQLITE_DONE)
		ok = last == 0;		/* no event, no tip */
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (ok)
		return 0;
	*badp = last + 1;
	return 1;
}
