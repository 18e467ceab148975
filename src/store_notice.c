/*
 * Notices to the units (schema v19): contacts, webhooks, the once-only
 * record of each notice and the webhook deliveries (store_notice.h).
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sqlite3.h>

#include "crypto.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_notice.h"
#include "util.h"

static void	 store_ncopy(char *, size_t, sqlite3_stmt *, int);

/* Column col of s (NULL: "") into buf. */
static void
store_ncopy(char *buf, size_t len, sqlite3_stmt *s, int col)
{
	const unsigned char	*t = sqlite3_column_text(s, col);

	strlcpy(buf, t != NULL ? (const char *)t : "", len);
}

int
store_contact_add(struct store *st, const char *unit, const char *role,
    const char *name, const char *msisdn, int64_t at, int64_t *idp)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN], blob[CRYPTO_BLOB_MAX];
	size_t		 bloblen;
	int		 rc;

	if (unit == NULL || role == NULL || msisdn == NULL)
		return -1;
	if (store_encrypt(st, msisdn, blob, &bloblen, hash) == -1)
		return -1;
	if ((s = store_stmt(st, STMT_CONTACT_INSERT)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, unit, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, blob, (int)bloblen, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, at);
	rc = store_step(st, s, "contact insert");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (sqlite3_changes(st->db) == 0)
		return 1;
	if (idp != NULL)
		*idp = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
store_contact_del(struct store *st, int64_t id)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_CONTACT_DELETE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = store_step(st, s, "contact delete");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	return sqlite3_changes(st->db) > 0;
}

int
store_contact_list(struct store *st, const char *unit,
    struct store_contact *out, size_t max, size_t offset)
{
	sqlite3_stmt		*s;
	struct store_contact	*c;
	int			 rc, n = 0;

	if ((s = store_stmt(st, STMT_CONTACT_LIST)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, unit, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)offset);
	while ((rc = store_step(st, s, "contact list")) == SQLITE_ROW) {
		c = &out[n++];
		memset(c, 0, sizeof(*c));
		c->id = sqlite3_column_int64(s, 0);
		store_ncopy(c->unit, sizeof(c->unit), s, 1);
		store_ncopy(c->role, sizeof(c->role), s, 2);
		c->name = store_colstr(s, 3);
		store_decrypt(st, s, 4, c->msisdn, sizeof(c->msisdn));
		c->created_at = sqlite3_column_int64(s, 5);
	}
	sqlite3_reset(s);
	if (rc == -1) {
		while (n > 0)
			store_contact_clear(&out[--n]);
		return -1;
	}
	return n;
}

void
store_contact_clear(struct store_contact *c)
{
	free(c->name);
	OPENSSL_cleanse(c, sizeof(*c));
}

int
store_contact_numbers(struct store *st, const char *unit, const char *role,
    char out[][STORE_ADDR_MAX], size_t max)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_stmt(st, STMT_CONTACT_ROLE)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, unit, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)max);
	while ((rc = store_step(st, s, "contact numbers")) == SQLITE_ROW)
		if (store_decrypt(st, s, 0, out[n], STORE_ADDR_MAX) == 0)
			n++;
	sqlite3_reset(s);
	return rc == -1 ? -1 : n;
}

int
store_hook_set(struct store *st, const char *unit, const char *url,
    const char *secret, int64_t at)
{
	sqlite3_stmt	*s;
	uint8_t		 blob[CRYPTO_BLOB_MAX];
	size_t		 bloblen;
	int		 rc;

	/* the secret is sealed like a number: the key file opens it */
	if (crypto_encrypt_msisdn(st->crypto, secret, blob, sizeof(blob),
	    &bloblen) == -1) {
		log_warnx("store cannot encrypt a webhook secret");
		return -1;
	}
	if ((s = store_stmt(st, STMT_HOOK_SET)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, unit, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, url, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, blob, (int)bloblen, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, at);
	rc = store_step(st, s, "hook set");
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

int
store_hook_get(struct store *st, const char *unit, char *url, size_t urllen,
    char *secret, size_t secretlen)
{
	sqlite3_stmt	*s;
	int		 rc, found = 0;

	if ((s = store_stmt(st, STMT_HOOK_GET)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, unit, -1, SQLITE_STATIC);
	if ((rc = store_step(st, s, "hook get")) == SQLITE_ROW) {
		store_ncopy(url, urllen, s, 0);
		found = store_decrypt(st, s, 1, secret, secretlen) == 0 ? 1 :
		    -1;
	}
	sqlite3_reset(s);
	return rc == -1 ? -1 : found;
}

int
store_hook_del(struct store *st, const char *unit)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_HOOK_DELETE)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, unit, -1, SQLITE_STATIC);
	rc = store_step(st, s, "hook delete");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	return sqlite3_changes(st->db) > 0;
}

int
store_notice_once(struct store *st, int64_t case_id, const char *unit,
    const char *kind, const char *ref, int64_t at, int64_t *idp)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_NOTICE_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_text(s, 2, unit, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, at);
	rc = store_step(st, s, "notice insert");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (sqlite3_changes(st->db) == 0)
		return 0;
	if (idp != NULL)
		*idp = sqlite3_last_insert_rowid(st->db);
	return 1;
}

int
store_notice_sms(struct store *st, int64_t id, int n)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_NOTICE_SMS)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, n);
	rc = store_step(st, s, "notice sms");
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

int
store_webhook_add(struct store *st, int64_t notice_id, const char *unit,
    const char *body, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_WEBHOOK_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, notice_id);
	sqlite3_bind_text(s, 2, unit, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, body, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, at);
	rc = store_step(st, s, "webhook insert");
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

int
store_webhook_next(struct store *st, int64_t now, struct store_webhook *out)
{
	sqlite3_stmt	*s;
	int		 rc, found = 0;

	memset(out, 0, sizeof(*out));
	if ((s = store_stmt(st, STMT_WEBHOOK_NEXT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	if ((rc = store_step(st, s, "webhook next")) == SQLITE_ROW) {
		out->id = sqlite3_column_int64(s, 0);
		out->notice_id = sqlite3_column_int64(s, 1);
		store_ncopy(out->unit, sizeof(out->unit), s, 2);
		out->body = store_colstr(s, 3);
		out->attempts = sqlite3_column_int(s, 4);
		found = out->body != NULL;
	}
	sqlite3_reset(s);
	return rc == -1 ? -1 : found;
}

int
store_webhook_result(struct store *st, int64_t id, int state,
    int64_t next_at, int status, int64_t now)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_WEBHOOK_RESULT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, state);
	sqlite3_bind_int64(s, 3, next_at);
	sqlite3_bind_int(s, 4, status);
	sqlite3_bind_int64(s, 5, now);
	rc = store_step(st, s, "webhook result");
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

int
store_webhook_list(struct store *st, const char *unit,
    struct store_webhook *out, size_t max)
{
	sqlite3_stmt		*s;
	struct store_webhook	*w;
	int			 rc, n = 0;

	if ((s = store_stmt(st, STMT_WEBHOOK_LIST)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, unit, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while ((rc = store_step(st, s, "webhook list")) == SQLITE_ROW) {
		w = &out[n++];
		memset(w, 0, sizeof(*w));
		w->id = sqlite3_column_int64(s, 0);
		w->notice_id = sqlite3_column_int64(s, 1);
		store_ncopy(w->unit, sizeof(w->unit), s, 2);
		store_ncopy(w->kind, sizeof(w->kind), s, 3);
		store_ncopy(w->number, sizeof(w->number), s, 4);
		w->state = sqlite3_column_int(s, 5);
		w->attempts = sqlite3_column_int(s, 6);
		w->next_at = sqlite3_column_int64(s, 7);
		w->status = sqlite3_column_int(s, 8);
	}
	sqlite3_reset(s);
	return rc == -1 ? -1 : n;
}

void
store_webhook_clear(struct store_webhook *w)
{
	free(w->body);
	memset(w, 0, sizeof(*w));
}
