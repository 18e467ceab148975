/*
 * Bearer tokens of the admin API: the tokens file (mode 0600), one token a
 * line, "NAME ROLE SECRET [UNIT]", parsed whole or not at all.  Only the
 * SHA-256 of each secret is kept in memory; lookups compare in constant
 * time.  The format is documented in hotlinectl(8), TOKENS FILE.
 */
#ifndef HOTLINED_TOKENS_H
#define HOTLINED_TOKENS_H

#include <stddef.h>
#include <stdint.h>

struct conf_errors;
struct hotlined_conf;

#define TOKEN_NAME_MAX		33	/* [A-Za-z0-9._-]{1,32} + NUL */
#define TOKEN_UNIT_MAX		33	/* [A-Za-z0-9._-]{1,32} + NUL */
#define TOKEN_SECRET_MIN	16	/* a plaintext secret, bytes */
#define TOKEN_SECRET_MAX	256
#define TOKEN_HASH_LEN		32	/* SHA-256 */
#define TOKENS_LINE_MAX		1024
#define TOKENS_FILE_MAX		(1024 * 1024)
#define TOKENS_MAX		4096

/* Roles are bits so that a route can allow several. */
#define TOKEN_OFFICE		0x01	/* the hotline office: everything */
#define TOKEN_UNIT		0x02	/* a handling unit: its own cases */
#define TOKEN_AUDITOR		0x04	/* read-only */
#define TOKEN_ANY		(TOKEN_OFFICE | TOKEN_UNIT | TOKEN_AUDITOR)

struct token {
	char		 name[TOKEN_NAME_MAX];
	int		 role;			/* one TOKEN_* bit */
	char		 unit[TOKEN_UNIT_MAX];	/* TOKEN_UNIT only, else "" */
	uint8_t		 hash[TOKEN_HASH_LEN];	/* SHA-256 of the secret */
	int		 line;
};

struct tokens {
	struct token	*v;
	size_t		 n;
};

/* Parse a tokens file held in memory; NULL with "name:line: why" in errs. */
struct tokens	*tokens_parse(const char *name, const char *data, size_t len,
		    struct conf_errors *errs);
/* Check the mode (0600), read and parse path; NULL with errors in errs. */
struct tokens	*tokens_load(const char *path, struct conf_errors *errs);
/* Free the tokens (hashes zeroed); tokens_free(NULL) does nothing. */
void		 tokens_free(struct tokens *);
/* The token whose secret this is, or NULL; constant time in the secret. */
const struct token *tokens_find(const struct tokens *, const char *secret,
		    size_t len);
/* SHA-256 of a secret. */
void		 tokens_hash(const char *secret, size_t len,
		    uint8_t out[TOKEN_HASH_LEN]);
/* "office", "unit", "auditor"; "?" for anything else. */
const char	*tokens_strrole(int role);
/* A role's bit from its name; -1 when unknown. */
int		 tokens_parserole(const char *);
/* "hotlined -t": the tokens file parses (absent is fine: admin is off). */
int		 tokens_conf_check(const struct hotlined_conf *,
		    struct conf_errors *, void *arg);

#endif /* HOTLINED_TOKENS_H */
