/*
 * testdb: the throwaway database directory the store-backed unit tests
 * (test_store, test_lifecycle, test_survey) open their store in.
 */
#ifndef HOTLINED_TESTDB_H
#define HOTLINED_TESTDB_H

#include <stddef.h>

/* Make a fresh directory /tmp/NAME.XXXXXX into dir and name its database
 * in path; 0 or -1. */
int	testdb_make(const char *name, char *dir, size_t dirlen, char *path,
	    size_t pathlen);
/*
 * One integer from a query on a connection of its own (the default VFS),
 * as an operator's sqlite3 would see the database; -1 when there is no
 * row or the query fails (said on stderr).
 */
long long	testdb_peek(const char *path, const char *sql);
/* Remove the database at path, its WAL and shared-memory files, and dir. */
void	testdb_remove(const char *dir, const char *path);

#endif /* HOTLINED_TESTDB_H */
