/*
 * dbguard: the key and the database belong together.  A key is created only
 * for a new, empty database; a database is opened only with its own key;
 * and an empty database is refused where the key says one with data
 * existed.  The database keeps the key's check value (store.h, v7); beside
 * the key file lies its record, KEYFILE.database (mode 0600), naming the
 * database the key encrypts, so a database lost with its check value (a
 * deleted file or WAL, a restore without it) is still noticed.
 */
#ifndef HOTLINED_DBGUARD_H
#define HOTLINED_DBGUARD_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define DBGUARD_SUFFIX		".database"	/* the record: key-file + this */
#define DBGUARD_RECORD_MAX	4096		/* bytes, a record at most */

/* What the record beside the key file says. */
struct dbguard_record {
	char		 ident[STORE_IDENT_LEN + 1];	/* the database's */
	char		 kcv[STORE_KCV_LEN + 1];	/* the key's check value */
	int64_t		 created_at;			/* the database's, ms */
};

/* What is on disk at start, before anything is created or written. */
struct dbguard_state {
	const char		*key_path;
	const char		*db_path;
	int			 key_exists;
	int			 has_record;
	struct dbguard_record	 record;
	struct store_peek	 db;
};

enum dbguard_verdict {
	DBGUARD_START = 0,		/* open the key and the database */
	DBGUARD_CREATE_KEY,		/* a new database: make its key first */
	DBGUARD_REFUSE			/* why says what is wrong and what to do */
};

/*
 * Parse a record ("database HEX32", "key-check HEX32", "created MS", each
 * once; '#' comments and blank lines).  0, or -1 with "name:line: why".
 */
int	dbguard_parse(const char *name, const char *buf, size_t len,
	    struct dbguard_record *, char *err, size_t errlen);
/* The record as its file holds it; the length, or -1 if len is short. */
int	dbguard_format(const struct dbguard_record *, char *buf, size_t len);
/* Read key_path's record: 1, 0 when there is none, -1 with a reason. */
int	dbguard_read(const char *key_path, struct dbguard_record *, char *err,
	    size_t errlen);
/* Write key_path's record atomically (0600, fsync, rename); 0 or -1. */
int	dbguard_write(const char *key_path, const struct dbguard_record *,
	    char *err, size_t errlen);
/* Fill s: key file present?  record?  database contents (store_peek)? */
int	dbguard_look(struct dbguard_state *s, const char *key_path,
	    const char *db_path, char *err, size_t errlen);
/* Decide from s alone (no I/O); a refusal's reason and remedy in why. */
enum dbguard_verdict dbguard_decide(const struct dbguard_state *s, char *why,
	    size_t whylen);
/*
 * With the key loaded: does its check value match the record's?  0, or -1
 * with why (the key file was replaced while its record stayed).
 */
int	dbguard_check_key(const struct dbguard_state *s, const char *kcv,
	    char *why, size_t whylen);

struct hotlined_conf;
struct conf_errors;
/*
 * "hotlined -t" and the start-up check (conf_add_check): the key file, its
 * record and the database agree, as far as can be told without creating
 * or writing anything (the key is read only when it exists).
 */
int	dbguard_conf_check(const struct hotlined_conf *, struct conf_errors *,
	    void *arg);

#endif /* HOTLINED_DBGUARD_H */
