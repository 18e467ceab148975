/*
 * testdb: the throwaway database directory the store-backed unit tests
 * (test_store, test_lifecycle, test_survey) open their store in.
 */
#ifndef HOTLINED_TESTDB_H
#define HOTLINED_TESTDB_H

#include <stddef.h>

struct crypto;
struct store;

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
/* The first column of the first row as text into buf; 0, or -1 (none). */
int		testdb_text(const char *path, const char *sql, char *buf,
		    size_t len);
/*
 * testdb_make(), then a store opened there with a fixed key (its crypto
 * into *cryptop, the caller frees both); NULL, said on stderr, on failure.
 */
struct store	*testdb_open(const char *name, char *dir, size_t dirlen,
		    char *path, size_t pathlen, struct crypto **cryptop);
/* Remove the database at path, its WAL and shared-memory files, and dir. */
void	testdb_remove(const char *dir, const char *path);

#endif /* HOTLINED_TESTDB_H */
