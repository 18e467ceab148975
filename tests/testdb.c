/* testdb: see testdb.h. */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

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
