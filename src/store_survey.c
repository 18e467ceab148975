/*
 * Satisfaction surveys.
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

static int	 store_survey_ext_used(struct store *, const char *);
static int	 store_counter(struct store *, const char *, int64_t *, int);
static int	 store_survey_case(struct store *, int64_t, int, int,
		    const char *, const char *, int64_t, const char *,
		    int64_t, int64_t);
static void	 store_utf8cpy(char *, const char *, size_t);
static void	 store_survey_row(struct store *, sqlite3_stmt *,
		    struct store_survey *);

static const char *const store_survey_states[] = {
	"pending", "reminded", "unclear", "answered", "expired"
};

/* --- surveys ------------------------------------------------------------ */

const char *
store_survey_strstate(int state)
{
	if (state < 0 || (size_t)state >= nitems(store_survey_states))
		return "unknown";
	return store_survey_states[state];
}

/* Is an extension code in use by an open survey?  1, 0, -1. */
static int
store_survey_ext_used(struct store *st, const char *ext)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_SURVEY_EXT_USED)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, ext, -1, SQLITE_STATIC);
	rc = store_step(st, s, "survey ext");
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

/* Read (0 when absent) or write a named counter; 0 or -1. */
static int
store_counter(struct store *st, const char *name, int64_t *v, int set)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, set ? STMT_COUNTER_SET :
	    STMT_COUNTER_GET)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (set)
		sqlite3_bind_int64(s, 2, *v);
	rc = store_step(st, s, "counter");
	if (!set)
		*v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	return rc == -1 ? -1 : 0;
}

int
store_survey_add(struct store *st, const struct store_survey_new *n,
    int64_t *idp, char ext[STORE_SURVEY_EXT_MAX])
{
	sqlite3_stmt	*s;
	int64_t		 last, mod = 1, i, code = 0;
	int		 d, rc, used = 1;

	ext[0] = '\0';
	if (n->ext_digits < 0 || n->ext_digits >= STORE_SURVEY_EXT_MAX ||
	    n->round < 1 || n->round > 2) {
		log_warnx("store survey: bad round or digits (caller's bug)");
		return -1;
	}
	if (n->ext_digits > 0) {
		for (d = 0; d < n->ext_digits; d++)
			mod *= 10;
		if (store_counter(st, "survey_ext", &last, 0) == -1)
			return -1;
		for (i = 1; i <= mod && used; i++) {
			code = (last + i) % mod;
			snprintf(ext, STORE_SURVEY_EXT_MAX, "%0*lld",
			    n->ext_digits, (long long)code);
			if ((used = store_survey_ext_used(st, ext)) == -1)
				return -1;
		}
		if (used) {
			log_warnx("store survey: all %lld extension codes in "
			    "use", (long long)mod);
			ext[0] = '\0';
			return -1;
		}
	}
	if ((s = store_stmt(st, STMT_SURVEY_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, n->case_id);
	sqlite3_bind_int(s, 2, n->round);
	sqlite3_bind_text(s, 3, ext[0] ? ext : NULL, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (int64_t)clock_now_ms());
	sqlite3_bind_int64(s, 5, n->sent_at);
	sqlite3_bind_int64(s, 6, n->remind_at);
	sqlite3_bind_int64(s, 7, n->expire_at);
	rc = store_step(st, s, "survey insert");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (sqlite3_changes(st->db) == 0) {
		ext[0] = '\0';
		return 1;
	}
	*idp = sqlite3_last_insert_rowid(st->db);
	if (n->ext_digits > 0 && store_counter(st, "survey_ext", &code,
	    1) == -1)
		return -1;
	if (store_survey_case(st, *idp, STORE_SURVEY_PENDING, 0, NULL, NULL,
	    0, ext[0] ? ext : NULL, n->sent_at, 0) == -1)
		return -1;
	return 0;
}

/* Mirror a survey's state (and what is non-zero) into its case. */
static int
store_survey_case(struct store *st, int64_t id, int state, int score,
    const char *raw, const char *comment, int64_t answered_at,
    const char *ext, int64_t sent_at, int64_t reminded_at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_SURVEY_CASE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, store_survey_strstate(state), -1,
	    SQLITE_STATIC);
	if (score > 0)
		sqlite3_bind_int(s, 3, score);
	sqlite3_bind_text(s, 4, raw, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, comment, -1, SQLITE_STATIC);
	if (answered_at > 0)
		sqlite3_bind_int64(s, 6, answered_at);
	sqlite3_bind_text(s, 7, ext, -1, SQLITE_STATIC);
	if (sent_at > 0)
		sqlite3_bind_int64(s, 8, sent_at);
	if (reminded_at > 0)
		sqlite3_bind_int64(s, 9, reminded_at);
	rc = store_step(st, s, "survey case");
	sqlite3_reset(s);
	return rc == -1 ? -1 : store_cases_done(st);
}

/* Copy at most len - 1 bytes of UTF-8 text, cut at a character. */
static void
store_utf8cpy(char *dst, const char *src, size_t len)
{
	size_t	n;

	if (src == NULL) {
		dst[0] = '\0';
		return;
	}
	n = strlen(src);
	if (n >= len) {
		n = len - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void
store_survey_row(struct store *st, sqlite3_stmt *s, struct store_survey *v)
{
	const char	*t;

	memset(v, 0, sizeof(*v));
	v->id = sqlite3_column_int64(s, 0);
	v->case_id = sqlite3_column_int64(s, 1);
	strlcpy(v->number, (const char *)sqlite3_column_text(s, 2),
	    sizeof(v->number));
	store_decrypt(st, s, 3, v->msisdn, sizeof(v->msisdn));
	v->round = sqlite3_column_int(s, 4);
	if ((t = (const char *)sqlite3_column_text(s, 5)) != NULL)
		strlcpy(v->ext, t, sizeof(v->ext));
	v->state = sqlite3_column_int(s, 6);
	v->sent_at = sqlite3_column_int64(s, 7);
	v->remind_at = sqlite3_column_int64(s, 8);
	v->reminded_at = sqlite3_column_int64(s, 9);
	v->expire_at = sqlite3_column_int64(s, 10);
	v->score = sqlite3_column_int(s, 11);
	v->unclear = sqlite3_column_int(s, 12);
	v->answered_at = sqlite3_column_int64(s, 13);
	store_utf8cpy(v->raw, (const char *)sqlite3_column_text(s, 14),
	    sizeof(v->raw));
	store_utf8cpy(v->comment, (const char *)sqlite3_column_text(s, 15),
	    sizeof(v->comment));
}

int
store_survey_get(struct store *st, int64_t id, struct store_survey *v)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(v, 0, sizeof(*v));
	if ((s = store_stmt(st, STMT_SURVEY_BY_ID)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s, "survey get")) == SQLITE_ROW)
		store_survey_row(st, s, v);
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

/* One survey of msisdn behind extension ext by statement i; 1, 0, -1. */
static int
store_survey_ext(struct store *st, enum store_stmt i, const char *msisdn,
    const char *ext, struct store_survey *v)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN];
	int		 rc;

	memset(v, 0, sizeof(*v));
	if (ext == NULL || store_hash(st, msisdn, hash) == -1)
		return -1;
	if ((s = store_stmt(st, i)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, ext, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, hash, sizeof(hash), SQLITE_STATIC);
	if ((rc = store_step(st, s, "survey by ext")) == SQLITE_ROW)
		store_survey_row(st, s, v);
	sqlite3_reset(s);
	return rc == -1 ? -1 : rc == SQLITE_ROW;
}

int
store_survey_find_ext(struct store *st, const char *msisdn, const char *ext,
    struct store_survey *v)
{
	return store_survey_ext(st, STMT_SURVEY_BY_EXT, msisdn, ext, v);
}

int
store_survey_last_ext(struct store *st, const char *msisdn, const char *ext,
    struct store_survey *v)
{
	return store_survey_ext(st, STMT_SURVEY_BY_EXT_ANY, msisdn, ext, v);
}

int
store_survey_open(struct store *st, const char *msisdn,
    struct store_survey *out, size_t max)
{
	sqlite3_stmt	*s;
	uint8_t		 hash[CRYPTO_HASH_LEN];
	size_t		 n = 0;
	int		 rc;

	if (store_hash(st, msisdn, hash) == -1)
		return -1;
	if ((s = store_stmt(st, STMT_SURVEY_OPEN)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while (n < max && (rc = store_step(st, s, "survey open")) ==
	    SQLITE_ROW)
		store_survey_row(st, s, &out[n++]);
	sqlite3_reset(s);
	return n < max && rc == -1 ? -1 : (int)n;
}

int
store_survey_reply(struct store *st, int64_t id, int score, const char *raw,
    const char *comment, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (score < 0 || score > 3 || raw == NULL) {
		log_warnx("store survey reply: bad score (caller's bug)");
		return -1;
	}
	if ((s = store_stmt(st, STMT_SURVEY_REPLY)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, score);
	sqlite3_bind_text(s, 3, raw, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, comment != NULL && *comment != '\0' ?
	    comment : NULL, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, at);
	rc = store_step(st, s, "survey reply");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (sqlite3_changes(st->db) == 0)
		return 0;
	if (store_survey_case(st, id, score > 0 ? STORE_SURVEY_ANSWERED :
	    STORE_SURVEY_UNCLEAR, score, raw, comment, score > 0 ? at : 0,
	    NULL, 0, 0) == -1)
		return -1;
	return 1;
}

int
store_survey_reminded(struct store *st, int64_t id, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_SURVEY_REMINDED)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, at);
	rc = store_step(st, s, "survey reminded");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (sqlite3_changes(st->db) == 0)
		return 0;
	return store_survey_case(st, id, STORE_SURVEY_REMINDED, 0, NULL,
	    NULL, 0, NULL, 0, at) == -1 ? -1 : 1;
}

int
store_survey_expire(struct store *st, int64_t id, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_SURVEY_EXPIRE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, at);
	rc = store_step(st, s, "survey expire");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (sqlite3_changes(st->db) == 0)
		return 0;
	return store_survey_case(st, id, STORE_SURVEY_EXPIRED, 0, NULL, NULL,
	    0, NULL, 0, 0) == -1 ? -1 : 1;
}

int
store_survey_due(struct store *st, int64_t now, int64_t *ids, size_t max)
{
	sqlite3_stmt	*s;
	size_t		 n = 0;
	int		 rc;

	if ((s = store_stmt(st, STMT_SURVEY_DUE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while (n < max && (rc = store_step(st, s, "survey due")) ==
	    SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return n < max && rc == -1 ? -1 : (int)n;
}

int
store_survey_next_time(struct store *st, int64_t *when)
{
	sqlite3_stmt	*s;
	int		 rc, found = 0;

	if ((s = store_stmt(st, STMT_SURVEY_NEXT)) == NULL)
		return -1;
	if ((rc = store_step(st, s, "survey next")) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL) {
		*when = sqlite3_column_int64(s, 0);
		found = 1;
	}
	sqlite3_reset(s);
	return rc == -1 ? -1 : found;
}
