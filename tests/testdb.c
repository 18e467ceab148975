/* testdb: see testdb.h. */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
