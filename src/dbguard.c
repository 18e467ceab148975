/*
 * dbguard: the start-up decision between key file, its record and the
 * database (dbguard.h), and the record file itself: a few "word value"
 * lines, parsed strictly, written atomically beside the key.
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

#include "config.h"
#include "crypto.h"
#include "daemon.h"
#include "dbguard.h"
#include "log.h"
#include "util.h"

static int	dbguard_hex(const char *, size_t);
static int	dbguard_path(const char *, char *, size_t);
static const char *dbguard_date(int64_t, char *, size_t);

/* 1 when s is exactly n lowercase hex digits. */
static int
dbguard_hex(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[n] == '\0';
}

static int
dbguard_path(const char *key_path, char *buf, size_t len)
{
	if ((size_t)snprintf(buf, len, "%s%s", key_path, DBGUARD_SUFFIX) >=
	    len)
		return -1;
	return 0;
}

/* A creation time for messages: local date, or "an unknown date". */
static const char *
dbguard_date(int64_t ms, char *buf, size_t len)
{
	struct tm	tm;
	time_t		t = (time_t)(ms / 1000);

	if (ms <= 0 || localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
		strlcpy(buf, "an unknown date", len);
	return buf;
}

int
dbguard_parse(const char *name, const char *buf, size_t len,
    struct dbguard_record *r, char *err, size_t errlen)
{
	char		 line[256], *word, *val, *end;
	const char	*p = buf, *stop = buf + len;
	long long	 ms;
	int		 lineno = 0, seen = 0, bit;
	size_t		 n;

	memset(r, 0, sizeof(*r));
	if (len > DBGUARD_RECORD_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", name,
		    DBGUARD_RECORD_MAX);
		return -1;
	}
	if (memchr(buf, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: a NUL byte: not a record", name);
		return -1;
	}
	while (p < stop) {
		lineno++;
		if (buf_next_line(&p, stop, line, sizeof(line), &n) == -1) {
			snprintf(err, errlen, "%s:%d: line too long", name,
			    lineno);
			return -1;
		}
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		word = line + strspn(line, " \t");
		if (*word == '\0' || *word == '#')
			continue;
		val = word + strcspn(word, " \t");
		if (*val != '\0')
			*val++ = '\0';
		val += strspn(val, " \t");
		val[strcspn(val, " \t")] = '\0';
		if (strcmp(word, "database") == 0 &&
		    dbguard_hex(val, STORE_IDENT_LEN)) {
			bit = 1;
			strlcpy(r->ident, val, sizeof(r->ident));
		} else if (strcmp(word, "key-check") == 0 &&
		    dbguard_hex(val, STORE_KCV_LEN)) {
			bit = 2;
			strlcpy(r->kcv, val, sizeof(r->kcv));
		} else if (strcmp(word, "created") == 0) {
			bit = 4;
			errno = 0;
			ms = strtoll(val, &end, 10);
			if (*val < '0' || *val > '9' || *end != '\0' ||
			    errno != 0 || ms < 0) {
				snprintf(err, errlen, "%s:%d: created wants "
				    "milliseconds since 1970", name, lineno);
				return -1;
			}
			r->created_at = ms;
		} else {
			snprintf(err, errlen, "%s:%d: want \"database\" or "
			    "\"key-check\" with %d hex digits, or \"created\"",
			    name, lineno, STORE_IDENT_LEN);
			return -1;
		}
		if (seen & bit) {
			snprintf(err, errlen, "%s:%d: %s given twice", name,
			    lineno, word);
			return -1;
		}
		seen |= bit;
	}
	if ((seen & 3) != 3) {
		snprintf(err, errlen, "%s: incomplete: %s missing", name,
		    (seen & 1) ? "key-check" : "database");
		return -1;
	}
	return 0;
}

int
dbguard_format(const struct dbguard_record *r, char *buf, size_t len)
{
	int	n;

	n = snprintf(buf, len, "# hotlined: the database this key encrypts; "
	    "see hotlined(8) RECOVERY\ndatabase %s\nkey-check %s\n"
	    "created %lld\n", r->ident, r->kcv, (long long)r->created_at);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

int
dbguard_read(const char *key_path, struct dbguard_record *r, char *err,
    size_t errlen)
{
	char		 path[PATH_MAX], buf[DBGUARD_RECORD_MAX + 1];
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd;

	memset(r, 0, sizeof(*r));
	if (dbguard_path(key_path, path, sizeof(path)) == -1) {
		snprintf(err, errlen, "key-file %s: name too long", key_path);
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return dbguard_parse(path, buf, len, r, err, errlen) == -1 ? -1 : 1;
}

/*
 * Through a temporary file made 0600 whatever the umask, fsync'd and
 * renamed over the old record, then the directory fsync'd: a crash leaves
 * the old record or the new one, never half of one.
 */
int
dbguard_write(const char *key_path, const struct dbguard_record *r,
    char *err, size_t errlen)
{
	char	 path[PATH_MAX], tmp[PATH_MAX + 8], dir[PATH_MAX], buf[512];
	char	*slash;
	int	 fd, n, dfd;

	if (dbguard_path(key_path, path, sizeof(path)) == -1 ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    sizeof(tmp) || (n = dbguard_format(r, buf, sizeof(buf))) == -1) {
		snprintf(err, errlen, "key-file %s: name too long", key_path);
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fchmod(fd, S_IRUSR | S_IWUSR) == -1 ||
	    write(fd, buf, (size_t)n) != n || fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	strlcpy(dir, path, sizeof(dir));
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		strlcpy(dir, ".", sizeof(dir));
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
}

int
dbguard_look(struct dbguard_state *s, const char *key_path,
    const char *db_path, char *err, size_t errlen)
{
	struct stat	st;

	memset(s, 0, sizeof(*s));
	s->key_path = key_path;
	s->db_path = db_path;
	if (lstat(key_path, &st) == 0)
		s->key_exists = 1;
	else if (errno != ENOENT) {
		snprintf(err, errlen, "key-file %s: %s", key_path,
		    strerror(errno));
		return -1;
	}
	if ((s->has_record = dbguard_read(key_path, &s->record, err,
	    errlen)) == -1)
		return -1;
	return store_peek(db_path, &s->db, err, errlen);
}

enum dbguard_verdict
dbguard_decide(const struct dbguard_state *s, char *why, size_t whylen)
{
	const struct dbguard_record	*r = &s->record;
	char				 d[32];

	if (!s->key_exists) {
		if (s->db.exists) {
			snprintf(why, whylen, "key-file %s is missing, and "
			    "database %s was written with a key (check value "
			    "%.*s): restore that key file from the backup; a "
			    "key is created only for a new, empty database "
			    "(hotlined(8) RECOVERY)", s->key_path, s->db_path,
			    s->db.kcv[0] ? 8 : 64, s->db.kcv[0] ? s->db.kcv :
			    "unknown, from before schema v7");
			return DBGUARD_REFUSE;
		}
		if (s->has_record) {
			snprintf(why, whylen, "key-file %s is missing, but its "
			    "record %s%s names database %.8s made %s: restore "
			    "the key file and that database from the backup "
			    "(hotlined(8) RECOVERY)", s->key_path, s->key_path,
			    DBGUARD_SUFFIX, r->ident, dbguard_date(
			    r->created_at, d, sizeof(d)));
			return DBGUARD_REFUSE;
		}
		return DBGUARD_CREATE_KEY;
	}
	if (!s->has_record)
		return DBGUARD_START;	/* the first start at v7: written then */
	if (!s->db.exists) {
		snprintf(why, whylen, "database %s is empty or missing, but "
		    "key-file %s was in use with database %.8s made %s: the "
		    "database was lost or replaced; restore it from the "
		    "backup, or remove %s%s to start a new, empty database "
		    "with this key (hotlined(8) RECOVERY)", s->db_path,
		    s->key_path, r->ident, dbguard_date(r->created_at, d,
		    sizeof(d)), s->key_path, DBGUARD_SUFFIX);
		return DBGUARD_REFUSE;
	}
	if (s->db.ident[0] != '\0' && strcmp(s->db.ident, r->ident) != 0) {
		snprintf(why, whylen, "database %s is %.8s, but key-file %s "
		    "was in use with database %.8s made %s: another "
		    "database was put in its place; restore the right one, "
		    "or remove %s%s if this one is meant (hotlined(8) "
		    "RECOVERY)", s->db_path, s->db.ident, s->key_path,
		    r->ident, dbguard_date(r->created_at, d, sizeof(d)),
		    s->key_path, DBGUARD_SUFFIX);
		return DBGUARD_REFUSE;
	}
	return DBGUARD_START;
}

int
dbguard_check_key(const struct dbguard_state *s, const char *kcv, char *why,
    size_t whylen)
{
	if (!s->has_record || strcmp(s->record.kcv, kcv) == 0)
		return 0;
	snprintf(why, whylen, "key-file %s is not the key its record %s%s "
	    "names (check value %.8s, the file gives %.8s): a wrong or "
	    "replaced key file; restore the right one (hotlined(8) RECOVERY)",
	    s->key_path, s->key_path, DBGUARD_SUFFIX, s->record.kcv, kcv);
	return -1;
}

int
dbguard_conf_check(const struct hotlined_conf *conf, struct conf_errors *errs,
    void *arg)
{
	struct dbguard_state	 g;
	struct crypto		*c;
	char			 why[1024], kcv[CRYPTO_KCV_LEN + 1];
	int			 line = conf_line(conf, "key-file");

	if (dbguard_look(&g, conf->key_file, conf->database, why,
	    sizeof(why)) == -1) {
		conf_error(errs, conf->path, conf_line(conf, "database"), "%s",
		    why);
		return -1;
	}
	if (dbguard_decide(&g, why, sizeof(why)) == DBGUARD_REFUSE) {
		conf_error(errs, conf->path, line, "%s", why);
		return -1;
	}
	/* a key file with a bad mode is daemon_preflight()'s to report */
	if (!g.key_exists || daemon_check_secret("key-file", conf->key_file,
	    1, why, sizeof(why)) == -1)
		return 0;
	if ((c = crypto_open(conf->key_file, why, sizeof(why))) == NULL) {
		conf_error(errs, conf->path, line, "%s", why);
		return -1;
	}
	if (crypto_check_value(c, kcv) == -1)
		kcv[0] = '\0';
	crypto_free(c);
	if (dbguard_check_key(&g, kcv, why, sizeof(why)) == -1) {
		conf_error(errs, conf->path, line, "%s", why);
		return -1;
	}
	if (g.db.kcv[0] != '\0' && strcmp(g.db.kcv, kcv) != 0) {
		conf_error(errs, conf->path, line, "database %s was written "
		    "with another key (key check value %.8s, the key file "
		    "gives %.8s): a wrong, new or replaced key file; restore "
		    "the database's own key (hotlined(8) RECOVERY)",
		    conf->database, g.db.kcv, kcv);
		return -1;
	}
	return 0;
}
