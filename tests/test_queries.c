/*
 * Unit tests of the queries' plans (issue 17): the statements a citizen's
 * CX, the case list, a case's history and the scans run walk an index,
 * never the whole table, on a new database and on one upgraded in place
 * from v16.  A regression to a table scan (or to a sort of every row)
 * fails here, long before a database of millions of cases shows it.
 */
#include "compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "crypto.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "testdb.h"
#include "util.h"

#define NUM	"13800130017"
#define T0	(INT64_C(1795658400) * 1000)	/* 2026-11-26 10:00 +08:00 */

struct fixture {
	char		 dir[64];
	char		 path[128];
	struct crypto	*crypto;
	struct store	*st;
};

/*
 * What a statement's plan must show: the index it walks (NULL: any
 * index, as long as no table is scanned whole), and whether a sort of
 * its rows (a temporary b-tree) is allowed.
 */
static const struct plan {
	enum store_stmt	 stmt;
	const char	*what;
	const char	*index;
	int		 sort_ok;
} plans[] = {
	/*
	 * a number's rows (v23): its newest row by rowid (citizen_head(),
	 * v24), then its chain
	 */
	{ STMT_CASE_OPEN, "CX: a citizen's open cases",
	    "SEARCH c USING INTEGER PRIMARY KEY", 0 },
	{ STMT_CASE_COUNT, "case limit: a citizen's cases of the hour",
	    "SEARCH c USING INTEGER PRIMARY KEY", 0 },
	{ STMT_CASE_BY_MSISDN, "a citizen's recent cases",
	    "SEARCH c USING INTEGER PRIMARY KEY", 0 },
	{ STMT_OUT_COUNT, "reply limit: a citizen's SMS of the hour",
	    "SEARCH o USING INTEGER PRIMARY KEY", 0 },
	{ STMT_OUT_COUNT_LIMIT, "the limit notices of the hour",
	    "SEARCH o USING INTEGER PRIMARY KEY", 0 },
	/* the open surveys of a citizen's cases: a few rows sorted */
	{ STMT_SURVEY_OPEN, "a citizen's open surveys",
	    "SEARCH c USING INTEGER PRIMARY KEY", 1 },
	{ STMT_SURVEY_BY_EXT_ANY, "a citizen's survey by extension",
	    "SEARCH c USING INTEGER PRIMARY KEY", 1 },
	{ STMT_SURVEY_BY_EXT, "a citizen's open survey by extension",
	    "surveys_open_ext", 0 },
	{ STMT_CITIZEN_CASE_CHAIN, "retention: a number's cases",
	    "SEARCH c USING INTEGER PRIMARY KEY", 0 },
	{ STMT_CITIZEN_OUT_CHAIN, "retention: a number's SMS",
	    "SEARCH o USING INTEGER PRIMARY KEY", 0 },
	/* the send order per number: back along the row's chain (v23) */
	{ STMT_OUT_NEXT, "the pump's next rows", "outbox_queued", 0 },
	{ STMT_OUT_NEXT_TIME, "the pump's next moment", "outbox_due", 0 },
	{ STMT_CASE_BY_NUMBER, "CX with a number",
	    "sqlite_autoindex_cases_1", 0 },
	{ STMT_CASE_BY_ID, "one case", NULL, 0 },
	{ STMT_CASE_SEARCH_UNIT, "case list unit=", "case_units_active", 0 },
	{ STMT_CASE_SEARCH_STATE, "case list state=", "cases_state", 0 },
	{ STMT_CASE_SEARCH_OPEN, "case list (open)", "cases_open", 0 },
	{ STMT_CASE_SEARCH_OVERDUE, "case list overdue=1", "cases_open_due",
	    0 },
	{ STMT_CASE_SEARCH_SUPERVISED, "case list supervised=1",
	    "cases_supervised", 0 },
	{ STMT_CASE_SEARCH_CONFIDENTIAL, "case list confidential=1",
	    "cases_confidential", 0 },
	{ STMT_CASE_SEARCH_RECEIVED, "case list from=&to=",
	    "cases_received", 0 },
	/* intake's repeat check: a category's cases of the last days */
	{ STMT_CASE_BY_CATEGORY, "recent cases of a category",
	    "cases_category", 1 },
	{ STMT_HIST_AUDIT, "history: audit", "audit_case", 0 },
	/* a case's few rows, grouped by text: sorting them is cheap */
	{ STMT_HIST_IN, "history: messages in", "inbound_case", 1 },
	{ STMT_HIST_OUT, "history: messages out", "outbox_case", 0 },
	{ STMT_CASE_OVERDUE_PAGE, "overdue scan slice", "cases_overdue", 0 },
	{ STMT_SURVEY_DUE_PAGE, "survey tick slice", "surveys_due", 0 },
	{ STMT_CASE_NOTICE_PAGE, "notice scan slice", "cases_open_due", 0 },
	/* retention reads only the closed cases not yet erased (v22) */
	{ STMT_RET_COUNT, "retention dry run", "cases_retention", 0 },
	{ STMT_RET_CASES, "retention chunk", "cases_retention", 0 },
};

static void
plan_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_null(ctx);
}

/* 1 when the plan of sql on path obeys p; its lines go to stderr if not. */
static int
plan_ok(const char *path, const char *sql, const struct plan *p)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	char		 q[8192], all[2048] = "";
	const char	*d;
	int		 rc, ok = 1, indexed = p->index == NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	/* the store's own function (store_citmap.c), for the plan only */
	assert_int_equal(sqlite3_create_function(db, "citizen_head", 2,
	    SQLITE_UTF8, NULL, plan_fn, NULL, NULL), SQLITE_OK);
	snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "# %s: %s\n", p->what, sqlite3_errmsg(db));
		sqlite3_close(db);
		return 0;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		d = (const char *)sqlite3_column_text(s, 3);
		strlcat(all, "\n#   ", sizeof(all));
		strlcat(all, d, sizeof(all));
		/*
		 * "SCAN t" alone is the whole table; "SCAN t USING ..." an
		 * index, "SCAN (subquery-1)" the rows of a subquery
		 */
		if (strncmp(d, "SCAN ", 5) == 0 && strstr(d, " USING ") ==
		    NULL && strncmp(d, "SCAN (", 6) != 0 &&
		    strstr(d, "CONSTANT ROW") == NULL &&
		    strcmp(d, "SCAN chain") != 0 &&	/* a number's rows */
		    strcmp(d, "SCAN back") != 0)
			ok = 0;
		if (!p->sort_ok && strstr(d, "TEMP B-TREE") != NULL)
			ok = 0;
		if (p->index != NULL && strstr(d, p->index) != NULL)
			indexed = 1;
	}
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "# %s: %s\n", p->what, sqlite3_errmsg(db));
		ok = 0;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	if (!ok || !indexed)
		fprintf(stderr, "# %s: wanted %s%s, plan:%s\n", p->what,
		    p->index != NULL ? p->index : "an index",
		    p->sort_ok ? "" : " and no sort", all);
	return ok && indexed;
}

static void
check_plans(const char *path)
{
	size_t	i;
	int	bad = 0;

	for (i = 0; i < nitems(plans); i++)
		if (!plan_ok(path, store_sql[plans[i].stmt], &plans[i]))
			bad++;
	assert_int_equal(bad, 0);
}

static int
setup(void **state)
{
	struct fixture	*f;

	f = calloc(1, sizeof(*f));
	if ((f->st = testdb_open("test_queries", f->dir, sizeof(f->dir),
	    f->path, sizeof(f->path), &f->crypto)) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	store_close(f->st);
	crypto_free(f->crypto);
	testdb_remove(f->dir, f->path);
	free(f);
	return 0;
}

/* A new database: every query walks its index. */
static void
test_plans_new(void **state)
{
	struct fixture	*f = *state;

	store_close(f->st);
	f->st = NULL;
	check_plans(f->path);
}

/*
 * The scans' pages by (due, id) seek both, the rest of the cursor's day
 * then the later days: a row value (due, id) > (?, ?) seeks due alone
 * and reads the whole day again each slice, which the overdue scan did
 * for cases overdue but not yet to escalate (escalate-after).
 */
static void
test_pages_seek(void **state)
{
	static const enum store_stmt	 pages[] = {
		STMT_CASE_OVERDUE_PAGE, STMT_CASE_NOTICE_PAGE
	};
	struct fixture			*f = *state;
	sqlite3_stmt			*s;
	char				 q[8192];
	size_t				 i;
	int				 seeks;

	for (i = 0; i < nitems(pages); i++) {
		snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s",
		    store_sql[pages[i]]);
		assert_int_equal(sqlite3_prepare_v2(f->st->db, q, -1, &s,
		    NULL), SQLITE_OK);
		seeks = 0;
		while (sqlite3_step(s) == SQLITE_ROW)
			if (strstr((const char *)sqlite3_column_text(s, 3),
			    "(due=? AND rowid>?)") != NULL)
				seeks++;
		sqlite3_finalize(s);
		assert_int_equal(seeks, 1);
	}
}

/* store_case_search() picks the statement of its leading filter. */
static void
test_search_stmt(void **state)
{
	struct store_case_filter	flt;

	store_case_filter_init(&flt);
	assert_int_equal(store_case_search_stmt(&flt), STMT_CASE_SEARCH);
	flt.category = "complaint";	/* common: the newest fill a page */
	assert_int_equal(store_case_search_stmt(&flt), STMT_CASE_SEARCH);
	flt.received_to = T0;
	assert_int_equal(store_case_search_stmt(&flt),
	    STMT_CASE_SEARCH_RECEIVED);
	flt.open = 1;
	assert_int_equal(store_case_search_stmt(&flt), STMT_CASE_SEARCH_OPEN);
	flt.open = -1;
	flt.overdue_on = "2026-12-01";
	assert_int_equal(store_case_search_stmt(&flt),
	    STMT_CASE_SEARCH_OVERDUE);
	flt.state = "dispatched";
	assert_int_equal(store_case_search_stmt(&flt),
	    STMT_CASE_SEARCH_STATE);
	flt.confidential = 1;
	assert_int_equal(store_case_search_stmt(&flt),
	    STMT_CASE_SEARCH_CONFIDENTIAL);
	flt.supervised = 1;
	assert_int_equal(store_case_search_stmt(&flt),
	    STMT_CASE_SEARCH_SUPERVISED);
	flt.unit = "cgj";
	assert_int_equal(store_case_search_stmt(&flt), STMT_CASE_SEARCH_UNIT);
	/* "not supervised", "not confidential" are most cases: no index */
	store_case_filter_init(&flt);
	flt.supervised = 0;
	flt.confidential = 0;
	assert_int_equal(store_case_search_stmt(&flt), STMT_CASE_SEARCH);
}

/*
 * v18 on an existing v16 database with cases in it: the indexes are
 * built in place, the plans are the new database's, and the rows found
 * through them are the rows the whole table holds.
 */
static void
test_upgrade_v18(void **state)
{
	struct fixture			*f = *state;
	struct store_opts		 o = { .max_version = 16 };
	struct store_case_new		 c;
	struct store_case_filter	 flt;
	struct store_case		 out[8];
	char				 err[256];
	char				 number[STORE_CASE_NUMBER_MAX];
	char				 p[160];
	int64_t				 id;
	int				 i, n;

	store_close(f->st);
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	f->st = store_open(f->path, f->crypto, &o, err, sizeof(err));
	assert_non_null(f->st);
	assert_int_equal(store_version(f->st), 16);
	assert_int_equal(store_txn_begin(f->st), 0);
	for (i = 0; i < 5; i++) {
		memset(&c, 0, sizeof(c));
		c.msisdn = NUM;
		c.category = "complaint";
		c.text = "楼下烧烤店噪音扰民";
		c.received_at = T0 + i;
		c.due = i < 3 ? "2026-11-20" : "2026-12-20";
		assert_int_equal(store_case_add(f->st, &c, &id, number), 0);
	}
	assert_int_equal(store_txn_commit(f->st), 0);
	store_close(f->st);
	f->st = store_open(f->path, f->crypto, NULL, err, sizeof(err));
	assert_non_null(f->st);
	assert_int_equal(store_version(f->st), STORE_SCHEMA_VERSION);
	assert_int_equal(testdb_peek(f->path, "SELECT COUNT(*) FROM "
	    "sqlite_master WHERE name IN ('cases_open', 'cases_state', "
	    "'cases_supervised', 'cases_confidential', 'case_units_active', "
	    "'cases_overdue', 'surveys_due', 'cases_retention')"), 8);
	/* the rows an index finds are the table's */
	store_case_filter_init(&flt);
	flt.open = 1;
	assert_int_equal(store_case_search(f->st, &flt, out, 8), 5);
	for (i = 0; i < 5; i++)
		store_case_clear(&out[i]);
	store_case_filter_init(&flt);
	flt.state = "registered";
	assert_int_equal(store_case_search(f->st, &flt, out, 8), 5);
	assert_true(out[0].id > out[4].id);	/* newest first */
	for (i = 0; i < 5; i++)
		store_case_clear(&out[i]);
	n = store_case_overdue_page(f->st, "2026-11-26", NULL, 0, out, 8);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++)
		store_case_clear(&out[i]);
	assert_int_equal(store_case_list_open(f->st, NUM, out, 8), 5);
	assert_true(out[0].id > out[4].id);
	for (i = 0; i < 5; i++)
		store_case_clear(&out[i]);
	store_close(f->st);
	f->st = NULL;
	check_plans(f->path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plans_new, setup,
		    teardown),
		cmocka_unit_test(test_search_stmt),
		cmocka_unit_test_setup_teardown(test_pages_seek, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_v18, setup,
		    teardown),
	};

	log_init(LOG_TO_STDERR, LOG_L_WARN, "test_queries");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
