/*
 * The admin API's tokens file: "NAME ROLE SECRET [UNIT]" lines, comments
 * after '#'.  SECRET is the token itself or "sha256:" and its hex digest;
 * either way only the digest stays in memory.  One bad line rejects the
 * whole file, so a reload keeps the old tokens in force.
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "tokens.h"
#include "util.h"

#define TOKENS_FIELDS	5		/* one more than allowed, to count */

static int	 tokens_line(struct tokens *, const char *, int, char *, size_t,
		    struct conf_errors *);
static int	 tokens_word(const char *, size_t);
static int	 tokens_hex(const char *, uint8_t *);

static const struct {
	const char	*name;
	int		 role;
} tokens_roles[] = {
	{ "office",	TOKEN_OFFICE },
	{ "unit",	TOKEN_UNIT },
	{ "auditor",	TOKEN_AUDITOR },
};

const char *
tokens_strrole(int role)
{
	size_t	i;

	for (i = 0; i < nitems(tokens_roles); i++)
		if (tokens_roles[i].role == role)
			return tokens_roles[i].name;
	return "?";
}

int
tokens_parserole(const char *s)
{
	size_t	i;

	for (i = 0; i < nitems(tokens_roles); i++)
		if (strcmp(s, tokens_roles[i].name) == 0)
			return tokens_roles[i].role;
	return -1;
}

void
tokens_hash(const char *secret, size_t len, uint8_t out[TOKEN_HASH_LEN])
{
	unsigned int	n = TOKEN_HASH_LEN;

	if (EVP_Digest(secret, len, out, &n, EVP_sha256(), NULL) != 1 ||
	    n != TOKEN_HASH_LEN)
		fatalx("tokens SHA-256 failed");
}

/* 1 when s is 1..32 of [A-Za-z0-9._-], else 0. */
static int
tokens_word(const char *s, size_t max)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i >= max)
			return 0;
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	}
	return i > 0;
}

/* 64 hex digits into 32 bytes; 0 or -1. */
static int
tokens_hex(const char *s, uint8_t *out)
{
	size_t	i;
	int	hi, lo;

	if (strlen(s) != TOKEN_HASH_LEN * 2)
		return -1;
	for (i = 0; i < TOKEN_HASH_LEN; i++) {
		hi = OPENSSL_hexchar2int((unsigned char)s[2 * i]);
		lo = OPENSSL_hexchar2int((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* One line (NUL-terminated, no newline); 0, or -1 with an error added. */
static int
tokens_line(struct tokens *t, const char *file, int lineno, char *s,
    size_t len, struct conf_errors *errs)
{
	struct token	 tok;
	char		*f[TOKENS_FIELDS];
	size_t		 i, nf = 0, slen;
	int		 role;

	for (i = 0; i < len; i++) {
		if (s[i] == '\0') {
			conf_error(errs, file, lineno, "NUL byte");
			return -1;
		}
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t' &&
		    s[i] != '\r') || (unsigned char)s[i] == 0x7f) {
			conf_error(errs, file, lineno, "control character "
			    "0x%02x", (unsigned char)s[i]);
			return -1;
		}
		if ((unsigned char)s[i] >= 0x80) {
			conf_error(errs, file, lineno, "non-ASCII byte");
			return -1;
		}
	}
	/* split on blanks; '#' at the start of a field ends the line */
	while (nf < TOKENS_FIELDS) {
		s += strspn(s, " \t\r");
		if (*s == '\0' || *s == '#')
			break;
		f[nf++] = s;
		s += strcspn(s, " \t\r");
		if (*s != '\0')
			*s++ = '\0';
	}
	if (nf == 0)
		return 0;
	if (nf < 3 || nf > 4) {
		conf_error(errs, file, lineno, "expected NAME ROLE SECRET "
		    "[UNIT], got %zu field%s", nf, nf == 1 ? "" : "s");
		return -1;
	}
	memset(&tok, 0, sizeof(tok));
	tok.line = lineno;
	if (!tokens_word(f[0], TOKEN_NAME_MAX - 1)) {
		conf_error(errs, file, lineno, "bad token name (1 to %d of "
		    "A-Z a-z 0-9 . _ -)", TOKEN_NAME_MAX - 1);
		return -1;
	}
	strlcpy(tok.name, f[0], sizeof(tok.name));
	if ((role = tokens_parserole(f[1])) == -1) {
		conf_error(errs, file, lineno, "token %s: unknown role "
		    "(office, unit, auditor)", tok.name);
		return -1;
	}
	tok.role = role;
	if (strncmp(f[2], "sha256:", 7) == 0) {
		if (tokens_hex(f[2] + 7, tok.hash) == -1) {
			conf_error(errs, file, lineno, "token %s: sha256: "
			    "needs 64 hex digits", tok.name);
			return -1;
		}
	} else {
		slen = strlen(f[2]);
		if (slen < TOKEN_SECRET_MIN || slen > TOKEN_SECRET_MAX) {
			conf_error(errs, file, lineno, "token %s: secret must "
			    "be %d to %d characters", tok.name,
			    TOKEN_SECRET_MIN, TOKEN_SECRET_MAX);
			return -1;
		}
		tokens_hash(f[2], slen, tok.hash);
		explicit_bzero(f[2], slen);
	}
	if (role == TOKEN_UNIT) {
		if (nf != 4 || !tokens_word(f[3], TOKEN_UNIT_MAX - 1)) {
			conf_error(errs, file, lineno, "token %s: a unit token "
			    "needs a unit code (1 to %d of A-Z a-z 0-9 . _ -)",
			    tok.name, TOKEN_UNIT_MAX - 1);
			return -1;
		}
		strlcpy(tok.unit, f[3], sizeof(tok.unit));
	} else if (nf == 4) {
		conf_error(errs, file, lineno, "token %s: only a unit token "
		    "takes a unit code", tok.name);
		return -1;
	}
	for (i = 0; i < t->n; i++) {
		if (strcmp(t->v[i].name, tok.name) == 0) {
			conf_error(errs, file, lineno, "token %s: duplicate "
			    "name (first at line %d)", tok.name, t->v[i].line);
			return -1;
		}
		if (CRYPTO_memcmp(t->v[i].hash, tok.hash, TOKEN_HASH_LEN) ==
		    0) {
			conf_error(errs, file, lineno, "token %s: same secret "
			    "as token %s", tok.name, t->v[i].name);
			return -1;
		}
	}
	if (t->n >= TOKENS_MAX) {
		conf_error(errs, file, lineno, "more than %d tokens",
		    TOKENS_MAX);
		return -1;
	}
	t->v = xreallocarray(t->v, t->n + 1, sizeof(*t->v));
	t->v[t->n++] = tok;
	explicit_bzero(&tok, sizeof(tok));
	return 0;
}

struct tokens *
tokens_parse(const char *name, const char *data, size_t len,
    struct conf_errors *errs)
{
	struct tokens	*t;
	char		 line[TOKENS_LINE_MAX + 1];
	const char	*p, *end = data + len, *nl;
	size_t		 n;
	int		 lineno = 0, bad = 0;

	t = xcalloc(1, sizeof(*t));
	if (len > TOKENS_FILE_MAX) {
		conf_error(errs, name, 0, "larger than %d bytes",
		    TOKENS_FILE_MAX);
		goto fail;
	}
	for (p = data; p < end && bad < 100; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		n = nl - p;
		if (n > TOKENS_LINE_MAX) {
			conf_error(errs, name, lineno, "line longer than %d "
			    "bytes", TOKENS_LINE_MAX);
			bad++;
			continue;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (tokens_line(t, name, lineno, line, n, errs) == -1)
			bad++;
	}
	explicit_bzero(line, sizeof(line));
	if (bad)
		goto fail;
	return t;
fail:
	tokens_free(t);
	return NULL;
}

struct tokens *
tokens_load(const char *path, struct conf_errors *errs)
{
	struct tokens	*t;
	char		 err[1024], *buf;
	size_t		 len;

	if (daemon_check_secret("tokens-file", path, 1, err,
	    sizeof(err)) == -1) {
		conf_error(errs, path, 0, "%s", err);
		return NULL;
	}
	/* O_NOFOLLOW: a secret is not read through a link */
	if ((buf = read_file_bounded(path, TOKENS_FILE_MAX, O_NOFOLLOW, &len,
	    err, sizeof(err))) == NULL) {
		conf_error(errs, path, 0, "%s", err);
		return NULL;
	}
	t = tokens_parse(path, buf, len, errs);	/* refuses len > max */
	explicit_bzero(buf, len);
	free(buf);
	return t;
}

void
tokens_free(struct tokens *t)
{
	if (t == NULL)
		return;
	if (t->v != NULL) {
		explicit_bzero(t->v, t->n * sizeof(*t->v));
		free(t->v);
	}
	free(t);
}

const struct token *
tokens_find(const struct tokens *t, const char *secret, size_t len)
{
	const struct token	*found = NULL;
	uint8_t			 h[TOKEN_HASH_LEN];
	size_t			 i;

	if (t == NULL || len == 0 || len > TOKEN_SECRET_MAX)
		return NULL;
	tokens_hash(secret, len, h);
	/* look at every entry: the time does not tell which one matched */
	for (i = 0; i < t->n; i++)
		if (CRYPTO_memcmp(t->v[i].hash, h, TOKEN_HASH_LEN) == 0)
			found = &t->v[i];
	return found;
}

int
tokens_conf_check(const struct hotlined_conf *conf, struct conf_errors *errs,
    void *arg)
{
	struct tokens	*t;
	struct stat	 st;

	if (stat(conf->admin.tokens_file, &st) == -1 && errno == ENOENT)
		return 0;		/* no tokens file: admin is off */
	if ((t = tokens_load(conf->admin.tokens_file, errs)) == NULL)
		return -1;
	tokens_free(t);
	return 0;
}
