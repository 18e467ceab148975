/*
 * The parts of a long SMS across attempts (issue 14): when the SMSC
 * accepts some parts and throttles another, the retry resends only the
 * parts not accepted, and the accepted ones are carried into the new
 * attempt with their message ids, so that their receipts are matched.
 */
#include "compat.h"

#include <stdint.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_int.h"

int
store_outbox_parts_done(struct store *st, int64_t id, int *nparts,
    uint32_t *mask)
{
	sqlite3_stmt	*s;
	int		 rc, part, n;

	*nparts = 0;
	*mask = 0;
	if ((s = store_stmt(st, STMT_OUT_PARTS_DONE)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = store_step(st, s, "outbox parts done")) == SQLITE_ROW) {
		part = sqlite3_column_int(s, 0);
		n = sqlite3_column_int(s, 1);
		if (*nparts == 0)
			*nparts = n;	/* the newest attempt's split */
		if (n != *nparts || part < 1 || part > n || part > 32)
			continue;	/* an older split of another size */
		*mask |= (uint32_t)1 << (part - 1);
	}
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	return *nparts > 0;
}

int
store_outbox_part_carry(struct store *st, int64_t id, int part, int nparts)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, STMT_OUT_PART_CARRY)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, part);
	sqlite3_bind_int(s, 3, nparts);
	rc = store_step(st, s, "outbox part carry");
	sqlite3_reset(s);
	if (rc == -1)
		return -1;
	if (sqlite3_changes(st->db) == 0) {
		log_warnx("store outbox id=%lld part=%d/%d has no earlier "
		    "attempt to carry", (long long)id, part, nparts);
		return -1;
	}
	return 0;
}
