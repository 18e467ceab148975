/* testdb: see testdb.h. */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crypto.h"
#include "store.h"

#include "testdb.h"

int
testdb_make(const char *name, char *dir, size_t dirlen, char *path,
    size_t pathlen)
{
	if ((size_t)snprintf(dir, dirlen, "/tmp/%s.XXXXXX", name) >= dirlen ||
	    mkdtemp(dir) == NULL)
		return -1;
	if ((size_t)snprintf(path, pathlen, "%s/hotlined.db", dir) >= pathlen)
		return -1;
	return 0;
}

void
testdb_remove(const char *dir, const char *path)
{
	char	p[4096];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	rmdir(dir);
}

long long
testdb_peek(const char *path, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*s = NULL;
	long long	 v = -1;

	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fprintf(stderr, "# testdb_peek: %s: %s\n", sql,
		    sqlite3_errmsg(db));
	else if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

int
testdb_text(const char *path, const char *sql, char *buf, size_t len)
{
	sqlite3		*db;
	sqlite3_stmt	*s = NULL;
	const unsigned char *t;
	int		 r = -1;

	buf[0] = '\0';
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fprintf(stderr, "# testdb_text: %s: %s\n", sql,
		    sqlite3_errmsg(db));
	else if (sqlite3_step(s) == SQLITE_ROW &&
	    (t = sqlite3_column_text(s, 0)) != NULL) {
		snprintf(buf, len, "%s", (const char *)t);
		r = 0;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return r;
}

struct store *
testdb_open(const char *name, char *dir, size_t dirlen, char *path,
    size_t pathlen, struct crypto **cryptop)
{
	struct store	*st;
	uint8_t		 key[CRYPTO_KEYFILE_LEN];
	char		 err[256];

	if (testdb_make(name, dir, dirlen, path, pathlen) == -1)
		return NULL;
	memset(key, 0x5a, sizeof(key));
	*cryptop = crypto_new(key);
	if ((st = store_open(path, *cryptop, NULL, err, sizeof(err))) == NULL)
		fprintf(stderr, "# store_open: %s\n", err);
	return st;
}
