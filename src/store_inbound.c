/*
 * Messages in: the rows of received parts, their dedupe keys and groups.
 * What counts as a resend (the windows), which group a part joins, when a
 * group is whole and how its text reads are inbound.c's to say.
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

static int	 store_inbound_done_parts(struct store *, int64_t, int, int,
		    int64_t);

/* --- inbound ------------------------------------------------------------ */

enum store_in_result
store_inbound_add(struct store *st, const struct store_inbound *in,
    int64_t *idp, int64_t *groupp)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN], key[CRYPTO_HASH_LEN];
	uint8_t		 blob[CRYPTO_BLOB_MAX], head[CRYPTO_HASH_LEN + 80];
	size_t		 bloblen, hlen;
	int64_t		 group = 0, id, window;
	int		 rc, single;

	*idp = *groupp = 0;
	single = in->concat_total <= 1;
	if (in->smsc == NULL || in->dest == NULL || in->text == NULL ||
	    (in->raw == NULL && in->rawlen > 0) || strlen(in->dest) >=
	    STORE_ADDR_MAX || (!single && (in->concat_total > 255 ||
	    in->concat_seq < 1 || in->concat_seq > in->concat_total))) {
		log_warnx("store inbound: invalid part (caller's bug)");
		return STORE_IN_ERROR;
	}
	if (store_encrypt(st, in->source, blob, &bloblen, hash) == -1)
		return STORE_IN_ERROR;

	/* the dedupe key: keyed, so it reveals neither number nor text */
	memcpy(head, hash, sizeof(hash));
	hlen = sizeof(hash) + (size_t)snprintf((char *)head + sizeof(hash),
	    sizeof(head) - sizeof(hash), "%s|%d|%d|%d|%d|", in->dest,
	    in->data_coding, single ? 0 : in->concat_ref,
	    single ? 1 : in->concat_total, single ? 1 : in->concat_seq);
	if (hlen >= sizeof(head) || crypto_hmac(st->crypto, "dedupe", head,
	    hlen, in->raw, in->rawlen, key) == -1) {
		log_warnx("store inbound: cannot compute the dedupe key");
		return STORE_IN_ERROR;
	}

	/*
	 * v17: a key is looked for in the window only, among the keys of its
	 * hours (STMT_IN_DUP_KEY); the same text longer ago is a new message
	 * and its key is stored again beside the old one.
	 */
	window = MINIMUM(in->resend_window, STORE_DEDUPE_WINDOW_MAX);
	if (window <= 0)	/* no window: a repeat in the same ms is new */
		goto msgid;
	if ((s = store_stmt(st, STMT_IN_DUP_KEY)) == NULL)
		return STORE_IN_ERROR;
	sqlite3_bind_blob(s, 1, key, sizeof(key), SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, in->received_at - window);
	if ((rc = store_step(st, s, "inbound dedupe")) == -1)
		return STORE_IN_ERROR;
	if (rc == SQLITE_ROW) {
		*idp = sqlite3_column_int64(s, 0);
		*groupp = sqlite3_column_int64(s, 2);
		sqlite3_reset(s);
		return STORE_IN_DUPLICATE;
	}
	sqlite3_reset(s);

msgid:
	if (in->smsc_msgid != NULL && *in->smsc_msgid != '\0' &&
	    in->msgid_window > 0) {
		if ((s = store_stmt(st, STMT_IN_DUP_MSGID)) == NULL)
			return STORE_IN_ERROR;
		sqlite3_bind_text(s, 1, in->smsc, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, in->smsc_msgid, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, in->received_at -
		    MINIMUM(in->msgid_window, STORE_DEDUPE_WINDOW_MAX));
		if ((rc = store_step(st, s, "inbound dedupe id")) == -1)
			return STORE_IN_ERROR;
		if (rc == SQLITE_ROW) {
			*idp = sqlite3_column_int64(s, 0);
			*groupp = sqlite3_column_int64(s, 2);
			sqlite3_reset(s);
			return STORE_IN_DUPLICATE;
		}
		sqlite3_reset(s);
	}

	if (!single) {
		/* the open group inbound.c found for it; 0: a new group */
		group = in->group;
	}

	if ((s = store_stmt(st, STMT_IN_INSERT)) == NULL)
		return STORE_IN_ERROR;
	if (group != 0)
		sqlite3_bind_int64(s, 1, group);
	else
		sqlite3_bind_null(s, 1);
	sqlite3_bind_text(s, 2, in->smsc, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, in->smsc_msgid != NULL &&
	    *in->smsc_msgid != '\0' ? in->smsc_msgid : NULL, -1,
	    SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, blob, (int)bloblen, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_text(s, 6, in->dest, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 7, in->data_coding);
	sqlite3_bind_int(s, 8, in->esm_class);
	sqlite3_bind_blob(s, 9, in->rawlen ? in->raw : "", (int)in->rawlen,
	    SQLITE_STATIC);
	sqlite3_bind_text(s, 10, in->text, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 11, single ? 0 : in->concat_ref);
	sqlite3_bind_int(s, 12, single ? 1 : in->concat_total);
	sqlite3_bind_int(s, 13, single ? 1 : in->concat_seq);
	sqlite3_bind_int64(s, 14, in->received_at);
	sqlite3_bind_int(s, 15, single ? STORE_IN_S_COMPLETE :
	    STORE_IN_S_PARTIAL);
	sqlite3_bind_blob(s, 16, key, sizeof(key), SQLITE_STATIC);
	rc = store_step(st, s, "inbound insert");
	sqlite3_reset(s);
	if (rc == -1)
		return STORE_IN_ERROR;
	id = sqlite3_last_insert_rowid(st->db);
	if (store_msgs_track(st, 'i', id) == -1)
		return STORE_IN_ERROR;
	*idp = id;
	*groupp = group != 0 ? group : id;
	return single ? STORE_IN_COMPLETE : STORE_IN_PARTIAL;
}

int
store_inbound_open_group(struct store *st, const struct store_inbound *in,
    int64_t *groupp)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN];
	int		 rc;

	*groupp = 0;
	if (store_hash(st, in->source, hash) == -1 ||
	    (s = store_stmt(st, STMT_IN_OPEN_GROUP)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_text(s, 2, in->dest, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, in->concat_ref);
	sqlite3_bind_int(s, 4, in->concat_total);
	if ((rc = store_step(st, s, "inbound group")) == SQLITE_ROW)
		*groupp = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == -1 ? -1 : *groupp != 0;
}

int
store_inbound_parts(struct store *st, int64_t group)
{
	sqlite3_stmt	*s;
	int		 n;

	if ((s = store_stmt(st, STMT_IN_COUNT_PARTS)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, group);
	if (store_step(st, s, "inbound count parts") != SQLITE_ROW) {
		sqlite3_reset(s);
		return -1;
	}
	n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return n;
}

int
store_inbound_complete(struct store *st, int64_t group)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_IN_COMPLETE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, group);
	rc = store_step(st, s, "inbound complete");
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

int
store_inbound_group(struct store *st, int64_t group, struct store_group *g)
{
	sqlite3_stmt		*s;
	struct store_part	*p;
	const void		*raw;
	size_t			 cap = 0;
	int			 rc, seq;

	memset(g, 0, sizeof(*g));
	if ((s = store_stmt(st, STMT_IN_GROUP)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, group);
	while ((rc = store_step(st, s, "inbound read group")) == SQLITE_ROW) {
		seq = sqlite3_column_int(s, 9);
		if (g->nparts == 0) {
			g->group = group;
			g->state = sqlite3_column_int(s, 11);
			strlcpy(g->smsc, (const char *)sqlite3_column_text(s,
			    1), sizeof(g->smsc));
			store_decrypt(st, s, 2, g->source, sizeof(g->source));
			strlcpy(g->dest, (const char *)sqlite3_column_text(s,
			    3), sizeof(g->dest));
			g->total = sqlite3_column_int(s, 8);
			g->first_at = sqlite3_column_int64(s, 10);
		}
		if ((size_t)g->nparts == cap) {
			cap = cap ? cap * 2 : 4;
			g->parts = xreallocarray(g->parts, cap, sizeof(*p));
		}
		p = &g->parts[g->nparts++];
		memset(p, 0, sizeof(*p));
		p->id = sqlite3_column_int64(s, 0);
		p->seq = seq;
		p->data_coding = sqlite3_column_int(s, 4);
		p->esm_class = sqlite3_column_int(s, 5);
		raw = sqlite3_column_blob(s, 6);
		p->rawlen = (size_t)sqlite3_column_bytes(s, 6);
		p->raw = xmalloc(p->rawlen + 1);
		if (p->rawlen > 0)
			memcpy(p->raw, raw, p->rawlen);
		p->text = store_colstr(s, 7);
		if (p->text == NULL)
			p->text = xstrdup("");
		p->received_at = sqlite3_column_int64(s, 10);
		if (p->received_at < g->first_at)
			g->first_at = p->received_at;
	}
	sqlite3_reset(s);
	if (rc == -1) {
		store_group_clear(g);
		return -1;
	}
	return g->nparts > 0;
}

void
store_group_clear(struct store_group *g)
{
	int	i;

	for (i = 0; i < g->nparts; i++) {
		free(g->parts[i].raw);
		free(g->parts[i].text);
	}
	free(g->parts);
	free(g->text);
	memset(g, 0, sizeof(*g));
}

int
store_inbound_done(struct store *st, int64_t group, int incomplete,
    int64_t case_id)
{
	return store_inbound_done_parts(st, group, 2, incomplete, case_id);
}

int
store_inbound_done_group(struct store *st, const struct store_group *g,
    int incomplete, int64_t case_id)
{
	return store_inbound_done_parts(st, g->group, g->total, incomplete,
	    case_id);
}

/* The group's first part, and the others unless it has none (total 1). */
static int
store_inbound_done_parts(struct store *st, int64_t group, int total,
    int incomplete, int64_t case_id)
{
	sqlite3_stmt	*s;
	enum store_stmt	 i;
	int		 rc;

	for (i = STMT_IN_DONE; i <= (total > 1 ? STMT_IN_DONE_PARTS :
	    STMT_IN_DONE); i++) {
		if ((s = store_stmt(st, i)) == NULL)
			return -1;
		sqlite3_bind_int64(s, 1, group);
		sqlite3_bind_int(s, 2, incomplete ? STORE_IN_S_INCOMPLETE :
		    STORE_IN_S_PROCESSED);
		sqlite3_bind_int64(s, 3, case_id);
		rc = store_step(st, s, "inbound done");
		sqlite3_reset(s);
		if (rc == -1)
			return -1;
	}
	return 0;
}

int
store_inbound_due(struct store *st, int64_t partial_before, int64_t *groups,
    size_t max)
{
	sqlite3_stmt	*s;
	int		 rc, n = 0;

	if ((s = store_stmt(st, STMT_IN_DUE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, partial_before);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while ((rc = store_step(st, s, "inbound due")) == SQLITE_ROW)
		groups[n++] = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == -1 ? -1 : n;
}
